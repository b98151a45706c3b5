import type { CreateRoomInput, UpdateRoomInput } from '../../domain/room.js';

/** SignalWire keeps two kinds of room behind two endpoints; see `signalwire.md` §3 and §4. */
export const SIGNALWIRE_ROOM_TYPES = ['CONFERENCE', 'ROOM'] as const;
export type SignalWireRoomType = (typeof SIGNALWIRE_ROOM_TYPES)[number];

export type SignalWireRoomSettings = {
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
};

/** SignalWire-only options (`signalwire` on the create and update inputs). */
export interface SignalWireRoomOptions {
  /** Create only, fixed afterwards. Defaults to ROOM. */
  readonly roomType?: SignalWireRoomType | null;
  readonly quality?: string | null;
  readonly layout?: string | null;
  readonly size?: string | null;
  readonly enableChat?: boolean | null;
  readonly enableRoomPreviews?: boolean | null;
}

/** A create as this adapter reads it: the common fields and its own options. */
export interface SignalWireCreateRoomInput extends CreateRoomInput {
  readonly signalwire?: SignalWireRoomOptions | null;
}

/** An update as this adapter reads it; `roomType` is ignored, since it cannot change. */
export interface SignalWireUpdateRoomInput extends UpdateRoomInput {
  readonly signalwire?: SignalWireRoomOptions | null;
}
