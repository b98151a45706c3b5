import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

/** A query that reaches a provider, so a request that slipped past the limit would show upstream. */
const LIST_HMS = JSON.stringify({
  query: /* GraphQL */ `{ provider(key: "hms") { rooms(first: 1) { edges { node { id } } } } }`,
});

const LIMIT = 3;

function rateHeaders(response: Response) {
  return {
    limit: response.headers.get('ratelimit-limit'),
    remaining: response.headers.get('ratelimit-remaining'),
    reset: Number(response.headers.get('ratelimit-reset')),
  };
}

describe('per-client rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        rateLimitRequests: LIMIT,
        rateLimitWindowSeconds: 60,
        clientApiKeys: [
          { id: 'first', sha256: sha256('key-first'), scopes: ['rooms:read'] },
          { id: 'second', sha256: sha256('key-second'), scopes: ['rooms:read'] },
        ],
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.emulator('hms').reset();
  });

  it('counts down in RateLimit headers, then answers 429 RATE_LIMITED with Retry-After and runs nothing', async () => {
    const answers: Response[] = [];
    for (let index = 0; index < LIMIT; index++) {
      answers.push(await server.post(LIST_HMS, bearer('key-first')));
    }
    expect(answers.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(answers.map((response) => rateHeaders(response).remaining)).toEqual(['2', '1', '0']);
    for (const response of answers) {
      expect(rateHeaders(response).limit).toBe('3');
      expect(rateHeaders(response).reset).toBeGreaterThan(0);
      expect(rateHeaders(response).reset).toBeLessThanOrEqual(60);
    }
    // Two list calls per request that went through: 100ms walks its enabled rooms, then its
    // disabled ones (README, "Where the code departs from DESIGN.md").
    expect(server.emulator('hms').log.count()).toBe(2 * LIMIT);

    const refused = await server.post(LIST_HMS, bearer('key-first'));
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(rateHeaders(refused)).toEqual({ limit: '3', remaining: '0', reset: retryAfter });
    expect(await refused.json()).toEqual({
      errors: [
        {
          message: `Too many requests from this client; try again in ${retryAfter} seconds`,
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
        },
      ],
    });
    expect(server.emulator('hms').log.count()).toBe(2 * LIMIT);
  });

  it('gives each client its own budget', async () => {
    const response = await server.post(LIST_HMS, bearer('key-second'));
    expect(response.status).toBe(200);
    expect(rateHeaders(response).remaining).toBe('2');
  });

  it('counts requests without credentials, and failed attempts at a key, by connection address', async () => {
    const statuses: number[] = [];
    for (let index = 0; index <= LIMIT; index++) {
      statuses.push((await server.post(LIST_HMS, bearer(`guess-${index}`))).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    const anonymous = await server.post(LIST_HMS);
    expect(anonymous.status).toBe(429);
  });
});

describe('clients without credentials', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimitRequests: 2 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('share one budget per connection address, whatever X-Forwarded-For claims', async () => {
    const statuses = [];
    for (const forwarded of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) {
      statuses.push((await server.post(LIST_HMS, { 'x-forwarded-for': forwarded })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('the rate-limit window', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimitRequests: 1, rateLimitWindowSeconds: 1 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lets the client in again once Retry-After has passed', async () => {
    expect((await server.post(LIST_HMS)).status).toBe(200);
    const refused = await server.post(LIST_HMS);
    expect(refused.status).toBe(429);
    await sleep(Number(refused.headers.get('retry-after')) * 1000 + 100);
    const again = await server.post(LIST_HMS);
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit-remaining')).toBe('0');
  });
});
