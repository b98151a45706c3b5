export const ROOM_TOKEN_ROLES = ['HOST', 'PARTICIPANT', 'VIEWER'] as const;
/** HOST may manage the room and others; PARTICIPANT sends and receives; VIEWER only receives. */
export type RoomTokenRole = (typeof ROOM_TOKEN_ROLES)[number];

/** A join token. `token` is a secret: it never goes into logs, errors or metrics. */
export interface RoomToken {
  readonly token: string;
  readonly providerKey: string;
  /** The room's adapter handle (see `Room.nativeId`). */
  readonly roomNativeId: string;
  readonly role: RoomTokenRole;
  /** The provider's own name for the role, when it has one. */
  readonly providerRole: string | null;
  readonly permissions: readonly string[];
  readonly identity: string | null;
  readonly issuedAt: Date | null;
  /** Always set: the service imposes a default where a provider would let tokens live forever. */
  readonly expiresAt: Date | null;
  /** Tokens the provider keeps (and lists for a room) carry its id. */
  readonly providerTokenId: string | null;
}

export interface CreateRoomTokenInput {
  readonly role: RoomTokenRole;
  readonly identity?: string | null;
  /** Provider permission strings; when absent the role's defaults apply. */
  readonly permissions?: readonly string[] | null;
  /** Lifetime in seconds; the service default applies when absent. */
  readonly ttlSeconds?: number | null;
  /**
   * The provider's own role name, passed through unchanged instead of the one `role` maps to.
   * Only where a provider names roles per room (its room templates, say); refused elsewhere.
   */
  readonly providerRole?: string | null;
}
