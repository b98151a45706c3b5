import { type AbortWatcher, unwatchAbort, watchAbort } from './abort-fanout.js';
import { CallDeadline, type DeadlineWatcher } from './call-deadline.js';

/**
 * At most `max` tasks at once; the rest wait in arrival order. One per provider account, so a
 * burst of GraphQL requests cannot open more upstream calls than the account is allowed.
 */
export class ConcurrencyLimit {
  #active = 0;
  readonly #waiting: Waiter[] = [];

  constructor(readonly max: number) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Takes a slot when one is free, without waiting; the caller must `release` it. */
  tryAcquire(): boolean {
    if (this.#active < this.max) {
      this.#active++;
      return true;
    }
    return false;
  }

  /**
   * Waits for a slot in arrival order; the caller must `release` it. A caller whose signal or
   * deadline aborts while it waits leaves the queue, holds no slot, and gets the abort's reason.
   */
  acquire(ending?: AbortSignal | CallDeadline): Promise<void> {
    if (this.tryAcquire()) {
      return Promise.resolve();
    }
    if (ending?.aborted) {
      return Promise.reject(ending.reason);
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push(new Waiter(this.#waiting, ending, resolve, reject));
    });
  }

  release(): void {
    this.#active--;
    const next = this.#waiting.shift();
    if (next) {
      this.#active++;
      next.grant();
    }
  }
}

/** One caller in the queue, listening to its signal or deadline without a closure of its own. */
class Waiter implements DeadlineWatcher, AbortWatcher {
  constructor(
    private readonly queue: Waiter[],
    private readonly ending: AbortSignal | CallDeadline | undefined,
    private readonly resolve: () => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    if (ending instanceof CallDeadline) {
      ending.watch(this);
    } else if (ending) {
      watchAbort(ending, this);
    }
  }

  grant(): void {
    if (this.ending instanceof CallDeadline) {
      this.ending.unwatch(this);
    } else if (this.ending) {
      unwatchAbort(this.ending, this);
    }
    this.resolve();
  }

  /** The caller's deadline aborted. */
  deadlineAborted(reason: unknown): void {
    this.#leave(reason);
  }

  /** The caller's signal aborted. */
  signalAborted(reason: unknown): void {
    this.#leave(reason);
  }

  #leave(reason: unknown): void {
    const index = this.queue.indexOf(this);
    if (index >= 0) {
      this.queue.splice(index, 1);
    }
    this.reject(reason);
  }
}
