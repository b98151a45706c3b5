import type { CallContext } from '../../http/call-context.js';
import { pathSegment } from '../../http/path-segment.js';
import { createUpstreamClient } from '../../http/upstream-client.js';
import type { UpstreamPolicy } from '../provider-options.js';
import type { NetlessRole } from './netless-auth.js';
import { parseNetlessError } from './netless-errors.js';
import {
  type NetlessRoom,
  netlessRoomListSchema,
  netlessRoomSchema,
  netlessRoomTokenSchema,
} from './netless-schemas.js';

/** The account's upstream policy (its `baseUrl` is the v5 root, e.g. `https://api.netless.link/v5`). */
export interface NetlessClientOptions extends UpstreamPolicy {
  /** Data centre sent as the `region` header on every call. */
  readonly region: string;
  /** The `token` header value, asked for on every attempt so a renewed token is picked up. */
  readonly restToken: () => string;
}

/** Body of POST /rooms (§2.2); every field is optional. */
export interface NetlessCreateRoomBody {
  readonly isRecord?: boolean;
  readonly limit?: number;
}

/** The Netless v5 room and token endpoints, returning schema-checked payloads. */
export interface NetlessClient {
  createRoom(body: NetlessCreateRoomBody, context?: CallContext): Promise<NetlessRoom>;
  /**
   * GET /rooms/{uuid}. `operation` names the call for metrics and the read cache, which keeps
   * only `getRoom` reads: another name asks the provider afresh.
   */
  getRoom(
    uuid: string,
    context?: CallContext,
    operation?: 'getRoom' | 'endRoomSession',
  ): Promise<NetlessRoom>;
  /** One page from `beginUUID` (inclusive per the docs example, §2.4), at most `limit` rooms. */
  listRooms(
    query: { beginUUID: string | null; limit: number },
    context?: CallContext,
  ): Promise<NetlessRoom[]>;
  setBan(
    uuid: string,
    isBan: boolean,
    operation: 'disableRoom' | 'enableRoom' | 'endRoomSession',
    context?: CallContext,
  ): Promise<NetlessRoom>;
  /** POST /tokens/rooms/{uuid}: a room token minted by the service with our SDK token (§3). */
  createRoomToken(
    uuid: string,
    body: { lifespan: number; role: NetlessRole },
    context?: CallContext,
  ): Promise<string>;
}

export function createNetlessClient(options: NetlessClientOptions): NetlessClient {
  const { region, restToken, ...policy } = options;
  const upstream = createUpstreamClient({
    ...policy,
    parseError: parseNetlessError,
    // `token` carries the Netless token as is, with no `Bearer` prefix (§1); the docs send
    // Content-Type: application/json on every request, bodiless GETs included.
    headers: () => ({
      token: restToken(),
      region,
      'content-type': 'application/json',
    }),
  });
  const roomPath = (uuid: string) => `/rooms/${pathSegment(uuid)}`;

  return {
    createRoom: (body, context) =>
      upstream.send({
        method: 'POST',
        path: '/rooms',
        body,
        schema: netlessRoomSchema,
        operation: 'createRoom',
        context,
      }),
    getRoom: (uuid, context, operation = 'getRoom') =>
      upstream.send({
        method: 'GET',
        path: roomPath(uuid),
        schema: netlessRoomSchema,
        operation,
        context,
      }),
    listRooms: ({ beginUUID, limit }, context) => {
      const query = new URLSearchParams();
      if (beginUUID !== null) {
        query.set('beginUUID', beginUUID);
      }
      query.set('limit', String(limit));
      return upstream.send({
        method: 'GET',
        path: `/rooms?${query.toString()}`,
        schema: netlessRoomListSchema,
        operation: 'listRooms',
        context,
      });
    },
    setBan: (uuid, isBan, operation, context) =>
      upstream.send({
        method: 'PATCH',
        path: roomPath(uuid),
        body: { isBan },
        schema: netlessRoomSchema,
        operation,
        context,
        // Sets an absolute flag (§2.5: `isBan` is the only mutable field), so a repeat lands
        // on the same state.
        idempotent: true,
      }),
    createRoomToken: (uuid, body, context) =>
      upstream.send({
        method: 'POST',
        path: `/tokens/rooms/${pathSegment(uuid)}`,
        body,
        schema: netlessRoomTokenSchema,
        operation: 'createRoomToken',
        context,
      }),
  };
}
