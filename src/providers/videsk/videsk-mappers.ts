import { InputValidationError, type ValidationIssue } from '../../domain/errors.js';
import type { CreateRoomInput, Room, RoomStatus, UpdateRoomInput } from '../../domain/room.js';
import type { CreateRoomTokenInput, RoomTokenRole } from '../../domain/room-token.js';
import type { VideskCreateBody, VideskPatchBody } from './videsk-client.js';
import type { VideskAuthorization, VideskRoomSettings } from './videsk-room-settings.js';
import type { VideskRoom } from './videsk-schemas.js';

const PROVIDER = 'Videsk';
/** `externalId` and `name` limits (`../shared/providers/videsk.md` §2). */
const EXTERNAL_ID_MAX = 100;
const NAME_MAX = 500;
/** A Mongo ObjectId, which `GET /vpaas/rooms/{roomId}` tries before an externalId (§3.3). */
const OBJECT_ID = /^[0-9a-f]{24}$/i;
/** Room ids as Videsk writes them: 24 lowercase hex digits (§1, §2). */
const ROOM_ID = /^[0-9a-f]{24}$/;

/** Whether a handle can be a Videsk room id at all. */
export function isVideskRoomId(value: string): boolean {
  return ROOM_ID.test(value);
}

/**
 * Role mapping (§4–§5). A Videsk access token carries no role claim: every token is one grant in
 * the room's `authorizations` and its holder joins as an equal peer. PARTICIPANT is that peer;
 * HOST (managing others) and VIEWER (receive-only) cannot be expressed, so they are refused
 * rather than silently widened or narrowed. Videsk has no name for the role, hence null.
 */
const ROLE_MAPPING: Readonly<Record<RoomTokenRole, { providerRole: string | null } | null>> = {
  HOST: null,
  PARTICIPANT: { providerRole: null },
  VIEWER: null,
};

/**
 * Videsk room → domain room. `Room.name` is the `externalId` (the caller's id, which is what
 * `createRoom` sets from `input.name`), falling back to Videsk's `name`, then the id;
 * `displayName` is Videsk's own `name`.
 */
export function mapVideskRoom(key: string, room: VideskRoom, now: number): Room {
  const expiresAt = parseDate(room.exp);
  const settings = room.settings ?? null;
  return {
    providerKey: key,
    providerKind: 'VIDESK',
    nativeId: room.id,
    providerRoomId: room.id,
    name: room.externalId || room.name || room.id,
    displayName: room.name ?? null,
    description: null,
    status: statusOf(room.ended === true, expiresAt, now),
    createdAt: parseDate(room.createdAt),
    updatedAt: parseDate(room.updatedAt),
    notBefore: parseDate(room.nbf),
    expiresAt,
    maxParticipants: settings?.maxParticipants ?? null,
    recordingEnabled: settings?.recordingEnabled ?? null,
    region: null,
    settings: {
      kind: 'VIDESK',
      externalId: room.externalId ?? null,
      ended: room.ended === true,
      authorizations: (room.authorizations ?? []).map(
        (entry): VideskAuthorization => ({
          ip: entry.ip ?? null,
          jti: entry.jti ?? null,
          createdAt: parseDate(entry.createdAt),
        }),
      ),
    } satisfies VideskRoomSettings,
  };
}

/**
 * `ended` is in no Videsk example (§2), so without it the status rests on the documented window
 * alone: Videsk denies access past `exp` by itself (§1.1), so such a room is EXPIRED, not ACTIVE.
 * An ended room whose answer lacks `ended` reads as ACTIVE or EXPIRED until this service ends it
 * or finds it ended (`asEnded`).
 */
function statusOf(ended: boolean, expiresAt: Date | null, now: number): RoomStatus {
  if (ended) {
    return 'ENDED';
  }
  if (expiresAt !== null && expiresAt.getTime() <= now) {
    return 'EXPIRED';
  }
  return 'ACTIVE';
}

/** The room as known to have ended, whatever its payload said. */
export function asEnded(room: Room): Room {
  const settings =
    room.settings?.kind === 'VIDESK' ? { ...room.settings, ended: true } : room.settings;
  return { ...room, status: 'ENDED', settings };
}

/**
 * Create input → `POST /vpaas/rooms` body, or an `InputValidationError` naming every field Videsk
 * cannot take. Date rules (`exp` in the future, at most 72 h ahead) are left to Videsk, whose
 * clock decides them; it answers 400 naming the field.
 */
