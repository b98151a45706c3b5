import {
  OperationTimeoutError,
  ProviderError,
  ProviderUnavailableError,
} from '../domain/errors.js';

/** `providerCode` of the error a call gets while its account's circuit is open. */
export const CIRCUIT_OPEN = 'CIRCUIT_OPEN';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Account key, named by the fail-fast error. */
  readonly provider: string;
  /** Failures in a row that open the circuit. Default 5. */
  readonly failureThreshold?: number;
  /** How long an open circuit fails fast before one probe goes through, in ms. Default 10 000. */
  readonly openMs?: number;
  /** Injectable clock, epoch milliseconds. */
  readonly now?: () => number;
  /**
   * Told of each change: closed to open, open to half-open when a probe goes through (not when
   * the open period merely ends), and half-open to closed or back to open.
   */
  readonly onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

/** An admitted call's pass: whether it is the probe, and the state it was admitted in. */
export interface CircuitTicket {
  readonly probe: boolean;
  readonly epoch: number;
}

/** What one call's outcome says about the provider. */
type Outcome = 'failure' | 'answered' | 'unknown';

/**
 * One provider account's circuit breaker. Closed, it lets every call through and counts
 * failures in a row; only failures that say the provider is down count (5xx, timeouts,
 * connection failures), while any answer (2xx, 4xx, 429, an unreadable body) proves it is up
 * and resets the count. At the threshold it opens: calls fail at once with a
 * `ProviderUnavailableError` whose `providerCode` is `CIRCUIT_OPEN`, making no HTTP call. After
 * `openMs` it is half-open: exactly one call goes through as a probe while the others still fail
 * fast; the probe's answer closes it, its failure opens it for another `openMs`.
 */
export class CircuitBreaker {
  readonly provider: string;
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly #now: () => number;
  readonly #onStateChange: CircuitBreakerOptions['onStateChange'];
  #failures = 0;
  /** When the open period ends; null while closed. */
  #openUntil: number | null = null;
  #probing = false;
  /**
   * Bumped on every open and close, so a call admitted before a transition (a slow call still
   * in flight when the circuit opened) cannot count towards, or undo, the state after it.
   */
  #epoch = 0;
  #closedTicket: CircuitTicket = { probe: false, epoch: 0 };

  constructor(options: CircuitBreakerOptions) {
    this.provider = options.provider;
    this.failureThreshold = options.failureThreshold ?? 5;
    this.openMs = options.openMs ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.#onStateChange = options.onStateChange;
  }

  get state(): CircuitState {
    if (this.#openUntil === null) {
      return 'closed';
    }
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  /** Failures in a row so far while closed. */
  get failures(): number {
    return this.#failures;
  }

  /*
   * A call goes through in four steps, which the admission stage takes (`admission.ts`): `admit` before any waiting, so a refused call never queues and the probe is
   * claimed before another call can take it; `confirm` after waiting for a slot, so calls
   * queued behind a dying provider send nothing; `record` once the attempt has ended, before
   * the slot is freed, so the next call in the queue already sees the new state; and `abandon`
   * instead, for a call that gives up before sending.
   */

  /** Lets one call through, claiming the probe when the open period is over; or throws. */
  admit(operation: string): CircuitTicket {
    if (this.#openUntil === null) {
      // Calls admitted while closed differ in nothing: they share one ticket per epoch.
      if (this.#closedTicket.epoch !== this.#epoch) {
        this.#closedTicket = { probe: false, epoch: this.#epoch };
      }
      return this.#closedTicket;
    }
    if (this.#refuses()) {
      throw this.#openError(operation);
    }
    this.#probing = true;
    this.#onStateChange?.('open', 'half-open');
    return { probe: true, epoch: this.#epoch };
  }

  /** Throws when the circuit opened after `ticket` was admitted: the call must not be sent. */
  confirm(ticket: CircuitTicket, operation: string): void {
    if (this.#epoch !== ticket.epoch && this.#openUntil !== null) {
      throw this.#openError(operation);
    }
  }

  /** Learns from a sent call: `error` is what it failed with, or null when it succeeded. */
  record(ticket: CircuitTicket, error: unknown): void {
    this.#record(error === null ? 'answered' : classify(error), ticket.probe, ticket.epoch);
  }

  /** An admitted call that gave up before sending (its caller left while it waited). */
  abandon(ticket: CircuitTicket): void {
    if (ticket.probe) {
      this.#probing = false;
    }
  }

  #refuses(): boolean {
    const state = this.state;
    return state === 'open' || (state === 'half-open' && this.#probing);
  }

  #record(outcome: Outcome, probe: boolean, epoch: number): void {
    if (probe) {
      this.#probing = false;
    }
    if (epoch !== this.#epoch || outcome === 'unknown') {
      return;
    }
    if (outcome === 'answered') {
      this.#failures = 0;
      if (probe) {
        this.#openUntil = null;
        this.#epoch++;
        this.#onStateChange?.('half-open', 'closed');
      }
      return;
    }
    this.#failures++;
    if (probe || this.#failures >= this.failureThreshold) {
      this.#openUntil = this.#now() + this.openMs;
      this.#failures = 0;
      this.#epoch++;
      this.#onStateChange?.(probe ? 'half-open' : 'closed', 'open');
    }
  }

  #openError(operation: string): ProviderUnavailableError {
    const openUntil = this.#openUntil ?? this.#now();
    const waitMs = Math.max(0, openUntil - this.#now());
    const next =
      waitMs > 0
        ? `calls to it are paused for ${Math.ceil(waitMs / 1000)} s`
        : 'one call is testing whether it is back';
    const message = `Provider ${this.provider} is unavailable after repeated failures; ${next}`;
    return new ProviderUnavailableError(message, {
      provider: this.provider,
      operation,
      providerCode: CIRCUIT_OPEN,
      retryAfterMs: waitMs > 0 ? waitMs : null,
    });
  }
}

/** Whether an error is a circuit breaker's fail-fast refusal rather than a provider's answer. */
export function isCircuitOpen(error: unknown): boolean {
  return error instanceof ProviderError && error.providerCode === CIRCUIT_OPEN;
}

function classify(error: unknown): Outcome {
  if (!(error instanceof ProviderError) || error instanceof OperationTimeoutError) {
    // Not from the provider: a caller that gave up while queued, an operation out of time, or
    // a bug of ours.
    return 'unknown';
  }
  if (error instanceof ProviderUnavailableError) {
    // A caller that went away, or a refusal of our own, says nothing about the provider.
    return error.providerCode === 'CANCELLED' || error.providerCode === CIRCUIT_OPEN
      ? 'unknown'
      : 'failure';
  }
  return 'answered';
}
