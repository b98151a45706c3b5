import type { z } from 'zod';
import type { CallContext } from '../../http/call-context.js';
import { pathSegment } from '../../http/path-segment.js';
import type { UpstreamClient } from '../../http/upstream-client.js';
import {
  type SignalWireConference,
  type SignalWireConferenceToken,
  type SignalWireRoom,
  signalWireConferenceSchema,
  signalWireConferenceTokenSchema,
  signalWireListSchema,
  signalWireRoomSchema,
  signalWireRoomTokenSchema,
} from './signalwire-schemas.js';

/** The two room collections, by their path segment. */
export type SignalWireCollection = 'conferences' | 'rooms';

export interface SignalWireListPage<T> {
  readonly data: T[];
  /** Path and query of `links.next` below `/api/video`, or null on the last page. */
  readonly next: string | null;
}

const conferenceList = signalWireListSchema(signalWireConferenceSchema);
const roomList = signalWireListSchema(signalWireRoomSchema);
const conferenceTokenList = signalWireListSchema(signalWireConferenceTokenSchema);

/** Paths, methods and query encoding of the SignalWire Video API. Base URL ends in `/api/video`. */
export function createSignalWireClient(http: UpstreamClient, basePath: string) {
  function listPage<T>(
    schema: z.ZodType<{ data: T[]; links?: { next?: string | null } | undefined }>,
    path: string,
    operation: string,
    context?: CallContext,
  ): Promise<SignalWireListPage<T>> {
    return http
      .send({ method: 'GET', path, schema, operation, context })
      .then((page) => ({ data: page.data, next: relativeNext(page.links?.next, basePath) }));
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

    /** `path` is a previous page's `next`, or null for the first page. */
    listConferences: (path: string | null, pageSize: number, context?: CallContext) =>
      listPage<SignalWireConference>(
        conferenceList,
        withPageSize(path ?? '/conferences', pageSize),
        'listRooms',
        context,
      ),
    listRooms: (path: string | null, pageSize: number, context?: CallContext) =>
      listPage<SignalWireRoom>(
        roomList,
        withPageSize(path ?? '/rooms', pageSize),
        'listRooms',
        context,
      ),

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

    listConferenceTokens: (id: string, path: string | null, context?: CallContext) =>
      listPage<SignalWireConferenceToken>(
        conferenceTokenList,
        path ?? `/conferences/${pathSegment(id)}/conference_tokens`,
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
  };
}

export type SignalWireClient = ReturnType<typeof createSignalWireClient>;

/**
 * SignalWire tells clients to follow `links.next` rather than build URLs (`signalwire.md` §6).
 * We keep its path and query (so `page_token` and `page_number` stay as given), dropping the
 * origin and the `/api/video` prefix so the call goes through our own pool.
 */
function relativeNext(next: string | null | undefined, basePath: string): string | null {
  if (!next) {
    return null;
  }
  const url = new URL(next, 'http://placeholder');
  const path = url.pathname.startsWith(basePath)
    ? url.pathname.slice(basePath.length)
    : url.pathname;
  return `${path}${url.search}`;
}

/**
 * Sets `page_size` on a list path. The page tokens address a record (`PA<id>`, "after this
 * one"), not a page number, so a different size still resumes at the same place.
 */
function withPageSize(path: string, pageSize: number): string {
  const url = new URL(path, 'http://placeholder');
  url.searchParams.set('page_size', String(pageSize));
  return `${url.pathname}${url.search}`;
}
