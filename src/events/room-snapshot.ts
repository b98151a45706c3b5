import type { Room } from '../domain/room.js';
import type { RoomEvent } from '../domain/room-event.js';
import type { Participant, Recording, RoomSession } from '../domain/room-life.js';
import {
  participantEvent,
  recordingEvent,
  roomChangeEvent,
  roomLifecycleEvent,
  roomVersion,
  sessionEvent,
} from './room-events.js';

/** What one poll of an account saw: its rooms, their live sessions and who was in them. */
export interface AccountSnapshot {
  /** Room by handle, with the version a change would show in. */
  readonly rooms: Record<string, { readonly version: string; readonly status: string }>;
  /** Whether the listing reached the end: only then does a missing room mean a deleted one. */
  readonly complete: boolean;
  /** The live session of each room that had one, by room handle. */
  readonly sessions: Record<string, RoomSession>;
  /** The people in each live session, by session handle, then by presence. */
  readonly participants: Record<string, Record<string, Participant>>;
  /** The state of each recording seen, by handle. */
  readonly recordings: Record<string, { readonly status: string }>;
  /**
   * Rooms whose recordings are still worth reading (they had a live session lately), with
   * when that stops (epoch ms): a recording becomes ready after its session ends.
   */
  readonly recent: Record<string, number>;
}

export interface AccountState {
  readonly rooms: readonly Room[];
  readonly complete: boolean;
  readonly sessions: readonly RoomSession[];
  readonly participants: readonly Participant[];
  readonly recordings: readonly Recording[];
}

/** How long after its last live session a room's recordings are still read. */
export const RECORDING_WATCH_MS = 15 * 60_000;

export function snapshotOf(
  state: AccountState,
  before: AccountSnapshot | null = null,
  now = Date.now(),
): AccountSnapshot {
  const recent: Record<string, number> = {};
  for (const [room, until] of Object.entries(before?.recent ?? {})) {
    if (until > now) {
      recent[room] = until;
    }
  }
  for (const session of state.sessions) {
    recent[session.roomNativeId] = now + RECORDING_WATCH_MS;
  }
  const participants: Record<string, Record<string, Participant>> = {};
  for (const person of state.participants) {
    const session = person.sessionNativeId ?? '';
    participants[session] = { ...participants[session], [person.nativeId]: person };
  }
  return {
    rooms: Object.fromEntries(
      state.rooms.map((room) => [
        room.nativeId,
        { version: roomVersion(room), status: room.status },
      ]),
    ),
    complete: state.complete,
    sessions: Object.fromEntries(state.sessions.map((session) => [session.roomNativeId, session])),
    participants,
    recordings: Object.fromEntries(
      state.recordings.map((recording) => [recording.nativeId, { status: recording.status }]),
    ),
    recent,
  };
}

/**
 * The events that take an account from `before` to what a poll now sees, each with the id any
 * other source would give the same change. Rooms not listed this time (past the pages read)
 * are only deleted when both listings were complete.
 */
export function changesBetween(
  before: AccountSnapshot,
  state: AccountState,
  providerKey: string,
  observedAt: Date,
): RoomEvent[] {
  const seen = { source: 'POLL' as const, observedAt };
  const events: RoomEvent[] = [];
  const now = snapshotOf(state);
  for (const room of state.rooms) {
    const earlier = before.rooms[room.nativeId];
    if (!earlier) {
      events.push(roomLifecycleEvent('ROOM_CREATED', room, seen));
    } else if (earlier.version !== now.rooms[room.nativeId]?.version) {
      // What disableRoom leaves behind is DISABLED, or ENDED where disabling ends a room for
      // good: the same type a write through the service publishes, so the ids agree.
      const closed = (status: string) => status === 'DISABLED' || status === 'ENDED';
      const type =
        !closed(earlier.status) && closed(room.status)
          ? 'ROOM_DISABLED'
          : closed(earlier.status) && room.status === 'ACTIVE'
            ? 'ROOM_ENABLED'
            : 'ROOM_UPDATED';
      events.push(roomChangeEvent(type, room, seen));
    }
  }
  if (before.complete && now.complete) {
    for (const nativeId of Object.keys(before.rooms)) {
      if (!now.rooms[nativeId]) {
        events.push(roomLifecycleEvent('ROOM_DELETED', { providerKey, nativeId }, seen));
      }
    }
  }
  for (const session of state.sessions) {
    const earlier = before.sessions[session.roomNativeId];
    if (earlier && earlier.nativeId !== session.nativeId) {
      events.push(...ended(earlier, before, observedAt, seen));
    }
    if (!earlier || earlier.nativeId !== session.nativeId) {
      events.push(sessionEvent('SESSION_STARTED', session, seen));
    }
    const was = before.participants[session.nativeId] ?? {};
    const is = now.participants[session.nativeId] ?? {};
    for (const [id, person] of Object.entries(is)) {
      if (!was[id]) {
        events.push(participantEvent('PARTICIPANT_JOINED', person, seen));
      }
    }
    for (const [id, person] of Object.entries(was)) {
      if (!is[id]) {
        events.push(participantEvent('PARTICIPANT_LEFT', { ...person, leftAt: observedAt }, seen));
      }
    }
  }
  for (const [roomNativeId, session] of Object.entries(before.sessions)) {
    if (!now.sessions[roomNativeId]) {
      events.push(...ended(session, before, observedAt, seen));
    }
  }
  for (const recording of state.recordings) {
    const earlier = before.recordings[recording.nativeId]?.status;
    if (earlier === recording.status) {
      continue;
    }
    if (!earlier && recording.status === 'RECORDING') {
      events.push(recordingEvent('RECORDING_STARTED', recording, seen));
    }
    if (recording.status === 'READY') {
      events.push(recordingEvent('RECORDING_READY', recording, seen));
    } else if (recording.status === 'FAILED') {
      events.push(recordingEvent('RECORDING_FAILED', recording, seen));
    }
  }
  return events;
}

/** A session that is no longer live: everyone still in it left, then it ended. */
function ended(
  session: RoomSession,
  before: AccountSnapshot,
  observedAt: Date,
  seen: { source: 'POLL'; observedAt: Date },
): RoomEvent[] {
  const left = Object.values(before.participants[session.nativeId] ?? {}).map((person) =>
    participantEvent('PARTICIPANT_LEFT', { ...person, leftAt: person.leftAt ?? observedAt }, seen),
  );
  return [
    ...left,
    sessionEvent(
      'SESSION_ENDED',
      { ...session, status: 'ENDED', endedAt: session.endedAt ?? observedAt },
      seen,
    ),
  ];
}

export const EMPTY_SNAPSHOT: AccountSnapshot = {
  rooms: {},
  complete: false,
  sessions: {},
  participants: {},
  recordings: {},
  recent: {},
};
