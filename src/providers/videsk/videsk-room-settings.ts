/**
 * Videsk VPaaS room settings and create/update options (`../shared/providers/videsk.md` §2).
 *
 * How the common fields land at Videsk: `Room.name` is the room's `externalId` (the caller's own
 * id, unique per account), `Room.displayName` is Videsk's internal `name`, `notBefore`/`expiresAt`
 * are `nbf`/`exp`, and `maxParticipants`/`recordingEnabled` live in the room's settings object.
 */

/**
 * One issued access token, as Videsk records it in `Room.authorizations` (§5). The service cannot
 * tell whether the token was used: an entry means "a token was granted", not "someone joined".
 */
export interface VideskAuthorization {
  /** The address Videsk recorded with the grant (IPv4 or IPv6). */
  readonly ip: string | null;
  /** The granted token's `jti` claim (a UUID v4); `RoomToken.providerTokenId` carries the same. */
  readonly jti: string | null;
  /** When the grant was recorded. */
  readonly createdAt: Date | null;
}

export type VideskRoomSettings = {
  readonly kind: 'VIDESK';
  /**
   * The caller's id for the room, unique per account; Videsk generates one when none is given.
   * Also shown as `Room.name`. `GET /vpaas/rooms/{id}` accepts it in place of the room id.
   */
  readonly externalId: string | null;
  /**
   * True once the room has ended (`disableRoom`); an ended room never reopens. Videsk's examples
   * show no `ended` field, so false means only that neither Videsk's answer nor this service's
   * own calls said the room had ended.
   */
  readonly ended: boolean;
  /** Token grants, oldest first. Read-only. */
  readonly authorizations: readonly VideskAuthorization[];
};
