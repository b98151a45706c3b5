import {
  InputValidationError,
  ProviderError,
  RoomNotFoundError,
  UpstreamCallLimitError,
} from '../../domain/errors.js';
import type { RoomSession } from '../../domain/room-life.js';
import type { CallContext } from '../../http/call-context.js';
import type { SecretRedactor } from '../../http/secret-redactor.js';
import type { CursorKey } from '../cursor-key.js';
import { askOneByOne } from '../get-rooms-one-by-one.js';
import type { RoomProvider } from '../room-provider.js';
import { HMS_ROOM_LIFE_ASSUMPTIONS as ASSUMED } from './hms-assumptions.js';
import type { HmsLifeClient } from './hms-life-client.js';
import {
  fileAsset,
  isHmsPeerId,
  type LifeMapping,
  toRecording,
  toSession,
} from './hms-life-mappers.js';
import { pageAcrossWalks } from './hms-life-paging.js';
import type { HmsSessionPayload } from './hms-life-schemas.js';
import { isHmsId } from './hms-mappers.js';

/** Per-room reads a batch keeps in flight at once (the account's client queues past its cap). */
const PER_ROOM_IN_FLIGHT = 8;

export interface HmsRoomLifeOptions extends LifeMapping {
  readonly client: HmsLifeClient;
  readonly now: () => number;
  readonly cursorKey?: CursorKey;
  readonly redactor?: SecretRedactor;
}

type RoomLifeMembers = Required<
  Pick<
    RoomProvider,
    | 'getActiveSessions'
    | 'listSessions'
    | 'getSession'
    | 'listParticipants'
    | 'listRecordings'
    | 'getRecording'
    | 'getRecordingDownload'
    | 'removeParticipant'
    | 'endRoomSession'
    | 'startRecording'
    | 'stopRecording'
  >
>;

/**
 * What 100ms does inside a room (hms-room-life.md), all of it over REST: sessions with their
 * peers, removing a peer, ending (and locking) a room, recordings and their files. Every handle
 * is checked against its id format before any call: a room, session or recording id is 24 hex
 * digits, a peer id a UUID.
 */
