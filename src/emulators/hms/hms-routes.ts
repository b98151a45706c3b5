import { randomUUID } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';
import { verifyHmsJwt } from './hms-jwt.js';
import type { createHmsLifeRoutes } from './hms-life-routes.js';
import type { HmsRoomFilter, HmsRoomRecord, HmsStore } from './hms-store.js';
import { RoomFieldError, type RoomFields, readRoomFields } from './hms-validation.js';
import { formatTime, hmsErrorBody, isJson, reply } from './hms-wire.js';

export interface HmsRoutesOptions {
  readonly store: HmsStore;
  /** What happens inside rooms: sessions, peers, recordings (hms-room-life.md). */
  readonly life: ReturnType<typeof createHmsLifeRoutes>;
  /** The app secret for an access key, or undefined for an unknown key. */
  readonly secretFor: (accessKey: string) => string | undefined;
  readonly now: () => number;
}

const ID_PATTERN = /^[0-9a-f]{24}$/;
const ROOM_PATH = /^\/v2\/rooms\/([^/]+)\/?$/;
const TEMPLATE_PATH = /^\/v2\/templates\/([^/]+)\/?$/;

/**
 * The `/v2` routes: management-token check, then rooms (create, list, get, update), templates,
 * and room life. Presigned recording links are served outside `/v2`, without a token.
 */
