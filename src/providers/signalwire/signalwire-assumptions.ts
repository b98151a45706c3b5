/**
 * Every point of `../shared/providers/signalwire.md` marked UNCONFIRMED that this adapter
 * depends on, decided once, with the section it comes from. Correct a decision here.
 *
 * - `openEndedJoinUntil` (§3.3, §4.3; video/openapi.yaml UpdateRoomRequest and
 *   UpdateConferenceRequest): `enableRoom` must lift the `join_until` that `disableRoom` set,
 *   and neither update schema lets it be null. This far-off instant stands for "no end" and
 *   reads back as no expiry. That SignalWire takes a date in year 9999 is unconfirmed: the spec
 *   says only RFC 3339 date-time, and no sample shows one.
 * - `joinWindowRefused` (§7): a `join_until` before `join_from` is refused with this code in
 *   S6's list; which code the video API really uses is unconfirmed. The adapter never sends such
 *   a window: a disable closes a window that has not opened yet from now.
 * - `conferenceSizeCaps` (§3.1): participant caps per conference size, from the legacy dashboard
 *   guide (S7) only; the spec gives the sizes, not the caps.
 * - `moderatorTokenName` (§3.4): the guide names the two conference tokens "moderator or guest";
 *   the exact strings are unconfirmed, so the word is matched, in any case.
 * - `pageTokenParameter` (§6): the video spec's own link examples are placeholders; the link
 *   form (`page_number`, `page_size`, `page_token=PA<id>`) is modelled on the sibling APIs. The
 *   adapter takes only this parameter (and `page_number`) from `links.next`.
 * - Create status (§2): 200 per the spec, unconfirmed live; the client takes any 2xx.
 * - Unknown body keys (§7): whether the server refuses them is unconfirmed, so only documented
 *   keys are sent (the unit tests hold every request to the sealed spec).
 *
 * Room life (`signalwire-room-life.md`, "RL" below). The first five are decisions in code
 * (`signalwire-room-life.ts`, `signalwire-life-mappers.ts`), which cite them by these names:
 * - conference sessions (RL §1; spec `get_video_conference` takes `include_active_session`): a
 *   conference is a room record with the prebuilt UI (`signalwire.md` S10), so its sessions are
 *   taken to carry the conference's id in `room_id`, and `room_id=` to find them. Unconfirmed.
 * - one live session per room (RL §1, "at most one in-progress session per room [GUESS]"): the
 *   first in-progress session listed for a room is its live one.
 * - newest first (RL §1, "Sort order: UNCONFIRMED (proposal: newest created_at first)"): the
 *   sessions list is taken in the order SignalWire gives it, as newest first.
 * - unknown session lists empty (RL §2, "UNCONFIRMED whether the server answers 404 or an empty
 *   list"): the members or recordings of a session SignalWire does not know read as none,
 *   whichever of the two it answers.
 * - member name is identity (RL §2: REST has "no role, user id or meta field. Identity =
 *   name"; `leave_time` null while still in [GUESS]): a member's `name` is the `user_name` of
 *   its join token, which `createRoomToken` sets to the caller's identity, so it is both the
 *   identity and the display name, and no role is known.
 * - `sessionStatus` / `recordingStatus` (RL §1, §3): a null status reads from the end time (a
 *   session without `end_time` is live; a recording without `finished_at` is recording, with one
 *   it is processing); `paused` is still RECORDING (paused, not stopped); `completed` is READY.
 *   SignalWire has no failed state, so no recording reads as FAILED.
 * - `recordingLinkSeconds` (RL §3: `media_ttl` default 900, its maximum UNCONFIRMED): download
 *   links are asked for with SignalWire's own default lifetime, which it surely accepts.
 */
export const SIGNALWIRE_ASSUMPTIONS = {
  openEndedJoinUntil: '9999-12-31T23:59:59Z',
  joinWindowRefused: 'invalid_join_until_date',
  conferenceSizeCaps: { small: 10, medium: 50, large: 300 },
  moderatorTokenName: /moderator/i,
  pageTokenParameter: 'page_token',
  sessionStatus: { 'in-progress': 'LIVE', completed: 'ENDED' },
  recordingStatus: {
    recording: 'RECORDING',
    paused: 'RECORDING',
    processing: 'PROCESSING',
    completed: 'READY',
  },
  recordingLinkSeconds: 900,
} as const;
