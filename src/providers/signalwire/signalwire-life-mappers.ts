import type {
  Participant,
  Recording,
  RecordingStatus,
  RoomSession,
  SessionStatus,
} from '../../domain/room-life.js';
import { SIGNALWIRE_ASSUMPTIONS } from './signalwire-assumptions.js';
import { parseTime } from './signalwire-mappers.js';
import type {
  SignalWireMember,
  SignalWireRecording,
  SignalWireSession,
} from './signalwire-schemas.js';

// Sessions, members and recordings as the domain sees them. Their handles are SignalWire's own
// UUIDs (lower case), which every call that reveals them carries alike, so a session, presence
// or recording has one handle whichever listing, lookup or poll found it.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The handle of a session, member or recording as one of ours, or null when it is not a UUID
 * (`signalwire.md` §1: ids are UUIDs): nothing else may reach an upstream path.
 */
export function lifeHandle(value: string): string | null {
  return UUID.test(value) ? value.toLowerCase() : null;
}

/** See SIGNALWIRE_ASSUMPTIONS `sessionStatus`. */
function sessionStatusOf(session: SignalWireSession): SessionStatus {
  const known = SIGNALWIRE_ASSUMPTIONS.sessionStatus;
  const status = session.status;
  if (status === 'in-progress' || status === 'completed') {
    return known[status];
  }
  return session.end_time ? 'ENDED' : 'LIVE';
}

/**
 * A session of the room `roomNativeId`. SignalWire's session answers carry neither the members
 * nor a count of them: both stay null, and participants cost one call of their own.
 */
export function mapSession(
  key: string,
  roomNativeId: string,
  session: SignalWireSession,
): RoomSession {
  return {
    providerKey: key,
    roomNativeId,
    nativeId: session.id.toLowerCase(),
    status: sessionStatusOf(session),
    startedAt: parseTime(session.start_time),
    endedAt: parseTime(session.end_time),
    participantCount: null,
    participants: null,
  };
}

/** A member of `session`: its name is its identity, and no role is known (see the assumptions). */
export function mapMember(
  key: string,
  session: RoomSession,
  member: SignalWireMember,
): Participant {
  const name = member.name ?? null;
  return {
    providerKey: key,
    roomNativeId: session.roomNativeId,
    sessionNativeId: session.nativeId,
    nativeId: member.id.toLowerCase(),
    identity: name,
    displayName: name,
    role: null,
    providerRole: null,
    joinedAt: parseTime(member.join_time),
    leftAt: parseTime(member.leave_time),
  };
}

/** See SIGNALWIRE_ASSUMPTIONS `recordingStatus`. */
function recordingStatusOf(recording: SignalWireRecording): RecordingStatus {
  const known: Readonly<Record<string, RecordingStatus>> = SIGNALWIRE_ASSUMPTIONS.recordingStatus;
  const mapped = recording.status ? known[recording.status] : undefined;
  if (mapped) {
    return mapped;
  }
  return recording.finished_at ? 'PROCESSING' : 'RECORDING';
}

export function mapRecording(
  key: string,
  roomNativeId: string,
  recording: SignalWireRecording,
): Recording {
  return {
    providerKey: key,
    roomNativeId,
    sessionNativeId: recording.room_session_id?.toLowerCase() ?? null,
    nativeId: recording.id.toLowerCase(),
    status: recordingStatusOf(recording),
    startedAt: parseTime(recording.started_at),
    endedAt: parseTime(recording.finished_at),
    durationSeconds: recording.duration ?? null,
    sizeBytes: recording.size_in_bytes ?? null,
  };
}

/** When a recording began, for ordering newest first: its start, else its creation. */
export function recordingTime(recording: SignalWireRecording): number {
  return (parseTime(recording.started_at) ?? parseTime(recording.created_at))?.getTime() ?? 0;
}
