import type { RoomTokenRole } from './room-token.js';

export const SESSION_STATUSES = ['LIVE', 'ENDED'] as const;
/** LIVE: someone is in the room now. ENDED: the session is over. */
export type SessionStatus = (typeof SESSION_STATUSES)[number];

export const RECORDING_STATUSES = ['RECORDING', 'PROCESSING', 'READY', 'FAILED'] as const;
/**
 * RECORDING: being recorded now. PROCESSING: stopped, its file not ready yet. READY: its file
 * can be downloaded. FAILED: no file will come.
 */
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** One continuous stretch of a room being in use, from its first join to its last leave. */
export interface RoomSession {
  readonly providerKey: string;
  /** The room's adapter handle (`Room.nativeId`). */
  readonly roomNativeId: string;
  /** The adapter's handle for the session; stable, opaque outside the adapter. */
  readonly nativeId: string;
  readonly status: SessionStatus;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  /** People in it now (LIVE) or who took part (ENDED); null where the provider does not say. */
  readonly participantCount: number | null;
  /**
   * Its participants, when the provider's session answer carries them (so listing them costs
   * nothing more); null when they must be asked for.
   */
  readonly participants: readonly Participant[] | null;
}

/** One person's presence in a session: a join, and the leave that ended it (if any). */
export interface Participant {
  readonly providerKey: string;
  readonly roomNativeId: string;
  /** The session's handle, where the provider ties presences to sessions. */
  readonly sessionNativeId: string | null;
  /** The provider's id of this presence, what `removeParticipant` takes. */
  readonly nativeId: string;
  /** The user id the join token carried. */
  readonly identity: string | null;
  readonly displayName: string | null;
  /** The role mapped back from `providerRole`; null when it maps to none of ours. */
  readonly role: RoomTokenRole | null;
  readonly providerRole: string | null;
  readonly joinedAt: Date | null;
  /** Null while the person is still in. */
  readonly leftAt: Date | null;
}

/** One recording of a room. */
export interface Recording {
  readonly providerKey: string;
  readonly roomNativeId: string;
  readonly sessionNativeId: string | null;
  readonly nativeId: string;
  readonly status: RecordingStatus;
  readonly startedAt: Date | null;
  readonly endedAt: Date | null;
  readonly durationSeconds: number | null;
  readonly sizeBytes: number | null;
}

/** A short-lived link to a recording's file, minted when asked for and never kept past `expiresAt`. */
export interface RecordingDownload {
  /** A secret while it lives: whoever holds it can download the file. */
  readonly url: string;
  readonly expiresAt: Date;
}

/** What `endRoomSession` asks for. */
export interface EndSessionInput {
  /** Whether nobody may join afterwards, where the provider can lock a room. */
  readonly lock: boolean;
}
