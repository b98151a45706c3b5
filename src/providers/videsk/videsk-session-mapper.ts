import type { Room } from '../../domain/room.js';
import type { RoomSession } from '../../domain/room-life.js';

/**
 * A Videsk room is one session (`../shared/providers/videsk-room-life.md` §1: Videsk's own
 * telemetry page calls a room "una sala (sesión)"). It opens at `nbf`, and ends at `exp` or when
 * it is PATCHed `ended: true`, whichever comes first; it never reopens. The session's handle is
 * the room id, so the GET, the list and the PATCH that reveal it all name it alike.
 *
 * Live, here, is the room-life sheet's GUESS (§1), kept in this one place: not ended and
 * `nbf ≤ now < exp`. Videsk has no presence flag and no participant endpoint, so a live session
 * may have nobody in it, and how many are in it is unknown (`participantCount` null).
 *
 * Takes the room as `mapVideskRoom` made it: ended when its status is ENDED, which a room
 * whose answer lacks `ended` (no Videsk example shows the field, `videsk.md` §2) is not unless
 * this service ended it (`asEnded`). `ended` overrides that where the caller knows better.
 *
 * Returns null while the room has not opened yet (`nbf` ahead), or when it was ended before it
 * ever opened: there has been no session.
 */
export function videskSessionOf(
  room: Room,
  now: number,
  ended: boolean = room.status === 'ENDED',
): RoomSession | null {
  const startedAt = room.notBefore ?? room.createdAt;
  // An ended room cannot be PATCHed again (seed page: "Room not found or already ended"), so
  // its last update is the moment it ended; `updatedAt` is probable but UNCONFIRMED (§2).
  const endedByPatch = ended ? room.updatedAt : null;
  if (startedAt !== null && startedAt.getTime() > now) {
    return null;
  }
  if (startedAt !== null && endedByPatch !== null && endedByPatch < startedAt) {
    return null;
  }
  const expired = room.expiresAt !== null && room.expiresAt.getTime() <= now;
  const expiredAt = expired ? room.expiresAt : null;
  return {
    providerKey: room.providerKey,
    roomNativeId: room.nativeId,
    nativeId: room.nativeId,
    status: ended || expired ? 'ENDED' : 'LIVE',
    startedAt,
    endedAt: ended ? earliest(endedByPatch, expiredAt) : expiredAt,
    participantCount: null,
    participants: null,
  };
}

function earliest(left: Date | null, right: Date | null): Date | null {
  if (left === null || right === null) {
    return left ?? right;
  }
  return left < right ? left : right;
}
