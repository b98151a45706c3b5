import type { EmulatorDefinition } from '../shared/emulator-host.js';
import { NETLESS_REGIONS, roleForbidden } from './netless-routes.js';
import type { NetlessStore } from './netless-store.js';
import { isTokenFailure, verifyToken } from './netless-tokens.js';

export interface NetlessAdminContext {
  readonly store: NetlessStore;
  /** Secret key by access key, for the one emulated project. */
  readonly secrets: ReadonlyMap<string, string>;
  readonly now: () => number;
  /** The region a join names none of: the client SDK's region setting defaults likewise. */
  readonly defaultRegion: string;
}

type AdminAnswer = [number, unknown];

/** A refusal in the API's own body, `{ message }` (agora-whiteboard.md §6). */
function refuse(status: number, message: string): AdminAnswer {
  return [status, { message }];
}

/**
 * The emulator's own routes under `/__emulator`, standing in for a whiteboard client (the API
 * has no REST for any of this; agora-whiteboard-room-life.md §6 asks for such test hooks):
 *
 * - `POST /join` `{"token", "name"?, "uuid"?, "region"?}` joins a room as the client SDK's
 *   `joinRoom({uuid, roomToken})` would, after verifying the token as the server does (§4.3);
 *   answers `{"participantId", "memberId"}`.
 * - `POST /leave` `{"participantId"}`: that client disconnects; 204.
 * - `GET /rooms`: every room with who is in it and the replays it keeps (what the API cannot
 *   list: room-life §2, §3).
 */
export function createNetlessAdminRoutes(
  context: NetlessAdminContext,
): NonNullable<EmulatorDefinition['adminRoutes']> {
  return {
    'POST /join': (body) => join(context, body),
    'POST /leave': (body) => {
      if (!isObject(body) || typeof body.participantId !== 'string') {
        return refuse(400, 'participantId is required');
      }
      return context.store.leave(body.participantId)
        ? [204, undefined]
        : refuse(404, 'participant not found');
    },
    'GET /rooms': () => [200, { rooms: context.store.presence() }],
  };
}

function join(context: NetlessAdminContext, body: unknown): AdminAnswer {
  if (!isObject(body)) {
    return refuse(400, 'invalid request body');
  }
  const region = body.region ?? context.defaultRegion;
  if (typeof region !== 'string' || !(NETLESS_REGIONS as readonly string[]).includes(region)) {
    return refuse(400, 'invalid region');
  }
  // The room token is checked exactly as the REST endpoints check the `token` header (§4.3):
  // prefix, form pairs, HMAC with the secret key of its `ak`, then expiry.
  const token = verifyToken(body.token, context.secrets, context.now());
  if (isTokenFailure(token)) {
    return refuse(token.status, token.message);
  }
  if (token.kind === 'TASK') {
    return refuse(403, 'token access task forbidden');
  }
  if (body.uuid !== undefined && typeof body.uuid !== 'string') {
    return refuse(400, 'uuid must be a string');
  }
  // `joinRoom` names the room and passes the token beside it; a room token is for its own room
  // only (§2.3 `token access room forbidden`). An SDK token of the project may join any room
  // (§5), so the room must then be named.
  const uuid = body.uuid ?? token.uuid;
  if (uuid === null || uuid === undefined) {
    return refuse(400, 'uuid is required');
  }
  if (token.kind === 'ROOM' && token.uuid !== uuid) {
    return refuse(403, 'token access room forbidden');
  }
  // Only writable connections join interactively; a reader token is read-only (§5). Refusing it
  // is the stricter reading: the SDK would let it watch in subscription mode, as no member.
  if (token.role === '2') {
    return [403, roleForbidden(token.role).body];
  }
  if (body.name !== undefined && body.name !== null && typeof body.name !== 'string') {
    return refuse(400, 'name must be a string');
  }
  const joined = context.store.join(region, uuid, {
    name: typeof body.name === 'string' ? body.name : null,
    role: token.role,
  });
  switch (joined) {
    case 'NOT_FOUND':
      return refuse(404, 'room not found');
    // Neither refusal's text is documented (UNCONFIRMED): a banned room "stops anyone from
    // joining" (§2.5), and `limit` caps writer and admin users (§2.1).
    case 'BANNED':
      return refuse(403, 'room is banned');
    case 'FULL':
      return refuse(403, 'room is full');
    default:
      return [200, { participantId: joined.participantId, memberId: joined.memberId }];
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
