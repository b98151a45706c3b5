import { z } from 'zod';

/**
 * A room as the v5 API returns it (agora-whiteboard.md §2.1). Only the fields we read are checked;
 * all but `uuid` and `isBan` are optional because 2020-era rooms lacked `appUUID` and the docs
 * never promise the rest on every response.
 */
export const netlessRoomSchema = z.object({
  uuid: z.string().min(1),
  teamUUID: z.string().optional(),
  appUUID: z.string().optional(),
  isRecord: z.boolean().optional(),
  isBan: z.boolean(),
  createdAt: z.string().optional(),
  limit: z.number().int().nonnegative().optional(),
  /** Legacy (2020) rooms carried a name; whether today's do is UNCONFIRMED (§2.1). */
  name: z.string().optional(),
});
export type NetlessRoom = z.infer<typeof netlessRoomSchema>;

/** GET /v5/rooms answers a bare array, no envelope (§2.4). */
export const netlessRoomListSchema = z.array(netlessRoomSchema);

/** The token endpoints answer a bare JSON string (§3). */
export const netlessRoomTokenSchema = z.string().startsWith('NETLESSROOM_');

/** Every failure carries `{ message }` and nothing else documented (§6). */
export const netlessErrorBodySchema = z.object({ message: z.string() });

/**
 * Every UNCONFIRMED or PROPOSAL point of agora-whiteboard.md the adapter depends on, decided once:
 * - §1 region: documented as required, with no default; every docs example sends `us-sv`, so an
 *   account without a region uses it. Only today's five values are taken: whether the old `gb-lon`
 *   still works is UNCONFIRMED.
 * - §2.4 list start: `beginUUID` looks inclusive from one docs example only. The lister asks from
 *   the last uuid it saw and drops that room if it comes back, which is right either way.
 * - §2.1 name: v5 rooms carry no `name` (PROPOSAL), so none is sent; a legacy one is read if present.
 * - §6 token errors: statuses are UNCONFIRMED and the role-forbidden text is a template, so errors
 *   are classed by status and token errors recognised by their documented texts or this prefix.
 * - §2.2 isRecord: the docs say recording "is not supported yet" and default it to false in four
 *   regions (cn-hz unstated), while the 2020 docs call it "enable recording" and Flat sends true.
 *   It is sent only when the caller sets `recordingEnabled`, and read back as `recordingEnabled`,
 *   which may therefore say true for a room the server does not record.
 * - §1 room uuid: observed, not specified, as 32 lowercase hex digits (a version-1 UUID without
 *   dashes) in the docs, the 2020 docs and public code. A handle of any other form is refused as an
 *   unknown room before any call.
 * - agora-whiteboard-room-life.md §1 end session: the ban is the only server-side lever; it
 *   removes everyone in the room and refuses joins [DOC]. A session ended without a lock is a
 *   ban then an unban [GUESS, the sheet's own proposal]. Whether clients the ban ejected
 *   reconnect by themselves once it is lifted is UNCONFIRMED: taken as not (the sheet proposes
 *   so), so the two calls end the session. A room already banned has nobody in it (the ban
 *   ejected them and refuses joins), so ending its session changes nothing (`endsBannedRoom`).
 */
export const NETLESS_ASSUMPTIONS = {
  defaultRegion: 'us-sv',
  regions: ['us-sv', 'sg', 'in-mum', 'eu', 'cn-hz'],
  tokenAccessPrefix: 'token access ',
  roomUuid: /^[0-9a-f]{32}$/,
  /** Whether endRoomSession touches a room already banned: no, nobody can be in it. */
  endsBannedRoom: false,
} as const;
