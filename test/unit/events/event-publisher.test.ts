import { describe, expect, it } from 'vitest';
import type { Room } from '../../../src/domain/room.js';
import { EventPublisher } from '../../../src/events/event-publisher.js';
import { MemoryEventLog } from '../../../src/events/memory-event-log.js';
import { roomChangeEvent } from '../../../src/events/room-events.js';
import { fakeRoom } from '../graphql/fake-provider.js';

/** A whiteboard room as Netless shows it: no update time, its ban its only state that changes. */
function whiteboard(status: 'ACTIVE' | 'DISABLED'): Room {
  return { ...fakeRoom('netless', 'a1b2', 'a1b2'), providerKind: 'AGORA_WHITEBOARD', status };
}

const API = { source: 'API' } as const;
const POLL = { source: 'POLL' } as const;

function publisher() {
  return new EventPublisher(new MemoryEventLog(60_000), () => {});
}

describe('EventPublisher, rooms with no update time', () => {
  it('publishes each ban and unban, though the room returns to a state it had', async () => {
    const events = publisher();
    const published = [
      ...(await events.publish([roomChangeEvent('ROOM_DISABLED', whiteboard('DISABLED'), API)])),
      ...(await events.publish([roomChangeEvent('ROOM_ENABLED', whiteboard('ACTIVE'), API)])),
      ...(await events.publish([roomChangeEvent('ROOM_DISABLED', whiteboard('DISABLED'), API)])),
    ];

    expect(published.map((event) => event.type)).toEqual([
      'ROOM_DISABLED',
      'ROOM_ENABLED',
      'ROOM_DISABLED',
    ]);
    expect(new Set(published.map((event) => event.id)).size).toBe(3);
  });

  it('publishes one change once, whichever source reports it', async () => {
    const events = publisher();
    const [disabled] = await events.publish([
      roomChangeEvent('ROOM_DISABLED', whiteboard('DISABLED'), API),
    ]);

    // A poll that sees the same ban: the same id, so nothing new.
    expect(
      await events.publish([roomChangeEvent('ROOM_DISABLED', whiteboard('DISABLED'), POLL)]),
    ).toEqual([]);
    expect(disabled).toMatchObject({ type: 'ROOM_DISABLED', source: 'API' });
    // The state is how the id was made, not part of what is logged.
    expect(disabled).not.toHaveProperty('roomState');
  });
});

/** A room as SignalWire shows it: `updated_at` in whole seconds, so it stands still within one. */
function conference(changes: Partial<Room>): Room {
  return {
    ...fakeRoom('sw', 'c1', 'standup'),
    updatedAt: new Date('2026-03-02T10:00:07Z'),
    ...changes,
  };
}

describe('EventPublisher, rooms on a one-second clock', () => {
  it('publishes a rename, a disable and an enable made within one second, and a late poll adds nothing', async () => {
    const events = publisher();
    const renamed = conference({ displayName: 'Daily standup' });
    const published = [
      ...(await events.publish([roomChangeEvent('ROOM_UPDATED', renamed, API)])),
      ...(await events.publish([
        roomChangeEvent('ROOM_DISABLED', { ...renamed, status: 'DISABLED' }, API),
      ])),
      ...(await events.publish([roomChangeEvent('ROOM_ENABLED', renamed, API)])),
    ];

    expect(published.map((event) => event.type)).toEqual([
      'ROOM_UPDATED',
      'ROOM_DISABLED',
      'ROOM_ENABLED',
    ]);
    // A poll whose last round saw the room before the rename calls what it finds an update:
    // it is the enable's state, already published.
    expect(await events.publish([roomChangeEvent('ROOM_UPDATED', renamed, POLL)])).toEqual([]);
  });
});
