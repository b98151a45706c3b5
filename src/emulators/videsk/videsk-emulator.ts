import { randomBytes } from 'node:crypto';
import { createEmulator, type Emulator, type EmulatorRequest } from '../shared/emulator-host.js';
import { createVideskAdminRoutes } from './videsk-admin-routes.js';
import { createVideskRoutes, feathersError } from './videsk-routes.js';
import { createVideskStore, type VideskStore } from './videsk-store.js';

/** The API token the emulator accepts by default (a `vk_live_…`-shaped key, §1). */
export const VIDESK_EMULATOR_API_TOKEN = 'vk_live_emulator_0123456789abcdef';

/** Videsk's default quota: 20 requests per second (`../shared/providers/videsk.md` §1.1). */
export const VIDESK_DEFAULT_RATE_LIMIT = 20;

export interface VideskEmulatorOptions {
  /**
   * Accepted API tokens, each mapped to the account whose rooms it sees (rooms and the
   * `externalId` index are per account). Default: `VIDESK_EMULATOR_API_TOKEN` → `emulator`.
   */
  readonly apiTokens?: Readonly<Record<string, string>>;
  /** Tokens answered with Videsk's "invalid or was removed" 403. */
  readonly revokedApiTokens?: readonly string[];
  /** Requests per second per API token before 429; default 20. Benchmarks raise it. */
  readonly rateLimitPerSecond?: number;
  /** Clock for timestamps, token claims and the rate-limit window, in epoch milliseconds. */
  readonly now?: () => number;
  /** HS256 key of the access tokens; random per emulator when absent. */
  readonly accessTokenSecret?: string;
  /**
   * Answer rooms with only the fields Videsk's own examples show: no `ended`, `createdAt` or
   * `updatedAt`, which videsk.md §2 lists as probable but UNCONFIRMED. Off by default.
   */
  readonly examplesOnly?: boolean;
}

export type VideskEmulator = Emulator & { readonly store: VideskStore };

/**
 * A faithful fake of the Videsk VPaaS Rooms API, to be hosted with `startEmulator`. Its admin
 * routes `POST /__emulator/join` and `/leave` connect a client with an access token it issued,
 * and disconnect it (`videsk-admin-routes.ts`).
 */
export function createVideskEmulator(options: VideskEmulatorOptions = {}): VideskEmulator {
  const now = options.now ?? Date.now;
  const store = createVideskStore({
    now,
    secret: options.accessTokenSecret ?? randomBytes(32).toString('hex'),
  });
  const routes = createVideskRoutes({
    store,
    now,
    apiTokens: options.apiTokens ?? { [VIDESK_EMULATOR_API_TOKEN]: 'emulator' },
    revokedApiTokens: options.revokedApiTokens ?? [],
    examplesOnly: options.examplesOnly ?? false,
  });
  const limiter = createRateLimiter(options.rateLimitPerSecond ?? VIDESK_DEFAULT_RATE_LIMIT, now);

  const emulator = createEmulator({
    name: 'videsk',
    handle(request: EmulatorRequest) {
      const authorization = request.headers.authorization;
      const quota = limiter.take(typeof authorization === 'string' ? authorization : '');
      if (!quota.allowed) {
        // §1.1 PROPOSAL: the 429 body and Retry-After; the status itself is UNCONFIRMED.
        return {
          status: 429,
          body: feathersError(429),
          headers: { ...quota.headers, 'retry-after': String(quota.resetSeconds) },
        };
      }
      const response = routes.handle(request);
      return { ...response, headers: { ...quota.headers, ...response.headers } };
    },
    errorBody: (status) => feathersError(status),
    adminRoutes: createVideskAdminRoutes({ store, now }),
    reset() {
      store.reset();
      limiter.reset();
    },
  });
  return Object.assign(emulator, { store });
}

/**
 * Fixed one-second windows per API token, on the injected clock so tests are deterministic.
 * The headers go on every response (§1.1): `Ratelimit-Limit`, `-Remaining`, `-Reset` (seconds
 * left in the window) and `-Policy` in the `draft-polli-ratelimit-headers-02` form.
 */
function createRateLimiter(limit: number, now: () => number) {
  const windowMs = 1000;
  let windows = new Map<string, { start: number; used: number }>();
  return {
    take(key: string) {
      const at = now();
      const start = Math.floor(at / windowMs) * windowMs;
      const window = windows.get(key);
      const current = window && window.start === start ? window : { start, used: 0 };
      windows.set(key, current);
      const allowed = current.used < limit;
      if (allowed) {
        current.used += 1;
      }
      const resetSeconds = Math.max(1, Math.ceil((start + windowMs - at) / 1000));
      return {
        allowed,
        resetSeconds,
        headers: {
          'ratelimit-limit': String(limit),
          'ratelimit-remaining': String(Math.max(0, limit - current.used)),
          'ratelimit-reset': String(resetSeconds),
          'ratelimit-policy': `${limit};w=${windowMs / 1000}`,
        },
      };
    },
    reset() {
      windows = new Map();
    },
  };
}
