import type { HmsCreateSettings, HmsRoomSettings, HmsUpdateSettings } from './hms-room-settings.js';
import type {
  NetlessCreateSettings,
  NetlessRoomSettings,
  NetlessUpdateSettings,
} from './netless-room-settings.js';
import type { ProviderKind } from './provider-kind.js';
import type { RoomToken } from './room-token.js';
import type {
  VideskCreateSettings,
  VideskRoomSettings,
  VideskUpdateSettings,
} from './videsk-room-settings.js';

export const ROOM_STATUSES = ['ACTIVE', 'DISABLED', 'ENDED', 'EXPIRED', 'UNKNOWN'] as const;
/**
 * ACTIVE: accepts joins. DISABLED: new joins are blocked by `disableRoom` (or an equivalent
 * upstream flag). ENDED: closed for good. EXPIRED: past its own expiry. UNKNOWN: the provider
 * reported something we cannot map.
 */
export type RoomStatus = (typeof ROOM_STATUSES)[number];

/** SignalWire keeps two kinds of room behind two endpoints; see `signalwire.md` §3 and §4. */
export const SIGNALWIRE_ROOM_TYPES = ['CONFERENCE', 'ROOM'] as const;
export type SignalWireRoomType = (typeof SIGNALWIRE_ROOM_TYPES)[number];

export interface SignalWireRoomSettings {
  readonly kind: 'SIGNALWIRE';
  /** CONFERENCE = a room with the prebuilt UI; ROOM = a room without UI. */
  readonly roomType: SignalWireRoomType;
  readonly quality: string | null;
  readonly layout: string | null;
  /** Conferences only: small | medium | large (10 / 50 / 300 participants). */
  readonly size: string | null;
  /** Conferences only. */
  readonly enableChat: boolean | null;
  readonly enableRoomPreviews: boolean | null;
  /** Rooms only: everyone is removed at this time. */
  readonly removeAt: Date | null;
  /** Rooms only: each member is removed this many seconds after joining. */
  readonly removeAfterSecondsElapsed: number | null;
}

/** Provider-specific settings, keyed by kind. */
export type ProviderRoomSettings =
  | SignalWireRoomSettings
  | NetlessRoomSettings
  | HmsRoomSettings
  | VideskRoomSettings;

/** A room as the service sees it, whatever provider keeps it. */
export interface Room {
  /** The account key of the provider that keeps the room (config `key`). */
  readonly providerKey: string;
  readonly providerKind: ProviderKind;
  /**
   * The adapter's own handle for the room: stable, opaque outside the adapter, and what global
   * ids and loaders are keyed by. It may differ from `providerRoomId` where the provider needs
   * more than the id to find a room (SignalWire: conference or room).
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
  readonly settings: ProviderRoomSettings | null;
  /**
   * Join tokens the provider handed out in the same answer as the room (Videsk's create answer
   * carries one). Only on the room that answer made; a room read later never has them. Secret,
   * like every `RoomToken.token`.
   */
  readonly issuedTokens?: readonly RoomToken[];
}

/** Fields a caller may set on create. Adapters reject what their provider cannot take. */
export interface CreateRoomInput {
  readonly name: string;
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly notBefore?: Date | null;
  readonly expiresAt?: Date | null;
  readonly maxParticipants?: number | null;
  readonly recordingEnabled?: boolean | null;
  readonly region?: string | null;
  readonly signalwire?: SignalWireCreateSettings | null;
  readonly netless?: NetlessCreateSettings | null;
  readonly hms?: HmsCreateSettings | null;
  readonly videsk?: VideskCreateSettings | null;
}

export interface SignalWireCreateSettings {
  /** Defaults to ROOM. */
  readonly roomType?: SignalWireRoomType | null;
  readonly quality?: string | null;
  readonly layout?: string | null;
  readonly size?: string | null;
  readonly enableChat?: boolean | null;
  readonly enableRoomPreviews?: boolean | null;
}

/** A partial update: absent fields keep their values. */
export interface UpdateRoomInput {
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly notBefore?: Date | null;
  readonly expiresAt?: Date | null;
  readonly maxParticipants?: number | null;
  readonly recordingEnabled?: boolean | null;
  readonly signalwire?: Omit<SignalWireCreateSettings, 'roomType'> | null;
  readonly netless?: NetlessUpdateSettings | null;
  readonly hms?: HmsUpdateSettings | null;
  readonly videsk?: VideskUpdateSettings | null;
}
