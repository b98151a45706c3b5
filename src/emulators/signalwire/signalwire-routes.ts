import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';
import {
  activeSessionOf,
  type LifeRouteContext,
  routeSignalWireLifeRequest,
} from './signalwire-life-routes.js';
import {
  type ConferenceFields,
  DEFAULT_ROOM_TOKEN_PERMISSIONS,
  ROOM_TOKEN_PERMISSIONS,
  type RoomFields,
  type SignalWireConference,
  type SignalWireConferenceToken,
  type SignalWireRoom,
  type SignalWireStore,
  toWireTime,
} from './signalwire-store.js';
import {
  badRequest,
  found,
  label,
  notFound,
  paginate,
  problem,
  UUID,
  type ValidationError,
} from './signalwire-wire.js';

export interface SignalWireRouteContext {
  readonly store: SignalWireStore;
  readonly projectId: string;
  readonly now: () => number;
  /** Signs room-token claims into a JWT with the emulator's own key (§5.2). */
  signRoomToken(claims: Record<string, unknown>): string;
  /** Signs the temporary links of recordings (`signalwire-room-life.md` §3). */
  readonly linkKey: Buffer;
}

type Body = Record<string, unknown>;
type Rule =
  | { kind: 'string'; max: number; pattern?: RegExp }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'datetime' }
  | { kind: 'object' }
  | { kind: 'permissions' };

const LAYOUTS = [
  'grid-responsive',
  'grid-responsive-mobile',
  'highlight-1-responsive',
  '1x1',
  '2x1',
  '2x2',
  '5up',
  '3x3',
  '4x4',
  '5x5',
  '6x6',
  '8x8',
  '10x10',
];
// The permissions page lists room.stream.start outside the enum; accept the union (§5.3).
const PERMISSIONS = new Set<string>([...ROOM_TOKEN_PERMISSIONS, 'room.stream.start']);

