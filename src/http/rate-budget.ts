import { ProviderRateLimitedError } from '../domain/errors.js';
import type { CallDeadline, DeadlineWatcher } from './call-deadline.js';

/** A provider's documented request rate, as the default budget of an account's calls. */
export interface RateLimitPolicy {
  /** Requests per second the provider allows. */
  readonly requestsPerSecond: number;
  /** Requests that may go at once after a quiet spell; one second's worth by default. */
  readonly burst?: number;
  /** Which calls count: all of them, or all but reads (GET), where a provider limits writes. */
  readonly appliesTo?: 'all' | 'writes';
  /**
   * Lower-case names of the response headers that report the budget as the IETF
   * `RateLimit-*` draft does, when the provider sends them: what is left in the current
   * window, and the seconds until it resets.
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
  /** Calls waiting for their turn, in the order of their turns. */
  readonly #waiting = new Set<TurnWaiter>();
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
      return Promise.reject(this.#spent(operation, waitMs));
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: TurnWaiter = new TurnWaiter(deadline, this.#now, waitMs, {
        go: () => {
          this.#waiting.delete(waiter);
          resolve();
        },
        giveUp: (reason) => {
          // Gave up before its turn: its reserved token goes back.
          this.#waiting.delete(waiter);
          this.#tokens += 1;
          reject(reason);
        },
        spent: (ms) => this.#spent(operation, ms),
      });
      this.#waiting.add(waiter);
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
    // The provider says this window is spent: nothing more goes out until it resets, not even
    // the calls already waiting for their turns, which move back, keeping their order and pace.
    const resetMs = (numberOf(headers[this.#headers.reset]) ?? 1) * 1000;
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
    const now = this.#now();
    let nextTurnAt = now - this.#tokens / this.#rate;
    for (const waiter of this.#waiting) {
      nextTurnAt = Math.min(nextTurnAt, waiter.dueAt);
    }
    // Measured from the next turn, so that several answers saying the same never add up.
    const postponeMs = now + resetMs - nextTurnAt;
    if (postponeMs <= 0) {
      return;
    }
    this.#tokens -= postponeMs * this.#rate;
    for (const waiter of this.#waiting) {
      waiter.postpone(postponeMs);
    }
  }

  /** The local refusal of a call whose turn would come after its deadline. */
  #spent(operation: string, waitMs: number): ProviderRateLimitedError {
    return new ProviderRateLimitedError(
      `The request budget of provider ${this.provider} is spent for the next ${waitMs} ms, past this call's deadline`,
      { provider: this.provider, operation, providerCode: 'RATE_BUDGET', retryAfterMs: waitMs },
    );
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
  #timer: NodeJS.Timeout;
  /** When the turn comes, on the budget's clock. */
  dueAt: number;

  constructor(
    private readonly deadline: CallDeadline,
    private readonly now: () => number,
    waitMs: number,
    private readonly outcome: {
      go(): void;
      giveUp(reason: unknown): void;
      /** The refusal to give up with when the turn moves past the deadline. */
      spent(waitMs: number): Error;
    },
  ) {
    this.dueAt = now() + waitMs;
    this.#timer = this.#arm(waitMs);
    deadline.watch(this);
  }

  /** Moves the turn back by `ms`; a turn moved past the deadline is refused at once. */
  postpone(ms: number): void {
    clearTimeout(this.#timer);
    this.dueAt += ms;
    const waitMs = Math.ceil(this.dueAt - this.now());
    if (waitMs >= this.deadline.remainingMs) {
      this.deadline.unwatch(this);
      this.outcome.giveUp(this.outcome.spent(waitMs));
      return;
    }
    this.#timer = this.#arm(waitMs);
  }

  deadlineAborted(reason: unknown): void {
    clearTimeout(this.#timer);
    this.outcome.giveUp(reason);
  }

  #arm(ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      this.deadline.unwatch(this);
      this.outcome.go();
    }, ms);
  }
}
