import type { Redis } from 'ioredis';
import type { RateLimitHit, RateLimitStore } from '../server/rate-limit-store.js';

/** Every rate-limit counter lives under this prefix. */
const RATE_LIMIT_KEY_PREFIX = 'vrg:rl:';

/**
 * One hit, atomically: count it, start the window on the first hit (or on a counter that lost its
 * expiry, so no key can live forever), and say how long the window has left. The same as `INCR`
 * plus `PEXPIRE ... NX` plus `PTTL` in a MULTI, without needing Redis 7 for `NX`.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** The name the script is registered under on the client (ioredis `defineCommand`). */
const HIT_COMMAND = 'videoRoomsRateLimitHit';

interface RedisWithHit {
  [HIT_COMMAND](key: string, windowMs: number): Promise<unknown>;
}

export interface RedisRateLimitStoreOptions {
  /** Key prefix; `vrg:rl:` by default. */
  readonly prefix?: string;
}

/**
 * Fixed-window request counts in Redis, so every instance behind a load balancer spends one
 * budget per client. Keys hold only a count and expire with their window. The caller owns the
 * client. Errors propagate: the rate-limit plugin lets the request through and logs.
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly #prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimitStoreOptions = {},
  ) {
    this.#prefix = options.prefix ?? RATE_LIMIT_KEY_PREFIX;
    // Registered once: ioredis then sends EVALSHA, and the whole script only when Redis has not
    // seen it yet, instead of the script's text with every GraphQL request.
    redis.defineCommand(HIT_COMMAND, { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const window = Math.max(1, Math.ceil(windowMs));
    const reply = await (this.redis as unknown as RedisWithHit)[HIT_COMMAND](
      this.#prefix + key,
      window,
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new Error('Redis answered the rate-limit script with something unexpected');
    }
    return { count: reply[0], resetMs: reply[1] };
  }
}
