import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IdempotencyConflictError,
  OutcomeUnknownError,
  ProviderUnavailableError,
  StateStoreUnavailableError,
  UnsupportedOperationError,
} from '../../src/domain/errors.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../../src/server/rate-limit-store.js';
import {
  createRedisClient,
  createStores,
  redisLocation,
  waitForRedis,
} from '../../src/store/create-stores.js';
import {
  type IdempotencyStore,
  MemoryIdempotencyStore,
} from '../../src/store/idempotency-store.js';
import {
  IDEMPOTENCY_KEY_PREFIX,
  RedisIdempotencyStore,
} from '../../src/store/redis-idempotency-store.js';
import { RedisRateLimitStore } from '../../src/store/redis-rate-limit-store.js';
import { runIdempotent } from '../../src/store/run-idempotent.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

// The same contract, run against the in-memory stores and against a real redis-server. Each
// case gets two handles on one store: for Redis, two stores on two separate connections (as two
// instances would have); in memory, the one store twice.

let server: RedisServer;
let clientA: Redis;
let clientB: Redis;
const clients: Redis[] = [];

async function connectedClient(url: string): Promise<Redis> {
  const client = createRedisClient(url);
  client.on('error', () => {});
  clients.push(client);
  await waitForRedis(client, 5_000, url);
  return client;
}

beforeAll(async () => {
  server = await startRedisServer();
  clientA = await connectedClient(server.url);
  clientB = await connectedClient(server.url);
});

