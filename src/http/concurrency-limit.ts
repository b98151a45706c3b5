import type { CallDeadline, DeadlineWatcher } from './call-deadline.js';

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

  /** Takes a slot when one is free, without waiting; the caller must `release` it. */
  tryAcquire(): boolean {
    if (this.#active < this.max) {
      this.#active++;
      return true;
    }
    return false;
  }

  /**
   * Waits for a slot in arrival order; the caller must `release` it. A caller whose deadline
   * aborts while it waits leaves the queue, holds no slot, and gets the abort's reason.
   */
  acquire(deadline?: CallDeadline): Promise<void> {
    if (this.tryAcquire()) {
      return Promise.resolve();
    }
    if (deadline?.aborted) {
      return Promise.reject(deadline.reason);
    }
    return new Promise((resolve, reject) => {
      this.#waiting.push(new Waiter(this.#waiting, deadline, resolve, reject));
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

/** One caller in the queue, watching its deadline without a closure of its own. */
class Waiter implements DeadlineWatcher {
  constructor(
    private readonly queue: Waiter[],
    private readonly deadline: CallDeadline | undefined,
    private readonly resolve: () => void,
    private readonly reject: (reason: unknown) => void,
  ) {
    deadline?.watch(this);
  }

  grant(): void {
    this.deadline?.unwatch(this);
    this.resolve();
  }

  /** The caller's deadline aborted: it leaves the queue. */
  deadlineAborted(reason: unknown): void {
    const index = this.queue.indexOf(this);
    if (index >= 0) {
      this.queue.splice(index, 1);
    }
    this.reject(reason);
  }
}
