import type { CallDeadline } from './call-deadline.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
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
  readonly now?: () => number;
  readonly observer?: UpstreamObserver;
}

/**
 * The stage that decides whether an attempt may go out to the account now: not while its
 * circuit is open (it fails fast with `CIRCUIT_OPEN`), and not past the calls in flight the
 * account allows (it waits its turn, until its deadline).
 */
export class Admission {
  readonly #breaker: CircuitBreaker;
  readonly #inFlight: ConcurrencyLimit;

  constructor(options: AdmissionOptions) {
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
  async admit<T>(operation: string, deadline: CallDeadline, attempt: () => Promise<T>): Promise<T> {
    const ticket = this.#breaker.admit(operation);
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
}