afterAll(async () => {
  for (const client of clients) {
    client.disconnect();
  }
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface IdempotencySubject {
  readonly name: string;
  pair(): [IdempotencyStore, IdempotencyStore];
}

const idempotencySubjects: IdempotencySubject[] = [
  {
    name: 'MemoryIdempotencyStore',
    pair: () => {
      const store = new MemoryIdempotencyStore();
      return [store, store];
    },
  },
  {
    name: 'RedisIdempotencyStore',
    pair: () => {
      const prefix = `vrg:test:${randomUUID()}:`;
      return [
        new RedisIdempotencyStore(clientA, { prefix }),
        new RedisIdempotencyStore(clientB, { prefix }),
      ];
    },
  },
];

/** When a claim made now goes stale: far enough off that none does in these tests. */
const later = () => Date.now() + 60_000;

describe.each(idempotencySubjects)('$name', (subject) => {
  it('claims a free key once; the record is pending until completed, then done', async () => {
    const [a, b] = subject.pair();
    expect(await a.claim('k', 'f', 60_000, 'owner-a', later())).toBeNull();
    expect(await b.claim('k', 'f', 60_000, 'owner-b', later())).toMatchObject({
      state: 'pending',
      fingerprint: 'f',
    });
    expect(await b.get('k')).toMatchObject({ state: 'pending', fingerprint: 'f' });
    await a.complete('k', 'f', 'room-1', 60_000);
    expect(await b.get('k')).toEqual({ state: 'done', fingerprint: 'f', value: 'room-1' });
    expect(await b.claim('k', 'g', 60_000, 'owner-b', later())).toEqual({
      state: 'done',
      fingerprint: 'f',
      value: 'room-1',
    });
    expect(await a.get('other')).toBeNull();
  });

  it('frees a released claim, so the same request can run again', async () => {
    const [a, b] = subject.pair();
    expect(await a.claim('k', 'f', 60_000, 'owner-a', later())).toBeNull();
    await a.release('k', 'owner-a');
    expect(await b.get('k')).toBeNull();
    expect(await b.claim('k', 'f', 60_000, 'owner-b', later())).toBeNull();
  });

  it('forgets pending and finished keys when their TTL is up', async () => {
    const [a, b] = subject.pair();
    expect(await a.claim('pending', 'f', 80, 'owner-a', later())).toBeNull();
    expect(await a.claim('done', 'f', 60_000, 'owner-a', later())).toBeNull();
    await a.complete('done', 'f', 'room-1', 80);
    expect(await b.get('pending')).not.toBeNull();
    expect(await b.get('done')).not.toBeNull();
    await sleep(200);
    expect(await b.get('pending')).toBeNull();
    expect(await b.get('done')).toBeNull();
    expect(await b.claim('pending', 'g', 60_000, 'owner-b', later())).toBeNull();
    expect(await b.claim('done', 'g', 60_000, 'owner-b', later())).toBeNull();
  });

  it('lets exactly one of 20 concurrent claims win, across both handles', async () => {
    const [a, b] = subject.pair();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? a : b).claim(
          'contended',
          `f${index}`,
          60_000,
          `owner-${index}`,
          later(),
        ),
      ),
    );
    const winners = results.flatMap((result, index) => (result === null ? [index] : []));
    expect(winners).toHaveLength(1);
    const winner = `f${winners[0]}`;
    for (const result of results) {
      if (result !== null) {
        expect(result).toMatchObject({ state: 'pending', fingerprint: winner });
      }
    }
  });

  describe('through runIdempotent', () => {
    const call = (fingerprint: string) => ({ key: 'k', fingerprint, ttlMs: 60_000, waitMs: 3_000 });

    it('answers the same key with other input as IdempotencyConflictError, running nothing', async () => {
      const [a, b] = subject.pair();
      await runIdempotent(a, call('f'), async () => 'room-1');
      let ran = false;
      await expect(
        runIdempotent(b, call('g'), async () => {
          ran = true;
          return 'room-2';
        }),
      ).rejects.toBeInstanceOf(IdempotencyConflictError);
      expect(ran).toBe(false);
    });

    it('runs the work once for concurrent callers on both handles', async () => {
      const [a, b] = subject.pair();
      let runs = 0;
      const work = async () => {
        runs++;
        await sleep(60);
        return 'room-1';
      };
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, index) => runIdempotent(index % 2 ? a : b, call('f'), work)),
      );
      expect(results.map((result) => result.value)).toEqual(Array(6).fill('room-1'));
      expect(results.filter((result) => !result.replayed)).toHaveLength(1);
      expect(runs).toBe(1);
    });

    it('lets the other handle run a request whose first attempt failed', async () => {
      const [a, b] = subject.pair();
      await expect(
        runIdempotent(a, call('f'), async () => Promise.reject(new Error('upstream down'))),
      ).rejects.toThrow('upstream down');
      await expect(runIdempotent(b, call('f'), async () => 'room-1')).resolves.toEqual({
        value: 'room-1',
        replayed: false,
      });
    });

    /** A create that was sent and timed out: nobody knows whether the room exists. */
    const sentThenTimedOut = async (): Promise<string> => {
      throw new ProviderUnavailableError('Provider test did not answer within 10000 ms', {
        provider: 'test',
        operation: 'createRoom',
        providerCode: 'TIMEOUT',
        outcomeUnknown: true,
      });
    };

    it('keeps the key in doubt after a create of unknown outcome, and never creates again blindly', async () => {
      const [a, b] = subject.pair();
      await expect(runIdempotent(a, call('f'), sentThenTimedOut)).rejects.toBeInstanceOf(
        OutcomeUnknownError,
      );
      expect(await b.get('k')).toEqual({ state: 'in-doubt', fingerprint: 'f' });
      let created = 0;
      const create = async () => {
        created++;
        return 'room-2';
      };
      // Without a way to ask the provider, the doubt stays, and nothing is created.
      await expect(runIdempotent(b, call('f'), create)).rejects.toBeInstanceOf(OutcomeUnknownError);
      await expect(
        runIdempotent(a, call('f'), create, async () => {
          throw new UnsupportedOperationError('test', 'createRoom');
        }),
      ).rejects.toBeInstanceOf(OutcomeUnknownError);
      expect(created).toBe(0);
      expect(await a.get('k')).toEqual({ state: 'in-doubt', fingerprint: 'f' });
    });

    it('resolves a doubt by asking the provider: the room it finds is the answer', async () => {
      const [a, b] = subject.pair();
      await expect(runIdempotent(a, call('f'), sentThenTimedOut)).rejects.toThrow();
      let created = 0;
      const create = async () => {
        created++;
        return 'room-2';
      };
      await expect(runIdempotent(b, call('f'), create, async () => 'room-1')).resolves.toEqual({
        value: 'room-1',
        replayed: true,
      });
      // Settled: the next repeat replays without asking again.
      await expect(runIdempotent(a, call('f'), create, async () => null)).resolves.toEqual({
        value: 'room-1',
        replayed: true,
      });
      expect(created).toBe(0);
    });

    it('creates once when the provider says the earlier create made nothing', async () => {
      const [a, b] = subject.pair();
      await expect(runIdempotent(a, call('f'), sentThenTimedOut)).rejects.toThrow();
      let asked = 0;
      let created = 0;
      const results = await Promise.all(
        Array.from({ length: 4 }, (_, index) =>
          runIdempotent(
            index % 2 ? a : b,
            call('f'),
            async () => {
              created++;
              await sleep(40);
              return 'room-2';
            },
            async () => {
              asked++;
              return null;
            },
          ),
        ),
      );
      expect(results.map((result) => result.value)).toEqual(Array(4).fill('room-2'));
      expect(asked).toBe(1);
      expect(created).toBe(1);
    });

    it('treats a claim whose request died mid-create as in doubt, not as free', async () => {
      const [a, b] = subject.pair();
      // A request that claimed the key and never finished (its process died): stale at once.
      expect(await a.claim('k', 'f', 60_000, 'owner-dead', Date.now() - 1)).toBeNull();
      let created = 0;
      await expect(
        runIdempotent(b, call('f'), async () => {
          created++;
          return 'room-2';
        }),
      ).rejects.toBeInstanceOf(OutcomeUnknownError);
      expect(created).toBe(0);
    });
  });

  it('keeps a finished record when a release comes after complete', async () => {
    const [a, b] = subject.pair();
    expect(await a.claim('k', 'f', 60_000, 'owner-a', later())).toBeNull();
    await a.complete('k', 'f', 'room-1', 60_000);
    await a.release('k', 'owner-a');
    await b.release('k', 'owner-b');
    expect(await b.get('k')).toEqual({ state: 'done', fingerprint: 'f', value: 'room-1' });
  });

  it('does not let a late release delete the claim another request made after ours expired', async () => {
    const [a, b] = subject.pair();
    expect(await a.claim('k', 'f', 50, 'owner-a', later())).toBeNull();
    await sleep(120);
    expect(await b.claim('k', 'f', 60_000, 'owner-b', later())).toBeNull();
    await a.release('k', 'owner-a');
    expect(await a.get('k')).toMatchObject({ state: 'pending', fingerprint: 'f' });
  });

  it('expires a short-lived key while an older, longer-lived one is still held', async () => {
    const [a, b] = subject.pair();
    expect(await a.claim('long', 'f', 60_000, 'owner-a', later())).toBeNull();
    expect(await a.claim('short', 'f', 50, 'owner-a', later())).toBeNull();
    await sleep(120);
    expect(await b.claim('short', 'g', 60_000, 'owner-b', later())).toBeNull();
  });
});

