import type { ProviderCapabilities } from '../../domain/capabilities.js';
import { RoomNotFoundError, UnsupportedOperationError } from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import { DEFAULT_MAX_IN_FLIGHT, getRoomsOneByOne } from '../get-rooms-one-by-one.js';
import { type NativePage, pageWithCursors } from '../paging.js';
import { type BaseProviderOptions, upstreamPolicy } from '../provider-options.js';
import type { RoomProvider } from '../room-provider.js';
import { createNetlessAuth, NETLESS_TOKEN_PATTERNS } from './netless-auth.js';
import { createNetlessClient } from './netless-client.js';
import { isRoomNotFound } from './netless-errors.js';
import {
  NETLESS_ROLES,
  toCreateRoomBody,
  toRoom,
  toRoomToken,
  toTokenLifespanMs,
} from './netless-mappers.js';
import {
  endNetlessSession,
  NETLESS_ROOM_LIFE,
  NETLESS_ROOM_LIFE_NOTES,
} from './netless-room-life.js';
import { NETLESS_ASSUMPTIONS } from './netless-schemas.js';

/** The documented v5 root (agora-whiteboard.md §1); `baseUrl` includes `/v5`. */
export const NETLESS_DEFAULT_BASE_URL = 'https://api.netless.link/v5';

/** Credentials and placement of one Netless account. Give `sdkToken`, or `accessKey` + `secretKey`. */
export interface NetlessCredentials {
  /**
   * An SDK token (`NETLESSSDK_…`) sent as the `token` header. Used only without an access key
   * pair; room tokens are then minted through the token API, up to this token's own role.
   */
  readonly sdkToken?: string;
  /** Access Key (AK); with `secretKey`, SDK and room tokens are signed locally. */
  readonly accessKey?: string;
  /** Secret Key (SK) paired with `accessKey`. */
  readonly secretKey?: string;
  /** Data centre (`us-sv`, `sg`, `in-mum`, `eu`, `cn-hz`); defaults to `us-sv`. */
  readonly region?: string;
  /** Nonce source for locally signed tokens; a random UUID by default. A test seam. */
  readonly nonce?: () => string;
}

const MAX_PAGE_SIZE = 1000;
const DISPLAY_NAME = 'Agora Interactive Whiteboard';

/**
 * Builds the adapter for one Netless account. Throws an Error when the credentials or region
 * cannot work, so a misconfiguration fails at start-up rather than on the first call.
 */
