import type { ClientScope } from './config.js';
import type { EventPublisher } from './events/event-publisher.js';
import type { DeliveryStore } from './events/webhook-deliveries.js';
import type { CallContext } from './http/call-context.js';
import type { Loaders } from './loaders/create-loaders.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { IdempotencyStore } from './store/idempotency-store.js';

/** Who is calling, as established before execution (`src/server/client-auth.ts`). */
export interface ClientIdentity {
  /** The API key's configured id, the JWT's `sub`, or `anonymous`. */
  readonly id: string;
  readonly kind: 'api-key' | 'jwt' | 'anonymous';
  /** What this client may do; fields and mutations check it through the scope-auth plugin. */
  readonly scopes: ReadonlySet<ClientScope>;
}

/** Everything a resolver may reach, built fresh for each GraphQL request. */
export interface Context {
  readonly registry: ProviderRegistry;
  /** Per-request DataLoaders: one upstream call per distinct room per operation. */
  readonly loaders: Loaders;
  /**
   * The operation's call context: the client's signal, the operation's deadline and allowance
   * of upstream calls, its request id and span. Handed to every adapter call.
   */
  readonly call: CallContext;
  /** Largest `first` a connection accepts. */
  readonly maxPageSize: number;
  /** Where createRoom's idempotency keys live, how long they replay, how long a repeat waits (ms). */
  readonly idempotency: {
    readonly store: IdempotencyStore;
    readonly ttlMs: number;
    readonly waitMs: number;
  };
  /** Where writes publish their room events, and what subscriptions read. */
  readonly events: EventPublisher;
  /**
   * Says a subscriber watches these accounts (all when null), so they are polled for changes;
   * the returned function says it left.
   */
  readonly watch: (accounts: readonly string[] | null) => () => void;
  /** The outbound webhook targets (their secrets stay out of reach) and their deliveries. */
  readonly webhooks: {
    readonly targets: readonly {
      readonly id: string;
      readonly url: string;
      readonly types: readonly string[] | null;
    }[];
    readonly deliveries: DeliveryStore;
  };
  /** New loaders and call context for work outside this operation's deadline (each event). */
  readonly fresh: () => { readonly call: CallContext; readonly loaders: Loaders };
  /** The authenticated (or anonymous) caller of this request. */
  readonly client: ClientIdentity;
  /**
   * Counts a typed error the client gets as data (a result union member, a listing's
   * per-provider error) against the operation, as the top-level errors are counted.
   */
  readonly reportResultError?: (code: string) => void;
}
