import type { RateLimitPolicy } from '../http/rate-budget.js';
import type { HttpMethod } from '../http/upstream-call.js';

/** A provider's published request rate for some of its methods. */
export interface RequestRateLimit {
  readonly methods: readonly HttpMethod[];
  /** Requests allowed per `perMs`; null where the provider calls the rate unlimited. */
  readonly requests: number | null;
  /** The window of `requests`, in milliseconds; null with `requests`. */
  readonly perMs: number | null;
}

/**
 * A request rate a provider publishes for its API, as its own docs state it: the facts the
 * account's client-side budget is built from, each citing where it comes from. One budget covers
 * every request made with one account's credentials. A provider that publishes none declares
 * `null` instead, never a guess.
 */
export interface DocumentedRequestRate {
  /** The published rates by group of methods; a method in no group is not limited. */
  readonly limits: readonly RequestRateLimit[];
  /** Whether the provider's support can raise the default for an account; null when unsaid. */
  readonly raisable: boolean | null;
  /**
   * The response headers that report the budget, by meaning; null where the provider sends
   * none. Names as the provider writes them (HTTP header names match case-insensitively).
   */
  readonly headers: {
    /** The account's requests per window. */
    readonly limit: string;
    /** Requests left in the current window. */
    readonly remaining: string;
    /** Seconds until the current window resets. */
    readonly reset: string;
    /** The policy, `<limit>;w=<window seconds>` (IETF draft-polli-ratelimit-headers-02). */
    readonly policy: string;
  } | null;
  /** Where the facts come from: a fact-sheet section and its primary source. */
  readonly source: string;
}

/** An account's own allowance (`rateLimit` in its config), over the provider's documented one. */
export interface RateLimitOverride {
  /** The most requests the account may make in any one second. */
  readonly requestsPerSecond: number;
  /** How many of them may go at once; half by default. */
  readonly burst?: number;
}

/**
 * The budget that keeps an account within `allowed` requests per `windowMs`, wherever the
 * provider's windows start: `burst` may go at once, the rest of the allowance refills evenly over
 * the window, and a token bucket admits at most its burst plus one window's refill in any window.
 * (A burst of a whole window's worth, refilled at the full rate, would admit twice the allowance
 * in one window: a burst that starts mid-window meets the provider's 429.)
 */
function budgetWithin(allowed: number, windowMs: number, burst?: number) {
  const atOnce = burst ?? Math.max(1, Math.floor(allowed / 2));
  const refill = Math.max(allowed - atOnce, allowed / 2);
  return { requestsPerSecond: (refill * 1000) / windowMs, burst: atOnce };
}

/**
 * The budget an account's upstream client enforces when its config says nothing: within the
 * provider's strictest published rate, applied to every call if reads are limited too, else to
 * every call but GET; reading the provider's budget headers, when it sends them. Null when
 * nothing is published.
 */
export function documentedRateLimitPolicy(
  rate: DocumentedRequestRate | null,
): RateLimitPolicy | null {
  const limited = (rate?.limits ?? []).flatMap(({ methods, requests, perMs }) =>
    requests === null || perMs === null ? [] : [{ methods, requests, perMs }],
  );
  const strictest = limited.reduce<(typeof limited)[number] | null>(
    (found, limit) =>
      found === null || limit.requests / limit.perMs < found.requests / found.perMs ? limit : found,
    null,
  );
  if (!rate || !strictest) {
    return null;
  }
  const readsLimited = limited.some(({ methods }) => methods.includes('GET'));
  return {
    ...budgetWithin(strictest.requests, strictest.perMs),
    appliesTo: readsLimited ? 'all' : 'writes',
    ...(rate.headers
      ? {
          headers: {
            remaining: rate.headers.remaining.toLowerCase(),
            reset: rate.headers.reset.toLowerCase(),
          },
        }
      : {}),
  };
}

/**
 * What one account's client enforces: the documented policy, unless the account's config turns
 * it off (`rateLimit: null`) or gives its own allowance. Which calls count and which headers are
 * read stay the provider's.
 */
export function accountRateLimitPolicy(
  documented: RateLimitPolicy | null,
  override: RateLimitOverride | null | undefined,
): RateLimitPolicy | null {
  if (override === undefined) {
    return documented;
  }
  if (override === null) {
    return null;
  }
  return { ...documented, ...budgetWithin(override.requestsPerSecond, 1000, override.burst) };
}
