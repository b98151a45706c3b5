import type { CallDeadline } from './call-deadline.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { RateBudget, type RateLimitPolicy } from './rate-budget.js';
import type { UpstreamObserver } from './upstream-observer.js';

export interface AdmissionOptions {
  /** Account key. */
  readonly provider: string;
  /** Most calls in flight to this account at once; the rest queue. Default 8. */
  readonly maxInFlight?: number;
  /** Failures in a row that open the circuit. Default 5. */
  readonly circuitFailureThreshold?: number;
  /** How long an open circuit fails fast before one probe goes through, in ms. Default 10 000. */
  readonly circuitOpenMs?: number;
  /** The provider's documented request rate, which calls wait for; none when absent. */
  readonly rateLimit?: RateLimitPolicy | null;
  readonly now?: () => number;
  readonly observer?: UpstreamObserver;
}

/**
 * The stage that decides whether an attempt may go out to the account now: not while its
 * circuit is open (it fails fast with `CIRCUIT_OPEN`), not past the provider's request rate
 * (it waits its turn while that fits its deadline), and not past the calls in flight the
 * account allows (it waits for a slot, until its deadline).
 */
export class Admission {
  readonly #breaker: CircuitBreaker;
  readonly #inFlight: ConcurrencyLimit;
  readonly #rate: RateBudget | null;

  constructor(options: AdmissionOptions) {
    this.#rate = options.rateLimit
      ? new RateBudget(options.provider, options.rateLimit, options.now)
      : null;
    this.#inFlight = new ConcurrencyLimit(options.maxInFlight ?? 8);
    this.#breaker = new CircuitBreaker({
      provider: options.provider,
      failureThreshold: options.circuitFailureThreshold,
      openMs: options.circuitOpenMs,
      now: options.now,
      onStateChange: (from, to) =>
        options.observer?.circuitChanged?.({ account: options.provider, from, to }),
    });
  }

  /** Runs `attempt` once the account admits it, and tells the circuit how it went. */
  async admit<T>(
    method: string,
    operation: string,
    deadline: CallDeadline,
    attempt: () => Promise<T>,
  ): Promise<T> {
    const ticket = this.#breaker.admit(operation);
    const turn = this.#rate?.take(method, operation, deadline);
    if (turn) {
      try {
        await turn;
      } catch (error) {
        this.#breaker.abandon(ticket);
        throw error;
      }
    }
    // A free slot is taken without awaiting: most calls never wait, and an await costs each
    // call a promise and a turn of the microtask queue (`npm run bench:client`).
    if (!this.#inFlight.tryAcquire()) {
      try {
        await this.#inFlight.acquire(deadline);
      } catch (error) {
        this.#breaker.abandon(ticket);
        throw error;
      }
      try {
        // The circuit may have opened while this call waited for a slot: then it sends nothing.
        this.#breaker.confirm(ticket, operation);
      } catch (error) {
        this.#inFlight.release();
        this.#breaker.abandon(ticket);
        throw error;
      }
    }
    try {
      const result = await attempt();
      this.#breaker.record(ticket, null);
      return result;
    } catch (error) {
      // Recorded before the slot is freed, so the next call in the queue sees the new state.
      this.#breaker.record(ticket, error);
      throw error;
    } finally {
      this.#inFlight.release();
    }
  }

  /** What a response's headers say of the provider's budget (`RateLimit-*`). */
  observeHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): void {
    this.#rate?.observe(headers);
  }
}