export function createHmsRoomLife(options: HmsRoomLifeOptions): RoomLifeMembers {
  const { client, providerKey: key } = options;
  const { min: MIN_LIMIT, max: MAX_LIMIT } = ASSUMED.listLimits;
  const pageLimit = (wanted: number) => Math.min(MAX_LIMIT, Math.max(MIN_LIMIT, wanted));

  /** A 404 on a room path is an unknown room, unless it says the room has nobody in it. */
  function roomError(roomNativeId: string) {
    return (error: unknown): never => {
      if (
        error instanceof ProviderError &&
        error.status === 404 &&
        !ASSUMED.noLiveSession.test(error.message)
      ) {
        throw new RoomNotFoundError(key, roomNativeId);
      }
      throw error;
    };
  }

  function checkRoomId(roomNativeId: string): void {
    if (!isHmsId(roomNativeId)) {
      throw new RoomNotFoundError(key, roomNativeId);
    }
  }

  /** Null for a 404: the session or recording is not there (or not any more). */
  async function orNull<T>(read: Promise<T>): Promise<T | null> {
    try {
      return await read;
    } catch (error) {
      if (error instanceof ProviderError && error.status === 404) {
        return null;
      }
      throw error;
    }
  }

  /** The live session of the room among `sessions`: the latest started, should there be two. */
  function liveOf(roomNativeId: string, sessions: readonly HmsSessionPayload[]) {
    let found: RoomSession | null = null;
    for (const payload of sessions) {
      if (payload.room_id !== roomNativeId || !payload.active) {
        continue;
      }
      const session = toSession(payload, options);
      if (!found || (session.startedAt?.getTime() ?? 0) > (found.startedAt?.getTime() ?? 0)) {
        found = session;
      }
    }
    return found;
  }

  /** One room's live session: `GET /v2/sessions?room_id=X&active=true`, as the SDK asks (§1). */
  async function activeSessionOf(roomNativeId: string, context?: CallContext) {
    const page = await client.listSessions(
      { roomId: roomNativeId, active: ASSUMED.activeMeansLive, start: null, limit: MIN_LIMIT },
      'getActiveSession',
      context,
    );
    return liveOf(roomNativeId, page.data ?? []);
  }

  return {
    /**
     * Upstream cost for N rooms (A = live sessions in the whole app): one room is one
     * `GET /v2/sessions?room_id&active=true`. Two or more are one walk of
     * `GET /v2/sessions?active=true`, which lists the app's live sessions across rooms (the
     * docs point there "to get the list of all active sessions"), 100 a page: ⌈A/100⌉ calls,
     * usually 1, whatever N. The walk stops once every room asked for is found, and reads at
     * most ⌈N/2⌉ pages; rooms it has not reached by then are asked one by one (so never much
     * more than N calls, when a few rooms are asked of an app with thousands live). A
     * well-formed id of no room is simply not live (null): the listing is a filter.
     */
    async getActiveSessions(roomNativeIds, callOptions) {
      const context = callOptions?.context;
      const results: (RoomSession | null | RoomNotFoundError | UpstreamCallLimitError)[] =
        roomNativeIds.map((id) => (isHmsId(id) ? null : new RoomNotFoundError(key, id)));
      const wanted = [...new Set(roomNativeIds.filter(isHmsId))];
      const found = new Map<string, RoomSession | UpstreamCallLimitError>();
      const unseen = new Set(wanted);
      if (wanted.length >= 2) {
        try {
          let start: string | null = null;
          for (let pages = 0; pages < Math.ceil(wanted.length / 2); pages++) {
            const page = await client.listSessions(
              { active: ASSUMED.activeMeansLive, start, limit: MAX_LIMIT },
              'getActiveSession',
              context,
            );
            const data = page.data ?? [];
            for (const id of unseen) {
              const live = liveOf(id, data);
              if (live) {
                found.set(id, live);
                unseen.delete(id);
              }
            }
            start = data.length >= (page.limit ?? MAX_LIMIT) && page.last ? page.last : null;
            if (start === null) {
              // The listing ended: a room not in it has nobody in it.
              unseen.clear();
            }
            if (unseen.size === 0) {
              break;
            }
          }
        } catch (error) {
          if (!(error instanceof UpstreamCallLimitError)) {
            throw error;
          }
          for (const id of unseen) {
            found.set(id, error);
          }
          unseen.clear();
        }
      }
      const rest = [...unseen];
      const answers = await askOneByOne(rest, PER_ROOM_IN_FLIGHT, (id) =>
        activeSessionOf(id, context),
      );
      rest.forEach((id, index) => {
        const answer = answers[index];
        if (answer) {
          found.set(id, answer);
        }
      });
      return results.map((entry, index) => {
        const id = roomNativeIds[index] as string;
        return entry ?? found.get(id) ?? null;
      });
    },

    async listSessions(roomNativeId, pageOptions) {
      checkRoomId(roomNativeId);
      // Live first, then past: two filtered walks, since `active` has an unclear default (§1).
      // The live one is the newest, so the whole listing stays newest first.
      return pageAcrossWalks({
        cursor: pageOptions.cursor,
        limit: pageOptions.limit,
        scope: `hms-sessions:${key}:${roomNativeId}`,
        key: options.cursorKey,
        walks: 2,
        maxPage: MAX_LIMIT,
        fetch: async (walk, start, limit) => {
          const asked = pageLimit(limit);
          const page = await client.listSessions(
            { roomId: roomNativeId, active: walk === 0, start, limit: asked },
            'listSessions',
            pageOptions.context,
          );
          const data = (page.data ?? []).filter(
            (session) => session.room_id === roomNativeId && session.active === (walk === 0),
          );
          return {
            items: data.map((session) => toSession(session, options)),
            next: nextStart(page, asked),
          };
        },
      });
    },

    async getSession(roomNativeId, sessionNativeId, callOptions) {
      if (!isHmsId(roomNativeId) || !isHmsId(sessionNativeId)) {
        return null;
      }
      const payload = await orNull(
        client.getSession(sessionNativeId, 'listSessions', callOptions?.context),
      );
      return payload && payload.room_id === roomNativeId ? toSession(payload, options) : null;
    },

    async listParticipants(session, pageOptions) {
      checkRoomId(session.roomNativeId);
      if (!isHmsId(session.nativeId)) {
        return { edges: [], hasNextPage: false };
      }
      // Every peer of the session, live or gone, is in its own answer (§1, §2); one read of it
      // is the whole list, paged here.
      return pageAcrossWalks({
        cursor: pageOptions.cursor,
        limit: pageOptions.limit,
        scope: `hms-participants:${key}:${session.nativeId}`,
        key: options.cursorKey,
        walks: 1,
        maxPage: MAX_LIMIT,
        fetch: async () => {
          const payload = await orNull(
            client.getSession(session.nativeId, 'listParticipants', pageOptions.context),
          );
          if (!payload || payload.room_id !== session.roomNativeId) {
            return { items: [], next: null };
          }
          // In the order they joined, as the session answer maps them.
          return { items: toSession(payload, options).participants ?? [], next: null };
        },
      });
    },

    async removeParticipant(roomNativeId, participantNativeId, callOptions) {
      checkRoomId(roomNativeId);
      if (!isHmsPeerId(participantNativeId)) {
        throw new InputValidationError([
          { path: ['input', 'participantId'], message: 'is not a 100ms peer id' },
        ]);
      }
      await client
        .removePeer(roomNativeId, participantNativeId, callOptions?.context)
        .catch(roomError(roomNativeId));
    },

    async endRoomSession(roomNativeId, input, callOptions) {
      checkRoomId(roomNativeId);
      const context = callOptions?.context;
      // Read first: end-room answers only "session is ending" (§1), and the caller gets the
      // session as it ended. Nobody in the room: nothing to end, and nothing is sent.
      const live = await activeSessionOf(roomNativeId, context);
      if (!live) {
        return null;
      }
      try {
        await client.endRoom(roomNativeId, input.lock, context);
      } catch (error) {
        if (
          error instanceof ProviderError &&
          error.status === 404 &&
          ASSUMED.noLiveSession.test(error.message)
        ) {
          // It ended by itself between the read and the end.
          return null;
        }
        return roomError(roomNativeId)(error);
      }
      const endedAt = new Date(options.now());
      const participants =
        live.participants?.map((person) =>
          person.leftAt === null ? { ...person, leftAt: endedAt } : person,
        ) ?? null;
      return {
        ...live,
        status: 'ENDED',
        endedAt,
        participants,
        participantCount: participants?.length ?? live.participantCount,
      };
    },

    async listRecordings(roomNativeId, pageOptions) {
      checkRoomId(roomNativeId);
      return pageAcrossWalks({
        cursor: pageOptions.cursor,
        limit: pageOptions.limit,
        scope: `hms-recordings:${key}:${roomNativeId}`,
        key: options.cursorKey,
        walks: 1,
        maxPage: MAX_LIMIT,
        fetch: async (_walk, start, limit) => {
          const asked = pageLimit(limit);
          const page = await client.listRecordings(
            { roomId: roomNativeId, start, limit: asked },
            pageOptions.context,
          );
          const data = (page.data ?? []).filter((job) => job.room_id === roomNativeId);
          return {
            items: data.map((job) => toRecording(job, key)),
            next: nextStart(page, asked),
          };
        },
      });
    },

    async getRecording(roomNativeId, recordingNativeId, callOptions) {
      if (!isHmsId(roomNativeId) || !isHmsId(recordingNativeId)) {
        return null;
      }
      const payload = await orNull(
        client.getRecording(recordingNativeId, 'listRecordings', callOptions?.context),
      );
      return payload && payload.room_id === roomNativeId ? toRecording(payload, key) : null;
    },

    /**
     * Two calls: the job, for its assets (the list leaves them out, §3), then a presigned URL
     * of its file, asked to live `presignSeconds`. The URL is a secret while it lives.
     */
    async getRecordingDownload(recording, callOptions) {
      const context = callOptions?.context;
      if (!isHmsId(recording.nativeId)) {
        throw new ProviderError(`Recording ${recording.nativeId} is not a 100ms recording id`, {
          provider: key,
          operation: 'getRecordingDownload',
        });
      }
      const job = await client.getRecording(recording.nativeId, 'getRecordingDownload', context);
      const file = fileAsset(job.recording_assets ?? []);
      if (!file || !isHmsId(file.id)) {
        throw new ProviderError(
          `Recording ${recording.nativeId} has no completed file to download yet`,
          { provider: key, operation: 'getRecordingDownload' },
        );
      }
      const presigned = await client.presignedUrl(file.id, ASSUMED.presignSeconds, context);
      options.redactor?.remember(presigned.url);
      const seconds = presigned.expiry ?? ASSUMED.presignSeconds;
      return { url: presigned.url, expiresAt: new Date(options.now() + seconds * 1000) };
    },

    async startRecording(roomNativeId, callOptions) {
      checkRoomId(roomNativeId);
      const payload = await client
        .startRecording(roomNativeId, callOptions?.context)
        .catch(roomError(roomNativeId));
      return toRecording(payload, key);
    },

    async stopRecording(roomNativeId, callOptions) {
      checkRoomId(roomNativeId);
      const page = await client
        .stopRecordings(roomNativeId, callOptions?.context)
        .catch(roomError(roomNativeId));
      return (page.data ?? []).map((job) => toRecording(job, key));
    },
  };
}

/** The `start` of the next page: a full page's `last`, as the official SDK reads it (§3.3). */
function nextStart(
  page: { data?: readonly unknown[] | null; last?: string | null },
  asked: number,
) {
  const count = page.data?.length ?? 0;
  return count >= asked && page.last ? page.last : null;
}
