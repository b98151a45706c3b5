import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisReadCache } from '../../src/store/redis-read-cache.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

describe('RedisReadCache', () => {
  it('shares an entry between instances until it expires or the account is forgotten', async () => {
    let now = 1_000_000;
    const one = new RedisReadCache(redis, 'test-a:', () => now);
    const two = new RedisReadCache(redis, 'test-a:', () => now);

    await one.set('acct', 'rooms', { rooms: ['r1'] }, 2_000);
    expect(await two.get('acct', 'rooms')).toEqual({ rooms: ['r1'] });

    now += 2_001;
    expect(await two.get('acct', 'rooms')).toBeUndefined();

    await one.set('acct', 'rooms', { rooms: ['r2'] }, 2_000);
    await two.invalidate('acct');
    expect(await one.get('acct', 'rooms')).toBeUndefined();
  });
});
