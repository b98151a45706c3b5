import type { ReadCache } from './read-cache.js';
import type { UpstreamCall } from './upstream-call.js';

/**
 * The reads worth keeping: room data, which changes only through writes (which forget it) and
 * room events (which forget it too). Live sessions and participants are never kept.
 */
const KEPT_OPERATIONS: ReadonlySet<string> = new Set(['getRoom', 'listRooms']);

/**
 * The first stage of a room read when the shared read cache is on: an answer kept within
 * `ttlMs` is served without an upstream call (an entry from Redis is checked against the call's
 * schema again, so one from another version of the service is never taken on trust); a miss
 * goes on and keeps its answer. The cache failing is a miss, never an error.
 */
export class CachedReads {
  constructor(
    private readonly account: string,
    private readonly options: {
      readonly store: ReadCache;
      readonly ttlMs: number;
      readonly credentialDigest: string;
    },
  ) {}

  holds(call: UpstreamCall<unknown>): boolean {
    return KEPT_OPERATIONS.has(call.operation) && call.schema !== null;
  }

  async read<T>(call: UpstreamCall<T>, upstream: () => Promise<T>): Promise<T> {
    const key = `${this.options.credentialDigest}\u0000${call.operation}\u0000${call.path}`;
    const kept = await this.options.store.get(this.account, key).catch(() => undefined);
    if (kept !== undefined && this.options.store.inProcess) {
      // Kept by this process after its own check: skipping a second one makes list20-cached
      // about 1.6x the requests/s (`npm run bench -- --quick --scenario list20-cached`).
      return kept as T;
    }
    if (kept !== undefined && call.schema) {
      const checked = call.schema.safeParse(kept);
      if (checked.success) {
        return checked.data;
      }
    }
    const answer = await upstream();
    this.options.store.set(this.account, key, answer, this.options.ttlMs).catch(() => {});
    return answer;
  }

  /** Forgets what is kept for the account: a write went through. */
  forget(): void {
    this.options.store.invalidate(this.account).catch(() => {});
  }
}