const name: Rule = { kind: 'string', max: 100, pattern: /^[A-Za-z0-9_-]+$/ };
const text = (max: number): Rule => ({ kind: 'string', max });
const oneOf = (...values: string[]): Rule => ({ kind: 'enum', values });
const flag: Rule = { kind: 'boolean' };
const time: Rule = { kind: 'datetime' };
const colours: Record<string, Rule> = Object.fromEntries(
  ['dark', 'light'].flatMap((theme) =>
    ['primary', 'background', 'foreground', 'success', 'negative'].map((role) => [
      `${theme}_${role}`,
      { kind: 'string', max: 7, pattern: /^#[0-9a-fA-F]{6}$/ } satisfies Rule,
    ]),
  ),
);
const media = { quality: oneOf('720p', '1080p'), layout: oneOf(...LAYOUTS) };
const conferenceCommon = { size: oneOf('small', 'medium', 'large'), record_on_start: flag };

// Key order follows each request schema, so 422 entries come out in spec order. Keys outside these
// lists are rejected: the spec seals every object, and whether the server does is UNCONFIRMED (§7,
// §3.1 for create-only fields such as meta on conferences); the stricter reading wins (STYLE §9).
const createConferenceRules: Record<string, Rule> = {
  name,
  display_name: text(200),
  description: text(3000),
  join_from: time,
  join_until: time,
  ...media,
  ...conferenceCommon,
  enable_room_previews: flag,
  enable_chat: flag,
  ...colours,
};
const updateConferenceRules: Record<string, Rule> = {
  display_name: text(200),
  description: text(3000),
  join_from: time,
  join_until: time,
  ...media,
  ...conferenceCommon,
  tone_on_entry_and_exit: flag,
  room_join_video_off: flag,
  user_join_video_off: flag,
  enable_room_previews: flag,
  enable_chat: flag,
  ...colours,
};
// PUT takes every create field except `name` (§4.3).
const updateRoomRules: Record<string, Rule> = {
  display_name: text(200),
  description: text(3000),
  max_members: { kind: 'integer', min: 1, max: 300 },
  quality: media.quality,
  join_from: time,
  join_until: time,
  remove_at: time,
  remove_after_seconds_elapsed: { kind: 'integer', min: 1, max: 200_000 },
  layout: media.layout,
  record_on_start: flag,
  enable_room_previews: flag,
  meta: { kind: 'object' },
  sync_audio_video: flag,
};
const createRoomRules: Record<string, Rule> = { name, ...updateRoomRules };
const roomTokenRules: Record<string, Rule> = {
  room_name: name,
  user_name: text(100),
  permissions: { kind: 'permissions' },
  join_from: time,
  join_until: time,
  remove_at: time,
  remove_after_seconds_elapsed: { kind: 'integer', min: 1, max: 200_000 },
  join_audio_muted: flag,
  join_video_muted: flag,
  auto_create_room: flag,
  enable_room_previews: flag,
  room_display_name: text(200),
  end_room_session_on_leave: flag,
  join_as: oneOf('member', 'audience'),
  media_allowed: oneOf('all', 'video-only', 'audio-only'),
  room_meta: { kind: 'object' },
  meta: { kind: 'object' },
  sync_audio_video: flag,
};

/** Routes one authenticated `/api/video/...` request. */
export function routeSignalWireRequest(
  request: EmulatorRequest,
  context: SignalWireRouteContext,
): EmulatorResponse {
  const segments = pathSegments(request.path);
  if (!segments || segments.length > 3) {
    return notFound();
  }
  const [collection, segment = '', action] = segments;
  // Ids are lowercase UUIDs (§1); a room name keeps its case.
  const id = segment.toLowerCase();
  const shape = `/${collection}${segments.length > 1 ? '/:id' : ''}${action ? `/${action}` : ''}`;
  const { store } = context;
  const lifeContext: LifeRouteContext = {
    life: store.life,
    now: context.now,
    sequenceOf: (issued) => store.sequenceOf(issued),
    linkKey: context.linkKey,
  };
  const life = routeSignalWireLifeRequest(request, lifeContext, shape, id);
  if (life) {
    return life;
  }
  // `include_active_session=true` adds the live session, if any (§4.4): to a room before its
  // timestamps (§4.2 order), to a conference after them (§3.2 order).
  const withSession = <T extends { id: string; name: string }>(record: T, last: boolean) => {
    const copy: Record<string, unknown> = structuredClone(record);
    const active =
      request.query.include_active_session === 'true'
        ? activeSessionOf(lifeContext, record, request.origin)
        : undefined;
    if (!active) {
      return copy;
    }
    if (last) {
      return { ...copy, active_session: active };
    }
    const { created_at, updated_at, ...rest } = copy;
    return { ...rest, active_session: active, created_at, updated_at };
  };
  const conference = (record: SignalWireConference) => withSession(record, true);
  const room = (record: SignalWireRoom) => withSession(record, false);
  // Streams and logs are not emulated, and a wrong method on a known path (PATCH instead of
  // PUT, §2) matches nothing; all of these answer 404 Not Found.
  switch (`${request.method} ${shape}`) {
    case 'POST /conferences':
      return writeConference(request, context, undefined);
    case 'GET /conferences':
      // starts_after / ends_before take Unix seconds here too, not on rooms (§3.3, §4.3).
      return list(request, context, store.conferences(), conference, { unixSeconds: true });
    case 'GET /conferences/:id':
      return withSessionFlag(request, () => found(mapDefined(store.conference(id), conference)));
    case 'PUT /conferences/:id':
      return writeConference(request, context, id);
    case 'DELETE /conferences/:id':
      return store.deleteConference(id) ? { status: 204 } : notFound();
    case 'GET /conferences/:id/conference_tokens':
      if (!store.conference(id)) {
        return notFound();
      }
      return list(request, context, store.conferenceTokens(id), conferenceToken, undefined);
    case 'GET /conference_tokens/:id':
      return found(mapDefined(store.conferenceToken(id), conferenceToken));
    case 'POST /conference_tokens/:id/reset':
      return found(mapDefined(store.resetConferenceToken(id), conferenceToken));
    case 'POST /rooms':
      return writeRoom(request, context, undefined);
    case 'GET /rooms':
      return list(request, context, store.rooms(), room, { unixSeconds: false });
    case 'GET /rooms/:id':
      // One URL for id and name (§2): a UUID-shaped segment is tried as an id first.
      return withSessionFlag(request, () =>
        found(
          mapDefined(
            (UUID.test(id) ? store.room(id) : undefined) ?? store.roomByName(segment),
            room,
          ),
        ),
      );
    case 'PUT /rooms/:id':
      return writeRoom(request, context, id);
    case 'DELETE /rooms/:id':
      return store.deleteRoom(id) ? { status: 204 } : notFound();
    case 'POST /room_tokens':
      return createRoomToken(request, context);
    default:
      return notFound();
  }
}

function writeConference(
  request: EmulatorRequest,
  { store }: SignalWireRouteContext,
  id: string | undefined,
): EmulatorResponse {
  const existing = id === undefined ? undefined : store.conference(id);
  if (id !== undefined && !existing) {
    return notFound();
  }
  const body = objectBody(request);
  if (!body) {
    return badRequest();
  }
  // display_name is required on PUT too: the audited spec says so (§3.3).
  const rules = existing ? updateConferenceRules : createConferenceRules;
  const { values, errors } = validate(body, rules, ['display_name']);
  checkJoinWindow(values, existing, errors);
  if (typeof values.name === 'string' && store.nameTaken(values.name)) {
    errors.push(notUnique('name'));
  }
  if (errors.length > 0) {
    return { status: 422, body: { errors } };
  }
  const fields = values as ConferenceFields & { display_name: string };
  const conference = existing
    ? store.updateConference(existing.id, fields)
    : store.createConference(fields);
  return found(conference);
}

function writeRoom(
  request: EmulatorRequest,
  { store }: SignalWireRouteContext,
  id: string | undefined,
): EmulatorResponse {
  // PUT and DELETE have no by-name form (§2).
  const existing = id === undefined ? undefined : store.room(id);
  if (id !== undefined && !existing) {
    return notFound();
  }
  const body = objectBody(request);
  if (!body) {
    return badRequest();
  }
  const { values, errors } = existing
    ? validate(body, updateRoomRules, [])
    : validate(body, createRoomRules, ['name']);
  checkJoinWindow(values, existing, errors);
  if (typeof values.name === 'string' && store.nameTaken(values.name)) {
    errors.push(notUnique('name'));
  }
  if (errors.length > 0) {
    return { status: 422, body: { errors } };
  }
  const fields = values as RoomFields & { name: string };
  return found(existing ? store.updateRoom(existing.id, fields) : store.createRoom(fields));
}

function createRoomToken(
  request: EmulatorRequest,
  context: SignalWireRouteContext,
): EmulatorResponse {
  const body = objectBody(request);
  if (!body) {
    return badRequest();
  }
  const { values, errors } = validate(body, roomTokenRules, ['room_name']);
  checkJoinWindow(values, undefined, errors);
  if (errors.length > 0) {
    return { status: 422, body: { errors } };
  }
  const seconds = (value: unknown) =>
    typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : undefined;
  // Claim names and meanings are read off the spec's example token (§5.2, UNCONFIRMED). `u` is left
  // out without user_name because the server picks a random name per join (§5.1). The other
  // request fields have no known claim; they are kept in store.roomTokens() instead.
  const claims = {
    iat: Math.floor(context.now() / 1000),
    jti: randomUUID(),
    sub: context.projectId,
    u: values.user_name,
    r: values.room_name,
    s:
      values.join_as === 'audience'
        ? []
        : (values.permissions ?? [...DEFAULT_ROOM_TOKEN_PERMISSIONS]),
    acr: values.auto_create_room ?? true,
    jf: seconds(values.join_from),
    ju: seconds(values.join_until),
    rat: seconds(values.remove_at),
    rse: values.remove_after_seconds_elapsed,
  };
  const defined = Object.entries(claims).filter(([, value]) => value !== undefined);
  const token = context.signRoomToken(Object.fromEntries(defined));
  context.store.recordRoomToken({ token, id: claims.jti, request: values });
  return { status: 200, body: { token } };
}

function list<T extends { id: string }>(
  request: EmulatorRequest,
  { store }: SignalWireRouteContext,
  items: T[],
  present: (item: T) => unknown,
  timeFilters: { unixSeconds: boolean } | undefined,
): EmulatorResponse {
  const { query } = request;
  const errors: ValidationError[] = [];
  if (timeFilters) {
    sessionFlagError(query, errors);
  }
  const bound = (key: string): number | undefined => {
    const raw = timeFilters ? query[key] : undefined;
    const parsed =
      raw === undefined ? undefined : parseTime(raw, timeFilters?.unixSeconds ?? false);
    if (raw !== undefined && parsed === undefined) {
      errors.push(problem(key, 'not_a_datetime', `${label(key)} must be a valid datetime`));
    }
    return parsed;
  };
  const startsAfter = bound('starts_after');
  const endsBefore = bound('ends_before');
  const within = (value: unknown, test: (at: number) => boolean) =>
    typeof value === 'string' && test(Date.parse(value));
  const selected = items.filter((item) => {
    const record = item as { join_from?: unknown; join_until?: unknown };
    return (
      (startsAfter === undefined || within(record.join_from, (at) => at >= startsAfter)) &&
      (endsBefore === undefined || within(record.join_until, (at) => at <= endsBefore))
    );
  });
  const page = paginate(request, selected, (id) => store.sequenceOf(id), errors);
  if (errors.length > 0 || !page) {
    return { status: 422, body: { errors } };
  }
  return { status: 200, body: { links: page.links, data: page.data.map((item) => present(item)) } };
}

function validate(body: Body, rules: Record<string, Rule>, required: string[]) {
  const values: Body = {};
  const errors: ValidationError[] = [];
  for (const [key, rule] of Object.entries(rules)) {
    const value = body[key];
    const blank = value === undefined || (typeof value === 'string' && value.trim() === '');
    if (blank && required.includes(key)) {
      // The spec's own 422 example pairs "Name must be present" with invalid_parameter (§7), the
      // one documented mapping; S6's missing_required_parameter is not used for that reason.
      errors.push(problem(key, 'invalid_parameter', `${label(key)} must be present`));
    } else if (value !== undefined) {
      const result = check(key, value, rule);
      if ('error' in result) {
        errors.push(result.error);
      } else {
        values[key] = result.value;
      }
    }
  }
  for (const key of Object.keys(body).filter((key) => !(key in rules))) {
    errors.push(problem(key, 'invalid_parameter', `${label(key)} is not a permitted parameter`));
  }
  return { values, errors };
}

function check(
  key: string,
  value: unknown,
  rule: Rule,
): { value: unknown } | { error: ValidationError } {
  const fail = (code: string, message: string) => ({
    error: problem(key, code, `${label(key)} ${message}`),
  });
  switch (rule.kind) {
    case 'string':
      if (typeof value !== 'string') {
        return fail('not_a_string', 'must be a string');
      }
      if (value.length > rule.max) {
        return fail('invalid_parameter', `is too long (maximum is ${rule.max} characters)`);
      }
      return rule.pattern && !rule.pattern.test(value)
        ? fail('invalid_parameter', 'is invalid')
        : { value };
    case 'enum':
      return typeof value === 'string' && rule.values.includes(value)
        ? { value }
        : fail('invalid_parameter', `must be one of: ${rule.values.join(', ')}`);
    case 'boolean':
      return typeof value === 'boolean' ? { value } : fail('not_a_boolean', 'must be a boolean');
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return fail('invalid_parameter', 'must be an integer');
      }
      return value >= rule.min && value <= rule.max
        ? { value }
        : fail('invalid_parameter', `must be between ${rule.min} and ${rule.max}`);
    case 'datetime': {
      // Strings only: Unix seconds for token times are UNCONFIRMED (§5.1) and not in the spec.
      const at = typeof value === 'string' ? parseTime(value, false) : undefined;
      return at === undefined
        ? fail('not_a_datetime', 'must be a valid datetime')
        : { value: toWireTime(at) };
    }
    case 'object':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail('not_a_hash', 'must be a JSON object');
      }
      return JSON.stringify(value).length > 2000
        ? fail('invalid_parameter', 'must be at most 2000 characters when serialized')
        : { value };
    case 'permissions': {
      // Unknown permissions are rejected rather than dropped (UNCONFIRMED, §5.3).
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
        return fail('invalid_parameter', 'must be an array of permission names');
      }
      const unknown = value.filter((item) => !PERMISSIONS.has(item));
      return unknown.length > 0
        ? fail('invalid_parameter', `contains unknown values: ${unknown.join(', ')}`)
        : { value };
    }
  }
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** RFC 3339, or a bare date read as midnight UTC (§1); Unix seconds only where allowed. */
function parseTime(text: string, allowUnixSeconds: boolean): number | undefined {
  if (allowUnixSeconds && /^\d+$/.test(text)) {
    return Number(text) * 1000;
  }
  const match = DATE_TIME.exec(text);
  if (!match) {
    return undefined;
  }
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const zone = match[7] ?? 'Z';
  const [offsetHours, offsetMinutes] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  // Second 60 is a leap second, which the spec's own example (`23:59:60Z`) uses.
  const valid = mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h <= 23 && mi <= 59 && s <= 60;
  if (!valid || (zone.length > 1 && (offsetHours > 23 || offsetMinutes > 59))) {
    return undefined;
  }
  const offset =
    zone.length > 1 ? (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMinutes) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, s) - offset * 60_000;
}

