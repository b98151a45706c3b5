/**
 * What a key holds: a claim in progress, the result of the first request that used it, or a
 * create that was sent and whose outcome no answer told.
 *
 * A pending claim is stale after `staleAt` (epoch ms): its request may have died mid-create, so
 * the key is then treated as in doubt, never as free, and nothing can create twice through it.
 */
export type IdempotencyRecord =
  | { readonly state: 'pending'; readonly fingerprint: string; readonly staleAt: number }
  | { readonly state: 'in-doubt'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly value: string };

/**
 * Where idempotency keys live. In memory by default; the Redis implementation, for several
 * instances behind a load balancer, keeps the same contract with SET NX, a Lua script per
 * transition and a TTL. Every record lives for the key's TTL (the replay period).
 */
export interface IdempotencyStore {
  /**
   * Claims `key` for a request with this fingerprint, kept `ttlMs` and stale after `staleAt`. `owner` is the caller's
   * own random token: the store serves every request of the process, so it cannot tell claims
   * apart by key. Returns null when the claim is ours (the caller must then `complete`,
   * `release` or `markInDoubt` it), or the record another request left.
   */
  claim(
    key: string,
    fingerprint: string,
    ttlMs: number,
    owner: string,
    staleAt: number,
  ): Promise<IdempotencyRecord | null>;
  /** Stores the result of a claimed key for `ttlMs`. */
  complete(key: string, fingerprint: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Gives up a claim after a failure that created nothing, so the same request can be tried
   * again. Deletes only a pending claim made by `owner`: a late release never deletes a result,
   * a doubt, or someone else's claim.
   */
  release(key: string, owner: string): Promise<void>;
  /** Keeps `owner`'s claim as in doubt for `ttlMs`: the create may have happened. */
  markInDoubt(key: string, fingerprint: string, owner: string, ttlMs: number): Promise<void>;
  /**
   * Claims a key that is in doubt (or whose claim is stale at `now`) for `owner` until
   * `staleAt`, so that one request at a time asks the provider what happened. False when the
   * record is no longer in doubt (another request took it, or completed it).
   */
  takeOver(
    key: string,
    owner: string,
    now: number,
    staleAt: number,
    ttlMs: number,
  ): Promise<boolean>;
  /** The record under `key` now, or null. */
  get(key: string): Promise<IdempotencyRecord | null>;
}

/** Whether a record leaves the outcome of its create to be found out. */
export function isInDoubt(record: IdempotencyRecord, now: number): boolean {
  return record.state === 'in-doubt' || (record.state === 'pending' && record.staleAt <= now);
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
 * The in-process store, for one instance. It keeps the Redis store's semantics: every
 * transition is atomic, only a claim's holder can release it and only while it is pending, and
 * expired records are never returned.
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
    staleAt: number,
  ): Promise<IdempotencyRecord | null> {
    if (++this.#claims % SWEEP_EVERY === 0) {
      this.#sweep();
    }
    const existing = this.#live(key);
    if (existing) {
      return existing.record;
    }
    this.#entries.set(key, {
      record: { state: 'pending', fingerprint, staleAt },
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

  async markInDoubt(key: string, fingerprint: string, owner: string, ttlMs: number) {
    const entry = this.#live(key);
    if (entry && (entry.record.state === 'done' || entry.owner !== owner)) {
      return;
    }
    this.#entries.set(key, {
      record: { state: 'in-doubt', fingerprint },
      expiresAt: this.now() + ttlMs,
      owner: null,
    });
  }

  async takeOver(key: string, owner: string, now: number, staleAt: number, ttlMs: number) {
    const entry = this.#live(key);
    if (!entry || !isInDoubt(entry.record, now)) {
      return false;
    }
    this.#entries.set(key, {
      record: { state: 'pending', fingerprint: entry.record.fingerprint, staleAt },
      expiresAt: this.now() + ttlMs,
      owner,
    });
    return true;
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
