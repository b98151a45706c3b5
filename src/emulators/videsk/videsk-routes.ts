import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';
import type { StoredRoom, VideskStore } from './videsk-store.js';
import {
  BadRequest,
  clientIp,
  isJson,
  objectBody,
  optionalBoolean,
  optionalDate,
  optionalText,
  parseListQuery,
  roomSettings,
} from './videsk-validation.js';

/**
 * The Videsk VPaaS Rooms API as `../shared/providers/videsk.md` documents it (§3), with Feathers
 * v4 error bodies (§6). Where the sheet marks a point UNCONFIRMED, the stricter reading is taken
 * and the comment names the section.
 */

const ROOMS = '/vpaas/rooms';
const HOUR_MS = 3_600_000;
/** §1.1: default window 3 h after the create request, at most 72 h. */
const DEFAULT_WINDOW_MS = 3 * HOUR_MS;
const MAX_WINDOW_MS = 72 * HOUR_MS;

const ERROR_NAMES: Record<number, [name: string, className: string, message: string]> = {
  400: ['BadRequest', 'bad-request', 'Bad request'],
  401: [
    'NotAuthenticated',
    'not-authenticated',
    'Authorization header with valid JWT is required.',
  ],
  403: ['Forbidden', 'forbidden', 'Forbidden'],
  404: ['NotFound', 'not-found', 'Page not found'],
  405: ['MethodNotAllowed', 'method-not-allowed', 'Method not allowed'],
  408: ['Timeout', 'timeout', 'Timeout'],
  409: ['Conflict', 'conflict', 'Conflict'],
  422: ['Unprocessable', 'unprocessable', 'Unprocessable'],
  429: ['TooManyRequests', 'too-many-requests', 'Too many requests, please try again later.'],
  500: ['GeneralError', 'general-error', 'Internal server error'],
  501: ['NotImplemented', 'not-implemented', 'Not implemented'],
  502: ['BadGateway', 'bad-gateway', 'Bad gateway'],
  503: ['Unavailable', 'unavailable', 'Service unavailable'],
};

/** A Feathers v4 error body: `errors` always, `data` only when set (§6). */
export function feathersError(
  status: number,
  message?: string,
  data?: unknown,
): Record<string, unknown> {
  const [name, className, fallback] = ERROR_NAMES[status] ??
    ERROR_NAMES[status >= 500 ? 500 : 400] ?? ['GeneralError', 'general-error', 'Error'];
  const body: Record<string, unknown> = {
    name,
    message: message ?? fallback,
    code: status,
    className,
  };
  if (data !== undefined) {
    body.data = data;
  }
  body.errors = {};
  return body;
}

function fail(
  status: number,
  message?: string,
  data?: unknown,
  headers?: Record<string, string>,
): EmulatorResponse {
  return { status, body: feathersError(status, message, data), headers };
}

export interface VideskRoutesOptions {
  readonly store: VideskStore;
  /** Accepted API tokens, each mapped to its account. */
  readonly apiTokens: Readonly<Record<string, string>>;
  /** Tokens that were revoked in the dashboard (403, §6). */
  readonly revokedApiTokens: readonly string[];
  readonly now: () => number;
  /** Rooms carry only the fields Videsk's examples show (see `roomJson`). */
  readonly examplesOnly: boolean;
}

