import {
  NO_ROOM_LIFE,
  type RoomLifeOperation,
  type SupportLevel,
} from '../../domain/capabilities.js';
import {
  InputValidationError,
  ProviderError,
  RoomNotFoundError,
  UpstreamCallLimitError,
} from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import type { RoomSession } from '../../domain/room-life.js';
import type { CallContext } from '../../http/call-context.js';
import { getRoomsOneByOne } from '../get-rooms-one-by-one.js';
import type { RoomProvider } from '../room-provider.js';
import { VIDESK_MAX_PAGE_SIZE, type VideskClient } from './videsk-client.js';
import { asEnded, isVideskRoomId, mapVideskRoom, parseDate } from './videsk-mappers.js';
import type { VideskRoom } from './videsk-schemas.js';
import { videskSessionOf } from './videsk-session-mapper.js';

/**
 * Room life at Videsk VPaaS (`../shared/providers/videsk-room-life.md`). VPaaS has the room CRUD,
 * `/join` and `/stats`, and nothing else: a room is one session, so sessions are emulated from
 * rooms; ending a session is the documented `PATCH {ended: true}`; there is no participant,
 * recording or event endpoint.
 */
export const VIDESK_ROOM_LIFE: Readonly<Record<RoomLifeOperation, SupportLevel>> = {
  ...NO_ROOM_LIFE,
  getActiveSession: 'EMULATED',
  listSessions: 'EMULATED',
  endRoomSession: 'NATIVE',
};

const NO_RECORDINGS =
  'Videsk VPaaS has no recording endpoints: recordingEnabled is only a room setting, and the recordings Videsk makes (a paid platform feature) are pushed to your own storage, outside its API';

export const VIDESK_ROOM_LIFE_NOTES: Readonly<Partial<Record<RoomLifeOperation, string>>> = {
  getActiveSession:
    'A Videsk room is one session, open from nbf until exp or until it is ended (ended: true). Videsk reports no presence, so activeSession is that open window: it may show a live session nobody is in, and participantCount is unknown.',
  listSessions:
    "A Videsk room is one session: Room.sessions holds at most one, the room's own window once nbf has passed (LIVE while open, ENDED after exp or once ended).",
  listParticipants:
    "Videsk has no participant endpoint. A room's authorizations (Room.settings.authorizations: IP, token id, time) are access grants with no identity and no leave time, and Videsk does not say whether one is written when a token is issued or when it is used, so they are not shown as participants.",
  listRecordings: NO_RECORDINGS,
  getRecordingDownload: NO_RECORDINGS,
  removeParticipant:
    'Videsk has no call to remove one participant; endRoomSession ends the room for everyone.',
  endRoomSession:
    'Ends the Videsk room itself (PATCH ended: true), which is one-way: nobody can join it again, so it needs lock: true (lock: false cannot be honoured and is refused as an input error). A room whose window is not open is left as it is. Whether Videsk disconnects those still connected at once is not documented.',
  startRecording: 'Videsk VPaaS has no call to start a recording.',
  stopRecording: 'Videsk VPaaS has no call to stop a recording.',
};

/** Pages of open rooms `getActiveSessions` reads before it asks for the rest one by one. */
const MAX_OPEN_PAGES = 5;
/** The cursor of a room's one session: nothing comes after it. */
const SESSION_CURSOR = 'videsk-session';

export interface VideskRoomLifeOptions {
  readonly key: string;
  readonly client: VideskClient;
  readonly now: () => number;
  /** Single GETs in flight at once, as `getRooms` keeps them. */
  readonly maxInFlight: number;
  /**
   * One room's answer to `GET /vpaas/rooms/{roomId}`: `RoomNotFoundError` for a handle that is
   * not a Videsk room id (checked before any call) or that Videsk does not know.
   */
  readonly fetchRoom: (
    nativeId: string,
    operation: string,
    context?: CallContext,
  ) => Promise<VideskRoom>;
}

type ActiveSessionEntry = RoomSession | null | RoomNotFoundError | UpstreamCallLimitError;

/** What one reading of the open rooms found: rooms by id, and whether it saw all that may be live. */
interface OpenRooms {
  readonly rooms: Map<string, Room>;
  readonly complete: boolean;
  /** The operation's allowance ran out while reading. */
  readonly limit: UpstreamCallLimitError | null;
}

