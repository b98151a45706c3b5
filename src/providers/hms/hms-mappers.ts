import { InputValidationError, type ValidationIssue } from '../../domain/errors.js';
import type { CreateRoomInput, Room, UpdateRoomInput } from '../../domain/room.js';
import type { RoomTokenRole } from '../../domain/room-token.js';
import type { HmsRoomBody } from './hms-client.js';
import type {
  HmsCreateRoomInput,
  HmsRoomSettings,
  HmsUpdateRoomInput,
} from './hms-room-settings.js';
import type { HmsRoomPayload } from './hms-schemas.js';

/**
 * Our roles → role names of the room's template, when the account's `roleMap` leaves one out.
 * UNCONFIRMED: hms.md §2.3 only says "a role name from the room's template" and names no
 * defaults. `host` and `guest` are the roles of 100ms's video-conferencing starter templates,
 * `viewer-realtime` the watch-only role of its live-streaming ones. Templates are each app's
 * own, hence the account's `roleMap` and the check against the room's template.
 */
export const HMS_DEFAULT_ROLE_MAP: Readonly<Record<RoomTokenRole, string>> = {
  HOST: 'host',
  PARTICIPANT: 'guest',
  VIEWER: 'viewer-realtime',
};

/** Room names take `a-z A-Z 0-9 . - : _` only, no spaces (§3.1). */
const NAME_PATTERN = /^[A-Za-z0-9.\-:_]+$/;
const NAME_RULE = 'may hold only letters, digits and the characters . - : _';
/** 100ms room, customer, app and template ids are 24 lowercase hex digits (§1). */
const ID_PATTERN = /^[0-9a-f]{24}$/;

/** Maps a room object (§3.7) to the domain room. */
export function toRoom(payload: HmsRoomPayload, providerKey: string): Room {
  return {
    providerKey,
    providerKind: 'HMS',
    nativeId: payload.id,
    providerRoomId: payload.id,
    name: payload.name,
    displayName: null,
    description: blankToNull(payload.description),
    status: payload.enabled ? 'ACTIVE' : 'DISABLED',
    createdAt: parseHmsTime(payload.created_at),
    updatedAt: parseHmsTime(payload.updated_at),
    notBefore: null,
    expiresAt: null,
    maxParticipants: payload.size ?? null,
    recordingEnabled: payload.recording_info?.enabled ?? payload.recording?.enabled ?? null,
    region: blankToNull(payload.region),
    settings: {
      kind: 'HMS',
      templateId: blankToNull(payload.template_id),
      templateName: blankToNull(payload.template),
      largeRoom: payload.large_room ?? null,
      maxDurationSeconds: payload.max_duration_seconds ?? null,
      recordingFollowsTemplate: payload.recording_source_template ?? null,
    } satisfies HmsRoomSettings,
  };
}

/**
 * RFC 3339 with any number of fractional digits. Blank, unreadable, and Go's zero time
 * (`0001-01-01T00:00:00Z`, sent for a room never updated, §1) → null; no room predates 1970.
 */
export function parseHmsTime(value: string | null | undefined): Date | null {
  if (!value) {
    return null;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) || ms <= 0 ? null : new Date(ms);
}

/** Whether an id can be a 100ms room (or template) id at all. */
export function isHmsId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** Where a listing walk stands: which `enabled` filter, and the `last` id to start after. */
export interface HmsListPosition {
  readonly enabled: boolean;
  readonly start: string | null;
}

const POSITION_PATTERN = /^(enabled|disabled)(?::([0-9a-f]{24}))?$/;

/**
 * A native list position: `enabled[:<id>]` or `disabled[:<id>]`. It addresses the same place
 * whatever the page size, since `start` means "after this id" (§3.3).
 */
export function encodeListPosition(enabled: boolean, start: string | null): string {
  const walk = enabled ? 'enabled' : 'disabled';
  return start === null ? walk : `${walk}:${start}`;
}

/** Reads `encodeListPosition`'s output; null is the start of the enabled walk. */
export function decodeListPosition(position: string | null): HmsListPosition {
  if (position === null) {
    return { enabled: true, start: null };
  }
  const match = POSITION_PATTERN.exec(position);
  if (!match) {
    throw new InputValidationError([
      { path: ['after'], message: 'is not a cursor this API issued' },
    ]);
  }
  return { enabled: match[1] === 'enabled', start: match[2] ?? null };
}

/** The `POST /v2/rooms` body for a create, or an `InputValidationError` naming each bad field. */
export function toCreateBody(input: HmsCreateRoomInput): HmsRoomBody {
  const issues = unsupportedCommonFields(input);
  checkName(input.name, ['input', 'name'], issues);
  checkCount(input.maxParticipants, ['input', 'maxParticipants'], issues);
  checkCount(input.hms?.maxDurationSeconds, ['input', 'hms', 'maxDurationSeconds'], issues);
  throwIfAny(issues);
  return {
    name: input.name,
    ...commonBody(input),
    ...definedOnly({
      template_id: input.hms?.templateId,
      region: input.region,
      large_room: input.hms?.largeRoom,
      max_duration_seconds: input.hms?.maxDurationSeconds,
    }),
  };
}

/** The `POST /v2/rooms/{id}` body for a partial update; null and absent both keep a value. */
export function toUpdateBody(input: HmsUpdateRoomInput): HmsRoomBody {
  const issues = unsupportedCommonFields(input);
  if (input.hms?.name != null) {
    checkName(input.hms.name, ['input', 'hms', 'name'], issues);
  }
  checkCount(input.maxParticipants, ['input', 'maxParticipants'], issues);
  checkCount(input.hms?.maxDurationSeconds, ['input', 'hms', 'maxDurationSeconds'], issues);
  throwIfAny(issues);
  return {
    ...commonBody(input),
    ...definedOnly({
      name: input.hms?.name,
      region: input.hms?.region,
      large_room: input.hms?.largeRoom,
      max_duration_seconds: input.hms?.maxDurationSeconds,
    }),
  };
}

function commonBody(input: CreateRoomInput | UpdateRoomInput): HmsRoomBody {
  return definedOnly({
    description: input.description,
    size: input.maxParticipants,
    // Sending `recording_info` unties the room's recording from its template (§3.1).
    recording_info: input.recordingEnabled == null ? null : { enabled: input.recordingEnabled },
  });
}

/** 100ms rooms have no display name and no time window (§3.7); say so instead of dropping them. */
function unsupportedCommonFields(input: CreateRoomInput | UpdateRoomInput): ValidationIssue[] {
  const fields = ['displayName', 'notBefore', 'expiresAt'] as const;
  return fields
    .filter((field) => input[field] != null)
    .map((field) => ({ path: ['input', field], message: 'is not supported by 100ms' }));
}

function checkName(name: string, path: string[], issues: ValidationIssue[]): void {
  if (!NAME_PATTERN.test(name)) {
    issues.push({ path, message: NAME_RULE });
  }
}

function checkCount(value: number | null | undefined, path: string[], issues: ValidationIssue[]) {
  if (value != null && (!Number.isInteger(value) || value < 0)) {
    issues.push({ path, message: 'must be a whole number, 0 or more' });
  }
}

function throwIfAny(issues: ValidationIssue[]): void {
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
}

function definedOnly<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], null | undefined> } {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value != null)) as {
    [K in keyof T]?: Exclude<T[K], null | undefined>;
  };
}

function blankToNull(value: string | null | undefined): string | null {
  return value == null || value === '' ? null : value;
}
