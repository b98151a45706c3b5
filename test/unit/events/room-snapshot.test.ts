import { describe, expect, it } from 'vitest';
import type { Room } from '../../../src/domain/room.js';
import { roomChangeEvent } from '../../../src/events/room-events.js';
import {
  type AccountState,
  changesBetween,
  snapshotOf,
} from '../../../src/events/room-snapshot.js';
import { fakeRoom } from '../graphql/fake-provider.js';

/** A room as a provider with a one-second clock shows it (SignalWire's `updated_at`). */
function room(changes: Partial<Room> = {}): Room {
  return {
    ...fakeRoom('sw', 'r1', 'standup'),
    createdAt: new Date('2026-03-02T10:00:00Z'),
    updatedAt: new Date('2026-03-02T10:00:07Z'),
    ...changes,
  };
}

function state(...rooms: Room[]): AccountState {
  return { rooms, complete: true, sessions: [], participants: [], recordings: [] };
}

const at = new Date('2026-03-02T10:00:09Z');
const seen = { source: 'POLL', observedAt: at } as const;

describe('room changes between two polls', () => {
  it('sees a change made in the same second as the one before it', () => {
    // Created, then renamed 300 ms later: SignalWire's updated_at says 10:00:07 both times.
    const before = snapshotOf(state(room()));
    const renamed = room({ displayName: 'Daily standup' });

    expect(changesBetween(before, state(renamed), 'sw', at).map((event) => event.type)).toEqual([
      'ROOM_UPDATED',
    ]);
  });

  it('gives two changes within one second two events, and one change the same id from every source', () => {
    const renamed = room({ displayName: 'Daily standup' });
    const resized = room({ displayName: 'Daily standup', maxParticipants: 8 });

    expect(roomChangeEvent('ROOM_UPDATED', renamed, seen).id).not.toBe(
      roomChangeEvent('ROOM_UPDATED', resized, seen).id,
    );
    expect(roomChangeEvent('ROOM_UPDATED', renamed, { source: 'API' }).id).toBe(
      roomChangeEvent('ROOM_UPDATED', { ...renamed }, seen).id,
    );
  });

  it('sees no change where only the clock moved the status (a join window closing by itself)', () => {
    const before = snapshotOf(state(room({ expiresAt: new Date('2026-03-02T10:00:08Z') })));
    const closed = room({ expiresAt: new Date('2026-03-02T10:00:08Z'), status: 'DISABLED' });

    expect(changesBetween(before, state(closed), 'sw', at)).toEqual([]);
  });
});

describe('one version of a room, one event', () => {
  it('gives a poll that missed a disable and its enable the id of the enable it calls an update', () => {
    // Through the service: disabled, then enabled, between two poll rounds. The poll's last
    // snapshot had the room enabled, so it names the enabled room's new version an update.
    const enabled = room({ updatedAt: new Date('2026-03-02T10:00:08Z') });

    expect(roomChangeEvent('ROOM_UPDATED', enabled, seen).id).toBe(
      roomChangeEvent('ROOM_ENABLED', enabled, { source: 'API' }).id,
    );
  });

  it('keeps a disable apart from the change before it where the update time did not move', () => {
    const renamed = room({ displayName: 'Daily standup' });

    expect(roomChangeEvent('ROOM_DISABLED', { ...renamed, status: 'DISABLED' }, seen).id).not.toBe(
      roomChangeEvent('ROOM_UPDATED', renamed, seen).id,
    );
  });
});