/** The room-life members a Videsk adapter has: those its capabilities say it supports. */
export type VideskRoomLife = Required<
  Pick<RoomProvider, 'getActiveSessions' | 'listSessions' | 'getSession' | 'endRoomSession'>
>;

export function createVideskRoomLife(options: VideskRoomLifeOptions): VideskRoomLife {
  const { key, client, now, fetchRoom } = options;

  const liveSessionOf = (room: Room, at: number, ended?: boolean): RoomSession | null => {
    const session = videskSessionOf(room, at, ended);
    return session?.status === 'LIVE' ? session : null;
  };

  /**
   * One room by GET, as a domain room. No Videsk example shows `ended` (videsk.md §2), though the
   * list filters on it (§3.1): where an answer lacks it and the room's window is open, so that
   * it would read as live, the documented filters tell whether it has ended. One call more,
   * only then.
   */
  async function readRoom(nativeId: string, operation: string, context?: CallContext) {
    const raw = await fetchRoom(nativeId, operation, context);
    const at = now();
    const room = mapVideskRoom(key, raw, at);
    if (raw.ended != null || !raw.externalId || !liveSessionOf(room, at)) {
      return room;
    }
    const ended = await client.findEndedRoom(raw.externalId, operation, context);
    return ended.data.some((found) => found.id === raw.id) ? asEnded(room) : room;
  }

  /**
   * Reads the rooms that are not ended, latest `exp` first, until every wanted room is found,
   * a room whose `exp` has passed shows that none further can be live, or the list ends.
   * Stops early (incomplete) after MAX_OPEN_PAGES, or when Videsk did not keep the `exp` order
   * the query asked for (`$sort[exp]` is UNCONFIRMED), so that no live room is missed.
   */
  async function readOpenRooms(
    wanted: ReadonlySet<string>,
    at: number,
    context?: CallContext,
  ): Promise<OpenRooms> {
    const rooms = new Map<string, Room>();
    let skip = 0;
    let previousExp = Number.POSITIVE_INFINITY;
    for (let page = 0; page < MAX_OPEN_PAGES; page++) {
      let answer: Awaited<ReturnType<VideskClient['listOpenRooms']>>;
      try {
        answer = await client.listOpenRooms(skip, VIDESK_MAX_PAGE_SIZE, context);
      } catch (error) {
        if (error instanceof UpstreamCallLimitError) {
          return { rooms, complete: false, limit: error };
        }
        throw error;
      }
      let ordered = true;
      for (const raw of answer.data) {
        if (wanted.has(raw.id)) {
          rooms.set(raw.id, mapVideskRoom(key, raw, at));
        }
        const exp = parseDate(raw.exp)?.getTime() ?? null;
        if (exp !== null) {
          ordered &&= exp <= previousExp;
          previousExp = exp;
        }
      }
      if (!ordered) {
        // What was read is still true; only where the live rooms end is unknown.
        return { rooms, complete: false, limit: null };
      }
      skip += answer.data.length;
      const pastTheLive = previousExp <= at;
      if (answer.data.length === 0 || skip >= answer.total || pastTheLive) {
        return { rooms, complete: true, limit: null };
      }
      if (rooms.size === wanted.size) {
        return { rooms, complete: false, limit: null };
      }
    }
    return { rooms, complete: false, limit: null };
  }

  return {
    /**
     * Upstream cost for N distinct rooms: N = 1 is one GET of the room. N ≥ 2 is
     * ceil(L / 100) list calls (`GET /vpaas/rooms?ended=false&$sort[exp]=-1`), where L is the
     * number of rooms not ended whose `exp` is still ahead (open or scheduled), read only as far
     * as the wanted rooms or the first expired one: one call while an account has at most 100
     * such rooms, whatever N. Past 5 pages (500 such rooms), or if Videsk ignored the sort, each
     * wanted room not found yet costs one GET more. A handle that is not a Videsk id costs
     * nothing. A room missing from a complete reading has no live session; the listing cannot
     * tell a room that does not exist from an ended one, so only the GETs answer RoomNotFoundError.
     */
    async getActiveSessions(nativeIds, callOptions) {
      const context = callOptions?.context;
      const at = now();
      const results: (ActiveSessionEntry | undefined)[] = nativeIds.map((nativeId) =>
        isVideskRoomId(nativeId) ? undefined : new RoomNotFoundError(key, nativeId),
      );
      const wanted = new Set(nativeIds.filter(isVideskRoomId));
      if (wanted.size >= 2) {
        const open = await readOpenRooms(wanted, at, context);
        nativeIds.forEach((nativeId, index) => {
          if (results[index] !== undefined) {
            return;
          }
          const room = open.rooms.get(nativeId);
          if (room) {
            // Listed with `ended=false`, whatever the answer's own `ended` field says.
            results[index] = liveSessionOf(room, at, false);
          } else if (open.limit) {
            results[index] = open.limit;
          } else if (open.complete) {
            results[index] = null;
          }
        });
      }
      const unresolved = [
        ...new Set(nativeIds.filter((_nativeId, index) => results[index] === undefined)),
      ];
      if (unresolved.length > 0) {
        const rooms = await getRoomsOneByOne(unresolved, options.maxInFlight, (nativeId) =>
          readRoom(nativeId, 'getActiveSession', context),
        );
        const byId = new Map(unresolved.map((nativeId, index) => [nativeId, rooms[index]]));
        nativeIds.forEach((nativeId, index) => {
          const room = byId.get(nativeId);
          if (results[index] === undefined && room !== undefined) {
            results[index] = room instanceof Error ? room : liveSessionOf(room, at);
          }
        });
      }
      return results.map((entry) => entry ?? null);
    },

    /** One GET: the room's one session, or none before it opens. */
    async listSessions(roomNativeId, pageOptions) {
      if (pageOptions.cursor !== null) {
        if (pageOptions.cursor !== SESSION_CURSOR) {
          throw new InputValidationError([
            { path: ['after'], message: 'is not a cursor this API issued' },
          ]);
        }
        if (!isVideskRoomId(roomNativeId)) {
          throw new RoomNotFoundError(key, roomNativeId);
        }
        return { edges: [], hasNextPage: false };
      }
      const room = await readRoom(roomNativeId, 'listSessions', pageOptions.context);
      const session = videskSessionOf(room, now());
      return {
        edges: session ? [{ node: session, cursor: SESSION_CURSOR }] : [],
        hasNextPage: false,
      };
    },

    /** One GET; the session's handle is its room's id, so any other handle is none. */
    async getSession(roomNativeId, sessionNativeId, callOptions) {
      if (sessionNativeId !== roomNativeId || !isVideskRoomId(roomNativeId)) {
        return null;
      }
      try {
        return videskSessionOf(
          await readRoom(roomNativeId, 'getSession', callOptions?.context),
          now(),
        );
      } catch (error) {
        if (error instanceof RoomNotFoundError) {
          return null;
        }
        throw error;
      }
    },

    /**
     * A GET, then `PATCH {ended: true}` only when the room's window is open: two calls, or one
     * when there is no live session to end. Ending a room that has not opened yet would destroy a
     * scheduled room for good, hence the GET first.
     */
    async endRoomSession(roomNativeId, input, callOptions) {
      if (!input.lock) {
        // Videsk can only end the room, one-way (seed page: PATCH on an ended room answers
        // "Room not found or already ended"): refused rather than locked unasked.
        throw new InputValidationError([
          {
            path: ['input', 'lock'],
            message:
              'must be true at Videsk: ending its session ends the room itself (ended: true), for good, so nobody can join it again',
          },
        ]);
      }
      const context = callOptions?.context;
      const room = await readRoom(roomNativeId, 'endRoomSession', context);
      const live = liveSessionOf(room, now());
      if (!live) {
        return null;
      }
      let ended: Room;
      try {
        const answer = await client.patchRoom(
          roomNativeId,
          { ended: true },
          'endRoomSession',
          context,
        );
        ended = asEnded(mapVideskRoom(key, answer, now()));
      } catch (error) {
        // 404 after a GET that found the room: it ended meanwhile (rooms cannot be deleted, §3.4).
        if (error instanceof ProviderError && error.status === 404) {
          return null;
        }
        throw error;
      }
      return { ...live, status: 'ENDED', endedAt: ended.updatedAt ?? new Date(now()) };
    },
  };
}
