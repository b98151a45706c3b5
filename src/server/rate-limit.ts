import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { ClientIdentity } from '../context.js';
import type { RateLimitStore } from './rate-limit-store.js';

export interface RateLimitOptions {
  /** Requests one client may make per window (`rateLimitRequests`). */
  readonly limit: number;
  /** Window length in milliseconds (`rateLimitWindowSeconds` × 1000). */
  readonly windowMs: number;
  readonly store: RateLimitStore;
  /** The authenticated client of a request, or null when it has none (anonymous or refused). */
  readonly identify: (request: Request) => Promise<ClientIdentity | null>;
  /** Where a failing store is reported, with the request; it then goes through unlimited. */
  readonly logError?: (message: string, error: unknown, request: Request) => void;
  /** Proxies in front of the service whose `X-Forwarded-For` entries are believed (default 0). */
  readonly trustedProxyHops?: number;
  /**
   * Requests answered before any GraphQL parsing (GraphiQL's page and assets) that count too;
   * they are counted as they arrive, and one past the limit gets a plain 429.
   */
  readonly alsoCounts?: (request: Request, url: URL) => boolean;
}

interface Budget {
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until the window ends, rounded up. */
  readonly resetSeconds: number;
}

/** Headers every client of the API may read, browsers included (see the CORS policy). */
export const RATE_LIMIT_HEADERS = [
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
];

/**
 * The key a request is counted under: the API key id or JWT subject of an authenticated client;
 * otherwise the client's address, which also counts failed attempts at guessing a key.
 *
 * The address is the connection's peer unless `trustedProxyHops` proxies stand in front of the
 * service: then it is the entry the outermost of them appended to `X-Forwarded-For`, counted
 * from the right, since each proxy appends the address it saw and only those entries can be
 * believed. Anything to their left was written by the client, who could otherwise spread its
 * requests over as many keys as it likes. With 0 (the default) the header is not read at all.
 */
export function rateLimitKey(
  client: ClientIdentity | null,
  serverContext: unknown,
  forwardedFor: string | null = null,
  trustedProxyHops = 0,
): string {
  if (client && client.kind !== 'anonymous') {
    return `${client.kind}:${client.id}`;
  }
  const peer = peerAddress(serverContext) ?? 'unknown';
  if (trustedProxyHops === 0 || !forwardedFor) {
    return `address:${peer}`;
  }
  // The peer is the nearest proxy; each hop before it is one entry from the right.
  const forwarded = forwardedFor
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const chain = [...forwarded, peer];
  const address = chain[Math.max(0, chain.length - 1 - trustedProxyHops)] ?? peer;
  return `address:${address.slice(0, 64)}`;
}

/** The socket address Node's HTTP server hands Yoga as `serverContext.req`; absent in `app.fetch`. */
function peerAddress(serverContext: unknown): string | null {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: unknown } } } | null)?.req;
  const address = req?.socket?.remoteAddress;
  return typeof address === 'string' ? address : null;
}

/**
 * Counts every GraphQL request per client in the store, before it is parsed, and every request
 * `alsoCounts` names as it arrives. Every response counted carries the IETF draft
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds) headers; past the
 * limit the answer is HTTP 429 with `Retry-After` (for GraphQL, with a GraphQL error with code
 * `RATE_LIMITED`), and nothing runs.
 */
/** The rate limit: the Yoga plugin that applies it to HTTP requests, and its counter for others. */
export interface RateLimiter {
  readonly plugin: Plugin;
  /**
   * Counts one request made some other way (a subscription over WebSocket) against its client's
   * budget; the message to refuse it with when it is over, else null.
   */
  over(request: Request, serverContext: unknown): Promise<string | null>;
}

export function useRateLimit(options: RateLimitOptions): Plugin {
  return createRateLimiter(options).plugin;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const budgets = new WeakMap<Request, Budget>();
  /** Counts the request; its budget, or null when the store failed and it went uncounted. */
  async function count(request: Request, serverContext: unknown): Promise<Budget | null> {
    const key = rateLimitKey(
      await options.identify(request),
      serverContext,
      request.headers.get('x-forwarded-for'),
      options.trustedProxyHops,
    );
    let hit: Awaited<ReturnType<RateLimitStore['hit']>>;
    try {
      hit = await options.store.hit(key, options.windowMs);
    } catch (error) {
      // A store outage should not take the API down with it.
      options.logError?.(
        'The rate-limit store failed; this request was not counted',
        error,
        request,
      );
      return null;
    }
    const budget: Budget = {
      limit: options.limit,
      remaining: Math.max(0, options.limit - hit.count),
      resetSeconds: Math.max(0, Math.ceil(hit.resetMs / 1000)),
    };
    budgets.set(request, budget);
    return hit.count > options.limit ? budget : null;
  }
  const message = (budget: Budget) =>
    `Too many requests from this client; try again in ${budget.resetSeconds} seconds`;
  const plugin: Plugin = {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (!options.alsoCounts?.(request, url)) {
        return;
      }
      const over = await count(request, serverContext);
      if (over) {
        endResponse(
          new fetchAPI.Response(message(over), {
            status: 429,
            headers: {
              'content-type': 'text/plain; charset=utf-8',
              'Retry-After': String(over.resetSeconds),
            },
          }),
        );
      }
    },
    async onRequestParse({ request, serverContext }) {
      if (request.method !== 'GET' && request.method !== 'POST') {
        return;
      }
      const over = await count(request, serverContext);
      if (over) {
        throw createGraphQLError(message(over), {
          extensions: {
            code: 'RATE_LIMITED',
            retryAfterSeconds: over.resetSeconds,
            http: { status: 429, headers: { 'Retry-After': String(over.resetSeconds) } },
          },
        });
      }
    },
    onResponse({ request, response }) {
      const budget = budgets.get(request);
      if (budget) {
        response.headers.set('RateLimit-Limit', String(budget.limit));
        response.headers.set('RateLimit-Remaining', String(budget.remaining));
        response.headers.set('RateLimit-Reset', String(budget.resetSeconds));
      }
    },
  };
  return {
    plugin,
    async over(request, serverContext) {
      const budget = await count(request, serverContext);
      return budget ? message(budget) : null;
    },
  };
}
