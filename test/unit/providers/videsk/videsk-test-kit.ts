import { readFileSync } from 'node:fs';
import { MockAgent } from 'undici';
import {
  createVideskProvider,
  type VideskProviderOptions,
} from '../../../../src/providers/videsk/videsk-provider.js';

/** Shared setup of the Videsk adapter unit tests: a MockAgent handed to the factory. */

export const BASE_URL = 'https://api.videsk.io';
export const API_TOKEN = 'vk_live_unit_test_4f1c9a';
/** 2024-08-14T16:00Z: inside the documented example room's window (15:00–18:00Z). */
export const NOW = Date.parse('2024-08-14T16:00:00.000Z');
export const ROOM_ID = '64f1a2b3c4d5e6f7a8b9c0d1';

export function fixture<T = Record<string, unknown>>(name: string): T {
  const url = new URL(`../../../fixtures/videsk/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Parsed JSON body, or undefined when none was sent. */
  readonly body: unknown;
}

export function createAgent(): MockAgent {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return agent;
}

/**
 * Expects one request with exactly this method and path (query included) and answers it.
 * The returned array receives the request as sent, for assertions on headers and body.
 */
export function expectRequest(
  agent: MockAgent,
  method: string,
  path: string,
  status: number,
  body?: unknown,
  headers?: Record<string, string>,
): SeenRequest[] {
  const seen: SeenRequest[] = [];
  agent
    .get(BASE_URL)
    .intercept({
      method,
      path: (candidate) => decodeURIComponent(candidate) === decodeURIComponent(path),
    })
    .reply((options) => {
      seen.push({
        method: options.method,
        path: options.path,
        headers: lowerCase(options.headers as Record<string, string>),
        body: typeof options.body === 'string' ? JSON.parse(options.body) : undefined,
      });
      return {
        statusCode: status,
        data: typeof body === 'string' ? body : JSON.stringify(body ?? ''),
        responseOptions: { headers: { 'content-type': 'application/json', ...headers } },
      };
    });
  return seen;
}

export function makeProvider(agent: MockAgent, overrides: Partial<VideskProviderOptions> = {}) {
  return createVideskProvider({
    key: 'videsk',
    baseUrl: BASE_URL,
    dispatcher: agent,
    timeoutMs: 2_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    defaultTokenTtlSeconds: 3_600,
    apiToken: API_TOKEN,
    now: () => NOW,
    ...overrides,
  });
}

/** An unsigned-looking JWT with these claims; the adapter never verifies Videsk's signature. */
export function jwtWith(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]),
  );
}
