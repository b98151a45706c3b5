import type {
  Participant,
  Recording,
  RecordingStatus,
  RoomSession,
} from '../../domain/room-life.js';
import type { RoomTokenRole } from '../../domain/room-token.js';
import { HMS_ROOM_LIFE_ASSUMPTIONS } from './hms-assumptions.js';
import type {
  HmsAssetPayload,
  HmsPeerPayload,
  HmsRecordingPayload,
  HmsSessionPayload,
} from './hms-life-schemas.js';
import { parseHmsTime } from './hms-mappers.js';

/** Session, peer and recording ids (hms-room-life.md): 24-hex ids, peer ids are UUIDs (§2). */
const PEER_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a handle can be a 100ms peer id (a UUID, new on every join: §2). */
export function isHmsPeerId(id: string): boolean {
  return PEER_ID_PATTERN.test(id);
}

/** Our role for a template role: the first of ours the account's role map sends to it. */
export type RoleOf = (providerRole: string | null) => RoomTokenRole | null;

export function roleOfMap(map: Readonly<Record<RoomTokenRole, string>>): RoleOf {
  const order: readonly RoomTokenRole[] = ['HOST', 'PARTICIPANT', 'VIEWER'];
  return (providerRole) =>
    providerRole === null ? null : (order.find((role) => map[role] === providerRole) ?? null);
}

export interface LifeMapping {
  readonly providerKey: string;
  readonly roleOf: RoleOf;
}

/**
 * A session (§1): LIVE while `active`; it started at `created_at`, and an ended one ended at
 * `updated_at` (the docs reckon a session's duration as `updated_at − created_at`). Its
 * `peers` are its participants, in the order they joined, so listing them costs nothing more.
 */
export function toSession(payload: HmsSessionPayload, mapping: LifeMapping): RoomSession {
  const status = payload.active ? 'LIVE' : 'ENDED';
  const participants = payload.peers
    ? Object.entries(payload.peers)
        .map(([peerId, peer]) => toParticipant(peer, peerId, payload, mapping))
        .sort(byJoinTime)
    : null;
  return {
    providerKey: mapping.providerKey,
    roomNativeId: payload.room_id,
    nativeId: payload.id,
    status,
    startedAt: parseHmsTime(payload.created_at),
    endedAt: payload.active ? null : parseHmsTime(payload.updated_at),
    participantCount:
      participants === null
        ? null
        : status === 'LIVE'
          ? participants.filter((person) => person.leftAt === null).length
          : participants.length,
    participants,
  };
}

/** One peer of a session; its key in `peers` is its id when the peer object lacks one. */
export function toParticipant(
  peer: HmsPeerPayload,
  peerId: string,
  session: Pick<HmsSessionPayload, 'id' | 'room_id'>,
  mapping: LifeMapping,
): Participant {
  const providerRole = blankToNull(peer.role);
  return {
    providerKey: mapping.providerKey,
    roomNativeId: session.room_id,
    sessionNativeId: session.id,
    nativeId: blankToNull(peer.id) ?? peerId,
    identity: blankToNull(peer.user_id),
    displayName: blankToNull(peer.name),
    role: mapping.roleOf(providerRole),
    providerRole,
    joinedAt: parseHmsTime(peer.joined_at),
    // Go's zero time parses to null too: still in (HMS_ROOM_LIFE_ASSUMPTIONS.liveWhenNoLeftAt).
    leftAt: parseHmsTime(peer.left_at),
  };
}

/**
 * A recording job's status (§3) in our words. `paused` (the pause endpoint's state) is still a
 * recording; a status 100ms may add later reads as PROCESSING: neither live nor done.
 */
export function recordingStatus(status: string): RecordingStatus {
  switch (status) {
    case 'starting':
    case 'running':
    case 'paused':
      return 'RECORDING';
    case 'completed':
      return 'READY';
    case 'failed':
      return 'FAILED';
    default:
      return 'PROCESSING';
  }
}

/**
 * A recording job (§3). Its size and length are its file's, where the answer carries its
 * assets (get); a listed job has none, so its length is reckoned from its start and stop.
 */
export function toRecording(payload: HmsRecordingPayload, providerKey: string): Recording {
  const startedAt = parseHmsTime(payload.started_at);
  const endedAt = parseHmsTime(payload.stopped_at);
  const file = fileAsset(payload.recording_assets ?? []);
  const reckoned =
    startedAt && endedAt ? Math.max(0, (endedAt.getTime() - startedAt.getTime()) / 1000) : null;
  return {
    providerKey,
    roomNativeId: payload.room_id,
    sessionNativeId: blankToNull(payload.session_id),
    nativeId: payload.id,
    status: recordingStatus(payload.status),
    startedAt,
    endedAt,
    durationSeconds: file?.duration ?? reckoned,
    sizeBytes: file?.size ?? null,
  };
}

/** The recording's file: its first completed asset of the kinds that are the recording. */
export function fileAsset(assets: readonly HmsAssetPayload[]): HmsAssetPayload | null {
  for (const type of HMS_ROOM_LIFE_ASSUMPTIONS.downloadAssetTypes) {
    const found = assets.find(
      (asset) => asset.type === type && (asset.status == null || asset.status === 'completed'),
    );
    if (found) {
      return found;
    }
  }
  return null;
}

function byJoinTime(a: Participant, b: Participant): number {
  const at = (person: Participant) => person.joinedAt?.getTime() ?? Number.MAX_SAFE_INTEGER;
  return at(a) - at(b) || (a.nativeId < b.nativeId ? -1 : a.nativeId > b.nativeId ? 1 : 0);
}

function blankToNull(value: string | null | undefined): string | null {
  return value == null || value === '' ? null : value;
}
