import { ProviderError, RoomNotFoundError, UpstreamCallLimitError } from '../../domain/errors.js';
import type { Recording, RoomSession } from '../../domain/room-life.js';
import type { CallContext } from '../../http/call-context.js';
import type { CursorKey } from '../cursor-key.js';
import { askOneByOne } from '../get-rooms-one-by-one.js';
import type { Page, RoomProvider } from '../room-provider.js';
import { SIGNALWIRE_ASSUMPTIONS } from './signalwire-assumptions.js';
import type { SignalWireClient, SignalWirePageRef } from './signalwire-client.js';
import {
  lifeHandle,
  mapMember,
  mapRecording,
  mapSession,
  recordingTime,
} from './signalwire-life-mappers.js';
import {
  LIFE_MAX_PAGE_SIZE,
  LifeCursors,
  pageOfList,
  type RecordingPosition,
} from './signalwire-life-paging.js';
import { parseNativeId } from './signalwire-mappers.js';
import type { SignalWireRecording, SignalWireSession } from './signalwire-schemas.js';

/** The room-life members SignalWire serves over REST: reads only (`signalwire-room-life.md`). */
export type SignalWireRoomLife = Required<
  Pick<
    RoomProvider,
    | 'getActiveSessions'
    | 'listSessions'
    | 'getSession'
    | 'listParticipants'
    | 'listRecordings'
    | 'getRecording'
    | 'getRecordingDownload'
  >
>;

export interface SignalWireRoomLifeOptions {
  readonly key: string;
  readonly client: SignalWireClient;
  readonly now: () => number;
  readonly cursorKey: CursorKey;
  /** Single calls a batch keeps in flight at once. */
  readonly maxInFlight: number;
  /** Takes every download link handed out: a secret while it lives, never to be logged. */
  readonly remember?: (secret: string) => void;
}

/**
 * Pages of 1000 live sessions the cross-room listing reads before asking for the rooms still
 * not found one by one: past 5000 sessions live at once in a project, asking per room is cheaper.
 */
const LIVE_PAGES_MAX = 5;

/**
 * Sessions one page of a room's recordings looks through, at least and at most. SignalWire
 * lists recordings per session (the project-wide list has no room filter, RL §3), so each
 * session looked at is one call: a page costs one call for the sessions and at most 25 more,
 * within the default allowance of 50 calls per operation, and the poller's pages of 10 cost 11.
 */
const SESSIONS_SCANNED_MIN = 10;
const SESSIONS_SCANNED_MAX = 25;
/** Pages of 1000 recordings read of one session, at most: no session has anywhere near that. */
const SESSION_RECORDING_PAGES_MAX = 3;

const NONE: Page<never> = { edges: [], hasNextPage: false };

function isNotFound(error: unknown): boolean {
  return error instanceof ProviderError && error.status === 404;
}

/**
 * Sessions, members and recordings of SignalWire rooms and conferences, as the REST API reads
 * them. Moderation and recording control are Realtime SDK (WebSocket) only, so they are not
 * here: the adapter declares them UNSUPPORTED.
 */
