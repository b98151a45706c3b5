import type { Redis } from 'ioredis';

export const DELIVERY_STATES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
/** PENDING: not answered 2xx yet, another attempt is due. DELIVERED: 2xx. FAILED: gave up. */
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One event's delivery to one webhook target, as a client can query it. Holds no secret. */
export interface WebhookDelivery {
  readonly targetId: string;
  /** The event's id, also the `webhook-id` header: receivers dedupe on it. */
  readonly eventId: string;
  readonly eventType: string;
  readonly eventCursor: string;
  /** The JSON body sent, the same on every attempt (only the timestamp and signature change). */
  readonly body: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  /** The receiver's last HTTP status, or null when it gave none (timeout, refused). */
  readonly lastStatus: number | null;
  /** Why the last attempt failed, in a few words; never the receiver's body. */
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * Where delivery records, each target's position in the event log and its sender lock live: in
 * memory for one instance, in Redis for several (one instance sends to a target at a time, and
 * any instance answers queries about its deliveries).
 */
export interface DeliveryStore {
  save(delivery: WebhookDelivery): Promise<void>;
  /** Newest first, `limit` after the `offset`-th. */
  list(targetId: string, offset: number, limit: number): Promise<WebhookDelivery[]>;
  /** Deliveries still PENDING, oldest first, for a sender that takes a target over. */
  pending(targetId: string): Promise<WebhookDelivery[]>;
  cursor(targetId: string): Promise<string | null>;
  setCursor(targetId: string, cursor: string): Promise<void>;
  /** Claims (or keeps) the right to send to a target for `ttlMs`; false while another has it. */
  lock(targetId: string, owner: string, ttlMs: number): Promise<boolean>;
}

/** Records kept per target in memory: the newest this many. */
const MEMORY_RECORDS = 1_000;

export class MemoryDeliveryStore implements DeliveryStore {
  readonly #records = new Map<string, Map<string, WebhookDelivery>>();
  readonly #cursors = new Map<string, string>();

  async save(delivery: WebhookDelivery): Promise<void> {
    let records = this.#records.get(delivery.targetId);
    if (!records) {
      records = new Map();
      this.#records.set(delivery.targetId, records);
    }
    records.set(delivery.eventId, delivery);
    if (records.size > MEMORY_RECORDS) {
      const oldest = records.keys().next().value;
      if (oldest !== undefined) {
        records.delete(oldest);
      }
    }
  }

  async list(targetId: string, offset: number, limit: number): Promise<WebhookDelivery[]> {
    const all = [...(this.#records.get(targetId)?.values() ?? [])].reverse();
    return all.slice(offset, offset + limit);
  }

  async pending(targetId: string): Promise<WebhookDelivery[]> {
    return [...(this.#records.get(targetId)?.values() ?? [])].filter(
      (delivery) => delivery.state === 'PENDING',
    );
  }

  async cursor(targetId: string): Promise<string | null> {
    return this.#cursors.get(targetId) ?? null;
  }

  async setCursor(targetId: string, cursor: string): Promise<void> {
    this.#cursors.set(targetId, cursor);
  }

  async lock(): Promise<boolean> {
    return true;
  }
}

/** Claims the lock when free, or extends it for its holder: KEYS = lock; ARGV = owner, ttl. */
const LOCK_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

/**
 * Delivery records in Redis: a JSON value per delivery, indexed per target by creation time,
 * both kept for the retention window; the target's log position and its sender lock beside.
 */
export class RedisDeliveryStore implements DeliveryStore {
  constructor(
    private readonly redis: Redis,
    private readonly retentionMs: number,
    private readonly prefix = 'vrg:',
  ) {}

  #key(targetId: string, part: string): string {
    return `${this.prefix}{webhooks:${targetId}}:${part}`;
  }

  async save(delivery: WebhookDelivery): Promise<void> {
    const ttl = Math.ceil(this.retentionMs);
    await this.redis
      .multi()
      .set(
        this.#key(delivery.targetId, `d:${delivery.eventId}`),
        JSON.stringify(delivery),
        'PX',
        ttl,
      )
      .zadd(this.#key(delivery.targetId, 'index'), delivery.createdAt.getTime(), delivery.eventId)
      .zremrangebyscore(this.#key(delivery.targetId, 'index'), 0, Date.now() - this.retentionMs)
      .pexpire(this.#key(delivery.targetId, 'index'), ttl)
      .exec();
  }

  async list(targetId: string, offset: number, limit: number): Promise<WebhookDelivery[]> {
    const ids = await this.redis.zrevrange(
      this.#key(targetId, 'index'),
      offset,
      offset + limit - 1,
    );
    return this.#read(targetId, ids);
  }

  async pending(targetId: string): Promise<WebhookDelivery[]> {
    const ids = await this.redis.zrange(this.#key(targetId, 'index'), 0, -1);
    return (await this.#read(targetId, ids)).filter((delivery) => delivery.state === 'PENDING');
  }

  async cursor(targetId: string): Promise<string | null> {
    return this.redis.get(this.#key(targetId, 'cursor'));
  }

  async setCursor(targetId: string, cursor: string): Promise<void> {
    await this.redis.set(this.#key(targetId, 'cursor'), cursor, 'PX', Math.ceil(this.retentionMs));
  }

  async lock(targetId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(LOCK_SCRIPT, 1, this.#key(targetId, 'lock'), owner, ttlMs)) === 1;
  }

  async #read(targetId: string, ids: string[]): Promise<WebhookDelivery[]> {
    if (ids.length === 0) {
      return [];
    }
    const values = await this.redis.mget(ids.map((id) => this.#key(targetId, `d:${id}`)));
    return values.flatMap((value) => (value === null ? [] : [revive(JSON.parse(value))]));
  }
}

function revive(raw: Record<string, unknown>): WebhookDelivery {
  const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : null);
  return {
    ...(raw as unknown as WebhookDelivery),
    nextAttemptAt: date(raw.nextAttemptAt),
    createdAt: date(raw.createdAt) ?? new Date(0),
    updatedAt: date(raw.updatedAt) ?? new Date(0),
  };
}
