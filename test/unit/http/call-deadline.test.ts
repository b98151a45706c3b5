import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallDeadline, type DeadlineWatcher } from '../../../src/http/call-deadline.js';

function recorder(): DeadlineWatcher & { reasons: unknown[] } {
  const reasons: unknown[] = [];
  return { reasons, deadlineAborted: (reason) => reasons.push(reason) };
}

describe('CallDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts with a TimeoutError when the deadline passes, as AbortSignal.timeout does', () => {
    vi.useFakeTimers();
    const deadline = new CallDeadline(1_000);
    vi.advanceTimersByTime(999);
    expect(deadline.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason).toBeInstanceOf(DOMException);
    expect((deadline.reason as DOMException).name).toBe('TimeoutError');
    expect((deadline.reason as DOMException).message).toContain('1000 ms');
  });

  it("aborts with the caller's reason when the caller's signal aborts first", () => {
    const caller = new AbortController();
    const deadline = new CallDeadline(60_000, caller.signal);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason).toBe(reason);
    deadline.end();
  });

  it('starts aborted when the caller already gave up', () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const deadline = new CallDeadline(60_000, caller.signal);
    expect(deadline.aborted).toBe(true);
    expect((deadline.reason as Error).message).toBe('gone');
    deadline.end();
  });

  it('once ended, neither the timer nor a later caller abort touches it', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const deadline = new CallDeadline(1_000, caller.signal);
    const watcher = recorder();
    deadline.watch(watcher);
    deadline.end();
    vi.advanceTimersByTime(5_000);
    caller.abort();
    expect(deadline.aborted).toBe(false);
    expect(deadline.signal.aborted).toBe(false);
    expect(watcher.reasons).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('tells its watcher once, and a watcher that comes late at once', () => {
    const caller = new AbortController();
    const deadline = new CallDeadline(60_000, caller.signal);
    const early = recorder();
    deadline.watch(early);
    caller.abort(new Error('first'));
    caller.abort(new Error('second'));
    const late = recorder();
    deadline.watch(late);
    expect(early.reasons.map((reason) => (reason as Error).message)).toEqual(['first']);
    expect(late.reasons.map((reason) => (reason as Error).message)).toEqual(['first']);
    deadline.end();
  });

  it('forgets a watcher that unwatched, but not one that replaced it', () => {
    const caller = new AbortController();
    const deadline = new CallDeadline(60_000, caller.signal);
    const first = recorder();
    const second = recorder();
    deadline.watch(first);
    deadline.unwatch(first);
    deadline.watch(second);
    // A stale unwatch (the first watcher finishing late) must not silence the second.
    deadline.unwatch(first);
    caller.abort(new Error('gone'));
    expect(first.reasons).toEqual([]);
    expect(second.reasons).toHaveLength(1);
    deadline.end();
  });

  it('gives a signal that follows it, made before or after the abort', () => {
    vi.useFakeTimers();
    const before = new CallDeadline(1_000);
    const early = before.signal;
    vi.advanceTimersByTime(1_000);
    expect(early.aborted).toBe(true);
    expect(early.reason).toBe(before.reason);

    const after = new CallDeadline(1_000);
    vi.advanceTimersByTime(1_000);
    expect(after.signal.aborted).toBe(true);
    expect((after.signal.reason as DOMException).name).toBe('TimeoutError');
  });
});
