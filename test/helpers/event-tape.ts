import { expect } from 'vitest';
import type { EventSource, RoomEventType } from '../../src/domain/room-event.js';
import { type SseSubscription, subscribe } from './sse.js';

/** One `roomEvents` result, with every field an event may resolve. */
export interface TapedEvent {
  readonly id: string;
  readonly type: RoomEventType;
  readonly source: EventSource;
  readonly roomId: string;
  readonly room: { readonly id: string; readonly name: string } | null;
  readonly session: { readonly id: string; readonly status: string } | null;
  readonly participant: { readonly id: string; readonly identity: string | null } | null;
  readonly recording: { readonly id: string; readonly status: string } | null;
}

/**
 * One expected event: its type, its source, the name of its room as the API shows it, and for
 * PARTICIPANT_ events the person's identity.
 */
export type Expected = readonly [
  type: RoomEventType,
  source: EventSource,
  room: string,
  identity?: string,
];

const SUBSCRIPTION = /* GraphQL */ `
  subscription ($keys: [String!]) {
    roomEvents(providerKeys: $keys) {
      id type source roomId
      room { id name }
      session { id status }
      participant { id identity }
      recording { id status }
    }
  }
`;

/** The status an event's subject has when it is delivered, where that is settled by then. */
const SETTLED: Partial<Record<RoomEventType, { field: 'session' | 'recording'; status: string }>> =
  {
    SESSION_STARTED: { field: 'session', status: 'LIVE' },
    SESSION_ENDED: { field: 'session', status: 'ENDED' },
    RECORDING_READY: { field: 'recording', status: 'READY' },
    RECORDING_FAILED: { field: 'recording', status: 'FAILED' },
  };

/**
 * Every room event of one account, as a subscriber over SSE gets them, read step by step: each
 * step names the events it expects and gets exactly those next (in any order: webhooks and
 * poll rounds deliver several at once), so an event published twice, or one nobody expected,
 * fails the step that follows it.
 */
export class EventTape {
  /** `TYPE SOURCE` of every event delivered so far. */
  readonly seen = new Set<string>();
  readonly #ids = new Set<string>();
  /** Room names by global id, learned from events that resolved their room. */
  readonly #names = new Map<string, string>();

  private constructor(private readonly subscription: SseSubscription<{ data?: unknown }>) {}

  static async open(url: string, providerKey: string): Promise<EventTape> {
    return new EventTape(await subscribe(url, SUBSCRIPTION, { keys: [providerKey] }));
  }

  /** Reads the next `expected.length` events and holds them to `expected`; returns them. */
  async next(step: string, expected: readonly Expected[], timeoutMs = 5_000) {
    const events: TapedEvent[] = [];
    for (let index = 0; index < expected.length; index++) {
      const result = await this.subscription.next(timeoutMs).catch(() => {
        throw new Error(
          `${step}: got ${JSON.stringify(events.map((event) => this.#row(event)))}, then nothing, but expected ${JSON.stringify(expected)}`,
        );
      });
      expect(result, step).not.toHaveProperty('errors');
      const event = (result.data as { roomEvents: TapedEvent }).roomEvents;
      this.#check(step, event);
      events.push(event);
    }
    const rows = (list: string[]) => [...list].sort();
    expect(rows(events.map((event) => this.#row(event))), step).toEqual(
      rows(expected.map((row) => row.filter((part) => part !== undefined).join(' '))),
    );
    return events;
  }

  close(): void {
    this.subscription.close();
  }

  /** Each event once; its fields resolved as its type says. */
  #check(step: string, event: TapedEvent): void {
    expect(this.#ids.has(event.id), `${step}: ${event.type} delivered twice`).toBe(false);
    this.#ids.add(event.id);
    this.seen.add(`${event.type} ${event.source}`);
    const family = event.type.slice(0, event.type.indexOf('_'));
    if (event.type === 'ROOM_DELETED') {
      expect(event.room, `${step}: a deleted room`).toBeNull();
    } else {
      expect(event.room?.id, `${step}: ${event.type}'s room`).toBe(event.roomId);
      this.#names.set(event.roomId, event.room?.name ?? '');
    }
    if (family === 'ROOM') {
      expect(event.session, `${step}: ${event.type}'s session`).toBeNull();
    } else {
      // Participants and recordings belong to a session, which resolves too.
      expect(event.session?.id, `${step}: ${event.type}'s session`).toEqual(expect.any(String));
    }
    expect(event.participant !== null, `${step}: ${event.type}'s participant`).toBe(
      family === 'PARTICIPANT',
    );
    expect(event.recording !== null, `${step}: ${event.type}'s recording`).toBe(
      family === 'RECORDING',
    );
    const settled = SETTLED[event.type];
    if (settled) {
      expect(event[settled.field]?.status, `${step}: ${event.type}'s ${settled.field}`).toBe(
        settled.status,
      );
    }
  }

  #row(event: TapedEvent): string {
    const room = event.room?.name ?? this.#names.get(event.roomId) ?? event.roomId;
    const identity = event.participant ? ` ${event.participant.identity}` : '';
    return `${event.type} ${event.source} ${room}${identity}`;
  }
}
