import { createHash } from 'node:crypto';
import type { Participant } from './room-life.js';

export const ROOM_EVENT_TYPES = [
  'ROOM_CREATED',
  'ROOM_UPDATED',
  'ROOM_DISABLED',
  'ROOM_ENABLED',
  'ROOM_DELETED',
  'SESSION_STARTED',
  'SESSION_ENDED',
  'PARTICIPANT_JOINED',
  'PARTICIPANT_LEFT',
  'RECORDING_STARTED',
  'RECORDING_READY',
  'RECORDING_FAILED',
] as const;
export type RoomEventType = (typeof ROOM_EVENT_TYPES)[number];

export const EVENT_SOURCES = ['API', 'WEBHOOK', 'POLL'] as const;
/** API: a write through this service. WEBHOOK: the provider told us. POLL: a read saw it change. */
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Something that happened to a room, in one shape whatever provider it happened at. */
export interface RoomEvent {
  /**
   * Stable: the same change at the provider has the same id whichever source saw it, so the
   * log keeps it once (see `roomEventId`).
   */
  readonly id: string;
  readonly type: RoomEventType;
  /** When it happened at the provider, as near as the source can tell. */
  readonly occurredAt: Date;
  /** When this service learned of it. */
  readonly observedAt: Date;
  readonly source: EventSource;
  readonly providerKey: string;
  readonly roomNativeId: string;
  readonly sessionNativeId: string | null;
  readonly recordingNativeId: string | null;
  /** The person, for PARTICIPANT_* events: as they were when the event happened. */
  readonly participant: Participant | null;
  /**
   * For a change to a room: the state the room is now in. A room can return to a state it had
   * (banned, unbanned, banned again), so the state is no version; the publisher counts the
   * room's changes with the log, puts the count in the id, and logs the event without this.
   */
  readonly roomState?: string;
}

/** An event as the log keeps it: with its position, which a subscriber resumes after. */
export interface LoggedEvent extends RoomEvent {
  readonly cursor: string;
}

/**
 * What the id of ROOM_UPDATED, ROOM_DISABLED and ROOM_ENABLED is keyed by instead of the type:
 * one version of a room is one change, whichever of the three a source names it (a poll that
 * missed a disable and its enable between two rounds sees the enabled room as updated).
 */
export const ROOM_CHANGE = 'ROOM_CHANGE';

/**
 * The stable id of a change: a digest of what changed (its type, account, room, and the thing
 * or version it is about), never of who saw it or when. A session start is keyed by the
 * session; a join by the presence; a room update by the room's version after it.
 */
export function roomEventId(
  type: RoomEventType | typeof ROOM_CHANGE,
  providerKey: string,
  roomNativeId: string,
  subject: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([type, providerKey, roomNativeId, subject]))
    .digest('base64url')
    .slice(0, 32);
}
