/**
 * Where recent upstream reads are kept for `CACHE_TTL_MS`, per account: in this process, or in
 * Redis so that instances share them. Entries hold parsed bodies of provider answers (room
 * data, never a credential); the upstream client keys each by a digest of the account's
 * credentials as well, so a rotated credential never reads what the old one was answered.
 */
export interface ReadCache {
  /**
   * Whether entries stay in this process: then what is read back is the very value this
   * process's schema made, and needs no second check.
   */
  readonly inProcess: boolean;
  get(account: string, key: string): Promise<unknown | undefined>;
  set(account: string, key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Forgets everything kept for one account (a write went through, or an event says so). */
  invalidate(account: string): Promise<void>;
}

/** Entries per account kept in memory, at most: the oldest go first. */
const MEMORY_ENTRIES = 2_000;

export class MemoryReadCache implements ReadCache {
  readonly inProcess = true;
  readonly #scopes = new Map<string, Map<string, { value: unknown; expiresAt: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(account: string, key: string): Promise<unknown | undefined> {
    const entry = this.#scopes.get(account)?.get(key);
    if (!entry) {
      return undefined;
    }
    if (entry.expiresAt <= this.now()) {
      this.#scopes.get(account)?.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(account: string, key: string, value: unknown, ttlMs: number): Promise<void> {
    let entries = this.#scopes.get(account);
    if (!entries) {
      entries = new Map();
      this.#scopes.set(account, entries);
    }
    entries.delete(key);
    entries.set(key, { value, expiresAt: this.now() + ttlMs });
    if (entries.size > MEMORY_ENTRIES) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) {
        entries.delete(oldest);
      }
    }
  }

  async invalidate(account: string): Promise<void> {
    this.#scopes.delete(account);
  }
}
