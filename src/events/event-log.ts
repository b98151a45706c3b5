import type { LoggedEvent, RoomEvent } from '../domain/room-event.js';

/**
 * The ordered, resumable log of room events, kept for a retention window. In memory for one
 * instance; in Redis Streams (`redis-event-log.ts`) so that any instance can serve any
 * subscriber and resume any cursor.
 */
export interface EventLog {
  /**
   * Appends the events whose id the log has not seen within the retention window, in order, and
   * returns those it appended, with their cursors. A redelivered or re-observed change appends
   * nothing.
   */
  append(events: readonly RoomEvent[]): Promise<LoggedEvent[]>;
  /**
   * Up to `limit` events after `cursor` (exclusive), oldest first; from the oldest kept when
   * `cursor` is null. Throws `EventCursorError` for a cursor this log cannot resume: malformed,
   * or older than the retention window (events after it may be gone).
   */
  read(cursor: string | null, limit: number): Promise<LoggedEvent[]>;
  /** The newest event's cursor, or null when the log is empty: where a live-only tail starts. */
  head(): Promise<string | null>;
  /**
   * Tells `listener` of every event appended from now on, by this instance or (for a shared
   * log) any other, in log order. Returns the function that stops it.
   */
  listen(listener: (event: LoggedEvent) => void): () => void;
  /** Orders two cursors of this log: negative when `a` comes first. */
  compare(a: string, b: string): number;
  /**
   * How many times the room `roomKey` has changed state, as far as any instance has said: the
   * same number while it is told the state it was last told, one more for any other (one it
   * had before included). What a room with no version of its own is versioned by, so that the
   * same change gets the same number from every source and a return to an earlier state gets
   * a new one. Kept for the retention window after the last change.
   */
  roomGeneration(roomKey: string, state: string): Promise<number>;
  close(): Promise<void>;
}

/** A cursor the log cannot resume from. */
export class EventCursorError extends Error {
  override name = 'EventCursorError';
  constructor(readonly reason: 'malformed' | 'expired') {
    super(
      reason === 'malformed'
        ? 'is not an event cursor this API issued'
        : 'is older than the event retention window; resubscribe without after, then read the current state',
    );
  }
}