export function createNetlessProvider(
  options: BaseProviderOptions & NetlessCredentials,
): RoomProvider {
  const key = options.key;
  const now = options.now ?? Date.now;
  const region = options.region ?? NETLESS_ASSUMPTIONS.defaultRegion;
  if (!(NETLESS_ASSUMPTIONS.regions as readonly string[]).includes(region)) {
    throw new Error(
      `Netless provider ${key}: region must be one of ${NETLESS_ASSUMPTIONS.regions.join(', ')}`,
    );
  }
  const redactor = options.redactor;
  const auth = createNetlessAuth({
    ...options,
    now,
    signed: redactor ? (token) => redactor.remember(token) : undefined,
  });
  const client = createNetlessClient({
    ...upstreamPolicy(options, NETLESS_TOKEN_PATTERNS),
    now,
    region,
    restToken: () => {
      const token = auth.restToken();
      // Said at each use, so the token in use stays among the redactor's most recent.
      redactor?.remember(token);
      return token;
    },
  });
  const capabilities = netlessCapabilities(auth.tokenSource);
  const map = (payload: Parameters<typeof toRoom>[0]): Room =>
    toRoom(payload, { providerKey: key, region });

  /**
   * A handle is a room uuid (§1: 32 lowercase hex digits); anything else names no room, and must
   * not reach a path, where `''` or `.` would turn `GET /rooms/{uuid}` into the list route.
   */
  function requireId(nativeId: string): string {
    if (!NETLESS_ASSUMPTIONS.roomUuid.test(nativeId)) {
      throw new RoomNotFoundError(key, nativeId);
    }
    return nativeId;
  }

  async function notFoundAware<T>(nativeId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw isRoomNotFound(error) ? new RoomNotFoundError(key, nativeId) : error;
    }
  }

  function unsupported(operation: 'updateRoom' | 'deleteRoom', reason: string): never {
    throw new UnsupportedOperationError(key, operation, reason);
  }

  return {
    kind: 'AGORA_WHITEBOARD',
    key,
    displayName: options.displayName ?? DISPLAY_NAME,
    capabilities,

    getRooms(nativeIds, callOptions) {
      return getRoomsOneByOne(
        nativeIds,
        options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
        async (id) => {
          const uuid = requireId(id);
          return map(await notFoundAware(uuid, () => client.getRoom(uuid, callOptions?.context)));
        },
      );
    },

    listRooms(listOptions) {
      // A position is the uuid of the last room already returned ("after X"): asking from X and
      // dropping X if it comes back addresses the same place whatever the limit (see
      // NETLESS_ASSUMPTIONS on §2.4). One extra row tells whether anything follows.
      return pageWithCursors(
        { ...listOptions, account: options },
        MAX_PAGE_SIZE,
        async (after, limit): Promise<NativePage> => {
          const asked = Math.min(limit + (after === null ? 1 : 2), MAX_PAGE_SIZE);
          const raw = await client.listRooms(
            { beginUUID: after, limit: asked },
            listOptions.context,
          );
          const rows = after !== null && raw[0]?.uuid === after ? raw.slice(1) : raw;
          const rooms = rows.slice(0, limit).map(map);
          const more = rows.length > limit || raw.length === asked;
          const last = rooms.at(-1);
          return { rooms, next: more && last ? last.nativeId : null };
        },
      );
    },

    async createRoom(input, callOptions) {
      return map(await client.createRoom(toCreateRoomBody(input, region), callOptions?.context));
    },

    // No findCreatedRoom: a v5 room has no name or other key the caller chooses (§2.1, §2.2),
    // only the uuid the answer would have carried, so a create that got no answer cannot be
    // looked up, and its outcome stays unknown.

    async updateRoom() {
      return unsupported('updateRoom', 'the Netless API has no room update; only a ban can be set');
    },

    async disableRoom(nativeId, callOptions) {
      const id = requireId(nativeId);
      return map(
        await notFoundAware(id, () => client.setBan(id, true, 'disableRoom', callOptions?.context)),
      );
    },

    async enableRoom(nativeId, callOptions) {
      const id = requireId(nativeId);
      return map(
        await notFoundAware(id, () => client.setBan(id, false, 'enableRoom', callOptions?.context)),
      );
    },

    async deleteRoom() {
      return unsupported('deleteRoom', 'the Netless API cannot delete rooms');
    },

    async createRoomToken(nativeId, input, callOptions) {
      const lifespanMs = toTokenLifespanMs(input, options.defaultTokenTtlSeconds);
      const id = requireId(nativeId);
      const role = NETLESS_ROLES[input.role];
      const context = {
        providerKey: key,
        roomNativeId: id,
        role: input.role,
        identity: input.identity ?? null,
      };
      if (auth.tokenSource === 'LOCAL_SIGNER') {
        return toRoomToken(auth.mintRoomToken(id, role, lifespanMs), context);
      }
      const issuedAt = now();
      const token = await notFoundAware(id, () =>
        client.createRoomToken(id, { lifespan: lifespanMs, role }, callOptions?.context),
      );
      redactor?.remember(token);
      return toRoomToken(
        { token, issuedAt: new Date(issuedAt), expiresAt: new Date(issuedAt + lifespanMs) },
        context,
      );
    },

    async listRoomTokens() {
      throw new UnsupportedOperationError(
        key,
        'listRoomTokens',
        'Netless keeps no tokens: they are signed, not stored',
      );
    },

    // Room life: only endRoomSession, emulated with the ban (netless-room-life.ts); every other
    // member is left out, as its capability is UNSUPPORTED.

    async endRoomSession(nativeId, input, callOptions) {
      const id = requireId(nativeId);
      return notFoundAware(id, () => endNetlessSession(client, id, input, callOptions?.context));
    },
  };
}

/** What this adapter can do; the token source depends on the configured credentials. */
export function netlessCapabilities(
  tokenSource: ProviderCapabilities['tokenSource'],
): ProviderCapabilities {
  return {
    operations: {
      createRoom: 'NATIVE',
      getRoom: 'NATIVE',
      listRooms: 'NATIVE',
      updateRoom: 'UNSUPPORTED',
      disableRoom: 'NATIVE',
      enableRoom: 'NATIVE',
      deleteRoom: 'UNSUPPORTED',
      createRoomToken: 'NATIVE',
      listRoomTokens: 'UNSUPPORTED',
      ...NETLESS_ROOM_LIFE,
    },
    operationNotes: NETLESS_ROOM_LIFE_NOTES,
    disableEffect: 'EJECTS_EVERYONE',
    enableUndoesDisable: true,
    tokenSource,
    maxPageSize: MAX_PAGE_SIZE,
    maxBatchSize: 50,
    notes: [
      'disableRoom bans the room (PATCH isBan=true): everyone inside is removed and nobody can join until enableRoom lifts the ban.',
      'Rooms have no name, display name, description or schedule: a room is named by its uuid, and the name given on create is not stored.',
      'maxParticipants is the room limit, which counts only users holding writer or admin tokens; readers are not counted.',
      "Rooms live in the account's data centre (its region); another region needs another account.",
      'Rooms can be neither updated nor deleted through the API.',
      tokenSource === 'LOCAL_SIGNER'
        ? 'Room tokens are signed locally with the access key pair (HMAC-SHA256), with no upstream call.'
        : 'Room tokens come from POST /v5/tokens/rooms/{uuid} with the configured SDK token, which must hold at least the requested role.',
    ],
  };
}
