import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { MemoryRateLimitStore, type RateLimitStore } from '../server/rate-limit-store.js';
import { type IdempotencyStore, MemoryIdempotencyStore } from './idempotency-store.js';
import { RedisIdempotencyStore } from './redis-idempotency-store.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';

/** Where the state several instances must agree on lives: Redis, or this process's memory. */
export interface Stores {
  readonly idempotency: IdempotencyStore;
  readonly rateLimit: RateLimitStore;
  /** The shared client, or null when state is in memory. */
  readonly redis: Redis | null;
  /** One line for the startup banner; never holds a password. */
  readonly description: string;
  /** Resolves once Redis answers (at once in memory); rejects after `timeoutMs` without it. */
  ready(timeoutMs?: number): Promise<void>;
  /** Whether the store answers a PING within `timeoutMs` (at once in memory); never rejects. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Where losing and regaining Redis is reported (once per outage, not per request). */
  readonly logError?: (message: string, error: unknown) => void;
  /** Where regaining Redis after an outage is reported. */
  readonly logInfo?: (message: string) => void;
}

/**
 * How the service talks to Redis. It fails fast rather than queueing: with Redis gone, a command
 * is refused at once (no offline queue), one already sent is never re-sent on reconnect (a
 * re-sent `SET NX` would find its own claim and wait on it), and one that gets no answer in 2 s
 * fails. Requests that need Redis then get STATE_STORE_UNAVAILABLE quickly while the client
 * reconnects in the background.
 */
export function createRedisClient(url: string): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: 2_000,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    connectionName: 'video-rooms-graphql',
  });
}

/** Resolves when the client is ready for commands; rejects after `timeoutMs`, with the reason. */
export function waitForRedis(redis: Redis, timeoutMs: number, where: string): Promise<void> {
  if (redis.status === 'ready') {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    let lastError = '';
    const onError = (error: unknown) => {
      lastError = error instanceof Error ? error.message : String(error);
    };
    const settle = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
    };
    const timer = setTimeout(() => {
      settle();
      const reason = lastError ? ` (${lastError})` : '';
      reject(
        new Error(`Redis at ${where} (REDIS_URL) did not answer within ${timeoutMs} ms${reason}`),
      );
    }, timeoutMs);
    const onReady = () => {
      settle();
      resolve();
    };
    redis.on('ready', onReady);
    redis.on('error', onError);
  });
}

/** True when Redis answers PONG within `timeoutMs`; false when it is down, slow or reconnecting. */
async function pingRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status !== 'ready') {
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((reply) => reply === 'PONG'), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** `host:port/db` of a Redis URL, without user or password. */
export function redisLocation(url: string): string {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\/+/, '');
  return `${parsed.protocol}//${parsed.host}${db ? `/${db}` : ''}`;
}

/** Redis when `config.redisUrl` is set, memory (one instance only) otherwise. */
export function createStores(config: Pick<Config, 'redisUrl'>, options: StoreOptions = {}): Stores {
  if (!config.redisUrl) {
    return {
      idempotency: new MemoryIdempotencyStore(),
      rateLimit: new MemoryRateLimitStore(),
      redis: null,
      description:
        'in memory of this instance only (set REDIS_URL to share idempotency keys and rate limits across instances)',
      ready: async () => {},
      ping: async () => true,
      close: async () => {},
    };
  }
  const where = redisLocation(config.redisUrl);
  const logError = options.logError ?? ((message, error) => console.error(message, error));
  const logInfo = options.logInfo ?? ((message) => console.log(message));
  const redis = createRedisClient(config.redisUrl);
  // Without a listener ioredis prints every failed reconnect; report each outage once instead.
  // Before the first connection, `ready()` reports the failure.
  let state: 'starting' | 'up' | 'down' = 'starting';
  redis.on('error', (error: unknown) => {
    if (state === 'up') {
      state = 'down';
      logError(
        `Redis at ${where} is unavailable: createRoom with an idempotencyKey answers STATE_STORE_UNAVAILABLE and rate limits are not counted until it is back`,
        error instanceof Error ? error.message : String(error),
      );
    }
  });
  redis.on('ready', () => {
    if (state === 'down') {
      logInfo(`Redis at ${where} is available again`);
    }
    state = 'up';
  });
  return {
    idempotency: new RedisIdempotencyStore(redis),
    rateLimit: new RedisRateLimitStore(redis),
    redis,
    description: `in Redis at ${where} (shared by every instance using it)`,
    ready: (timeoutMs = 10_000) => waitForRedis(redis, timeoutMs, where),
    ping: (timeoutMs = 1_000) => pingRedis(redis, timeoutMs),
    close: async () => {
      if (redis.status !== 'ready') {
        // Connecting or reconnecting: stop trying. (QUIT would be refused with no connection.)
        redis.disconnect();
        return;
      }
      const ended = new Promise<void>((resolve) => redis.once('end', () => resolve()));
      try {
        await redis.quit();
      } catch {
        redis.disconnect();
        return;
      }
      await ended;
    },
  };
}
