import type { Loaders } from './loaders/create-loaders.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { IdempotencyStore } from './store/idempotency-store.js';

/** Everything a resolver may reach, built fresh for each GraphQL request. */
export interface Context {
  readonly registry: ProviderRegistry;
  /** Per-request DataLoaders: one upstream call per distinct room per operation. */
  readonly loaders: Loaders;
  /** Aborts when the client goes away; handed to every upstream call. */
  readonly signal: AbortSignal;
  /** Largest `first` a connection accepts. */
  readonly maxPageSize: number;
  /** Where createRoom's idempotency keys live, how long they replay, how long a repeat waits (ms). */
  readonly idempotency: {
    readonly store: IdempotencyStore;
    readonly ttlMs: number;
    readonly waitMs: number;
  };
}
