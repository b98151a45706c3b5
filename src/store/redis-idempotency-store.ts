import type { Redis } from 'ioredis';
import { IdempotencyPendingError, StateStoreUnavailableError } from '../domain/errors.js';
import type { IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';

/** Every idempotency key lives under this prefix, so the database can be shared with others. */
export const IDEMPOTENCY_KEY_PREFIX = 'vrg:idem:';

/**
 * Deletes a key only while it holds a pending claim of the given owner. A release that comes
 * late (after the claim expired and another request claimed the key, or after the result was
 * stored) deletes nothing.
 */
const RELEASE_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if value then
  local record = cjson.decode(value)
  if record.state == 'pending' and record.owner == ARGV[1] then
    return redis.call('DEL', KEYS[1])
  end
end
return 0
`;

/**
 * Turns the owner's pending claim into a doubt: the create was sent and nothing says whether it
 * happened. A key that already holds a result, or someone else's claim, is left as it is.
 */
const MARK_IN_DOUBT_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if value then
  local record = cjson.decode(value)
  if record.state == 'done' or record.owner ~= ARGV[1] then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`;

/**
 * Claims a key in doubt (or whose claim went stale) for one request, so that one at a time asks
 * the provider what happened: ARGV = owner, now, the new claim's staleAt, ttl.
 */
const TAKE_OVER_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value then
  return 0
end
local record = cjson.decode(value)
if record.state == 'in-doubt' or (record.state == 'pending' and tonumber(record.staleAt) <= tonumber(ARGV[2])) then
  local claim = cjson.encode({ state = 'pending', fingerprint = record.fingerprint, owner = ARGV[1], staleAt = tonumber(ARGV[3]) })
  redis.call('SET', KEYS[1], claim, 'PX', ARGV[4])
  return 1
end
return 0
`;

export interface RedisIdempotencyStoreOptions {
  /** Key prefix; `vrg:idem:` by default. Tests give each case its own. */
  readonly prefix?: string;
}

/**
 * Idempotency keys in Redis, for several instances behind a load balancer. A claim is one atomic
 * `SET key value PX ttl NX`, so of any number of concurrent claims on any number of instances
 * exactly one wins. Values hold the request's fingerprint (a digest of its input), the result (a
 * room id) and, while pending, a random owner token: never a credential.
 *
 * The caller owns the client: it connects it, and quits it when done.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisIdempotencyStoreOptions = {},
  ) {
    this.#prefix = options.prefix ?? IDEMPOTENCY_KEY_PREFIX;
  }

  async claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    owner: string,
    staleAt: number,
  ): Promise<IdempotencyRecord | null> {
    const redisKey = this.#prefix + key;
    const pending = JSON.stringify({ state: 'pending', fingerprint, owner, staleAt });
    // A second round only when the record vanished between SET NX and GET (released or expired).
    for (let attempt = 0; attempt < 2; attempt++) {
      let set: 'OK' | null;
      try {
        set = await this.redis.set(redisKey, pending, 'PX', milliseconds(ttlMs), 'NX');
      } catch (error) {
        // A claim that timed out may still have been applied: take it back if it was, so the key
        // is not left pending for a request that will never finish it.
        this.redis.eval(RELEASE_SCRIPT, 1, redisKey, owner).catch(() => {});
        throw new StateStoreUnavailableError(error);
      }
      if (set === 'OK') {
        return null;
      }
      const existing = await this.#read(redisKey);
      if (existing) {
        return existing;
      }
    }
    // Claimed and given up by others twice while we looked: someone is actively on this key.
    throw new IdempotencyPendingError();
  }

  async complete(key: string, fingerprint: string, value: string, ttlMs: number): Promise<void> {
    const record = JSON.stringify({ state: 'done', fingerprint, value });
    try {
      await this.redis.set(this.#prefix + key, record, 'PX', milliseconds(ttlMs));
    } catch (error) {
      throw new StateStoreUnavailableError(error);
    }
  }

  async release(key: string, owner: string): Promise<void> {
    try {
      await this.redis.eval(RELEASE_SCRIPT, 1, this.#prefix + key, owner);
    } catch (error) {
      throw new StateStoreUnavailableError(error);
    }
  }

  async markInDoubt(key: string, fingerprint: string, owner: string, ttlMs: number) {
    const record = JSON.stringify({ state: 'in-doubt', fingerprint });
    try {
      await this.redis.eval(
        MARK_IN_DOUBT_SCRIPT,
        1,
        this.#prefix + key,
        owner,
        record,
        milliseconds(ttlMs),
      );
    } catch (error) {
      throw new StateStoreUnavailableError(error);
    }
  }

  async takeOver(key: string, owner: string, now: number, staleAt: number, ttlMs: number) {
    try {
      const taken = await this.redis.eval(
        TAKE_OVER_SCRIPT,
        1,
        this.#prefix + key,
        owner,
        now,
        staleAt,
        milliseconds(ttlMs),
      );
      return taken === 1;
    } catch (error) {
      throw new StateStoreUnavailableError(error);
    }
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    return this.#read(this.#prefix + key);
  }

  async #read(redisKey: string): Promise<IdempotencyRecord | null> {
    let text: string | null;
    try {
      text = await this.redis.get(redisKey);
    } catch (error) {
      throw new StateStoreUnavailableError(error);
    }
    return text === null ? null : parseRecord(text);
  }
}

/** PX takes a whole, positive number of milliseconds. */
function milliseconds(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

/** The record in a stored value, without the owner token. Anything else is a bug: it throws. */
function parseRecord(text: string): IdempotencyRecord {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed === 'object' && parsed !== null) {
    const { state, fingerprint, value, staleAt } = parsed as Record<string, unknown>;
    if (state === 'pending' && typeof fingerprint === 'string' && typeof staleAt === 'number') {
      return { state, fingerprint, staleAt };
    }
    if (state === 'in-doubt' && typeof fingerprint === 'string') {
      return { state, fingerprint };
    }
    if (state === 'done' && typeof fingerprint === 'string' && typeof value === 'string') {
      return { state, fingerprint, value };
    }
  }
  throw new Error('An idempotency record in Redis is not one this service wrote');
}
