import { createHash } from 'node:crypto';
import type { Room } from '../domain/room.js';
import {
  type EventSource,
  ROOM_CHANGE,
  type RoomEvent,
  type RoomEventType,
  roomEventId,
} from '../domain/room-event.js';
import type { Participant, Recording, RoomSession } from '../domain/room-life.js';

// The one place events are made from domain objects, by every source alike (writes through the
// service, provider webhooks, polling), so the same change gets the same id from each.

interface Seen {
  readonly source: EventSource;
  /** When the source learned of it; now when absent. */
  readonly observedAt?: Date;
}

/**
 * A room's version: a digest of the state a change would show in, so two sources that see the
 * same state name the same version, with the time the provider says it last changed. That time
 * alone is no version where the provider's clock is coarse (SignalWire's `updated_at` counts
 * whole seconds: a room renamed in the second it was made would read unchanged). Where there
 * is such a time, the status is left out of the digest: it may follow the clock (a join window
 * closing, a room expiring), which changes nothing in the room.
 */
export function roomVersion(room: Room): string {
  const state = createHash('sha256')
    .update(
      JSON.stringify([
        room.updatedAt ? null : room.status,
        room.name,
        room.displayName,
        room.description,
        room.notBefore?.toISOString() ?? null,
        room.expiresAt?.toISOString() ?? null,
        room.maxParticipants,
        room.recordingEnabled,
      ]),
    )
    .digest('base64url');
  return room.updatedAt ? `${room.updatedAt.toISOString()}/${state}` : state;
}

function base(
  type: RoomEventType,
  providerKey: string,
  roomNativeId: string,
  subject: string,
  occurredAt: Date | null,
  seen: Seen,
): RoomEvent {
  const observedAt = seen.observedAt ?? new Date();
  return {
    id: roomEventId(type, providerKey, roomNativeId, subject),
    type,
    occurredAt: occurredAt ?? observedAt,
    observedAt,
    source: seen.source,
    providerKey,
    roomNativeId,
    sessionNativeId: null,
    recordingNativeId: null,
    participant: null,
  };
}

/** ROOM_CREATED, ROOM_DELETED: once per room. */
export function roomLifecycleEvent(
  type: 'ROOM_CREATED' | 'ROOM_DELETED',
  room: { providerKey: string; nativeId: string; createdAt?: Date | null },
  seen: Seen,
): RoomEvent {
  const at = type === 'ROOM_CREATED' ? (room.createdAt ?? null) : null;
  return base(type, room.providerKey, room.nativeId, type, at, seen);
}

/**
 * ROOM_UPDATED, ROOM_DISABLED, ROOM_ENABLED: one per change of the room's state, whichever of
 * the three a source names it. The event carries the state (`roomState`), which the publisher
 * turns into a version with the log's count of the room's changes: a room can return to a state
 * it had (banned, unbanned, banned again; or, on a one-second clock, renamed, disabled and
 * enabled within a second), and each return is a change of its own.
 */
export function roomChangeEvent(
  type: 'ROOM_UPDATED' | 'ROOM_DISABLED' | 'ROOM_ENABLED',
  room: Room,
  seen: Seen,
): RoomEvent {
  // The status is in the state even where the update time is: a disable whose update time did
  // not move is still a change of its own.
  const roomState = `${roomVersion(room)}|${room.status}`;
  const event = base(type, room.providerKey, room.nativeId, roomState, room.updatedAt, seen);
  return {
    ...event,
    id: roomEventId(ROOM_CHANGE, room.providerKey, room.nativeId, roomState),
    roomState,
  };
}

/** SESSION_STARTED, SESSION_ENDED: once per session. */
export function sessionEvent(
  type: 'SESSION_STARTED' | 'SESSION_ENDED',
  session: RoomSession,
  seen: Seen,
): RoomEvent {
  const at = type === 'SESSION_STARTED' ? session.startedAt : session.endedAt;
  return {
    ...base(type, session.providerKey, session.roomNativeId, session.nativeId, at, seen),
    sessionNativeId: session.nativeId,
  };
}

/** PARTICIPANT_JOINED, PARTICIPANT_LEFT: once per presence (a join has its own id). */
export function participantEvent(
  type: 'PARTICIPANT_JOINED' | 'PARTICIPANT_LEFT',
  participant: Participant,
  seen: Seen,
): RoomEvent {
  const at = type === 'PARTICIPANT_JOINED' ? participant.joinedAt : participant.leftAt;
  return {
    ...base(
      type,
      participant.providerKey,
      participant.roomNativeId,
      participant.nativeId,
      at,
      seen,
    ),
    sessionNativeId: participant.sessionNativeId,
    participant,
  };
}

/** RECORDING_STARTED, RECORDING_READY, RECORDING_FAILED: once per recording. */
export function recordingEvent(
  type: 'RECORDING_STARTED' | 'RECORDING_READY' | 'RECORDING_FAILED',
  recording: Recording,
  seen: Seen,
): RoomEvent {
  const at = type === 'RECORDING_STARTED' ? recording.startedAt : recording.endedAt;
  return {
    ...base(type, recording.providerKey, recording.roomNativeId, recording.nativeId, at, seen),
    sessionNativeId: recording.sessionNativeId,
    recordingNativeId: recording.nativeId,
  };
}
