import {
  type LoggedEvent,
  ROOM_CHANGE,
  type RoomEvent,
  roomEventId,
} from '../domain/room-event.js';
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
      const versioned: RoomEvent[] = [];
      for (const event of events) {
        versioned.push(await this.#versioned(event));
      }
      return await this.log.append(versioned);
    } catch (error) {
      this.logError('Room events could not be written to the event log', error);
      return [];
    }
  }

  /**
   * A change to a room gets its version from the log: its state and how
   * many times the room had changed state by then. Every source that reports the same change
   * gets the same number, so the log keeps it once; a room disabled again after being enabled
   * gets a new one, so it is not taken for the first disable. A poll round that read the room
   * just before a write through the service, and publishes just after it, reports what it read
   * as one more change (and its next round the write's state again): the room's last event is
   * still its state, where a count-free version would drop every return to an earlier state.
   */
  async #versioned(event: RoomEvent): Promise<RoomEvent> {
    if (event.roomState === undefined) {
      return event;
    }
    const { roomState, ...rest } = event;
    // An account key has no colon, so the two parts cannot run into each other.
    const generation = await this.log.roomGeneration(
      `${event.providerKey}:${event.roomNativeId}`,
      roomState,
    );
    const version = `${roomState}#${generation}`;
    return {
      ...rest,
      id: roomEventId(ROOM_CHANGE, event.providerKey, event.roomNativeId, version),
    };
  }
}