export function createVideskRoutes(options: VideskRoutesOptions) {
  const { store, now } = options;

  function authenticate(request: EmulatorRequest): string | EmulatorResponse {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
    if (!match?.[1]) {
      return fail(401, 'Authorization header with valid JWT is required.');
    }
    const token = match[1];
    if (options.revokedApiTokens.includes(token)) {
      return fail(403, "The integration token it's invalid or was removed.");
    }
    const account = options.apiTokens[token];
    if (account === undefined) {
      // §1 PROPOSAL: keys are opaque; the texts are Videsk's JWT errors (§6).
      return fail(401, token.split('.').length === 3 ? 'invalid signature' : 'jwt malformed');
    }
    return account;
  }

  function roomJson(room: StoredRoom): Record<string, unknown> {
    // §2: `ended`, `createdAt` and `updatedAt` are probable but in no Videsk example; one
    // setting answers without them, so clients are tested against the examples' shape too.
    const probable = options.examplesOnly
      ? {}
      : { ended: room.ended, createdAt: iso(room.createdAt), updatedAt: iso(room.updatedAt) };
    return {
      id: room.id,
      name: room.name,
      externalId: room.externalId,
      exp: iso(room.exp),
      nbf: iso(room.nbf),
      ...probable,
      ...(room.settings ? { settings: room.settings } : {}),
      authorizations: room.authorizations.map((entry) => ({
        ip: entry.ip,
        jti: entry.jti,
        createdAt: iso(entry.createdAt),
      })),
    };
  }

  function list(account: string, query: Readonly<Record<string, string>>): EmulatorResponse {
    const { limit, skip, sort, ended, externalId } = parseListQuery(query);
    const rooms = store
      .list(account)
      .filter((room) => ended === undefined || room.ended === ended)
      .filter((room) => externalId === undefined || room.externalId === externalId);
    // §3.1 PROPOSAL: creation order when no `$sort` is given; Array#sort is stable for ties.
    const order = sort.length > 0 ? sort : ([['createdAt', 1]] as const);
    rooms.sort((a, b) => {
      for (const [field, dir] of order) {
        const left = sortValue(a, field);
        const right = sortValue(b, field);
        if (left !== right) {
          return left < right ? -dir : dir;
        }
      }
      return 0;
    });
    const data = rooms.slice(skip, skip + limit).map(roomJson);
    return { status: 200, body: { total: rooms.length, limit, skip, data } };
  }

  function create(account: string, request: EmulatorRequest): EmulatorResponse {
    // §3.2: the settings object is `settings`; other keys are ignored, as Feathers does, so
    // settings sent under another name are silently dropped, as on the real API.
    const body = objectBody(request, 'ignore-unknown');
    const externalId = optionalText(body, 'externalId', 100);
    const name = optionalText(body, 'name', 500);
    const settings = body.settings === undefined ? null : roomSettings(body.settings, 'settings');
    const at = now();
    const nbf = optionalDate(body, 'nbf') ?? at;
    const exp = optionalDate(body, 'exp') ?? at + DEFAULT_WINDOW_MS;
    checkWindow(nbf, exp, body.exp !== undefined);
    if (externalId !== undefined && store.findByExternalId(account, externalId)) {
      return fail(409, `The externalId "${externalId}" already exists.`);
    }
    const room = store.create({ account, externalId, name: '', nbf, exp, settings });
    // §3.2 PROPOSAL: an auto-generated name is `Room <id>`.
    room.name = name ?? `Room ${room.id}`;
    // §3.2: the create response carries a first access token next to the room (placement UNCONFIRMED).
    const accessToken = store.issueAccessToken(room, clientIp(request));
    return { status: 201, body: { ...roomJson(room), accessToken } };
  }

  function patch(room: StoredRoom, request: EmulatorRequest): EmulatorResponse {
    const body = objectBody(request, ['name', 'exp', 'nbf', 'ended', 'generateToken']);
    const name = optionalText(body, 'name', 500);
    const exp = optionalDate(body, 'exp');
    const nbf = optionalDate(body, 'nbf');
    const ended = optionalBoolean(body, 'ended');
    const generateToken = optionalBoolean(body, 'generateToken');
    if (room.ended) {
      // Seed page, PATCH 404: "Room not found or already ended".
      return fail(404, `The room '${room.id}' has already ended.`);
    }
    if (exp !== undefined || nbf !== undefined) {
      checkWindow(nbf ?? room.nbf, exp ?? room.exp, exp !== undefined);
    }
    if (generateToken === true) {
      const refusal = joinRefusal(ended === true, exp ?? room.exp);
      if (refusal) {
        return refusal;
      }
    }
    room.name = name ?? room.name;
    room.exp = exp ?? room.exp;
    room.nbf = nbf ?? room.nbf;
    room.ended = ended ?? room.ended;
    room.updatedAt = now();
    if (room.ended) {
      // videsk-room-life.md §1 PROPOSAL (UNCONFIRMED): those still connected are cut off at once.
      store.disconnectAll(room, room.updatedAt);
    }
    // §3.5 PROPOSAL: `generateToken` adds a top-level accessToken and an authorizations entry.
    const accessToken = generateToken ? store.issueAccessToken(room, clientIp(request)) : undefined;
    return { status: 200, body: { ...roomJson(room), ...(accessToken ? { accessToken } : {}) } };
  }

  function join(room: StoredRoom, request: EmulatorRequest): EmulatorResponse {
    objectBody(request, []);
    const refusal = joinRefusal(room.ended, room.exp);
    if (refusal) {
      return refusal;
    }
    // §3.6 PROPOSAL: 201, the Feathers default for a create. A room whose nbf lies ahead still
    // gets a token; it fails with `jwt not active` until then.
    return { status: 201, body: { accessToken: store.issueAccessToken(room, clientIp(request)) } };
  }

  /** §3.6 PROPOSAL: an ended or expired room gets no new token. */
  function joinRefusal(ended: boolean, exp: number): EmulatorResponse | null {
    if (ended) {
      return fail(400, 'The room has ended.');
    }
    return exp <= now() ? fail(400, 'The room has expired.') : null;
  }

  function checkWindow(nbf: number, exp: number, expGiven: boolean): void {
    const at = now();
    if (expGiven && exp <= at) {
      throw new BadRequest('"exp" must be a future date', 'exp');
    }
    // §1.1 UNCONFIRMED whether 72 h count from now or from nbf: from now, the stricter one here.
    if (exp - at > MAX_WINDOW_MS) {
      throw new BadRequest('"exp" must be at most 72 hours from now', 'exp');
    }
    if (nbf >= exp) {
      throw new BadRequest('"nbf" must be before "exp"', 'nbf');
    }
  }

  function route(request: EmulatorRequest): EmulatorResponse {
    const path = request.path.replace(/\/+$/, '') || '/';
    const segments =
      path === ROOMS
        ? []
        : path.startsWith(`${ROOMS}/`)
          ? path.slice(ROOMS.length + 1).split('/')
          : null;
    if (
      segments === null ||
      segments.length > 2 ||
      (segments.length === 2 && !['join', 'stats'].includes(segments[1] ?? ''))
    ) {
      return fail(404, 'Page not found', { url: request.path });
    }
    const allowed =
      segments.length === 0
        ? ['GET', 'POST']
        : segments.length === 1
          ? ['GET', 'PATCH', 'DELETE']
          : segments[1] === 'join'
            ? ['POST']
            : ['GET'];
    if (!allowed.includes(request.method)) {
      const verb =
        { GET: 'find', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'remove' }[
          request.method
        ] ?? request.method.toLowerCase();
      return fail(405, `Method \`${verb}\` is not supported by this endpoint.`, undefined, {
        allow: allowed.join(', '),
      });
    }
    const account = authenticate(request);
    if (typeof account !== 'string') {
      return account;
    }
    if ((request.method === 'POST' || request.method === 'PATCH') && !isJson(request)) {
      // §1 / seed: Content-Type must be application/json on POST (and PATCH, per the seed).
      return fail(400, 'Content-Type must be application/json', 'content-type');
    }
    if (segments.length === 0) {
      return request.method === 'GET' ? list(account, request.query) : create(account, request);
    }
    const roomId = decodePathSegment(segments[0] ?? '');
    if (request.method === 'DELETE') {
      // §3.4, seed page: deletion is never allowed, whatever the room.
      return fail(403, 'Not allowed');
    }
    const room = store.find(account, roomId);
    if (!room) {
      return fail(404, `No record found for id '${roomId}'`);
    }
    if (segments[1] === 'join') {
      return join(room, request);
    }
    if (segments[1] === 'stats') {
      return stats(room, request.query);
    }
    return request.method === 'GET' ? { status: 200, body: roomJson(room) } : patch(room, request);
  }

  return {
    handle(request: EmulatorRequest): EmulatorResponse {
      try {
        return route(request);
      } catch (error) {
        if (error instanceof BadRequest) {
          return fail(400, error.message, error.field);
        }
        throw error;
      }
    },
  };
}

/** §3.7: reserved; the telemetry body is out of scope, so only the `view` values are checked. */
function stats(room: StoredRoom, query: Readonly<Record<string, string>>): EmulatorResponse {
  const view = query.view ?? 'report';
  if (!['report', 'snapshot', 'summary'].includes(view)) {
    return fail(400, '"view" must be one of [report, snapshot, summary]', 'view');
  }
  return { status: 200, body: { roomId: room.id, view, data: [] } };
}

function sortValue(room: StoredRoom, field: string): string | number {
  const value = room[field as keyof StoredRoom];
  return typeof value === 'number' || typeof value === 'string' ? value : '';
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A stray `%` is kept as written, so the lookup answers 404 rather than the host a 500.
    return segment;
  }
}

function iso(time: number): string {
  return new Date(time).toISOString();
}
