/**
 * Every point of `../shared/providers/hms-room-life.md` marked UNCONFIRMED (or left unsaid) that
 * the room-life part of this adapter depends on, decided once, with the section it comes from.
 * Correct a decision here; `docs/room-life.md` lists them too.
 *
 * - `listLimits` (§3): `GET /v2/recordings` documents `limit` without bounds; the 10..100 that
 *   `GET /v2/sessions` and `GET /v2/rooms` document is taken for it too.
 * - `activeMeansLive` (§1): the docs call the sessions filter `active` "Default: true", yet their
 *   unfiltered example lists inactive sessions, so `active` is always sent: live sessions with
 *   `true`, past ones with `false`, each its own walk.
 * - `noLiveSession` (§1): what 100ms answers on an active-room path of a room nobody is in is
 *   unconfirmed; the sheet's proposal, the `error_message` of the documented `room.end.failure`
 *   webhook, is `404 "session not found"`. A 404 whose message says so (or "peer not found", for
 *   a peer no longer there) is not an unknown room; any other 404 on a room path is.
 * - `recordingIdFields` (§4): a recording's handle is the id `GET /v2/recordings` lists, which
 *   the `beam.*` webhooks name `job_id`. `beam.recording.success` names its recording
 *   `recording_id` ("100ms assigned id to the recording") instead; that the two are one id is
 *   the sheet's reading, unconfirmed. `recording.success` / `recording.failed` (SFU recording)
 *   name neither, so they give no event (polling reports what `GET /v2/recordings` lists).
 * - `downloadAssetTypes` (§3): which asset of a recording is "its file": the composite video
 *   (`room-composite`), else the HLS recording (`room-vod`); chat, transcripts and summaries
 *   are not the recording.
 * - `presignSeconds` (§3): a choice, not a doubt: 100ms's default link lives 3 days (9 h on
 *   OSS); the contract wants a short-lived one, so 15 minutes is asked for.
 * - `liveWhenNoLeftAt` (§1): `left_at` of a peer still in a live session is unconfirmed; absent,
 *   null, blank and Go's zero time (`0001-01-01T00:00:00Z`) all read "still in".
 * - Newest first (§1, §3): the order of sessions and recordings is the provider's, which the
 *   docs' examples show newest first (unconfirmed); of several live sessions listed for one
 *   room, which should not happen, the latest started is taken.
 * - Stopping with nothing running, starting twice or with nobody in the room (§3): unconfirmed;
 *   100ms's answer is passed on (a 400 is `UPSTREAM_REJECTED` with its message).
 */
export const HMS_ROOM_LIFE_ASSUMPTIONS = {
  listLimits: { min: 10, max: 100 },
  activeMeansLive: true,
  noLiveSession: /\b(session|peer) not found\b/i,
  recordingIdFields: ['job_id', 'recording_id'],
  downloadAssetTypes: ['room-composite', 'room-vod'],
  presignSeconds: 900,
  liveWhenNoLeftAt: true,
} as const;