function checkJoinWindow(
  values: Body,
  existing: { join_from: string | null; join_until: string | null } | undefined,
  errors: ValidationError[],
): void {
  const from = values.join_from ?? existing?.join_from;
  const until = values.join_until ?? existing?.join_until;
  const touched = values.join_from !== undefined || values.join_until !== undefined;
  if (
    touched &&
    typeof from === 'string' &&
    typeof until === 'string' &&
    Date.parse(until) < Date.parse(from)
  ) {
    errors.push(
      problem('join_until', 'invalid_join_until_date', 'Join until must be later than join from'),
    );
  }
}

/** include_active_session must be a boolean (§3.3, §4.3). */
function withSessionFlag(
  request: EmulatorRequest,
  respond: () => EmulatorResponse,
): EmulatorResponse {
  const errors: ValidationError[] = [];
  sessionFlagError(request.query, errors);
  return errors.length > 0 ? { status: 422, body: { errors } } : respond();
}

function sessionFlagError(
  query: Readonly<Record<string, string>>,
  errors: ValidationError[],
): void {
  const flagValue = query.include_active_session;
  if (flagValue !== undefined && flagValue !== 'true' && flagValue !== 'false') {
    errors.push(
      problem(
        'include_active_session',
        'not_a_boolean',
        'Include active session must be a boolean',
      ),
    );
  }
}

function conferenceToken(token: SignalWireConferenceToken): SignalWireConferenceToken {
  return { id: token.id, name: token.name, token: token.token, scopes: [...token.scopes] };
}

function mapDefined<T, U>(value: T | undefined, map: (value: T) => U): U | undefined {
  return value === undefined ? undefined : map(value);
}

function objectBody(request: EmulatorRequest): Body | undefined {
  const { body } = request;
  if (body === undefined) {
    return {};
  }
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Body)
    : undefined;
}

function pathSegments(path: string): string[] | undefined {
  if (!path.startsWith('/api/video/')) {
    return undefined;
  }
  try {
    return path.slice('/api/video/'.length).split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

// The code for a duplicate name is UNCONFIRMED; S6 lists not_unique_within_project (§7).
function notUnique(attribute: string): ValidationError {
  return problem(
    attribute,
    'not_unique_within_project',
    `${label(attribute)} has already been taken`,
  );
}
