/** One counted request: how many this key has made in its current window, and when it ends. */
export interface RateLimitHit {
  /** Requests counted in the current window, this one included. */
  readonly count: number;
  /** Milliseconds until the current window ends and the count starts again from zero. */
  readonly resetMs: number;
}

/**
 * Where request counts live. In memory for one instance; a shared store (Redis `INCR` plus
 * `PEXPIRE ... NX` and `PTTL`) gives several instances one budget per client through the same
 * call.
 */
export interface RateLimitStore {
  /** Counts one request for `key` in a fixed window of `windowMs` that starts at its first hit. */
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
}

export interface MemoryRateLimitStoreOptions {
  /** Clock in milliseconds; tests pass a fake one. */
  readonly now?: () => number;
  /**
   * Most keys held at once. Past it the oldest window is dropped (that client starts again from
   * zero), so a flood of new addresses cannot grow memory without bound. Default 100 000.
   */
  readonly maxKeys?: number;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

/**
 * Fixed windows in a Map kept in order of their end: a window is (re)inserted when it starts, and
 * every window has the same length, so expired entries are always at the front and each hit
 * prunes them in time proportional to what it removes.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, Window>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const now = this.now();
    this.prune(now);
    let window = this.windows.get(key);
    if (!window) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
      if (this.windows.size > this.maxKeys) {
        const oldest = this.windows.keys().next().value;
        if (oldest !== undefined) {
          this.windows.delete(oldest);
        }
      }
    }
    window.count += 1;
    return { count: window.count, resetMs: window.endsAt - now };
  }

  /** Keys currently held; for tests of the memory bound. */
  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.endsAt > now) {
        return;
      }
      this.windows.delete(key);
    }
  }
}
