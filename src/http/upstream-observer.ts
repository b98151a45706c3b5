import type { CallContext } from './call-context.js';
import type { CircuitState } from './circuit-breaker.js';

/**
 * How an upstream attempt ended, as a bounded set of words fit for a metric label: the HTTP
 * status class, or why no status came back.
 */
export type UpstreamOutcome = '2xx' | '3xx' | '4xx' | '5xx' | 'timeout' | 'network' | 'cancelled';

/** One HTTP attempt to a provider account, reported when it ends. Holds no secret. */
export interface UpstreamAttempt {
  /** Account key from config. */
  readonly account: string;
  /** What the adapter was doing, e.g. `createRoom`: a short name from our own code. */
  readonly operation: string;
  readonly method: string;
  /**
   * Path below the account's base URL, without query, origin or credentials. It can hold room
   * ids, so it is for traces and logs, never a metric label.
   */
  readonly path: string;
  /** HTTP status, or null when no response came back. */
  readonly status: number | null;
  readonly outcome: UpstreamOutcome;
  /** Epoch milliseconds when the attempt started. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** The typed error's code (`UPSTREAM_AUTH_FAILED`, `TIMEOUT`, ...), or null on success. */
  readonly errorCode: string | null;
  /**
   * The call context of the operation the call serves (of the one that started it, for a
   * shared GET): its request id and span, for logs and traces.
   */
  readonly context?: CallContext;
}

/** A failed attempt that will be tried again after `delayMs`. */
export interface UpstreamRetry {
  readonly account: string;
  readonly operation: string;
  readonly method: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly errorCode: string;
  /** As in UpstreamAttempt. */
  readonly context?: CallContext;
}

/** An account's circuit breaker moved from one state to another. */
export interface CircuitChange {
  readonly account: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/**
 * What the upstream client tells metrics, traces and logs. Every callback is optional and must
 * not throw: it runs on the call's own path.
 */
export interface UpstreamObserver {
  attemptFinished?(attempt: UpstreamAttempt): void;
  retried?(retry: UpstreamRetry): void;
  circuitChanged?(change: CircuitChange): void;
}

/** The status class of a response, or why there was none. */
export function upstreamOutcome(status: number | null, errorCode: string | null): UpstreamOutcome {
  if (status !== null) {
    if (status < 300) {
      return '2xx';
    }
    if (status < 400) {
      return '3xx';
    }
    return status < 500 ? '4xx' : '5xx';
  }
  if (errorCode === 'TIMEOUT' || errorCode === 'OPERATION_TIMEOUT') {
    return 'timeout';
  }
  return errorCode === 'CANCELLED' ? 'cancelled' : 'network';
}
