import type { CallContext } from '../../http/call-context.js';
import { pathSegment } from '../../http/path-segment.js';
import type { UpstreamClient } from '../../http/upstream-client.js';
import {
  type VideskCreatedRoom,
  type VideskJoin,
  type VideskRoom,
  type VideskRoomPage,
  videskCreatedRoomSchema,
  videskJoinSchema,
  videskRoomPageSchema,
  videskRoomSchema,
} from './videsk-schemas.js';

/** The production origin (`../shared/providers/videsk.md` §1); every path starts `/vpaas/rooms`. */
export const VIDESK_DEFAULT_BASE_URL = 'https://api.videsk.io';

const ROOMS_PATH = '/vpaas/rooms';

/** Largest `$limit` Videsk takes (§3.1). */
export const VIDESK_MAX_PAGE_SIZE = 100;

/** What `POST /vpaas/rooms` takes (§3.2). Every field is optional upstream. */
export interface VideskCreateBody {
  externalId?: string;
  name?: string;
  exp?: string;
  nbf?: string;
  /**
   * "settings · object · optional — room configuration" (§3.2). Videsk ignores keys it does not
   * know, so settings sent under any other key would be dropped without an error.
   */
  settings?: { maxParticipants?: number; recordingEnabled?: boolean };
}

/** What `PATCH /vpaas/rooms/{roomId}` takes (§3.5, from the seed page). */
export interface VideskPatchBody {
  name?: string;
  exp?: string;
  nbf?: string;
  ended?: boolean;
}

/** Paths, methods and query encoding of the Rooms API; every payload is schema-checked. */
export interface VideskClient {
  listRooms(skip: number, limit: number, context?: CallContext): Promise<VideskRoomPage>;
  /**
   * Rooms not ended, latest `exp` first: the open and scheduled ones lead, and the first room
   * whose `exp` has passed marks the end of any that can be live (`getActiveSessions`).
   */
  listOpenRooms(skip: number, limit: number, context?: CallContext): Promise<VideskRoomPage>;
  /** The room with this externalId if it has ended: a page of one or none. */
  findEndedRoom(
    externalId: string,
    operation: string,
    context?: CallContext,
  ): Promise<VideskRoomPage>;
  getRoom(roomId: string, operation: string, context?: CallContext): Promise<VideskRoom>;
  createRoom(body: VideskCreateBody, context?: CallContext): Promise<VideskCreatedRoom>;
  patchRoom(
    roomId: string,
    body: VideskPatchBody,
    operation: string,
    context?: CallContext,
  ): Promise<VideskRoom>;
  joinRoom(roomId: string, context?: CallContext): Promise<VideskJoin>;
}

export function createVideskClient(upstream: UpstreamClient): VideskClient {
  return {
    listRooms(skip, limit, context) {
      return upstream.send({
        method: 'GET',
        path: `${ROOMS_PATH}?${listQuery(skip, limit)}`,
        schema: videskRoomPageSchema,
        operation: 'listRooms',
        context,
      });
    },

    listOpenRooms(skip, limit, context) {
      return upstream.send({
        method: 'GET',
        path: `${ROOMS_PATH}?${openRoomsQuery(skip, limit)}`,
        schema: videskRoomPageSchema,
        operation: 'getActiveSession',
        context,
      });
    },

    findEndedRoom(externalId, operation, context) {
      // Both filters are documented (§3.1): `ended` and an exact `externalId`.
      const query = `$limit=1&$skip=0&ended=true&externalId=${encodeURIComponent(externalId)}`;
      return upstream.send({
        method: 'GET',
        path: `${ROOMS_PATH}?${query}`,
        schema: videskRoomPageSchema,
        operation,
        context,
      });
    },

    getRoom(roomId, operation, context) {
      return upstream.send({
        method: 'GET',
        path: roomPath(roomId),
        schema: videskRoomSchema,
        operation,
        context,
      });
    },

    createRoom(body, context) {
      // Not marked idempotent: a repeated create either duplicates the room or, with the same
      // externalId, answers 409 (§3.2), so a lost response must surface rather than be retried.
      return upstream.send({
        method: 'POST',
        path: ROOMS_PATH,
        body,
        schema: videskCreatedRoomSchema,
        operation: 'createRoom',
        context,
      });
    },

    patchRoom(roomId, body, operation, context) {
      return upstream.send({
        method: 'PATCH',
        path: roomPath(roomId),
        body,
        schema: videskRoomSchema,
        operation,
        context,
      });
    },

    joinRoom(roomId, context) {
      // The seed's sample sends `{}` with `Content-Type: application/json` (§3.6).
      return upstream.send({
        method: 'POST',
        path: `${roomPath(roomId)}/join`,
        body: {},
        schema: videskJoinSchema,
        operation: 'createRoomToken',
        context,
      });
    },
  };
}

function roomPath(roomId: string): string {
  return `${ROOMS_PATH}/${pathSegment(roomId)}`;
}

/**
 * Feathers query names keep their `$`; `$sort` goes in the `qs` bracket form
 * `$sort[createdAt]=1`, which a stock Feathers server reads as an object (§3.1, PROPOSAL).
 * Oldest first, always sent explicitly: without `$sort` the order is the database's, and with
 * newest first every room created mid-listing would shift the offsets (`$skip`) that cursors hold.
 */
function listQuery(skip: number, limit: number): string {
  return [`$limit=${limit}`, `$skip=${skip}`, '$sort%5BcreatedAt%5D=1'].join('&');
}

/**
 * `ended=false` is a documented filter (§3.1; the query string carries it as text). Sorting by
 * `exp` is not shown anywhere: the docs' `$sort` example is `createdAt`, and Feathers sorts on
 * any field, so `$sort[exp]=-1` is assumed to work (UNCONFIRMED; the caller checks the order it
 * gets back). `createdAt` breaks ties, so `$skip` pages do not overlap.
 */
function openRoomsQuery(skip: number, limit: number): string {
  return [
    `$limit=${limit}`,
    `$skip=${skip}`,
    'ended=false',
    '$sort%5Bexp%5D=-1',
    '$sort%5BcreatedAt%5D=1',
  ].join('&');
}
