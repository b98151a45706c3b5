import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Room } from '../domain/room.js';
import type { Participant, Recording, RoomSession } from '../domain/room-life.js';
import { createCallContext } from '../http/call-context.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RoomProvider } from '../providers/room-provider.js';
import type { EventPublisher } from './event-publisher.js';
import {
  type AccountSnapshot,
  type AccountState,
  changesBetween,
  snapshotOf,
} from './room-snapshot.js';

/** Rooms one poll reads per account, at most: a bound on its upstream calls. */
const MAX_ROOMS = 500;
/** Participants read per live session, at most. */
const MAX_PARTICIPANTS = 100;
/** Upstream calls one poll of one account may make. */
const MAX_CALLS = 200;

/**
 * Who polls which account, and where each account's last snapshot is kept: in memory for one
 * instance; in Redis so that one instance at a time polls an account and the next one to take
 * it over carries on from the same snapshot.
 */
export interface PollCoordination {
  /** Claims (or keeps) the account for `ttlMs`; false while another instance has it. */
  claim(account: string, owner: string, ttlMs: number): Promise<boolean>;
  snapshot(account: string): Promise<AccountSnapshot | null>;
  saveSnapshot(account: string, snapshot: AccountSnapshot): Promise<void>;
  /** Notes that this instance has subscribers to `account` for the next `ttlMs`. */
  interested(account: string, ttlMs: number): Promise<void>;
  /** Whether any instance has said so within its `ttlMs`. */
  isInteresting(account: string): Promise<boolean>;
}

export class MemoryPollCoordination implements PollCoordination {
  readonly #snapshots = new Map<string, AccountSnapshot>();
  readonly #interest = new Map<string, number>();

