import { feathersError } from './videsk-routes.js';
import type { StoredRoom, VideskStore } from './videsk-store.js';

/**
 * The emulator's own routes under `/__emulator`, where a test or the sandbox acts as a client of
 * Videsk's media plane: `POST /join` connects with an access token, `POST /leave` disconnects.
 *
 * The join checks the token as Videsk does before it lets a client in
 * (`../shared/providers/videsk.md` §4, and `videsk-room-life.md` §1): its HS256 signature, its
 * `exp` and `nbf` (the `jsonwebtoken` messages the browser SDK shows: `jwt malformed`,
 * `invalid signature`, `jwt expired`, `jwt not active`), that this emulator issued it for that
 * room, and that the room is still open. Videsk tokens carry no role, so there is none to check.
 * Refusals are Feathers error bodies (§6).
 *
 * A Videsk room is its session (videsk-room-life.md §1): it opened at `nbf` and ends at `exp` or
 * when PATCHed `ended: true`. So the first join starts no session and the last leave ends none;
 * both change only who is connected, which the REST API shows only as the `authorizations`
 * entry each join adds (§5). VPaaS records nothing through its API (videsk-room-life.md §3), so a
 * session's end makes no recording either.
 */
export function createVideskAdminRoutes(options: { store: VideskStore; now: () => number }) {
  const { store, now } = options;

  function fail(status: number, message: string, data?: unknown): [number, unknown] {
    return [status, feathersError(status, message, data)];
  }

  /** Why a connection to this room is refused now, or null. */
  function refusal(room: StoredRoom, jti: string): [number, unknown] | null {
    if (!room.authorizations.some((entry) => entry.jti === jti)) {
      // A signature this emulator made, for a token it has no record of issuing to this room.
      return fail(401, 'jwt jwtid invalid. expected: a token issued for this room');
    }
    // videsk.md §3.6 PROPOSAL: the refusals `/join` gives an ended or expired room. Videsk
    // grants access only inside the room's dates (§1.1), which a PATCH may have moved since the
    // token was issued.
    if (room.ended) {
      return fail(400, 'The room has ended.');
    }
    if (room.exp <= now()) {
      return fail(400, 'The room has expired.');
    }
    if (room.nbf > now()) {
      return fail(401, 'jwt not active');
    }
    // UNCONFIRMED: `settings.maxParticipants` is documented only as a create field (§3.2);
    // enforcing it at the door, with a Forbidden, is this emulator's reading.
    const max = room.settings?.maxParticipants;
    if (typeof max === 'number' && store.presentIn(room).length >= max) {
      return fail(403, 'The room is full.');
    }
    return null;
  }

  return {
    /**
     * `{"token": "<accessToken>", "name"?: "Ada", "roomId"?: "<id or externalId>", "ip"?: "…"}`:
     * connects to the room the token is for (to `roomId`, when given, which must be that room)
     * and answers 201 `{"participantId": "…"}`.
     */
    'POST /join'(body: unknown): [number, unknown] {
      const input = objectOf(body);
      const token = input?.token;
      if (typeof token !== 'string' || token === '') {
        return fail(400, '"token" is required', 'token');
      }
      for (const field of ['name', 'roomId', 'ip'] as const) {
        const value = input?.[field];
        if (value !== undefined && (typeof value !== 'string' || value === '')) {
          return fail(400, `"${field}" must be a non-empty string`, field);
        }
      }
      const check = store.verifyAccessToken(token);
      if (!check.ok) {
        return fail(401, check.message);
      }
      const roomId = check.claims.room;
      const room = typeof roomId === 'string' ? store.findById(roomId) : undefined;
      if (!room) {
        return fail(404, `No record found for id '${String(roomId)}'`);
      }
      const asked = input?.roomId as string | undefined;
      if (asked !== undefined) {
        const target = store.find(room.account, asked);
        if (!target) {
          return fail(404, `No record found for id '${asked}'`);
        }
        if (target.id !== room.id) {
          // The `jsonwebtoken` text for a `sub` (the room id, §4) other than the one expected.
          return fail(401, `jwt subject invalid. expected: ${target.id}`);
        }
      }
      const jti = typeof check.claims.jti === 'string' ? check.claims.jti : '';
      const refused = refusal(room, jti);
      if (refused) {
        return refused;
      }
      const presence = store.connect(room, {
        jti,
        name: (input?.name as string | undefined) ?? null,
        ip: (input?.ip as string | undefined) ?? '127.0.0.1',
      });
      return [201, { participantId: presence.id }];
    },

    /** `{"participantId": "…"}`: disconnects; 200 `{participantId, leftAt}`, again if repeated. */
    'POST /leave'(body: unknown): [number, unknown] {
      const participantId = objectOf(body)?.participantId;
      if (typeof participantId !== 'string' || participantId === '') {
        return fail(400, '"participantId" is required', 'participantId');
      }
      const presence = store.findPresence(participantId);
      if (!presence) {
        return fail(404, `No record found for id '${participantId}'`);
      }
      presence.leftAt ??= now();
      return [200, { participantId, leftAt: new Date(presence.leftAt).toISOString() }];
    },
  };
}

function objectOf(body: unknown): Record<string, unknown> | null {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : null;
}
