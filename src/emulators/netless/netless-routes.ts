import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';
import type { NetlessStore } from './netless-store.js';
import {
  isTokenFailure,
  mintToken,
  ROLE_WORDS,
  type RoleDigit,
  readTokenBody,
  type TokenBody,
  type TokenKind,
  type VerifiedToken,
  verifyToken,
} from './netless-tokens.js';

/** Data centres the API names today (agora-whiteboard.md §1). */
export const NETLESS_REGIONS = ['us-sv', 'sg', 'in-mum', 'eu', 'cn-hz'] as const;

export interface NetlessRouteContext {
  readonly store: NetlessStore;
  /** Secret key by access key, for the one emulated project. */
  readonly secrets: ReadonlyMap<string, string>;
  readonly now: () => number;
  readonly defaultRegion: string;
  /** Refuse a `region` outside the enum with 400 (§1 PROPOSAL: strict-mode only). */
  readonly strictRegion: boolean;
  /** Requests allowed per clock second; null turns the limiter off (§7 PROPOSAL). */
  readonly requestsPerSecond: number | null;
}

/** The Netless error body: `{ message }` and nothing else (§6 PROPOSAL). */
export function fail(status: number, message: string): EmulatorResponse {
  return { status, body: { message } };
}

/** Builds the request handler for the v5 room and token endpoints (§2, §3). */
export function createNetlessRoutes(context: NetlessRouteContext) {
  let window = { second: -1, count: 0 };
  let nonceCounter = 0;

  function limited(): boolean {
    if (context.requestsPerSecond === null) {
      return false;
    }
    const second = Math.floor(context.now() / 1000);
    window = second === window.second ? { second, count: window.count + 1 } : { second, count: 1 };
    return window.count > context.requestsPerSecond;
  }

  /** Verifies the `token` header, then lets `allow` decide (§4.3, §5). */
  function authorize(
    request: EmulatorRequest,
    allow: (token: VerifiedToken) => EmulatorResponse | null,
  ): VerifiedToken | EmulatorResponse {
    const verified = verifyToken(request.headers.token, context.secrets, context.now());
    if (isTokenFailure(verified)) {
      return fail(verified.status, verified.message);
    }
    return allow(verified) ?? verified;
  }

  /**
   * Room-endpoint rules of §5. Which message a wrong token kind gets is UNCONFIRMED: room and task
   * tokens reaching beyond their own room or task get the `token access room|task` texts.
   */
  function roomRule(options: { maxRole: RoleDigit; roomTokensFor: string | null }) {
    return (token: VerifiedToken): EmulatorResponse | null => {
      if (token.kind === 'TASK') {
        return fail(403, 'token access task forbidden');
      }
      if (token.kind === 'ROOM' && token.uuid !== options.roomTokensFor) {
        return fail(403, 'token access room forbidden');
      }
      return token.role > options.maxRole ? roleForbidden(token.role) : null;
    };
  }

  function mintFor(kind: TokenKind, token: VerifiedToken | null, body: TokenBody, uuid?: string) {
    const accessKey = token?.accessKey ?? body.accessKey ?? '';
    const nowMs = context.now();
    nonceCounter = (nonceCounter + 1) % 100;
    return mintToken({
      kind,
      accessKey,
      secretKey: context.secrets.get(accessKey) ?? '',
      role: body.role,
      uuid,
      lifespan: body.lifespan,
      nowMs,
      // Server-issued nonces are the issue time in ms plus two digits (§3, §8.4).
      nonce: `${nowMs}${String(nonceCounter).padStart(2, '0')}`,
    });
  }

  return function handle(request: EmulatorRequest): EmulatorResponse {
    const regionHeader = request.headers.region;
    // A missing region is tolerated (§1: real clients omit it); a value outside the enum is
    // refused in strict mode, and `gb-lon`'s fate being UNCONFIRMED, it is refused too.
    const region = regionHeader === undefined ? context.defaultRegion : regionHeader;
    if (
      typeof region !== 'string' ||
      (context.strictRegion && !(NETLESS_REGIONS as readonly string[]).includes(region))
    ) {
      return fail(400, 'invalid region');
    }
    if (limited()) {
      return fail(429, 'too many requests');
    }
    const { method, path } = request;
    const segments = path.split('/').filter((segment, index) => index === 0 || segment !== '');
    if (segments[1] !== 'v5') {
      return fail(404, 'not found');
    }
    const [, , resource, ...rest] = segments;
    // The docs' list example writes `/v5/rooms/?…`, so the trailing slash is the same route (§2.4).
    if (resource === 'rooms' && rest.length === 0) {
      if (method === 'POST') {
        return createRoom(request, region);
      }
      return method === 'GET' ? listRooms(request, region) : fail(405, 'method not allowed');
    }
    if (resource === 'rooms' && rest.length === 1 && rest[0]) {
      const uuid = decodeSegment(rest[0]);
      if (method === 'GET') {
        return getRoom(request, region, uuid);
      }
      return method === 'PATCH' ? banRoom(request, region, uuid) : fail(405, 'method not allowed');
    }
    if (resource === 'tokens' && method === 'POST') {
      if (rest.length === 1 && rest[0] === 'teams') {
        return teamToken(request);
      }
      if (rest.length === 2 && rest[1] && (rest[0] === 'rooms' || rest[0] === 'tasks')) {
        const kind = rest[0] === 'rooms' ? 'ROOM' : 'TASK';
        return scopedToken(request, region, kind, decodeSegment(rest[1]));
      }
    }
    return fail(404, 'not found');
  };

  function createRoom(request: EmulatorRequest, region: string): EmulatorResponse {
    const auth = authorize(request, roomRule({ maxRole: '1', roomTokensFor: null }));
    if (!isVerified(auth)) {
      return auth;
    }
    const body = request.body ?? {};
    if (!isObject(body)) {
      return fail(400, 'invalid request body');
    }
    if (body.isRecord !== undefined && typeof body.isRecord !== 'boolean') {
      return fail(400, 'isRecord must be a boolean');
    }
    if (body.limit !== undefined && !(Number.isInteger(body.limit) && Number(body.limit) >= 0)) {
      return fail(400, 'limit must be a non-negative integer');
    }
    // §2.2: isRecord defaults to false (the cn-hz default is UNCONFIRMED; false there too).
    const room = context.store.create(region, {
      isRecord: body.isRecord === true,
      limit: Number(body.limit ?? 0),
    });
    return { status: 201, body: room };
  }

  function listRooms(request: EmulatorRequest, region: string): EmulatorResponse {
    const auth = authorize(request, roomRule({ maxRole: '1', roomTokensFor: null }));
    if (!isVerified(auth)) {
      return auth;
    }
    const { beginUUID, limit: limitText } = request.query;
    // §2.4: limit in (0, 1000], default 100; out of range is UNCONFIRMED, refused here.
    const limit = limitText === undefined ? 100 : /^\d+$/.test(limitText) ? Number(limitText) : 0;
    if (limit < 1 || limit > 1000) {
      return fail(400, 'limit must be an integer in (0, 1000]');
    }
    const rooms = context.store.list(region);
    let start = 0;
    if (beginUUID !== undefined && beginUUID !== '') {
      start = rooms.findIndex((room) => room.uuid === beginUUID);
      // An unknown beginUUID is UNCONFIRMED; the stricter reading is "no such room".
      if (start === -1) {
        return fail(404, 'room not found');
      }
    }
    // Inclusive start: the first room returned is `beginUUID` itself (§2.4).
    return { status: 200, body: rooms.slice(start, start + limit) };
  }

  function getRoom(request: EmulatorRequest, region: string, uuid: string): EmulatorResponse {
    const auth = authorize(request, roomRule({ maxRole: '1', roomTokensFor: uuid }));
    if (!isVerified(auth)) {
      return auth;
    }
    const room = context.store.get(region, uuid);
    return room ? { status: 200, body: room } : fail(404, 'room not found');
  }

  function banRoom(request: EmulatorRequest, region: string, uuid: string): EmulatorResponse {
    const auth = authorize(request, roomRule({ maxRole: '0', roomTokensFor: uuid }));
    if (!isVerified(auth)) {
      return auth;
    }
    const body = request.body;
    if (!isObject(body) || typeof body.isBan !== 'boolean') {
      return fail(400, 'isBan must be a boolean');
    }
    const room = context.store.setBan(region, uuid, body.isBan);
    // §2.5: 201, not 200, with the updated room.
    return room ? { status: 201, body: room } : fail(404, 'room not found');
  }

  function teamToken(request: EmulatorRequest): EmulatorResponse {
    const body = readTokenBody(request.body, true);
    if ('message' in body) {
      return fail(400, body.message);
    }
    const secret = context.secrets.get(body.accessKey ?? '');
    // The failure text for a wrong key pair is undocumented (UNCONFIRMED); 401 as for any bad
    // credential (§6).
    if (secret === undefined || secret !== body.secretAccessKey) {
      return fail(401, 'invalid accessKey or secretAccessKey');
    }
    return { status: 201, body: mintFor('SDK', null, body) };
  }

  function scopedToken(
    request: EmulatorRequest,
    region: string,
    kind: 'ROOM' | 'TASK',
    uuid: string,
  ): EmulatorResponse {
    const auth = authorize(request, (token) =>
      token.kind === 'SDK' ? null : fail(403, `token access ${token.kind.toLowerCase()} forbidden`),
    );
    if (!isVerified(auth)) {
      return auth;
    }
    const body = readTokenBody(request.body, false);
    if ('message' in body) {
      return fail(400, body.message);
    }
    // §3: an SDK token mints only its own role or a weaker one.
    if (body.role < auth.role) {
      return roleForbidden(auth.role);
    }
    // Tasks (file conversion) are out of scope and not stored, so only rooms can be unknown.
    if (kind === 'ROOM' && context.store.get(region, uuid) === null) {
      return fail(404, 'room not found');
    }
    return { status: 201, body: mintFor(kind, auth, body, uuid) };
  }
}

/** §6 PROPOSAL for the role template: `token access role <word> forbidden`. */
export function roleForbidden(role: RoleDigit): EmulatorResponse {
  return fail(403, `token access role ${ROLE_WORDS[role]} forbidden`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function isVerified(value: VerifiedToken | EmulatorResponse): value is VerifiedToken {
  return 'kind' in value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
