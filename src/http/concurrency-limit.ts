/**
 * At most `max` tasks at once; the rest wait in arrival order. One per provider account, so a
 * burst of GraphQL requests cannot open more upstream calls than the account is allowed.
 */
export class ConcurrencyLimit {
  #active = 0;
  readonly #waiting: (() => void)[] = [];

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

  /** Waits for a slot in arrival order; the caller must `release` it. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', cancel);
        this.#active++;
        resolve();
      };
      // A caller that gives up while queued leaves the queue, and never holds a slot.
      const cancel = () => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) {
          this.#waiting.splice(index, 1);
        }
        reject(signal?.reason);
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', cancel, { once: true });
      this.#waiting.push(grant);
    });
  }

  release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }
}
