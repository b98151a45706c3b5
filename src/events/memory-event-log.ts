import type { LoggedEvent, RoomEvent } from '../domain/room-event.js';
import { EventCursorError, type EventLog } from './event-log.js';

/**
 * The event log of one instance, in memory: a sequence numbered from 1, trimmed to the
 * retention window on each append, with the ids seen in that window for dedupe.
 */
export class MemoryEventLog implements EventLog {
  readonly #events: LoggedEvent[] = [];
  readonly #seen = new Map<string, number>();
  readonly #listeners = new Set<(event: LoggedEvent) => void>();
  /** Each room's last state, its generation and when it was last told, oldest first. */
  readonly #roomStates = new Map<string, { state: string; generation: number; at: number }>();
  #next = 1;
  /** The sequence number of the last event trimmed away: cursors before it cannot resume. */
  #trimmedThrough = 0;

  constructor(
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async append(events: readonly RoomEvent[]): Promise<LoggedEvent[]> {
    this.#trim();
    const appended: LoggedEvent[] = [];
    for (const event of events) {
      if (this.#seen.has(event.id)) {
        continue;
      }
      const logged: LoggedEvent = { ...event, cursor: String(this.#next++) };
      this.#seen.set(event.id, this.now());
      this.#events.push(logged);
      appended.push(logged);
    }
    for (const logged of appended) {
      for (const listener of this.#listeners) {
        listener(logged);
      }
    }
    return appended;
  }

  async read(cursor: string | null, limit: number): Promise<LoggedEvent[]> {
    this.#trim();
    const after = cursor === null ? this.#trimmedThrough : sequenceOf(cursor);
    if (after < this.#trimmedThrough) {
      throw new EventCursorError('expired');
    }
    const start = this.#events.findIndex((event) => sequenceOf(event.cursor) > after);
    return start < 0 ? [] : this.#events.slice(start, start + limit);
  }

  async head(): Promise<string | null> {
    return this.#events.at(-1)?.cursor ?? null;
  }

  listen(listener: (event: LoggedEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  compare(a: string, b: string): number {
    return sequenceOf(a) - sequenceOf(b);
  }

  async roomGeneration(roomKey: string, state: string): Promise<number> {
    this.#trim();
    const last = this.#roomStates.get(roomKey);
    const generation = last?.state === state ? last.generation : (last?.generation ?? 0) + 1;
    // Deleted first, so the map stays in the order of the last word on each room.
    this.#roomStates.delete(roomKey);
    this.#roomStates.set(roomKey, { state, generation, at: this.now() });
    return generation;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }

  #trim(): void {
    const oldest = this.now() - this.retentionMs;
    let drop = 0;
    while (drop < this.#events.length && (this.#events[drop]?.observedAt.getTime() ?? 0) < oldest) {
      drop++;
    }
    if (drop > 0) {
      const last = this.#events[drop - 1];
      this.#trimmedThrough = last ? sequenceOf(last.cursor) : this.#trimmedThrough;
      this.#events.splice(0, drop);
    }
    for (const [id, at] of this.#seen) {
      if (at >= oldest) {
        break;
      }
      this.#seen.delete(id);
    }
    for (const [room, { at }] of this.#roomStates) {
      if (at >= oldest) {
        break;
      }
      this.#roomStates.delete(room);
    }
  }
}

function sequenceOf(cursor: string): number {
  if (!/^[1-9]\d{0,15}$/.test(cursor)) {
    throw new EventCursorError('malformed');
  }
  return Number(cursor);
}
