import type { z } from 'zod';
import { ProviderResponseError } from '../../domain/errors.js';
import type { CallContext } from '../../http/call-context.js';
import { pathSegment } from '../../http/path-segment.js';
import type { UpstreamClient } from '../../http/upstream-client.js';
import { SIGNALWIRE_ASSUMPTIONS } from './signalwire-assumptions.js';
import {
  type SignalWireConference,
  type SignalWireConferenceToken,
  type SignalWireMember,
  type SignalWireRecording,
  type SignalWireRoom,
  type SignalWireSession,
  signalWireConferenceSchema,
  signalWireConferenceTokenSchema,
  signalWireListSchema,
  signalWireMemberSchema,
  signalWireRecordingSchema,
  signalWireRoomSchema,
  signalWireRoomTokenSchema,
  signalWireSessionSchema,
} from './signalwire-schemas.js';

/** The two room collections, by their path segment. */
export type SignalWireCollection = 'conferences' | 'rooms';

/**
 * Where a list page starts: the `page_token` (and `page_number`) SignalWire put in the previous
 * page's `links.next`, and nothing else of that link. The path is always ours, so a page token
 * can never send a call with the account's credentials anywhere but the list it came from.
 */
export interface SignalWirePageRef {
  readonly pageToken: string;
  readonly pageNumber: number | null;
}

export interface SignalWireListPage<T> {
  readonly data: T[];
  /** The next page, or null on the last one. */
  readonly next: SignalWirePageRef | null;
}

const conferenceList = signalWireListSchema(signalWireConferenceSchema);
const roomList = signalWireListSchema(signalWireRoomSchema);
const conferenceTokenList = signalWireListSchema(signalWireConferenceTokenSchema);
const sessionList = signalWireListSchema(signalWireSessionSchema);
const memberList = signalWireListSchema(signalWireMemberSchema);
const recordingList = signalWireListSchema(signalWireRecordingSchema);

/** The filters of `GET /room_sessions` the adapter uses (`signalwire-room-life.md` §1). */
export interface SignalWireSessionFilter {
  /** The room's UUID (a conference's too: see SIGNALWIRE_ASSUMPTIONS.conferenceSessions). */
  readonly roomId?: string;
  readonly status?: 'in-progress' | 'completed';
}

