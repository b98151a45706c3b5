import type { Redis } from 'ioredis';
import type { ReadCache } from '../http/read-cache.js';

/**
 * The read cache in Redis, shared by instances: one hash per account, each field an entry with
 * its own expiry, and the hash itself expiring with its newest entry. Forgetting an account is
 * one DEL, whichever instance wrote or saw the change.
 */
export class RedisReadCache implements ReadCache {
  readonly inProcess = false;
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vrg:',
    private readonly now: () => number = Date.now,
  ) {}

  #key(account: string): string {
    return `${this.prefix}cache:{${account}}`;
  }

  async get(account: string, key: string): Promise<unknown | undefined> {
    const text = await this.redis.hget(this.#key(account), key);
    if (text === null) {
      return undefined;
    }
    const entry = JSON.parse(text) as { value: unknown; expiresAt: number };
    return entry.expiresAt > this.now() ? entry.value : undefined;
  }

  async set(account: string, key: string, value: unknown, ttlMs: number): Promise<void> {
    const entry = JSON.stringify({ value, expiresAt: this.now() + ttlMs });
    await this.redis
      .multi()
      .hset(this.#key(account), key, entry)
      .pexpire(this.#key(account), ttlMs)
      .exec();
  }

  async invalidate(account: string): Promise<void> {
    await this.redis.del(this.#key(account));
  }
}