export function toCreateBody(input: CreateRoomInput): VideskCreateBody {
  const issues: ValidationIssue[] = [];
  const name = input.name.trim();
  if (name === '') {
    issues.push(issue('name', 'must not be empty'));
  } else if (name.length > EXTERNAL_ID_MAX) {
    issues.push(issue('name', `must be at most ${EXTERNAL_ID_MAX} characters at ${PROVIDER}`));
  } else if (name === '.' || name === '..') {
    // As a path segment it would be normalised away, so the room could never be read by it.
    issues.push(issue('name', 'must not be "." or ".."'));
  } else if (OBJECT_ID.test(name)) {
    // §3.3: Videsk would read a 24-hex externalId as a room id first.
    issues.push(
      issue('name', 'must not be a 24-character hex string (Videsk reads it as a room id)'),
    );
  }
  checkDisplayName(input.displayName, issues);
  rejectUnsupported(input, ['description', 'region'], issues);
  const body: VideskCreateBody = { externalId: name };
  if (input.displayName != null) {
    body.name = input.displayName;
  }
  assignDate(body, 'nbf', input.notBefore, 'notBefore', issues);
  assignDate(body, 'exp', input.expiresAt, 'expiresAt', issues);
  if (input.maxParticipants != null || input.recordingEnabled != null) {
    body.settings = {};
    if (input.maxParticipants != null) {
      body.settings.maxParticipants = input.maxParticipants;
    }
    if (input.recordingEnabled != null) {
      body.settings.recordingEnabled = input.recordingEnabled;
    }
  }
  throwIfAny(issues);
  return body;
}

/**
 * Update input → `PATCH /vpaas/rooms/{roomId}` body. PATCH takes only `name`, `exp`, `nbf`,
 * `ended` and `generateToken` (§3.5), so the settings object cannot change after create. Null
 * reads as "not given": Videsk cannot clear any of these fields.
 */
export function toPatchBody(input: UpdateRoomInput): VideskPatchBody {
  const issues: ValidationIssue[] = [];
  checkDisplayName(input.displayName, issues);
  rejectUnsupported(input, ['description', 'maxParticipants', 'recordingEnabled'], issues);
  const body: VideskPatchBody = {};
  if (input.displayName != null) {
    body.name = input.displayName;
  }
  assignDate(body, 'nbf', input.notBefore, 'notBefore', issues);
  assignDate(body, 'exp', input.expiresAt, 'expiresAt', issues);
  throwIfAny(issues);
  return body;
}

/**
 * Checks a token request against what `POST /{roomId}/join` can do: it takes no parameters
 * (§3.6), so no role, permissions or lifetime can be asked for. Returns the provider role.
 */
export function checkTokenInput(input: CreateRoomTokenInput): { providerRole: string | null } {
  const issues: ValidationIssue[] = [];
  const mapping = ROLE_MAPPING[input.role];
  if (mapping === null) {
    issues.push(
      issue(
        'role',
        `${input.role} is not supported by ${PROVIDER}: every access token joins as an equal peer`,
      ),
    );
  }
  if (input.permissions != null && input.permissions.length > 0) {
    issues.push(issue('permissions', `is not supported by ${PROVIDER}`));
  }
  if (input.providerRole != null) {
    issues.push(issue('providerRole', `is not supported by ${PROVIDER}: its tokens carry no role`));
  }
  if (input.ttlSeconds != null) {
    issues.push(
      issue(
        'ttlSeconds',
        `is not supported by ${PROVIDER}: an access token lasts until the room's exp`,
      ),
    );
  }
  throwIfAny(issues);
  return mapping ?? { providerRole: null };
}

export function parseDate(value: string | null | undefined): Date | null {
  if (value == null || value === '') {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function checkDisplayName(value: string | null | undefined, issues: ValidationIssue[]): void {
  if (value != null && value.length > NAME_MAX) {
    issues.push(issue('displayName', `must be at most ${NAME_MAX} characters at ${PROVIDER}`));
  }
}

function rejectUnsupported<T extends object>(
  input: T,
  fields: readonly (keyof T & string)[],
  issues: ValidationIssue[],
): void {
  for (const field of fields) {
    if (input[field] != null) {
      issues.push(issue(field, `is not supported by ${PROVIDER}`));
    }
  }
}

/** Dates go out as ISO 8601 with milliseconds and `Z` (§1), which `toISOString` writes. */
function assignDate(
  body: { nbf?: string; exp?: string },
  target: 'nbf' | 'exp',
  value: Date | null | undefined,
  field: string,
  issues: ValidationIssue[],
): void {
  if (value == null) {
    return;
  }
  if (Number.isNaN(value.getTime())) {
    issues.push(issue(field, 'is not a valid date'));
    return;
  }
  body[target] = value.toISOString();
}

function issue(field: string, message: string): ValidationIssue {
  return { path: ['input', field], message };
}

function throwIfAny(issues: readonly ValidationIssue[]): void {
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
}
