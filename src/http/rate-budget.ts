import { ProviderRateLimitedError } from '../domain/errors.js';
import type { CallDeadline, DeadlineWatcher } from './call-deadline.js';

/** A provider's documented request rate, as the default budget of an account's calls. */
export interface RateLimitPolicy {
  /** Requests per second the provider allows. */
  readonly requestsPerSecond: number;
  /** Requests that may go at once after a quiet spell; one second's worth by default. */
  readonly burst?: number;
  /** Which calls count: all of them, or writes only (SignalWire limits POST, PUT and PATCH). */
  readonly appliesTo?: 'all' | 'writes';
  /**
   * Lower-case names of the response headers that report the budget as the IETF
   * `RateLimit-*` draft does, when the provider sends them (Videsk): what is left in the
   * current window, and the seconds until it resets.
   */
  readonly headers?: { readonly remaining: string; readonly reset: string };
}

/**
 * One account's budget of upstream requests: a token bucket refilled at the provider's rate,
 * and told by the provider's own `RateLimit-*` headers when it says the window is spent. A call
 * that finds no token waits its turn (each waiter reserves the next token, so they go in
 * order) while that fits its deadline, and fails at once with a local
 * `ProviderRateLimitedError` (`providerCode` `RATE_BUDGET`) when it does not: the service slows
 * itself down instead of spending the account's rate on calls the provider would refuse.
 */
export class RateBudget {
  readonly #rate: number;
  readonly #burst: number;
  readonly #writesOnly: boolean;
  readonly #headers: RateLimitPolicy['headers'];
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly provider: string,
    policy: RateLimitPolicy,
    now: () => number = Date.now,
  ) {
    this.#rate = policy.requestsPerSecond / 1000;
    this.#burst = policy.burst ?? Math.max(1, policy.requestsPerSecond);
    this.#writesOnly = policy.appliesTo === 'writes';
    this.#headers = policy.headers;
    this.#now = now;
    this.#tokens = this.#burst;
    this.#updatedAt = now();
  }

  /**
   * Takes one request's token: at once (null) when one is free, else a wait that resolves
   * when the call's turn comes, or rejects with the typed error (or the deadline's reason).
   */
  take(method: string, operation: string, deadline: CallDeadline): Promise<void> | null {
    if (this.#writesOnly && method === 'GET') {
      return null;
    }
    this.#refill();
    this.#tokens -= 1;
    if (this.#tokens >= 0) {
      return null;
    }
    const waitMs = Math.ceil(-this.#tokens / this.#rate);
    const leftMs = deadline.remainingMs;
    if (waitMs >= leftMs) {
      this.#tokens += 1;
      return Promise.reject(
        new ProviderRateLimitedError(
          `The request budget of provider ${this.provider} is spent for the next ${waitMs} ms, past this call's deadline`,
          { provider: this.provider, operation, providerCode: 'RATE_BUDGET', retryAfterMs: waitMs },
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      new TurnWaiter(deadline, waitMs, resolve, (reason) => {
        // Gave up before its turn: its reserved token goes back.
        this.#tokens += 1;
        reject(reason);
      });
    });
  }

  /** Reads the provider's account of the budget from a response's headers, when it sends one. */
  observe(headers: Readonly<Record<string, string | string[] | undefined>>): void {
    if (!this.#headers) {
      return;
    }
    const remaining = numberOf(headers[this.#headers.remaining]);
    if (remaining === null || remaining > 0) {
      return;
    }
    // The provider says this window is spent: nothing more until it resets.
    const resetMs = (numberOf(headers[this.#headers.reset]) ?? 1) * 1000;
    this.#refill();
    this.#tokens = Math.min(this.#tokens, -resetMs * this.#rate);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#rate);
    this.#updatedAt = now;
  }
}

function numberOf(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text.trim())) {
    return null;
  }
  return Number(text);
}

/** A call waiting for its reserved turn, or for its deadline, whichever comes first. */
class TurnWaiter implements DeadlineWatcher {
  readonly #timer: NodeJS.Timeout;

  constructor(
    deadline: CallDeadline,
    waitMs: number,
    resolve: () => void,
    private readonly giveUp: (reason: unknown) => void,
  ) {
    this.#timer = setTimeout(() => {
      deadline.unwatch(this);
      resolve();
    }, waitMs);
    deadline.watch(this);
  }

  deadlineAborted(reason: unknown): void {
    clearTimeout(this.#timer);
    this.giveUp(reason);
  }
}
