import type { Room, RoomStatus } from '../../domain/room.js';
import type { RoomToken, RoomTokenRole } from '../../domain/room-token.js';
import { SIGNALWIRE_ASSUMPTIONS } from './signalwire-assumptions.js';
import type { SignalWireRoomSettings, SignalWireRoomType } from './signalwire-room-settings.js';
import type {
  SignalWireConference,
  SignalWireConferenceToken,
  SignalWireRoom,
} from './signalwire-schemas.js';

/** The `join_until` that means "no end" (see SIGNALWIRE_ASSUMPTIONS). */
export const OPEN_ENDED_JOIN_UNTIL = SIGNALWIRE_ASSUMPTIONS.openEndedJoinUntil;

/** Conference sizes and their participant caps (see SIGNALWIRE_ASSUMPTIONS). */
export const CONFERENCE_SIZE_CAPS = SIGNALWIRE_ASSUMPTIONS.conferenceSizeCaps;

/** Our handle for a SignalWire room: which endpoint it lives behind, and its UUID. */
export interface SignalWireHandle {
  readonly roomType: SignalWireRoomType;
  readonly id: string;
}

const HANDLE_PREFIX: Record<SignalWireRoomType, string> = {
  CONFERENCE: 'conference',
  ROOM: 'room',
};
/**
 * The whole handle, anchored: a prefix, a colon and a UUID (`signalwire.md` §1: ids are UUIDs),
 * and nothing after it. The hex digits may come in either case: they mean the same.
 */
const HANDLE =
  /^(conference|room):([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

export function toNativeId(handle: SignalWireHandle): string {
  return `${HANDLE_PREFIX[handle.roomType]}:${handle.id}`;
}

/**
 * Null when the handle is not one we issued: the room cannot exist, and nothing of it may reach
 * an upstream path.
 */
export function parseNativeId(nativeId: string): SignalWireHandle | null {
  const match = HANDLE.exec(nativeId);
  const prefix = match?.[1];
  const id = match?.[2]?.toLowerCase();
  if (id === undefined) {
    return null;
  }
  return { roomType: prefix === 'room' ? 'ROOM' : 'CONFERENCE', id };
}

export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** A SignalWire time, or null when absent, unreadable or the "no end" stand-in. */
export function parseTime(value: string | null | undefined): Date | null {
  if (!value || value === OPEN_ENDED_JOIN_UNTIL) {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * SignalWire has no enabled flag: `disableRoom` is emulated with `join_until` (DESIGN.md), so a
 * `join_until` that has passed reads as DISABLED. A room created with a past `join_until` reads
 * the same way; the API cannot tell the two apart.
 */
function statusFrom(joinUntil: Date | null, now: number): RoomStatus {
  return joinUntil !== null && joinUntil.getTime() <= now ? 'DISABLED' : 'ACTIVE';
}

export function mapConference(key: string, conference: SignalWireConference, now: number): Room {
  const expiresAt = parseTime(conference.join_until);
  const size = conference.size ?? null;
  return {
    providerKey: key,
    providerKind: 'SIGNALWIRE',
    nativeId: toNativeId({ roomType: 'CONFERENCE', id: conference.id }),
    providerRoomId: conference.id,
    name: conference.name,
    displayName: conference.display_name ?? null,
    description: conference.description ?? null,
    status: statusFrom(expiresAt, now),
    createdAt: parseTime(conference.created_at),
    updatedAt: parseTime(conference.updated_at),
    notBefore: parseTime(conference.join_from),
    expiresAt,
    maxParticipants:
      size && size in CONFERENCE_SIZE_CAPS
        ? CONFERENCE_SIZE_CAPS[size as keyof typeof CONFERENCE_SIZE_CAPS]
        : null,
    recordingEnabled: conference.record_on_start ?? null,
    region: null,
    settings: {
      kind: 'SIGNALWIRE',
      roomType: 'CONFERENCE',
      quality: conference.quality ?? null,
      layout: conference.layout ?? null,
      size,
      enableChat: conference.enable_chat ?? null,
      enableRoomPreviews: conference.enable_room_previews ?? null,
      removeAt: null,
      removeAfterSecondsElapsed: null,
    } satisfies SignalWireRoomSettings,
  };
}

export function mapRoom(key: string, room: SignalWireRoom, now: number): Room {
  const expiresAt = parseTime(room.join_until);
  return {
    providerKey: key,
    providerKind: 'SIGNALWIRE',
    nativeId: toNativeId({ roomType: 'ROOM', id: room.id }),
    providerRoomId: room.id,
    name: room.name,
    displayName: room.display_name ?? null,
    description: room.description ?? null,
    status: statusFrom(expiresAt, now),
    createdAt: parseTime(room.created_at),
    updatedAt: parseTime(room.updated_at),
    notBefore: parseTime(room.join_from),
    expiresAt,
    maxParticipants: room.max_members ?? null,
    recordingEnabled: room.record_on_start ?? null,
    region: null,
    settings: {
      kind: 'SIGNALWIRE',
      roomType: 'ROOM',
      quality: room.quality ?? null,
      layout: room.layout ?? null,
      size: null,
      enableChat: null,
      enableRoomPreviews: room.enable_room_previews ?? null,
      removeAt: parseTime(room.remove_at),
      removeAfterSecondsElapsed: room.remove_after_seconds_elapsed ?? null,
    } satisfies SignalWireRoomSettings,
  };
}

/** The moderator token is HOST, the guest token PARTICIPANT (see SIGNALWIRE_ASSUMPTIONS). */
function conferenceTokenRole(name: string | null | undefined): RoomTokenRole {
  return name && SIGNALWIRE_ASSUMPTIONS.moderatorTokenName.test(name) ? 'HOST' : 'PARTICIPANT';
}

export function mapConferenceToken(
  key: string,
  nativeId: string,
  token: SignalWireConferenceToken,
): RoomToken {
  return {
    token: token.token,
    providerKey: key,
    roomNativeId: nativeId,
    role: conferenceTokenRole(token.name),
    providerRole: token.name ?? null,
    permissions: token.scopes ?? [],
    identity: null,
    issuedAt: null,
    // Conference tokens never expire (S7 FAQ) and are not ours to re-mint.
    expiresAt: null,
    providerTokenId: token.id,
  };
}
