import { describe, expect, it } from 'vitest';
import { CallDeadline } from '../../../src/http/call-deadline.js';
import { ConcurrencyLimit } from '../../../src/http/concurrency-limit.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Runs `task` in a slot, as the upstream client does: wait for one, then always give it back. */
async function run<T>(limit: ConcurrencyLimit, task: () => Promise<T>, deadline?: CallDeadline) {
  await limit.acquire(deadline);
  try {
    return await task();
  } finally {
    limit.release();
  }
}

describe('ConcurrencyLimit', () => {
  it('never runs more than max tasks at once, and starts queued ones in arrival order', async () => {
    const limit = new ConcurrencyLimit(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, index) =>
      run(limit, async () => {
        started.push(index);
        await gate.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.queued).toBe(2);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    await Promise.all(runs);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limit.active).toBe(0);
  });

  it('drops a queued task whose caller aborts, without ever running it or holding a slot', async () => {
    const limit = new ConcurrencyLimit(1);
    const gate = deferred();
    const first = run(limit, () => gate.promise);
    const controller = new AbortController();
    const deadline = new CallDeadline(60_000, controller.signal);
    let ran = false;
    const second = run(
      limit,
      async () => {
        ran = true;
      },
      deadline,
    );
    controller.abort(new Error('client went away'));
    await expect(second).rejects.toThrow('client went away');
    gate.resolve();
    await first;
    deadline.end();
    expect(ran).toBe(false);
    expect(limit.active).toBe(0);
    expect(limit.queued).toBe(0);
  });

  it('lets a caller whose deadline aborts leave the queue, and serves the next one in its place', async () => {
    const limit = new ConcurrencyLimit(1);
    expect(limit.tryAcquire()).toBe(true);
    const caller = new AbortController();
    const deadline = new CallDeadline(60_000, caller.signal);
    const leaving = limit.acquire(deadline);
    const staying = limit.acquire();
    expect(limit.queued).toBe(2);

    caller.abort(new Error('the GraphQL request ended'));
    await expect(leaving).rejects.toThrow('the GraphQL request ended');
    expect(limit.queued).toBe(1);

    limit.release();
    await staying;
    expect(limit.active).toBe(1);
    expect(limit.queued).toBe(0);
    // Granted callers stop listening: a later abort of the deadline reaches nobody.
    deadline.end();
    limit.release();
    expect(limit.active).toBe(0);
  });

  it('refuses at once a caller whose deadline has already aborted, when it would wait', async () => {
    const limit = new ConcurrencyLimit(1);
    limit.tryAcquire();
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const deadline = new CallDeadline(60_000, caller.signal);
    await expect(limit.acquire(deadline)).rejects.toThrow('gone');
    expect(limit.queued).toBe(0);
    deadline.end();
  });
});
