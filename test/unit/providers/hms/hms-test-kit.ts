import { readFileSync } from 'node:fs';
import { jwtVerify } from 'jose';
import { type Interceptable, MockAgent } from 'undici';
import { expect } from 'vitest';
import {
  createHmsProvider,
  type HmsProviderOptions,
} from '../../../../src/providers/hms/hms-provider.js';

/** Shared set-up for the 100ms adapter unit tests: a local MockAgent, never the global one. */
export const ORIGIN = 'https://api.100ms.live';
export const ACCESS_KEY = '6500aa11bb22cc33dd44ee55';
export const SECRET = 'unit-test-app-secret';
/** 2024-01-15T12:00:00Z */
export const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
export const ROOM_ID = '65a1b2c3d4e5f60718293a4b';

export function fixture<T = Record<string, unknown>>(name: string): T {
  const url = new URL(`../../../fixtures/hms/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}

/** One request the mock answered, as the adapter sent it. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

export function createKit(overrides: Partial<HmsProviderOptions> = {}) {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const clock = { now: NOW };
  const provider = createHmsProvider({
    key: 'hms-test',
    baseUrl: `${ORIGIN}/v2`,
    dispatcher: agent,
    timeoutMs: 2_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    defaultTokenTtlSeconds: 7_200,
    now: () => clock.now,
    appAccessKey: ACCESS_KEY,
    appSecret: SECRET,
    ...overrides,
  });
  const pool: Interceptable = agent.get(ORIGIN);
  const seen: Seen[] = [];

  /** Answers the next request to `method path` (query included) and records it. */
  function reply(method: string, path: string, status: number, body: unknown): void {
    pool.intercept({ method, path }).reply((options) => {
      seen.push({
        method: options.method,
        path: options.path,
        headers: normaliseHeaders(options.headers),
        body: typeof options.body === 'string' ? JSON.parse(options.body) : undefined,
      });
      return {
        statusCode: status,
        data: JSON.stringify(body),
        responseOptions: { headers: { 'content-type': 'application/json' } },
      };
    });
  }

  async function close(): Promise<void> {
    agent.assertNoPendingInterceptors();
    await agent.close();
  }

  return { agent, provider, clock, seen, reply, close };
}

function normaliseHeaders(headers: unknown): Record<string, string> {
  const entries: [string, string][] =
    headers instanceof Headers
      ? [...headers.entries()]
      : Array.isArray(headers)
        ? pairs(headers as string[])
        : Object.entries((headers ?? {}) as Record<string, string>);
  return Object.fromEntries(entries.map(([name, value]) => [name.toLowerCase(), String(value)]));
}

function pairs(flat: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    out.push([flat[i] as string, flat[i + 1] as string]);
  }
  return out;
}

/** Verifies a request's bearer token as 100ms would and returns its claims. */
export async function managementClaims(headers: Record<string, string>, at = NOW) {
  const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
  expect(match, 'Authorization: Bearer <token>').not.toBeNull();
  const { payload, protectedHeader } = await jwtVerify(
    match?.[1] ?? '',
    new TextEncoder().encode(SECRET),
    { currentDate: new Date(at), algorithms: ['HS256'] },
  );
  expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
  return payload;
}
