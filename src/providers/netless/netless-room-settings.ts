/**
 * What an Agora Interactive Whiteboard (Netless) room carries beyond the common `Room` fields.
 * The common fields take the rest: `isBan` is `Room.status` (DISABLED when banned), `isRecord` is
 * `Room.recordingEnabled`, `limit` is also `Room.maxParticipants` (null when 0), and the account's
 * `region` header is `Room.region` (see `../shared/providers/agora-whiteboard.md` §1, §2.1).
 */
export type NetlessRoomSettings = {
  readonly kind: 'AGORA_WHITEBOARD';
  /** The Agora Console account that owns the whiteboard project (`teamUUID`); null when absent. */
  readonly teamUuid: string | null;
  /** The whiteboard project (`appUUID`); null when absent (2020-era rooms had none). */
  readonly appUuid: string | null;
  /**
   * Most users holding a writer or admin token in the room at once (`limit`). Readers are not
   * counted. 0 means no limit.
   */
  readonly limit: number;
};
