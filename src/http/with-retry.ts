import { ProviderError, ProviderRateLimitedError } from '../domain/errors.js';
import { isCircuitOpen } from './circuit-breaker.js';

export interface RetryPolicy {
  /** Extra attempts after the first; capped at `MAX_RETRIES`. */
  readonly maxRetries: number;
  /** First backoff, doubled each time, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * The most retries any policy gets: one call is tried at most three times, whatever the
 * configuration asks, so a struggling provider never sees more than three copies of a request.
 */
export const MAX_RETRIES = 2;

/** `withRetry`'s "the caller made no attempt yet". */
const NOT_TRIED: unique symbol = Symbol('not tried');

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
};

export interface RetryContext {
  readonly policy: RetryPolicy;
  /** GET, or a write the adapter marked idempotent from the fact sheet. */
  readonly safe: boolean;
  readonly signal: AbortSignal;
  /** Epoch ms after which no retry starts. */
  readonly deadlineAt: number;
  readonly now: () => number;
  readonly random?: () => number;
  /** Told of each failed attempt that will be tried again, and after how long. */
  readonly onRetry?: (error: ProviderError, attempt: number, delayMs: number) => void;
}

/**
 * Runs `operation`, retrying what is safe to retry: a safe call after a retryable failure
 * (5xx, 408, connection), and any call after a 429, since the provider rejected it before
 * doing anything. A `Retry-After` that does not fit before the deadline ends the attempts at
 * once. The last error is rethrown unchanged, with `attempts` set. A call refused by an open
 * circuit breaker is never retried.
 *
 * A caller that made the first attempt itself (to keep the common case of one successful
 * attempt free of this machinery) passes how it failed as `firstFailure`, and the retries go on
 * from there exactly as if `withRetry` had made it.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  context: RetryContext,
  firstFailure: unknown = NOT_TRIED,
): Promise<T> {
  const random = context.random ?? Math.random;
  const maxRetries = Math.min(context.policy.maxRetries, MAX_RETRIES);
  let previous: ProviderError | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt === 1 && firstFailure !== NOT_TRIED) {
        throw firstFailure;
      }
      return await operation();
    } catch (error) {
      if (!(error instanceof ProviderError)) {
        throw error;
      }
      if (isCircuitOpen(error)) {
        // The account's circuit opened, perhaps on this call's own failures: waiting cannot
        // help before the open period ends, and the provider's last answer says more.
        throw previous ?? error;
      }
      error.attempts = attempt;
      previous = error;
      const rateLimited = error instanceof ProviderRateLimitedError;
      const retryable = rateLimited || (context.safe && error.retryable);
      if (!retryable || attempt > maxRetries || context.signal.aborted) {
        throw error;
      }
      const backoff = Math.min(
        context.policy.maxDelayMs,
        context.policy.baseDelayMs * 2 ** (attempt - 1),
      );
      const delay = error.retryAfterMs ?? Math.round(random() * backoff);
      if (context.now() + delay >= context.deadlineAt) {
        throw error;
      }
      context.onRetry?.(error, attempt, delay);
      await sleep(delay, context.signal);
      if (context.signal.aborted) {
        // Cancelled while waiting: never start another attempt after an abort.
        throw error;
      }
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