describe('RedisIdempotencyStore in Redis', () => {
  it('keeps records under vrg:idem: with a TTL, holding only state, fingerprint, owner, staleAt and result', async () => {
    const store = new RedisIdempotencyStore(clientA);
    const key = `createRoom:signalwire:${randomUUID()}`;
    expect(IDEMPOTENCY_KEY_PREFIX).toBe('vrg:idem:');
    expect(await store.claim(key, 'digest', 60_000, 'owner-store', later())).toBeNull();
    const pending = JSON.parse((await clientB.get(`vrg:idem:${key}`)) ?? 'null');
    expect(Object.keys(pending).sort()).toEqual(['fingerprint', 'owner', 'staleAt', 'state']);
    expect(pending).toMatchObject({ state: 'pending', fingerprint: 'digest' });
    const pendingTtl = await clientB.pttl(`vrg:idem:${key}`);
    expect(pendingTtl).toBeGreaterThan(59_000);
    expect(pendingTtl).toBeLessThanOrEqual(60_000);
    await store.complete(key, 'digest', 'room-1', 30_000);
    expect(JSON.parse((await clientB.get(`vrg:idem:${key}`)) ?? 'null')).toEqual({
      state: 'done',
      fingerprint: 'digest',
      value: 'room-1',
    });
    expect(await clientB.pttl(`vrg:idem:${key}`)).toBeLessThanOrEqual(30_000);
    await clientB.del(`vrg:idem:${key}`);
  });

  it('refuses a record it did not write rather than guessing', async () => {
    const prefix = `vrg:test:${randomUUID()}:`;
    await clientB.set(`${prefix}k`, '{"state":"weird"}', 'PX', 60_000);
    await expect(new RedisIdempotencyStore(clientA, { prefix }).get('k')).rejects.toThrow(
      'not one this service wrote',
    );
  });
});

interface RateLimitSubject {
  readonly name: string;
  pair(): [RateLimitStore, RateLimitStore];
}

