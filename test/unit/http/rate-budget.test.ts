import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderRateLimitedError } from '../../../src/domain/errors.js';
import { CallDeadline } from '../../../src/http/call-deadline.js';
import { RateBudget } from '../../../src/http/rate-budget.js';

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** When each of `count` calls got its turn, in ms from now, given each call's deadline. */
async function turns(budget: RateBudget, count: number, method = 'GET', timeoutMs = 10_000) {
  const started = Date.now();
  const at: number[] = [];
  const waits = Array.from({ length: count }, () => {
    const turn = budget.take(method, 'getRoom', new CallDeadline(timeoutMs));
    if (turn === null) {
      at.push(0);
      return Promise.resolve();
    }
    return turn.then(() => {
      at.push(Date.now() - started);
    });
  });
  await vi.runAllTimersAsync();
  await Promise.all(waits);
  return at;
}

describe('RateBudget', () => {
  it('lets a burst go at once, then spaces calls at the provider rate, in order', async () => {
    const budget = new RateBudget('videsk', { requestsPerSecond: 20 });
    const at = await turns(budget, 24);

    expect(at.slice(0, 20)).toEqual(Array(20).fill(0));
    expect(at.slice(20)).toEqual([50, 100, 150, 200]);
  });

  it('refuses at once a call whose turn would come after its deadline, and keeps its turn free', async () => {
    const budget = new RateBudget('videsk', { requestsPerSecond: 2, burst: 1 });
    expect(budget.take('GET', 'getRoom', new CallDeadline(10_000))).toBeNull();

    const refused = budget.take('GET', 'getRoom', new CallDeadline(100));
    await expect(refused).rejects.toBeInstanceOf(ProviderRateLimitedError);
    await expect(refused).rejects.toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      providerCode: 'RATE_BUDGET',
      retryAfterMs: 500,
    });
    // The refused call took nothing: the next one waits the same 500 ms, not 1000.
    const next = budget.take('GET', 'getRoom', new CallDeadline(10_000));
    let done = false;
    next?.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('counts only writes where the provider limits only writes', async () => {
    const budget = new RateBudget('signalwire', {
      requestsPerSecond: 1,
      burst: 1,
      appliesTo: 'writes',
    });
    expect(await turns(budget, 5, 'GET')).toEqual([0, 0, 0, 0, 0]);
    expect(await turns(budget, 2, 'POST')).toEqual([0, 1000]);
  });

  it('waits for the window to reset once the provider says it is spent', async () => {
    const budget = new RateBudget('videsk', {
      requestsPerSecond: 20,
      headers: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
    });
    budget.observe({ 'ratelimit-limit': '20', 'ratelimit-remaining': '3', 'ratelimit-reset': '1' });
    expect(budget.take('GET', 'getRoom', new CallDeadline(10_000))).toBeNull();

    budget.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    const at = await turns(budget, 1);
    expect(at[0]).toBeGreaterThanOrEqual(1_000);
  });

  it('gives a waiting call its turn back when its deadline passes first', async () => {
    const budget = new RateBudget('videsk', { requestsPerSecond: 1, burst: 1 });
    expect(budget.take('GET', 'getRoom', new CallDeadline(10_000))).toBeNull();
    const controller = new AbortController();
    const waiting = budget.take('GET', 'getRoom', new CallDeadline(10_000, controller.signal));
    controller.abort(new Error('client left'));
    await expect(waiting).rejects.toThrow('client left');
    // Its reserved turn is free again: the next call waits one interval, not two.
    const at = await turns(budget, 1);
    expect(at).toEqual([1000]);
  });

  it('moves the calls already waiting back when the provider says the window is spent', async () => {
    const budget = new RateBudget('videsk', {
      requestsPerSecond: 4,
      headers: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
    });
    const started = Date.now();
    const at: number[] = [];
    const waits = Array.from({ length: 6 }, () => {
      const turn = budget.take('GET', 'getRoom', new CallDeadline(10_000));
      return (turn ?? Promise.resolve()).then(() => {
        at.push(Date.now() - started);
      });
    });
    // Four went at once; the provider counted others too, and says nothing is left for 1 s.
    // Said twice (two answers of the same window), it moves the waiting calls back once.
    budget.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    budget.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '1' });
    await vi.runAllTimersAsync();
    await Promise.all(waits);

    expect(at).toEqual([0, 0, 0, 0, 1000, 1250]);
  });

  it('refuses a waiting call at once when its moved turn falls past its deadline', async () => {
    const budget = new RateBudget('videsk', {
      requestsPerSecond: 1,
      burst: 1,
      headers: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
    });
    expect(budget.take('GET', 'getRoom', new CallDeadline(10_000))).toBeNull();
    const waiting = budget.take('GET', 'getRoom', new CallDeadline(2_000));
    budget.observe({ 'ratelimit-remaining': '0', 'ratelimit-reset': '5' });

    await expect(waiting).rejects.toMatchObject({
      code: 'UPSTREAM_RATE_LIMITED',
      providerCode: 'RATE_BUDGET',
    });
  });
});