export function createHmsRoutes(options: HmsRoutesOptions) {
  const { store } = options;

  function handle(request: EmulatorRequest): EmulatorResponse {
    const file = options.life.download(request);
    if (file) {
      return file;
    }
    if (!request.path.startsWith('/v2/')) {
      return reply(404, hmsErrorBody(404, 'Not found'));
    }
    const denied = checkManagementToken(request);
    if (denied) {
      return denied;
    }
    const life = options.life.handle(request);
    if (life) {
      return life;
    }
    try {
      if (request.path === '/v2/rooms' || request.path === '/v2/rooms/') {
        if (request.method === 'POST') {
          return createRoom(jsonObject(request));
        }
        if (request.method === 'GET') {
          return listRooms(request.query);
        }
      }
      const template = TEMPLATE_PATH.exec(request.path)?.[1];
      if (template !== undefined && request.method === 'GET') {
        return getTemplate(decodeURIComponent(template));
      }
      const match = ROOM_PATH.exec(request.path);
      const id = match?.[1];
      if (id !== undefined && (request.method === 'GET' || request.method === 'POST')) {
        const room = store.get(decodeURIComponent(id));
        if (!room) {
          // The current wire text is UNCONFIRMED (hms.md §3.4); status and shape are not.
          return reply(404, hmsErrorBody(404, 'Room not found'));
        }
        return request.method === 'GET'
          ? reply(200, toWire(room))
          : updateRoom(room, jsonObject(request));
      }
      // Unmatched routes and methods answer 404, as a plain router does (no 405 is documented).
      return reply(404, hmsErrorBody(404, 'Not found'));
    } catch (error) {
      if (error instanceof RoomFieldError) {
        return reply(400, hmsErrorBody(400, error.message, error.details));
      }
      throw error;
    }
  }

  /** §7.1: HS256 with the secret of `access_key`, `type: management`, `version: 2`, time window. */
  function checkManagementToken(request: EmulatorRequest): EmulatorResponse | null {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      // The documented example of a 401 (§5).
      return reply(401, hmsErrorBody(401, 'Token validation error', ['not found']));
    }
    const check = verifyHmsJwt(match[1], options.secretFor, Math.floor(options.now() / 1000));
    if (!check.ok) {
      return reply(401, hmsErrorBody(401, 'Token validation error', [check.reason]));
    }
    if (check.claims.type !== 'management') {
      return reply(
        401,
        hmsErrorBody(401, 'Token validation error', ['token type is not management']),
      );
    }
    return null;
  }

  /** §3.1–3.2: an upsert on the case-insensitive name; 200 either way, never 409. */
  function createRoom(body: Record<string, unknown>): EmulatorResponse {
    const fields = readRoomFields(body, 'create');
    const existing = fields.name === undefined ? undefined : store.findByName(fields.name);
    const template = resolveTemplate(fields.templateId, existing?.templateId);
    checkSize(fields, existing);
    if (existing) {
      // Whether this re-enables a disabled room is UNCONFIRMED (§3.2); the strict reading
      // leaves `enabled` as it was.
      return reply(200, toWire(store.update(existing, patchFrom(fields, template, existing))));
    }
    const recordingInfo = fields.recordingInfo ?? { enabled: template.recordingEnabled };
    const room = store.insert({
      name: fields.name ?? randomUUID(),
      enabled: true,
      description: fields.description ?? '',
      templateId: template.id,
      region: resolveRegion(fields.region, template.region),
      largeRoom: fields.largeRoom ?? false,
      size: fields.size ?? null,
      maxDurationSeconds: fields.maxDurationSeconds ?? null,
      recordingInfo,
      recordingSourceTemplate: fields.recordingInfo === undefined,
      webhook: fields.webhook ?? null,
      polls: fields.polls ?? null,
    });
    return reply(200, toWire(room));
  }

  /** §3.5–3.6: partial update; `{enabled}` alone toggles the room. */
  function updateRoom(room: HmsRoomRecord, body: Record<string, unknown>): EmulatorResponse {
    const fields = readRoomFields(body, 'update');
    if (fields.name !== undefined) {
      const holder = store.findByName(fields.name);
      // Nothing documents a rename onto a taken name; refusing keeps names unique (strict).
      if (holder && holder.id !== room.id) {
        throw new RoomFieldError(['Invalid body param: name already in use']);
      }
    }
    checkSize(fields, room);
    const template = resolveTemplate(undefined, room.templateId);
    return reply(200, toWire(store.update(room, patchFrom(fields, template, room))));
  }

  /** §3.3: `{limit, data, last}`, `start` exclusive, limit 10..100 (default 10). */
  function listRooms(query: Readonly<Record<string, string>>): EmulatorResponse {
    const bad = (param: string) =>
      reply(400, hmsErrorBody(400, 'Invalid query param', [`Invalid query param: ${param}`]));
    const limit = query.limit === undefined ? 10 : Number(query.limit);
    // Outside 10..100 is UNCONFIRMED (§3.3); the strict reading refuses it.
    if (!Number.isInteger(limit) || limit < 10 || limit > 100) {
      return bad('limit');
    }
    // "Default: true" (§3.3): without the filter only enabled rooms are listed (strict reading).
    const enabled = query.enabled ?? 'true';
    if (enabled !== 'true' && enabled !== 'false') {
      return bad('enabled');
    }
    if (query.start !== undefined && !ID_PATTERN.test(query.start)) {
      return bad('start');
    }
    const after = query.after === undefined ? undefined : Date.parse(query.after);
    const before = query.before === undefined ? undefined : Date.parse(query.before);
    if (Number.isNaN(after) || Number.isNaN(before)) {
      return bad(Number.isNaN(after) ? 'after' : 'before');
    }
    const filter: HmsRoomFilter = {
      enabled: enabled === 'true',
      name: query.name,
      templateId: query.template_id,
      after,
      before,
      start: query.start,
      limit,
    };
    const rooms = store.list(filter);
    // An empty page's `data` is UNCONFIRMED (§3.3: `[]`, null or left out; the SDK copes with
    // all three). An array, as every page with rooms has and as the OpenAPI skeleton (§8) says.
    return reply(200, {
      limit,
      data: rooms.map(toWire),
      last: rooms.at(-1)?.id ?? '',
    });
  }

  /**
   * `GET /v2/templates/{template_id}`. hms.md does not cover templates; this follows 100ms's
   * own page (100mslive/100ms-docs `docs/server-side/v2/api-reference/policy/
   * retrieve-a-template.mdx`, and `template-object.mdx` for `default`): `roles` keyed by role
   * name, as its example shows, each with its `name`. The example's publish and subscribe
   * settings, destinations and timestamps are left out; the 404 text is UNCONFIRMED.
   */
  function getTemplate(id: string): EmulatorResponse {
    const template = store.template(id);
    if (!template) {
      return reply(404, hmsErrorBody(404, 'Template not found'));
    }
    return reply(200, {
      id: template.id,
      name: template.name,
      customer_id: store.customerId,
      default: template.id === store.defaultTemplate.id,
      roles: Object.fromEntries(template.roles.map((role) => [role, { name: role }])),
      settings: { region: template.region },
    });
  }

  function resolveTemplate(requested: string | undefined, current: string | undefined) {
    if (requested !== undefined) {
      const template = store.template(requested);
      if (!template) {
        throw new RoomFieldError([], 'Error: template not found');
      }
      return template;
    }
    return (current === undefined ? undefined : store.template(current)) ?? store.defaultTemplate;
  }

  function patchFrom(
    fields: RoomFields,
    template: ReturnType<typeof resolveTemplate>,
    room: HmsRoomRecord,
  ): Partial<HmsRoomRecord> {
    const patch: Partial<HmsRoomRecord> = {
      name: fields.name,
      enabled: fields.enabled,
      description: fields.description,
      templateId: template.id,
      region:
        fields.region === undefined ? undefined : resolveRegion(fields.region, template.region),
      largeRoom: fields.largeRoom,
      size: fields.size,
      maxDurationSeconds: fields.maxDurationSeconds,
      webhook: fields.webhook,
      polls: fields.polls,
    };
    if (fields.recordingInfo !== undefined) {
      patch.recordingInfo = fields.recordingInfo;
      patch.recordingSourceTemplate = false;
    } else if (room.recordingSourceTemplate) {
      patch.recordingInfo = { enabled: template.recordingEnabled };
    }
    return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  }

  function toWire(room: HmsRoomRecord) {
    const template = store.template(room.templateId);
    return {
      id: room.id,
      name: room.name,
      enabled: room.enabled,
      description: room.description,
      customer_id: store.customerId,
      // Deprecated mirrors that real responses still carry (§7.5).
      customer: store.customerId,
      app_id: store.appId,
      recording_source_template: room.recordingSourceTemplate,
      recording_info: room.recordingInfo,
      template_id: room.templateId,
      template: template?.name ?? '',
      region: room.region,
      large_room: room.largeRoom,
      ...(room.size === null ? {} : { size: room.size }),
      ...(room.maxDurationSeconds === null
        ? {}
        : { max_duration_seconds: room.maxDurationSeconds }),
      ...(room.polls === null ? {} : { polls: room.polls }),
      ...(room.webhook === null ? {} : { webhook: room.webhook }),
      key: `${store.customerId}:${room.name}`,
      created_at: formatTime(room.createdAt),
      updated_at: formatTime(room.updatedAt),
    };
  }

  return handle;
}

/** §3.1: size is 0..2500, or 0..20000 for a large room; the exact bodies are from S5. */
function checkSize(fields: RoomFields, room: HmsRoomRecord | undefined): void {
  const size = fields.size ?? room?.size ?? null;
  const large = fields.largeRoom ?? room?.largeRoom ?? false;
  if (size === null) {
    return;
  }
  if (size > 20000) {
    throw new RoomFieldError(['Invalid body param: room size greater than 20000']);
  }
  if (size > 2500 && !large) {
    throw new RoomFieldError([
      'Invalid body param: room size greater than 2500, set large_room flag as true',
    ]);
  }
}

function resolveRegion(region: string | undefined, templateRegion: string): string {
  return region === undefined || region === 'auto' ? templateRegion : region;
}

/** A POST body must be a JSON object sent as JSON (§1 requires the content type). */
function jsonObject(request: EmulatorRequest): Record<string, unknown> {
  const body = request.body;
  if (!isJson(request) || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RoomFieldError(['Invalid body: a JSON object is required'], 'Invalid body');
  }
  return body as Record<string, unknown>;
}
