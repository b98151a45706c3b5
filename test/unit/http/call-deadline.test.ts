import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallDeadline } from '../../../src/http/call-deadline.js';

describe('CallDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('aborts with a TimeoutError when the deadline passes, as AbortSignal.timeout does', () => {
    vi.useFakeTimers();
    const deadline = new CallDeadline(1_000);
    vi.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBeInstanceOf(DOMException);
    expect((deadline.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it("aborts with the caller's reason when the caller's signal aborts first", () => {
    const caller = new AbortController();
    const deadline = new CallDeadline(60_000, caller.signal);
    const reason = new Error('client went away');
    caller.abort(reason);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toBe(reason);
    deadline.end();
  });

  it('starts aborted when the caller already gave up', () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const deadline = new CallDeadline(60_000, caller.signal);
    expect(deadline.signal.aborted).toBe(true);
    expect((deadline.signal.reason as Error).message).toBe('gone');
    deadline.end();
  });

  it('once ended, neither the timer nor a later caller abort touches the signal', () => {
    vi.useFakeTimers();
    const caller = new AbortController();
    const deadline = new CallDeadline(1_000, caller.signal);
    deadline.end();
    vi.advanceTimersByTime(5_000);
    caller.abort();
    expect(deadline.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
