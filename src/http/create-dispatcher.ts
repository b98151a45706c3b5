import { Pool } from 'undici';

/** Socket-level limits for one upstream origin. All in milliseconds. */
export interface DispatcherOptions {
  /** TCP + TLS connect timeout. */
  readonly connectTimeoutMs: number;
  /** Time from sending the request to receiving all response headers. */
  readonly headersTimeoutMs: number;
  /** Longest silence between two body chunks. */
  readonly bodyTimeoutMs: number;
  /** How long an idle keep-alive socket stays open. */
  readonly keepAliveTimeoutMs: number;
  /** Most sockets to the origin; also caps requests in flight to it. */
  readonly connections: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: DispatcherOptions = {
  connectTimeoutMs: 5_000,
  headersTimeoutMs: 15_000,
  bodyTimeoutMs: 15_000,
  keepAliveTimeoutMs: 10_000,
  connections: 16,
};

/**
 * One keep-alive pool per upstream origin, with explicit timeouts: undici's own defaults are
 * 300 s for headers and body, far past any GraphQL request's patience.
 */
export function createDispatcher(
  origin: string,
  options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS,
): Pool {
  return new Pool(new URL(origin).origin, {
    connect: { timeout: options.connectTimeoutMs },
    headersTimeout: options.headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    connections: options.connections,
  });
}