  async claim(): Promise<boolean> {
    return true;
  }
  async snapshot(account: string): Promise<AccountSnapshot | null> {
    return this.#snapshots.get(account) ?? null;
  }
  async saveSnapshot(account: string, snapshot: AccountSnapshot): Promise<void> {
    this.#snapshots.set(account, snapshot);
  }
  async interested(account: string, ttlMs: number): Promise<void> {
    this.#interest.set(account, Date.now() + ttlMs);
  }
  async isInteresting(account: string): Promise<boolean> {
    return (this.#interest.get(account) ?? 0) > Date.now();
  }
}

const CLAIM_SCRIPT = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;

export class RedisPollCoordination implements PollCoordination {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'vrg:',
  ) {}
  #key(account: string, part: string): string {
    return `${this.prefix}{poll:${account}}:${part}`;
  }
  async claim(account: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(CLAIM_SCRIPT, 1, this.#key(account, 'lock'), owner, ttlMs)) === 1;
  }
  async snapshot(account: string): Promise<AccountSnapshot | null> {
    const text = await this.redis.get(this.#key(account, 'snapshot'));
    return text === null ? null : reviveSnapshot(JSON.parse(text));
  }
  async saveSnapshot(account: string, snapshot: AccountSnapshot): Promise<void> {
    await this.redis.set(
      this.#key(account, 'snapshot'),
      JSON.stringify(snapshot),
      'PX',
      86_400_000,
    );
  }
  async interested(account: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.#key(account, 'interest'), '1', 'PX', ttlMs);
  }
  async isInteresting(account: string): Promise<boolean> {
    return (await this.redis.exists(this.#key(account, 'interest'))) === 1;
  }
}

export interface PollerOptions {
  readonly registry: () => ProviderRegistry;
  readonly events: EventPublisher;
  readonly coordination: PollCoordination;
  readonly intervalMs: number;
  /** Poll every account, subscribers or not (outbound webhooks are configured). */
  readonly always: () => boolean;
  readonly logError: (message: string, error: unknown) => void;
}

/**
 * Watches the accounts that have subscribers (and every account when webhook targets are
 * configured) by reading their rooms, live sessions and participants every `intervalMs`, and
 * publishes what changed since the last read, as POLL events with the ids any other source
 * would give the same changes. Its calls go through each account's upstream client, so they
 * stay inside the account's rate budget. A new account's first read is its baseline: nothing
 * is published for what was already there.
 */
export class Poller {
  readonly #owner = randomUUID();
  readonly #subscribers = new Map<string, number>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(private readonly options: PollerOptions) {}

  /** A subscriber to these accounts (all when null) arrived; the returned function says it left. */
  subscribe(accounts: readonly string[] | null): () => void {
    const keys =
      accounts ??
      this.options
        .registry()
        .all()
        .map((provider) => provider.key);
    for (const key of keys) {
      this.#subscribers.set(key, (this.#subscribers.get(key) ?? 0) + 1);
    }
    void this.#announce();
    return () => {
      for (const key of keys) {
        const left = (this.#subscribers.get(key) ?? 1) - 1;
        if (left <= 0) {
          this.#subscribers.delete(key);
        } else {
          this.#subscribers.set(key, left);
        }
      }
    };
  }

  start(): void {
    const tick = () => {
      this.#timer = setTimeout(async () => {
        await this.pollOnce();
        if (this.#timer !== null) {
          tick();
        }
      }, this.options.intervalMs);
      this.#timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
    }
    this.#timer = null;
  }

  /** One round over every watched account. */
  async pollOnce(): Promise<void> {
    if (this.#running) {
      return;
    }
    this.#running = true;
    try {
      await this.#announce();
      const always = this.options.always();
      for (const provider of this.options.registry().all()) {
        const watched = always || (await this.options.coordination.isInteresting(provider.key));
        if (!watched) {
          continue;
        }
        const ttl = this.options.intervalMs * 3;
        if (!(await this.options.coordination.claim(provider.key, this.#owner, ttl))) {
          continue;
        }
        await this.#poll(provider).catch((error: unknown) =>
          this.options.logError(
            `Polling account ${provider.key} failed; trying again next round`,
            error,
          ),
        );
      }
    } finally {
      this.#running = false;
    }
  }

  /** Tells every instance which accounts this one has subscribers to, for a few rounds. */
  async #announce(): Promise<void> {
    for (const key of this.#subscribers.keys()) {
      await this.options.coordination
        .interested(key, this.options.intervalMs * 3)
        .catch((error: unknown) => this.options.logError('Announcing subscribers failed', error));
    }
  }

  async #poll(provider: RoomProvider): Promise<void> {
    const observedAt = new Date();
    const before = await this.options.coordination.snapshot(provider.key);
    const state = await readAccount(
      provider,
      this.options.intervalMs,
      Object.keys(before?.recent ?? {}),
    );
    await this.options.coordination.saveSnapshot(provider.key, snapshotOf(state, before));
    if (before) {
      await this.options.events.publish(changesBetween(before, state, provider.key, observedAt));
    }
  }
}

/** Everything one poll reads of an account, within the bounds above. */
async function readAccount(
  provider: RoomProvider,
  deadlineMs: number,
  recentRooms: readonly string[],
): Promise<AccountState> {
  const context = createCallContext({
    timeoutMs: Math.max(deadlineMs, 5_000),
    maxCalls: MAX_CALLS,
  });
  const rooms: Room[] = [];
  let cursor: string | null = null;
  let complete = false;
  while (rooms.length < MAX_ROOMS) {
    const page = await provider.listRooms({ cursor, limit: 100, context });
    rooms.push(...page.edges.map((edge) => edge.room));
    const last = page.edges.at(-1);
    if (!page.hasNextPage || !last) {
      complete = true;
      break;
    }
    cursor = last.cursor;
  }
  const sessions: RoomSession[] = [];
  const participants: Participant[] = [];
  const recordings: Recording[] = [];
  const level = provider.capabilities.operations;
  if (provider.getActiveSessions && level.getActiveSession !== 'UNSUPPORTED' && rooms.length > 0) {
    const found = await provider.getActiveSessions(
      rooms.map((room) => room.nativeId),
      { context },
    );
    for (const entry of found) {
      if (entry && !(entry instanceof Error)) {
        sessions.push(entry);
      }
    }
  }
  for (const session of sessions) {
    if (session.participants) {
      participants.push(...session.participants.filter((person) => person.leftAt === null));
    } else if (provider.listParticipants && level.listParticipants !== 'UNSUPPORTED') {
      const page = await provider.listParticipants(session, {
        cursor: null,
        limit: MAX_PARTICIPANTS,
        context,
      });
      participants.push(
        ...page.edges.map((edge) => edge.node).filter((person) => person.leftAt === null),
      );
    }
  }
  if (provider.listRecordings && level.listRecordings !== 'UNSUPPORTED') {
    // A recording becomes ready after its session ends: rooms lately in use are read too.
    const watched = new Set([...recentRooms, ...sessions.map((session) => session.roomNativeId)]);
    for (const roomNativeId of watched) {
      const page = await provider.listRecordings(roomNativeId, {
        cursor: null,
        limit: 10,
        context,
      });
      recordings.push(...page.edges.map((edge) => edge.node));
    }
  }
  return { rooms, complete, sessions, participants, recordings };
}

/** A snapshot read back from JSON: its sessions' and participants' dates are dates again. */
function reviveSnapshot(raw: AccountSnapshot): AccountSnapshot {
  const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : null);
  return {
    ...raw,
    sessions: Object.fromEntries(
      Object.entries(raw.sessions).map(([room, session]) => [
        room,
        { ...session, startedAt: date(session.startedAt), endedAt: date(session.endedAt) },
      ]),
    ),
    participants: Object.fromEntries(
      Object.entries(raw.participants).map(([session, people]) => [
        session,
        Object.fromEntries(
          Object.entries(people).map(([id, person]) => [
            id,
            { ...person, joinedAt: date(person.joinedAt), leftAt: date(person.leftAt) },
          ]),
        ),
      ]),
    ),
  };
}
