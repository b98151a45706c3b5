import type { LoggedEvent, RoomEvent } from '../domain/room-event.js';
import type { EventLog } from './event-log.js';

/**
 * Where every source hands its events: they go into the log, which dedupes and orders them.
 * A log that cannot take them (Redis away) loses nothing for good: polling sees the same change
 * later and gives it the same id; the failure is reported, and never fails the caller's write.
 */
export class EventPublisher {
  readonly #closing = new AbortController();

  /** Aborts when the service drains: open subscriptions end, so their clients resume elsewhere. */
  get closing(): AbortSignal {
    return this.#closing.signal;
  }

  /** Ends every open subscription (their clients reconnect with `after`). */
  closeSubscriptions(): void {
    this.#closing.abort();
  }

  constructor(
    readonly log: EventLog,
    private readonly logError: (message: string, error: unknown) => void,
  ) {}

  async publish(events: readonly RoomEvent[]): Promise<LoggedEvent[]> {
    if (events.length === 0) {
      return [];
    }
    try {
      return await this.log.append(events);
    } catch (error) {
      this.logError('Room events could not be written to the event log', error);
      return [];
    }
  }
}
