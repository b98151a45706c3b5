import type { ProviderKind } from './provider-kind.js';
import type { RoomToken } from './room-token.js';

export const ROOM_STATUSES = ['ACTIVE', 'DISABLED', 'ENDED', 'EXPIRED', 'UNKNOWN'] as const;
/**
 * ACTIVE: accepts joins. DISABLED: new joins are blocked by `disableRoom` (or an equivalent
 * upstream flag). ENDED: closed for good. EXPIRED: past its own expiry. UNKNOWN: the provider
 * reported something we cannot map.
 */
export type RoomStatus = (typeof ROOM_STATUSES)[number];

/**
 * What rooms of one provider kind carry beyond the common fields: the kind, and settings of that
 * provider's own. Each provider declares its settings type in its folder (an object type that
 * fits this one), and the GraphQL type that shows it.
 */
export interface RoomSettings {
  readonly kind: ProviderKind;
  readonly [setting: string]: unknown;
}

/**
 * Options only one kind of provider takes, each under the name of its provider module (the
 * field `CreateRoomInput` and `UpdateRoomInput` have in GraphQL). Each adapter reads its own;
 * the GraphQL layer refuses options sent to an account of another kind.
 */
export interface ProviderOptions {
  readonly [moduleId: string]: unknown;
}

/** A room as the service sees it, whatever provider keeps it. */
export interface Room {
  /** The account key of the provider that keeps the room (config `key`). */
  readonly providerKey: string;
  readonly providerKind: ProviderKind;
  /**
   * The adapter's own handle for the room: stable, opaque outside the adapter, and what global
   * ids and loaders are keyed by. It may differ from `providerRoomId` where the provider needs
   * more than the id to find a room (one provider keeps two kinds of room apart).
   */
  readonly nativeId: string;
  /** The id the provider itself shows for the room. */
  readonly providerRoomId: string;
  readonly name: string;
  readonly displayName: string | null;
  readonly description: string | null;
  readonly status: RoomStatus;
  readonly createdAt: Date | null;
  readonly updatedAt: Date | null;
  /** No join before this time. */
  readonly notBefore: Date | null;
  /** No join after this time. */
  readonly expiresAt: Date | null;
  readonly maxParticipants: number | null;
  readonly recordingEnabled: boolean | null;
  readonly region: string | null;
  readonly settings: RoomSettings | null;
  /**
   * Join tokens the provider handed out in the same answer as the room (some create answers
   * carry one). Only on the room that answer made; a room read later never has them. Secret,
   * like every `RoomToken.token`.
   */
  readonly issuedTokens?: readonly RoomToken[];
}

/** Fields a caller may set on create. Adapters reject what their provider cannot take. */
export interface CreateRoomInput extends ProviderOptions {
  readonly name: string;
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly notBefore?: Date | null;
  readonly expiresAt?: Date | null;
  readonly maxParticipants?: number | null;
  readonly recordingEnabled?: boolean | null;
  readonly region?: string | null;
}

/** A partial update: absent fields keep their values. */
export interface UpdateRoomInput extends ProviderOptions {
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly notBefore?: Date | null;
  readonly expiresAt?: Date | null;
  readonly maxParticipants?: number | null;
  readonly recordingEnabled?: boolean | null;
}
