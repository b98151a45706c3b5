import type { Dispatcher } from 'undici';
import { createUpstreamClient } from '../../http/upstream-client.js';
import type { UpstreamObserver } from '../../http/upstream-observer.js';
import type { RetryPolicy } from '../../http/with-retry.js';
import type { NetlessRole } from './netless-auth.js';
import { parseNetlessError } from './netless-errors.js';
import {
  type NetlessRoom,
  netlessRoomListSchema,
  netlessRoomSchema,
  netlessRoomTokenSchema,
} from './netless-schemas.js';

export interface NetlessClientOptions {
  /** Account key, carried by every error. */
  readonly provider: string;
  /** The v5 root, e.g. `https://api.netless.link/v5`; paths below are relative to it. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly maxInFlight?: number;
  readonly observer?: UpstreamObserver;
  readonly circuitFailureThreshold?: number;
  readonly circuitOpenMs?: number;
  readonly shareInflightGets?: boolean;
  readonly now?: () => number;
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
  createRoom(body: NetlessCreateRoomBody, signal?: AbortSignal): Promise<NetlessRoom>;
  getRoom(uuid: string, signal?: AbortSignal): Promise<NetlessRoom>;
  /** One page from `beginUUID` (inclusive per the docs example, §2.4), at most `limit` rooms. */
  listRooms(
    query: { beginUUID: string | null; limit: number },
    signal?: AbortSignal,
  ): Promise<NetlessRoom[]>;
  setBan(
    uuid: string,
    isBan: boolean,
    operation: 'disableRoom' | 'enableRoom',
    signal?: AbortSignal,
  ): Promise<NetlessRoom>;
  /** POST /tokens/rooms/{uuid}: a room token minted by the service with our SDK token (§3). */
  createRoomToken(
    uuid: string,
    body: { lifespan: number; role: NetlessRole },
    signal?: AbortSignal,
  ): Promise<string>;
}

export function createNetlessClient(options: NetlessClientOptions): NetlessClient {
  const upstream = createUpstreamClient({
    provider: options.provider,
    baseUrl: options.baseUrl,
    dispatcher: options.dispatcher,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    maxInFlight: options.maxInFlight,
    observer: options.observer,
    circuitFailureThreshold: options.circuitFailureThreshold,
    circuitOpenMs: options.circuitOpenMs,
    shareInflightGets: options.shareInflightGets,
    now: options.now,
    parseError: parseNetlessError,
    // `token` carries the Netless token as is, with no `Bearer` prefix (§1); the docs send
    // Content-Type: application/json on every request, bodiless GETs included.
    headers: () => ({
      token: options.restToken(),
      region: options.region,
      'content-type': 'application/json',
    }),
  });
  const roomPath = (uuid: string) => `/rooms/${encodeURIComponent(uuid)}`;

  return {
    createRoom: (body, signal) =>
      upstream.send({
        method: 'POST',
        path: '/rooms',
        body,
        schema: netlessRoomSchema,
        operation: 'createRoom',
        signal,
      }),
    getRoom: (uuid, signal) =>
      upstream.send({
        method: 'GET',
        path: roomPath(uuid),
        schema: netlessRoomSchema,
        operation: 'getRoom',
        signal,
      }),
    listRooms: ({ beginUUID, limit }, signal) => {
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
        signal,
      });
    },
    setBan: (uuid, isBan, operation, signal) =>
      upstream.send({
        method: 'PATCH',
        path: roomPath(uuid),
        body: { isBan },
        schema: netlessRoomSchema,
        operation,
        signal,
        // Sets an absolute flag (§2.5: `isBan` is the only mutable field), so a repeat lands
        // on the same state.
        idempotent: true,
      }),
    createRoomToken: (uuid, body, signal) =>
      upstream.send({
        method: 'POST',
        path: `/tokens/rooms/${encodeURIComponent(uuid)}`,
        body,
        schema: netlessRoomTokenSchema,
        operation: 'createRoomToken',
        signal,
      }),
  };
}
