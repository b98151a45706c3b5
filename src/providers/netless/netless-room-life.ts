import type { RoomLifeOperation, SupportLevel } from '../../domain/capabilities.js';
import type { EndSessionInput, RoomSession } from '../../domain/room-life.js';
import type { CallContext } from '../../http/call-context.js';
import type { NetlessClient } from './netless-client.js';
import { NETLESS_ASSUMPTIONS } from './netless-schemas.js';

// Room life at the Agora whiteboard (agora-whiteboard-room-life.md): the v5 REST API has rooms,
// tokens, scenes, screenshots and file conversion, and nothing about who is in a room (W6). The
// one thing that can be built is ending a session, from the room-wide ban (§1).

/** Support per room-life operation: everything unsupported but endRoomSession. */
export const NETLESS_ROOM_LIFE: Readonly<Record<RoomLifeOperation, SupportLevel>> = {
  getActiveSession: 'UNSUPPORTED',
  listSessions: 'UNSUPPORTED',
  listParticipants: 'UNSUPPORTED',
  listRecordings: 'UNSUPPORTED',
  getRecordingDownload: 'UNSUPPORTED',
  removeParticipant: 'UNSUPPORTED',
  endRoomSession: 'EMULATED',
  startRecording: 'UNSUPPORTED',
  stopRecording: 'UNSUPPORTED',
};

/** Why each room-life operation is missing, or how it is built (sections of the room-life sheet). */
export const NETLESS_ROOM_LIFE_NOTES: Readonly<Record<RoomLifeOperation, string>> = {
  getActiveSession:
    'Netless has no session concept over REST: no call says whether anyone is in a room; presence is seen only inside the whiteboard client SDK (room.state.roomMembers).',
  listSessions:
    'Netless keeps no sessions over REST: a whiteboard room is a persistent document that clients connect to, with no history of its use.',
  listParticipants:
    'No REST call lists who is or was in a room: members (writer and admin connections) are seen only inside the client SDK, with no join or leave times.',
  listRecordings:
    'A room created with recordingEnabled records replay data by itself while in use, but no REST call lists it: it has no id, file or status, and is replayed by time range in the client SDK (replayRoom).',
  getRecordingDownload:
    'No recording files exist: replay data is proprietary signalling data, played back only by the client SDK.',
  removeParticipant:
    'No REST call disconnects one user: the only ejection is the room-wide ban (endRoomSession, disableRoom), which removes everyone.',
  endRoomSession:
    'Emulated with the room-wide ban: PATCH isBan=true removes everyone in the room, then isBan=false lets people join again; with lock the room stays banned, reads DISABLED, and enableRoom lifts it. Between the two calls joins are refused for a moment. Tokens stay valid, so the people removed may join again at once. A room already disabled is left as it is (nobody can be in it). No session is returned: Netless reports none.',
  startRecording:
    'Recording cannot be started: a room created with recordingEnabled records by itself while in use, and the setting cannot change after creation.',
  stopRecording:
    'Recording cannot be stopped: it runs by itself while a room created with recordingEnabled is in use.',
};

/**
 * endRoomSession (EMULATED): ends the room's live session by banning the room, which removes
 * everyone in it (agora-whiteboard-room-life.md §1), then lifts the ban unless `lock` asks that
 * nobody join afterwards. It reads the room first, so that a room the operator disabled (banned)
 * is not enabled by the lift (NETLESS_ASSUMPTIONS.endsBannedRoom).
 *
 * Upstream calls: 1 (GET) for a banned room, 2 (GET, PATCH) with `lock`, 3 without. Resolves
 * null: Netless has no session to report. When the lift fails after the ban, the room stays
 * banned (DISABLED) and the error is thrown; `enableRoom` undoes it.
 */
export async function endNetlessSession(
  client: NetlessClient,
  uuid: string,
  input: EndSessionInput,
  context?: CallContext,
): Promise<RoomSession | null> {
  // Its own operation name: the read cache keeps only `getRoom` reads, and this one must be fresh.
  const room = await client.getRoom(uuid, context, 'endRoomSession');
  if (room.isBan && !NETLESS_ASSUMPTIONS.endsBannedRoom) {
    return null;
  }
  await client.setBan(uuid, true, 'endRoomSession', context);
  if (!input.lock) {
    await client.setBan(uuid, false, 'endRoomSession', context);
  }
  return null;
}
