import type { CreateRoomInput, Room, UpdateRoomInput } from '../../domain/room.js';

/**
 * 100ms room settings and create/update options (`../shared/providers/hms.md` §3).
 * Common room fields (name, description, maxParticipants → `size`, recordingEnabled →
 * `recording_info.enabled`, region) live on the common inputs; only 100ms-only knobs live here.
 */
export type HmsRoomSettings = {
  readonly kind: 'HMS';
  /** The template the room follows (24-hex id); it defines the roles tokens may name. */
  readonly templateId: string | null;
  /** The template's name, from the deprecated `template` field; null when not sent. */
  readonly templateName: string | null;
  /** Large rooms allow up to 20000 peers instead of 2500. */
  readonly largeRoom: boolean | null;
  /** Longest session in the room, in seconds (120..43200); null when not set. */
  readonly maxDurationSeconds: number | null;
  /**
   * True while the room's recording settings follow its template (`recording_source_template`);
   * false once a create or update sent `recording_info`.
   */
  readonly recordingFollowsTemplate: boolean | null;
};

/** 100ms-only options for `createRoom` (`hms` on the input). */
export interface HmsCreateOptions {
  /** Template to use (24-hex id); the workspace default when absent. */
  readonly templateId?: string | null;
  /** Allows `maxParticipants` up to 20000 (default false: up to 2500). */
  readonly largeRoom?: boolean | null;
  /** Longest session, in seconds: 120..43200. */
  readonly maxDurationSeconds?: number | null;
}

/**
 * 100ms-only options for `updateRoom`. `templateId` is absent on purpose: the update call does
 * not document it (§3.5); change the template through create-by-name instead.
 */
export interface HmsUpdateOptions {
  /** Renames the room (allowed characters `a-z A-Z 0-9 . - : _`). */
  readonly name?: string | null;
  /** `in`, `us`, `eu` or `auto`. */
  readonly region?: string | null;
  readonly largeRoom?: boolean | null;
  /** Longest session, in seconds: 120..43200. */
  readonly maxDurationSeconds?: number | null;
}

/** A create as this adapter reads it: the common fields and its own options. */
export interface HmsCreateRoomInput extends CreateRoomInput {
  readonly hms?: HmsCreateOptions | null;
}

/** An update as this adapter reads it: the common fields and its own options. */
export interface HmsUpdateRoomInput extends UpdateRoomInput {
  readonly hms?: HmsUpdateOptions | null;
}

/** The template a 100ms room follows, from its settings; null when unknown. */
export function templateOf(room: Room): string | null {
  const settings = room.settings as HmsRoomSettings | null;
  return settings?.kind === 'HMS' ? settings.templateId : null;
}
