import type { Redis } from 'ioredis';
import type { LoggedEvent, RoomEvent } from '../domain/room-event.js';
import type { Participant } from '../domain/room-life.js';
import { EventCursorError, type EventLog } from './event-log.js';

/** Every key of the log starts with this, so the database can be shared with others. */
export const EVENT_KEY_PREFIX = 'vrg:';

/**
 * Appends an event unless its id was seen within the retention window, trimming what has
 * passed out of the window, in one step: KEYS = stream, seen key; ARGV = retention (ms), the
 * oldest id to keep, the event.
 */
const APPEND_SCRIPT = `
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then
  return redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[2], '*', 'e', ARGV[3])
end
return false
`;

/**
 * A room's generation (see `EventLog.roomGeneration`), in one step: KEYS = the room's state
 * key, holding `<generation>:<state>`; ARGV = the state, the retention (ms).
 */
const GENERATION_SCRIPT = `
local last = redis.call('GET', KEYS[1])
local generation = 1
if last then
  local colon = string.find(last, ':', 1, true)
  local known = tonumber(string.sub(last, 1, colon - 1))
  if string.sub(last, colon + 1) == ARGV[1] then
    generation = known
  else
    generation = known + 1
  end
end
redis.call('SET', KEYS[1], generation .. ':' .. ARGV[1], 'PX', ARGV[2])
return generation
`;

/** How long one blocking read of the live tail waits before it asks again. */
const BLOCK_MS = 2_000;

/**
 * The event log in a Redis Stream, shared by every instance: entries are appended with XADD
 * (whose ids are the cursors, ordered across instances), trimmed to the retention window by
 * MINID, deduped by a key per event id that lives as long as the window, read back with XRANGE,
 * and tailed by one blocking XREAD loop per instance on a connection of its own. Rooms with no
 * version of their own have their generation under a key each, in the same hash tag.
 */
export class RedisEventLog implements EventLog {
  readonly #listeners = new Set<(event: LoggedEvent) => void>();
  /** The stream and the dedupe keys share a hash tag, so a cluster keeps them on one shard. */
  readonly #stream: string;
  readonly #seen: string;
  readonly #roomStates: string;
  #reader: Redis | null = null;
  #closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly retentionMs: number,
    options: { readonly prefix?: string; readonly now?: () => number } = {},
  ) {
    const prefix = options.prefix ?? EVENT_KEY_PREFIX;
    this.#stream = `${prefix}{events}:log`;
    this.#seen = `${prefix}{events}:seen:`;
    this.#roomStates = `${prefix}{events}:room:`;
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  async append(events: readonly RoomEvent[]): Promise<LoggedEvent[]> {
    const appended: LoggedEvent[] = [];
    const oldest = `${Math.max(0, this.now() - this.retentionMs)}-0`;
    for (const event of events) {
      const id = (await this.redis.eval(
        APPEND_SCRIPT,
        2,
        this.#stream,
        this.#seen + event.id,
        Math.ceil(this.retentionMs),
        oldest,
        serialize(event),
      )) as string | null;
      if (id) {
        appended.push({ ...event, cursor: id });
      }
    }
    return appended;
  }

  async read(cursor: string | null, limit: number): Promise<LoggedEvent[]> {
    if (cursor !== null) {
      const [ms] = partsOf(cursor);
      if (ms < this.now() - this.retentionMs) {
        throw new EventCursorError('expired');
      }
    }
    const entries = await this.redis.xrange(
      this.#stream,
      cursor === null ? '-' : `(${cursor}`,
      '+',
      'COUNT',
      limit,
    );
    return entries.flatMap(([id, fields]) => parseEntry(id, fields));
  }

  async head(): Promise<string | null> {
    const [last] = await this.redis.xrevrange(this.#stream, '+', '-', 'COUNT', 1);
    return last?.[0] ?? null;
  }

  listen(listener: (event: LoggedEvent) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#reader) {
      this.#reader = this.redis.duplicate({ enableOfflineQueue: true, commandTimeout: undefined });
      void this.#tail(this.#reader);
    }
    return () => {
      this.#listeners.delete(listener);
    };
  }

  compare(a: string, b: string): number {
    const [aMs, aSeq] = partsOf(a);
    const [bMs, bSeq] = partsOf(b);
    return aMs === bMs ? aSeq - bSeq : aMs - bMs;
  }

  async roomGeneration(roomKey: string, state: string): Promise<number> {
    return (await this.redis.eval(
      GENERATION_SCRIPT,
      1,
      this.#roomStates + roomKey,
      state,
      Math.ceil(this.retentionMs),
    )) as number;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    const reader = this.#reader;
    this.#reader = null;
    reader?.disconnect();
  }

  /** Reads the live tail for as long as the log is open, telling the listeners in order. */
  async #tail(reader: Redis): Promise<void> {
    let last = (await this.head().catch(() => null)) ?? '0-0';
    while (!this.#closed && this.#reader === reader) {
      try {
        const answer = await reader.xread('BLOCK', BLOCK_MS, 'STREAMS', this.#stream, last);
        for (const [, entries] of answer ?? []) {
          for (const [id, fields] of entries) {
            last = id;
            for (const event of parseEntry(id, fields)) {
              for (const listener of this.#listeners) {
                listener(event);
              }
            }
          }
        }
      } catch {
        // Redis is away: the client reconnects on its own; ask again shortly.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }
}

function partsOf(cursor: string): [number, number] {
  const match = /^(\d{1,15})-(\d{1,15})$/.exec(cursor);
  if (!match) {
    throw new EventCursorError('malformed');
  }
  return [Number(match[1]), Number(match[2])];
}

function serialize(event: RoomEvent): string {
  return JSON.stringify(event);
}

/** The event in a stream entry; an entry this service did not write is skipped. */
function parseEntry(id: string, fields: string[]): LoggedEvent[] {
  const value = fields[fields.indexOf('e') + 1];
  if (fields.indexOf('e') < 0 || value === undefined) {
    return [];
  }
  const raw = JSON.parse(value) as Record<string, unknown>;
  const participant = raw.participant as
    | (Participant & { joinedAt: string | null; leftAt: string | null })
    | null;
  return [
    {
      ...(raw as unknown as RoomEvent),
      occurredAt: new Date(raw.occurredAt as string),
      observedAt: new Date(raw.observedAt as string),
      participant: participant
        ? {
            ...participant,
            joinedAt: participant.joinedAt ? new Date(participant.joinedAt) : null,
            leftAt: participant.leftAt ? new Date(participant.leftAt) : null,
          }
        : null,
      cursor: id,
    },
  ];
}
