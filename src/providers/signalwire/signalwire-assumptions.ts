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
 */
export const SIGNALWIRE_ASSUMPTIONS = {
  openEndedJoinUntil: '9999-12-31T23:59:59Z',
  joinWindowRefused: 'invalid_join_until_date',
  conferenceSizeCaps: { small: 10, medium: 50, large: 300 },
  moderatorTokenName: /moderator/i,
  pageTokenParameter: 'page_token',
} as const;