const rateLimitSubjects: RateLimitSubject[] = [
  {
    name: 'MemoryRateLimitStore',
    pair: () => {
      const store = new MemoryRateLimitStore();
      return [store, store];
    },
  },
  {
    name: 'RedisRateLimitStore',
    pair: () => {
      const prefix = `vrg:test:${randomUUID()}:`;
      return [
        new RedisRateLimitStore(clientA, { prefix }),
        new RedisRateLimitStore(clientB, { prefix }),
      ];
    },
  },
];

describe.each(rateLimitSubjects)('$name', (subject) => {
  it('counts hits per key in a fixed window and says when it ends', async () => {
    const [a, b] = subject.pair();
    const first = await a.hit('client-1', 60_000);
    expect(first.count).toBe(1);
    expect(first.resetMs).toBeGreaterThan(59_000);
    expect(first.resetMs).toBeLessThanOrEqual(60_000);
    expect((await b.hit('client-1', 60_000)).count).toBe(2);
    expect((await a.hit('client-1', 60_000)).count).toBe(3);
    expect((await b.hit('client-2', 60_000)).count).toBe(1);
  });

  it('gives 20 concurrent hits on both handles the counts 1 to 20', async () => {
    const [a, b] = subject.pair();
    const hits = await Promise.all(
      Array.from({ length: 20 }, (_, index) => (index % 2 ? a : b).hit('client', 60_000)),
    );
    expect(hits.map((hit) => hit.count).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 20 }, (_, index) => index + 1),
    );
  });

  it('starts a new window once the old one is over', async () => {
    const [a, b] = subject.pair();
    await a.hit('client', 80);
    expect((await b.hit('client', 80)).count).toBe(2);
    await sleep(200);
    expect((await b.hit('client', 80)).count).toBe(1);
  });
});

describe('createStores', () => {
  it('keeps state in memory without REDIS_URL', async () => {
    const stores = createStores({ redisUrl: undefined });
    expect(stores.redis).toBeNull();
    expect(stores.idempotency).toBeInstanceOf(MemoryIdempotencyStore);
    expect(stores.rateLimit).toBeInstanceOf(MemoryRateLimitStore);
    expect(stores.description).toMatch(/^in memory/);
    await stores.ready();
    await stores.close();
  });

  it('keeps state in Redis with REDIS_URL, and closes its client', async () => {
    const stores = createStores({ redisUrl: server.url }, { logError: () => {} });
    await stores.ready();
    expect(stores.description).toBe(
      `in Redis at ${server.url} (shared by every instance using it)`,
    );
    const key = `createRoom:x:${randomUUID()}`;
    expect(await stores.idempotency.claim(key, 'f', 60_000, 'owner', later())).toBeNull();
    expect(await new RedisIdempotencyStore(clientA).get(key)).toMatchObject({
      state: 'pending',
      fingerprint: 'f',
    });
    await stores.idempotency.release(key, 'owner');
    expect((await stores.rateLimit.hit(`client-${randomUUID()}`, 60_000)).count).toBe(1);
    await stores.close();
    expect(stores.redis?.status).toBe('end');
  });

  it('names where Redis is without its credentials', () => {
    expect(redisLocation('redis://user:s3cret@cache.internal:6380/2')).toBe(
      'redis://cache.internal:6380/2',
    );
    expect(redisLocation('rediss://:s3cret@cache.internal')).toBe('rediss://cache.internal');
  });

  it('fails fast with STATE_STORE_UNAVAILABLE once Redis is gone, and reports it once', async () => {
    const doomed = await startRedisServer();
    const reported: string[] = [];
    const stores = createStores(
      { redisUrl: doomed.url },
      { logError: (message) => reported.push(message) },
    );
    try {
      await stores.ready();
      await doomed.stop();
      // Let the client see the connection close.
      await sleep(100);
      const started = Date.now();
      const claim = stores.idempotency.claim('k', 'f', 60_000, 'owner', later());
      await expect(claim).rejects.toBeInstanceOf(StateStoreUnavailableError);
      await expect(claim).rejects.toMatchObject({ code: 'STATE_STORE_UNAVAILABLE' });
      await expect(stores.idempotency.get('k')).rejects.toBeInstanceOf(StateStoreUnavailableError);
      await expect(stores.rateLimit.hit('client', 60_000)).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
      await sleep(300);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toContain('STATE_STORE_UNAVAILABLE');
    } finally {
      await stores.close();
      await doomed.stop();
    }
  });
});