/** Paths, methods and query encoding of the SignalWire Video API. Base URL ends in `/api/video`. */
export function createSignalWireClient(http: UpstreamClient) {
  function listPage<T>(
    schema: z.ZodType<{ data: T[]; links?: { next?: string | null } | undefined }>,
    path: string,
    operation: string,
    context?: CallContext,
  ): Promise<SignalWireListPage<T>> {
    return http.send({ method: 'GET', path, schema, operation, context }).then((page) => ({
      data: page.data,
      next: nextPage(page.links?.next, { provider: http.provider, operation }),
    }));
  }

  return {
    getConference: (id: string, context?: CallContext) =>
      http.send({
        method: 'GET',
        path: `/conferences/${pathSegment(id)}`,
        schema: signalWireConferenceSchema,
        operation: 'getRoom',
        context,
      }),
    getRoom: (id: string, context?: CallContext) =>
      http.send({
        method: 'GET',
        path: `/rooms/${pathSegment(id)}`,
        schema: signalWireRoomSchema,
        operation: 'getRoom',
        context,
      }),

    /** `GET /rooms/{name}` (`signalwire.md` §2): one URL pattern for ids and names. */
    getRoomByName: (name: string, operation: string, context?: CallContext) =>
      http.send({
        method: 'GET',
        path: `/rooms/${pathSegment(name)}`,
        schema: signalWireRoomSchema,
        operation,
        context,
      }),

    /** `page` is a previous page's `next`, or null for the first page. */
    listConferences: (
      page: SignalWirePageRef | null,
      pageSize: number,
      context?: CallContext,
      operation = 'listRooms',
    ) =>
      listPage<SignalWireConference>(
        conferenceList,
        listPath('/conferences', page, pageSize),
        operation,
        context,
      ),
    listRooms: (
      page: SignalWirePageRef | null,
      pageSize: number,
      context?: CallContext,
      operation = 'listRooms',
    ) => listPage<SignalWireRoom>(roomList, listPath('/rooms', page, pageSize), operation, context),

    createConference: (body: Record<string, unknown>, context?: CallContext) =>
      http.send({
        method: 'POST',
        path: '/conferences',
        body,
        schema: signalWireConferenceSchema,
        operation: 'createRoom',
        context,
      }),
    createRoom: (body: Record<string, unknown>, context?: CallContext) =>
      http.send({
        method: 'POST',
        path: '/rooms',
        body,
        schema: signalWireRoomSchema,
        operation: 'createRoom',
        context,
      }),

    /** PUT, never PATCH; omitted fields keep their values (`signalwire.md` §2 notes). */
    updateConference: (
      id: string,
      body: Record<string, unknown>,
      operation: string,
      context?: CallContext,
    ) =>
      http.send({
        method: 'PUT',
        path: `/conferences/${pathSegment(id)}`,
        body,
        schema: signalWireConferenceSchema,
        operation,
        context,
      }),
    updateRoom: (
      id: string,
      body: Record<string, unknown>,
      operation: string,
      context?: CallContext,
    ) =>
      http.send({
        method: 'PUT',
        path: `/rooms/${pathSegment(id)}`,
        body,
        schema: signalWireRoomSchema,
        operation,
        context,
      }),

    /** 204 with no body. */
    delete: (collection: SignalWireCollection, id: string, context?: CallContext) =>
      http.send({
        method: 'DELETE',
        path: `/${collection}/${pathSegment(id)}`,
        schema: null,
        operation: 'deleteRoom',
        context,
      }),

    listConferenceTokens: (id: string, page: SignalWirePageRef | null, context?: CallContext) =>
      listPage<SignalWireConferenceToken>(
        conferenceTokenList,
        listPath(`/conferences/${pathSegment(id)}/conference_tokens`, page, null),
        'listRoomTokens',
        context,
      ),

    createRoomToken: (body: Record<string, unknown>, context?: CallContext) =>
      http.send({
        method: 'POST',
        path: '/room_tokens',
        body,
        schema: signalWireRoomTokenSchema,
        operation: 'createRoomToken',
        context,
      }),

    /** `GET /room_sessions`: past and live sessions, across rooms unless filtered. */
    listSessions: (
      filter: SignalWireSessionFilter,
      page: SignalWirePageRef | null,
      pageSize: number,
      operation: string,
      context?: CallContext,
    ) =>
      listPage<SignalWireSession>(
        sessionList,
        listPath('/room_sessions', page, pageSize, {
          room_id: filter.roomId,
          status: filter.status,
        }),
        operation,
        context,
      ),

    /** `GET /room_sessions/{id}`: the summary, 404 when unknown. */
    getSession: (id: string, operation: string, context?: CallContext) =>
      http.send({
        method: 'GET',
        path: `/room_sessions/${pathSegment(id)}`,
        schema: signalWireSessionSchema,
        operation,
        context,
      }),

    /** `GET /room_sessions/{id}/members`: past and present members. */
    listMembers: (
      sessionId: string,
      page: SignalWirePageRef | null,
      pageSize: number,
      context?: CallContext,
    ) =>
      listPage<SignalWireMember>(
        memberList,
        listPath(`/room_sessions/${pathSegment(sessionId)}/members`, page, pageSize),
        'listParticipants',
        context,
      ),

    /** `GET /room_sessions/{id}/recordings`, without links: listing needs no `uri`. */
    listSessionRecordings: (
      sessionId: string,
      page: SignalWirePageRef | null,
      pageSize: number,
      context?: CallContext,
    ) =>
      listPage<SignalWireRecording>(
        recordingList,
        listPath(`/room_sessions/${pathSegment(sessionId)}/recordings`, page, pageSize),
        'listRecordings',
        context,
      ),

    /**
     * `GET /room_recordings/{id}`, 404 when unknown. With `mediaTtlSeconds` the answer's `uri`
     * is a link minted for that long (`media_ttl`, §3; SignalWire's default is 900 s).
     */
    getRecording: (
      id: string,
      mediaTtlSeconds: number | null,
      operation: string,
      context?: CallContext,
    ) =>
      http.send({
        method: 'GET',
        path:
          mediaTtlSeconds === null
            ? `/room_recordings/${pathSegment(id)}`
            : `/room_recordings/${pathSegment(id)}?media_ttl=${mediaTtlSeconds}`,
        schema: signalWireRecordingSchema,
        operation,
        context,
      }),
  };
}

export type SignalWireClient = ReturnType<typeof createSignalWireClient>;

/**
 * The page after this one, from `links.next`. SignalWire tells clients to follow the links
 * rather than build URLs (`signalwire.md` §6); we follow what they say (`page_token`, and the
 * `page_number` beside it) but not where they point, so a link to another path or host cannot
 * redirect a call made with the account's credentials. A `next` without a page token is a body
 * we cannot read, rather than a quiet end of the list.
 */
function nextPage(
  next: string | null | undefined,
  details: { provider: string; operation: string },
): SignalWirePageRef | null {
  if (!next) {
    return null;
  }
  let query: URLSearchParams;
  try {
    query = new URL(next, 'http://placeholder').searchParams;
  } catch (cause) {
    throw new ProviderResponseError('SignalWire returned an unreadable links.next', {
      ...details,
      cause,
    });
  }
  const pageToken = query.get(SIGNALWIRE_ASSUMPTIONS.pageTokenParameter);
  if (!pageToken) {
    throw new ProviderResponseError('SignalWire returned a links.next without a page_token', {
      ...details,
    });
  }
  const number = query.get('page_number');
  const pageNumber = number !== null && /^\d{1,9}$/.test(number) ? Number(number) : null;
  return { pageToken, pageNumber };
}

/**
 * A list path with its filters and paging query, in the order SignalWire's own links use. The
 * page tokens address a record (`PA<id>`, "after this one"), not a page number, so a different
 * size still resumes at the same place.
 */
function listPath(
  path: string,
  page: SignalWirePageRef | null,
  pageSize: number | null,
  filters: Readonly<Record<string, string | undefined>> = {},
): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (value !== undefined) {
      query.set(name, value);
    }
  }
  if (page?.pageNumber != null) {
    query.set('page_number', String(page.pageNumber));
  }
  if (pageSize !== null) {
    query.set('page_size', String(pageSize));
  }
  if (page) {
    query.set('page_token', page.pageToken);
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}