export function createSignalWireRoomLife(options: SignalWireRoomLifeOptions): SignalWireRoomLife {
  const { key, client } = options;
  const cursors = new LifeCursors(options.cursorKey, key);

  /** The live session of one room: one filtered call (see "one live session per room"). */
  async function liveOfOne(
    roomId: string,
    context?: CallContext,
  ): Promise<SignalWireSession | null> {
    const listed = await client.listSessions(
      { roomId, status: 'in-progress' },
      null,
      1,
      'getActiveSession',
      context,
    );
    return listed.data[0] ?? null;
  }

  /**
   * The live sessions of several rooms from the project-wide listing of in-progress sessions:
   * one call while the project has at most 1000 live at once, one more per further 1000, up to
   * LIVE_PAGES_MAX; it stops as soon as every room asked for is found. A room still unknown
   * past that bound is asked for by itself. Sessions of other rooms are skipped.
   */
  async function liveAcross(
    roomIds: ReadonlySet<string>,
    context?: CallContext,
  ): Promise<Map<string, SignalWireSession | UpstreamCallLimitError>> {
    const found = new Map<string, SignalWireSession | UpstreamCallLimitError>();
    let page: SignalWirePageRef | null = null;
    let pages = 0;
    do {
      const listed = await client.listSessions(
        { status: 'in-progress' },
        page,
        LIFE_MAX_PAGE_SIZE,
        'getActiveSession',
        context,
      );
      for (const session of listed.data) {
        const roomId = session.room_id?.toLowerCase();
        if (roomId && roomIds.has(roomId) && !found.has(roomId)) {
          found.set(roomId, session);
        }
      }
      page = listed.next;
      pages += 1;
    } while (page && found.size < roomIds.size && pages < LIVE_PAGES_MAX);
    if (page && found.size < roomIds.size) {
      const rest = [...roomIds].filter((roomId) => !found.has(roomId));
      const answers = await askOneByOne(rest, options.maxInFlight, (roomId) =>
        liveOfOne(roomId, context),
      );
      rest.forEach((roomId, index) => {
        const answer = answers[index];
        if (answer) {
          found.set(roomId, answer);
        }
      });
    }
    return found;
  }

  /** Every recording of one session, newest first; none for a session SignalWire does not know. */
  async function recordingsOf(
    sessionId: string,
    context?: CallContext,
  ): Promise<SignalWireRecording[]> {
    const all: SignalWireRecording[] = [];
    let page: SignalWirePageRef | null = null;
    try {
      for (let pages = 0; pages < SESSION_RECORDING_PAGES_MAX; pages++) {
        const listed = await client.listSessionRecordings(
          sessionId,
          page,
          LIFE_MAX_PAGE_SIZE,
          context,
        );
        all.push(...listed.data);
        page = listed.next;
        if (!page) {
          break;
        }
      }
    } catch (error) {
      // See "unknown session lists empty" in SIGNALWIRE_ASSUMPTIONS.
      if (!isNotFound(error)) {
        throw error;
      }
    }
    // A stable order, so a skip count in a cursor lands on the same recording next time.
    return all.sort(
      (a, b) => recordingTime(b) - recordingTime(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  return {
    /**
     * Upstream calls for N rooms: none when no handle is ours; N = 1, one filtered call
     * (`room_id` and `status=in-progress`, a page of 1); N >= 2, one call, the project-wide list
     * of in-progress sessions (a page of 1000), plus one per further 1000 sessions live at once
     * until every room is found, up to LIVE_PAGES_MAX pages, then one per room still unknown.
     * The loader calls this per batch of `maxBatchSize` (50): batches in flight together send the
     * same GET and share one call. Whether a room exists is not checked: an unknown room has no
     * live session.
     */
    async getActiveSessions(nativeIds, callOptions) {
      const context = callOptions?.context;
      const results: (RoomSession | null | RoomNotFoundError | UpstreamCallLimitError)[] = [];
      const wanted = new Map<string, number[]>();
      nativeIds.forEach((nativeId, index) => {
        const handle = parseNativeId(nativeId);
        if (!handle) {
          results[index] = new RoomNotFoundError(key, nativeId);
          return;
        }
        results[index] = null;
        wanted.set(handle.id, [...(wanted.get(handle.id) ?? []), index]);
      });
      const roomIds = [...wanted.keys()];
      let live = new Map<string, SignalWireSession | UpstreamCallLimitError>();
      const [only] = roomIds;
      if (roomIds.length === 1 && only !== undefined) {
        const session = await liveOfOne(only, context);
        if (session) {
          live.set(only, session);
        }
      } else if (roomIds.length > 1) {
        live = await liveAcross(new Set(roomIds), context);
      }
      for (const [roomId, indexes] of wanted) {
        const session = live.get(roomId);
        for (const index of indexes) {
          results[index] =
            session === undefined
              ? null
              : session instanceof UpstreamCallLimitError
                ? session
                : mapSession(key, nativeIds[index] as string, session);
        }
      }
      return results;
    },

    /** `GET /room_sessions?room_id=`: one call per page, in SignalWire's order (newest first). */
    listSessions(roomNativeId, pageOptions) {
      const handle = parseNativeId(roomNativeId);
      if (!handle) {
        return Promise.reject(new RoomNotFoundError(key, roomNativeId));
      }
      return pageOfList(
        cursors,
        `sessions:${roomNativeId}`,
        pageOptions,
        (page, size) =>
          client.listSessions(
            { roomId: handle.id },
            page,
            size,
            'listSessions',
            pageOptions.context,
          ),
        (session) => mapSession(key, roomNativeId, session),
      );
    },

    /** One call; null for a session SignalWire does not know, or one of another room. */
    async getSession(roomNativeId, sessionNativeId, callOptions) {
      const handle = parseNativeId(roomNativeId);
      const sessionId = lifeHandle(sessionNativeId);
      if (!handle || !sessionId) {
        return null;
      }
      try {
        const session = await client.getSession(sessionId, 'getSession', callOptions?.context);
        return session.room_id?.toLowerCase() === handle.id
          ? mapSession(key, roomNativeId, session)
          : null;
      } catch (error) {
        if (isNotFound(error)) {
          return null;
        }
        throw error;
      }
    },

    /** `GET /room_sessions/{id}/members`: one call per page, past and present members. */
    async listParticipants(session, pageOptions) {
      const sessionId = lifeHandle(session.nativeId);
      if (!sessionId) {
        return NONE;
      }
      try {
        return await pageOfList(
          cursors,
          `members:${session.roomNativeId}:${sessionId}`,
          pageOptions,
          (page, size) => client.listMembers(sessionId, page, size, pageOptions.context),
          (member) => mapMember(key, session, member),
        );
      } catch (error) {
        // See "unknown session lists empty" in SIGNALWIRE_ASSUMPTIONS.
        if (isNotFound(error)) {
          return NONE;
        }
        throw error;
      }
    },

    /**
     * The recordings of the room's sessions, newest session first: one call for a page of the
     * room's sessions, then one per session looked at (SESSIONS_SCANNED_*). A page that looked
     * through its sessions without finding a recording is empty and the last: a room whose
     * recent sessions were not recorded lists none of its older recordings.
     */
    async listRecordings(roomNativeId, pageOptions) {
      const handle = parseNativeId(roomNativeId);
      if (!handle) {
        throw new RoomNotFoundError(key, roomNativeId);
      }
      const context = pageOptions.context;
      const listing = `recordings:${roomNativeId}`;
      const start = cursors.openRecordings(listing, pageOptions.cursor);
      const limit = Math.max(1, Math.min(pageOptions.limit, LIFE_MAX_PAGE_SIZE));
      const scan = Math.min(Math.max(limit, SESSIONS_SCANNED_MIN), SESSIONS_SCANNED_MAX);
      const sessions = await client.listSessions(
        { roomId: handle.id },
        start.p,
        Math.min(LIFE_MAX_PAGE_SIZE, start.i + scan),
        'listRecordings',
        context,
      );
      /** Where the listing goes on after the last recording of the session at `index`. */
      const afterSession = (index: number): RecordingPosition =>
        index + 1 >= sessions.data.length && sessions.next
          ? { p: sessions.next, i: 0, s: 0 }
          : { p: start.p, i: index + 1, s: 0 };
      const edges: { node: Recording; cursor: string }[] = [];
      let index = start.i;
      let skip = start.s;
      let more = false;
      for (
        let scanned = 0;
        index < sessions.data.length && scanned < scan && edges.length < limit;
        scanned++
      ) {
        const session = sessions.data[index] as SignalWireSession;
        const sessionId = lifeHandle(session.id);
        const recordings = sessionId ? await recordingsOf(sessionId, context) : [];
        for (let position = skip; position < recordings.length; position++) {
          if (edges.length === limit) {
            more = true;
            break;
          }
          const resume =
            position + 1 < recordings.length
              ? { p: start.p, i: index, s: position + 1 }
              : afterSession(index);
          edges.push({
            node: mapRecording(key, roomNativeId, recordings[position] as SignalWireRecording),
            cursor: cursors.seal(listing, resume),
          });
        }
        if (more) {
          break;
        }
        index += 1;
        skip = 0;
      }
      more ||= index < sessions.data.length || sessions.next !== null;
      return { edges, hasNextPage: edges.length > 0 && more };
    },

    /** Two calls: the recording, then its session, to check it is this room's. */
    async getRecording(roomNativeId, recordingNativeId, callOptions) {
      const handle = parseNativeId(roomNativeId);
      const recordingId = lifeHandle(recordingNativeId);
      if (!handle || !recordingId) {
        return null;
      }
      const context = callOptions?.context;
      try {
        const recording = await client.getRecording(recordingId, null, 'getRecording', context);
        const sessionId = lifeHandle(recording.room_session_id ?? '');
        if (!sessionId) {
          return null;
        }
        const session = await client.getSession(sessionId, 'getRecording', context);
        return session.room_id?.toLowerCase() === handle.id
          ? mapRecording(key, roomNativeId, recording)
          : null;
      } catch (error) {
        if (isNotFound(error)) {
          return null;
        }
        throw error;
      }
    },

    /**
     * One call: the recording read again with `media_ttl`, which mints its `uri` for that long
     * (RL §3). The expiry counts from before the call, so the link lives at least that long.
     */
    async getRecordingDownload(recording, callOptions) {
      const operation = 'getRecordingDownload';
      const recordingId = lifeHandle(recording.nativeId);
      if (!recordingId) {
        throw new ProviderError('Not a SignalWire recording', {
          provider: key,
          operation,
          providerCode: 'NOT_FOUND',
        });
      }
      const seconds = SIGNALWIRE_ASSUMPTIONS.recordingLinkSeconds;
      const askedAt = options.now();
      const fresh = await client.getRecording(
        recordingId,
        seconds,
        operation,
        callOptions?.context,
      );
      if (!fresh.uri) {
        throw new ProviderError('SignalWire has no file for this recording yet', {
          provider: key,
          operation,
          providerCode: 'NO_FILE',
        });
      }
      options.remember?.(fresh.uri);
      return { url: fresh.uri, expiresAt: new Date(askedAt + seconds * 1000) };
    },
  };
}
