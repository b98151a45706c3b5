/** What a key holds: a claim in progress, or the result of the first request that used it. */
export type IdempotencyRecord =
  | { readonly state: 'pending'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly value: string };

/**
 * Where idempotency keys live. In memory by default; the Redis implementation, for several
 * instances behind a load balancer, keeps the same contract with SET NX and a TTL.
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request with this fingerprint. Returns null when the claim is ours (the
   * caller must then `complete` or `release` it), or the record another request left.
   */
  claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | null>;
  /** Stores the result of a claimed key for `ttlMs`. */
  complete(key: string, fingerprint: string, value: string, ttlMs: number): Promise<void>;
  /** Gives up a claim after a failure, so the same request can be tried again. */
  release(key: string): Promise<void>;
  /** The record under `key` now, or null. */
  get(key: string): Promise<IdempotencyRecord | null>;
}

interface Entry {
  record: IdempotencyRecord;
  expiresAt: number;
}

/** The in-process store: enough for one instance; entries expire and are swept as they go. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, fingerprint: string, ttlMs: number): Promise<IdempotencyRecord | null> {
    this.#sweep();
    const existing = this.#entries.get(key);
    if (existing) {
      return existing.record;
    }
    this.#entries.set(key, {
      record: { state: 'pending', fingerprint },
      expiresAt: this.now() + ttlMs,
    });
    return null;
  }

  async complete(key: string, fingerprint: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, {
      record: { state: 'done', fingerprint, value },
      expiresAt: this.now() + ttlMs,
    });
  }

  async release(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    const entry = this.#entries.get(key);
    if (!entry || entry.expiresAt <= this.now()) {
      return null;
    }
    return entry.record;
  }

  /** Drops expired entries; cheap because a Map iterates in insertion order. */
  #sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt > now) {
        break;
      }
      this.#entries.delete(key);
    }
  }
}
