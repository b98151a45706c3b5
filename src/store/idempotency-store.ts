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
   * Claims `key` for a request with this fingerprint. `owner` is the caller's own random token:
   * the store serves every request of the process, so it cannot tell claims apart by key.
   * Returns null when the claim is ours (the caller must then `complete` or `release` it), or the
   * record another request left.
   */
  claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    owner: string,
  ): Promise<IdempotencyRecord | null>;
  /** Stores the result of a claimed key for `ttlMs`. */
  complete(key: string, fingerprint: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Gives up a claim after a failure, so the same request can be tried again. Deletes only a
   * pending claim made by `owner`: a late release never deletes a result or someone else's claim.
   */
  release(key: string, owner: string): Promise<void>;
  /** The record under `key` now, or null. */
  get(key: string): Promise<IdempotencyRecord | null>;
}

interface Entry {
  record: IdempotencyRecord;
  expiresAt: number;
  /** Who holds a pending claim; a release by anyone else deletes nothing. */
  owner: string | null;
}

/** Full sweeps of expired entries happen once per this many claims. */
const SWEEP_EVERY = 256;

/**
 * The in-process store, for one instance. It keeps the Redis store's semantics: a claim is
 * atomic, only its holder can release it and only while it is pending, and expired records are
 * never returned.
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  #claims = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    owner: string,
  ): Promise<IdempotencyRecord | null> {
    if (++this.#claims % SWEEP_EVERY === 0) {
      this.#sweep();
    }
    const existing = this.#live(key);
    if (existing) {
      return existing.record;
    }
    this.#entries.set(key, {
      record: { state: 'pending', fingerprint },
      expiresAt: this.now() + ttlMs,
      owner,
    });
    return null;
  }

  async complete(key: string, fingerprint: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, {
      record: { state: 'done', fingerprint, value },
      expiresAt: this.now() + ttlMs,
      owner: null,
    });
  }

  async release(key: string, owner: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry?.owner === owner && entry.record.state === 'pending') {
      this.#entries.delete(key);
    }
  }

  async get(key: string): Promise<IdempotencyRecord | null> {
    return this.#live(key)?.record ?? null;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** Drops every expired entry, so keys nobody asks for again do not pile up. */
  #sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(key);
      }
    }
  }
}
