import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ProviderAuthError,
  type ProviderError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../src/domain/errors.js';
import { type RetryPolicy, withRetry } from '../../../src/http/with-retry.js';

const POLICY: RetryPolicy = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 2_000 };
const details = { provider: 'signalwire', operation: 'getRoom' };

const unavailable = () => new ProviderUnavailableError('503', { ...details, status: 503 });
const rateLimited = (retryAfterMs: number | null) =>
  new ProviderRateLimitedError('429', { ...details, status: 429, retryAfterMs });

/** An operation that fails with each error in turn, then returns 'ok'; it counts its calls. */
function scripted(...failures: Error[]) {
  const operation = vi.fn(async () => {
    const failure = failures[operation.mock.calls.length - 1];
    if (failure) {
      throw failure;
    }
    return 'ok';
  });
  return operation;
}

function context(overrides: Partial<Parameters<typeof withRetry>[1]> = {}) {
  return {
    policy: POLICY,
    safe: true,
    signal: new AbortController().signal,
    deadlineAt: Date.now() + 60_000,
    now: () => Date.now(),
    random: () => 1,
    ...overrides,
  };
}

/** Settles the promise's rejection handler early, so fake-timer runs do not report it as unhandled. */
function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('withRetry', () => {
  it('returns the first success without waiting', async () => {
    const operation = scripted();
    await expect(withRetry(operation, context())).resolves.toBe('ok');
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('retries a safe call after a 503 and returns the later success', async () => {
    const operation = scripted(unavailable());
    const result = settle(withRetry(operation, context()));
    await vi.runAllTimersAsync();
    expect(await result).toEqual({ value: 'ok', error: undefined });
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it('backs off exponentially with full jitter', async () => {
    const operation = scripted(unavailable(), unavailable());
    const result = settle(withRetry(operation, context({ random: () => 0.5 })));
    await vi.advanceTimersByTimeAsync(0);
    expect(operation).toHaveBeenCalledTimes(1);
    // First wait: 0.5 × 100 ms.
    await vi.advanceTimersByTimeAsync(49);
    expect(operation).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(operation).toHaveBeenCalledTimes(2);
    // Second wait: 0.5 × 200 ms.
    await vi.advanceTimersByTimeAsync(99);
    expect(operation).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(operation).toHaveBeenCalledTimes(3);
    expect((await result).value).toBe('ok');
  });

  it('caps the backoff at maxDelayMs', async () => {
    const operation = scripted(unavailable());
    const policy = { maxRetries: 2, baseDelayMs: 10_000, maxDelayMs: 300 };
    const result = settle(withRetry(operation, context({ policy })));
    await vi.advanceTimersByTimeAsync(299);
    expect(operation).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(operation).toHaveBeenCalledTimes(2);
    expect((await result).value).toBe('ok');
  });

  it('rethrows the last error unchanged, with the attempt count, when retries run out', async () => {
    const errors = [unavailable(), unavailable(), unavailable()];
    const operation = scripted(...errors);
    const result = settle(withRetry(operation, context()));
    await vi.runAllTimersAsync();
    const { error } = await result;
    // maxRetries 2: the first attempt plus two retries.
    expect(operation).toHaveBeenCalledTimes(3);
    expect(error).toBe(errors[2]);
    expect((error as ProviderError).attempts).toBe(3);
  });

  it('goes on from a first attempt the caller made, counting it as attempt 1', async () => {
    const first = unavailable();
    const later = unavailable();
    const operation = scripted(later);
    const result = settle(withRetry(operation, context({ random: () => 0.5 }), first));
    await vi.advanceTimersByTimeAsync(49);
    // The backoff after attempt 1 (50 ms at jitter 0.5) runs before the next attempt.
    expect(operation).toHaveBeenCalledTimes(0);
    await vi.runAllTimersAsync();
    expect(await result).toEqual({ value: 'ok', error: undefined });
    expect(operation).toHaveBeenCalledTimes(2);
    expect(first.attempts).toBe(1);
    expect(later.attempts).toBe(2);
  });

  it('rethrows a first failure it must not retry, unchanged and without another attempt', async () => {
    const rejected = new ProviderRejectedError('400', { ...details, status: 400 });
    const notOurs = new TypeError('a bug');
    const operation = scripted();
    await expect(withRetry(operation, context(), rejected)).rejects.toBe(rejected);
    await expect(withRetry(operation, context(), notOurs)).rejects.toBe(notOurs);
    expect(operation).not.toHaveBeenCalled();
    expect(rejected.attempts).toBe(1);
  });

  it('does not retry an unsafe call after a 503', async () => {
    const failure = unavailable();
    const operation = scripted(failure);
    await expect(withRetry(operation, context({ safe: false }))).rejects.toBe(failure);
    expect(operation).toHaveBeenCalledTimes(1);
    expect(failure.attempts).toBe(1);
  });

  it('never retries a 400 or a 401, even on a safe call', async () => {
    for (const failure of [
      new ProviderRejectedError('400', { ...details, status: 400 }),
      new ProviderAuthError('401', { ...details, status: 401 }),
    ]) {
      const operation = scripted(failure);
      await expect(withRetry(operation, context())).rejects.toBe(failure);
      expect(operation).toHaveBeenCalledTimes(1);
    }
  });

  it('retries any call after a 429, waiting exactly Retry-After', async () => {
    const operation = scripted(rateLimited(1_500));
    const result = settle(withRetry(operation, context({ safe: false })));
    await vi.advanceTimersByTimeAsync(1_499);
    expect(operation).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(operation).toHaveBeenCalledTimes(2);
    expect((await result).value).toBe('ok');
  });

  it('fails at once with the 429 when Retry-After does not fit before the deadline', async () => {
    const failure = rateLimited(30_000);
    const operation = scripted(failure);
    const deadlineAt = Date.now() + 5_000;
    await expect(withRetry(operation, context({ safe: false, deadlineAt }))).rejects.toBe(failure);
    expect(operation).toHaveBeenCalledTimes(1);
    expect(failure.retryAfterMs).toBe(30_000);
  });

  it('stops when the backoff would end past the deadline', async () => {
    const failure = unavailable();
    const operation = scripted(failure);
    const deadlineAt = Date.now() + 50;
    // random 1 → a 100 ms wait, which ends after the deadline.
    await expect(withRetry(operation, context({ deadlineAt }))).rejects.toBe(failure);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('measures the deadline on the injected clock', async () => {
    // On this clock the deadline is 5 s away; on the real one it passed decades ago.
    const operation = scripted(rateLimited(1_000));
    const result = settle(
      withRetry(operation, context({ safe: false, now: () => 0, deadlineAt: 5_000 })),
    );
    await vi.runAllTimersAsync();
    expect((await result).value).toBe('ok');
    expect(operation).toHaveBeenCalledTimes(2);
  });

  it('does not retry once the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = unavailable();
    const operation = scripted(failure);
    await expect(withRetry(operation, context({ signal: controller.signal }))).rejects.toBe(
      failure,
    );
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('makes no further attempt when the caller aborts during the backoff wait', async () => {
    const controller = new AbortController();
    const failure = unavailable();
    const operation = scripted(failure);
    const result = settle(withRetry(operation, context({ signal: controller.signal })));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    await vi.runAllTimersAsync();
    expect((await result).error).toBe(failure);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('passes errors that are not provider errors straight through', async () => {
    const bug = new TypeError('bug');
    const operation = scripted(bug);
    await expect(withRetry(operation, context())).rejects.toBe(bug);
    expect(operation).toHaveBeenCalledTimes(1);
  });
});
