import type { ProviderCapabilities, RoomOperation } from '../../domain/capabilities.js';
import {
  InputValidationError,
  ProviderError,
  ProviderRejectedError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import type { RoomToken } from '../../domain/room-token.js';
import type { CallContext } from '../../http/call-context.js';
import { createUpstreamClient } from '../../http/upstream-client.js';
import { DEFAULT_MAX_IN_FLIGHT, getRoomsOneByOne } from '../get-rooms-one-by-one.js';
import { type NativePage, pageWithCursors } from '../paging.js';
import { type BaseProviderOptions, upstreamPolicy } from '../provider-options.js';
import type { RoomProvider } from '../room-provider.js';
import { readAccessTokenClaims, type VideskCredentials, videskAuthHeaders } from './videsk-auth.js';
import { createVideskClient, VIDESK_MAX_PAGE_SIZE, type VideskPatchBody } from './videsk-client.js';
import { parseVideskError } from './videsk-errors.js';
import {
  asEnded,
  checkTokenInput,
  isVideskRoomId,
  mapVideskRoom,
  toCreateBody,
  toPatchBody,
} from './videsk-mappers.js';
import {
  createVideskRoomLife,
  VIDESK_ROOM_LIFE,
  VIDESK_ROOM_LIFE_NOTES,
} from './videsk-room-life.js';

export type VideskProviderOptions = BaseProviderOptions & VideskCredentials;

export const VIDESK_CAPABILITIES: ProviderCapabilities = {
  operations: {
    createRoom: 'NATIVE',
    getRoom: 'NATIVE',
    listRooms: 'NATIVE',
    updateRoom: 'NATIVE',
    disableRoom: 'NATIVE',
    enableRoom: 'UNSUPPORTED',
    deleteRoom: 'UNSUPPORTED',
    createRoomToken: 'NATIVE',
    listRoomTokens: 'UNSUPPORTED',
    ...VIDESK_ROOM_LIFE,
  },
  operationNotes: VIDESK_ROOM_LIFE_NOTES,
  disableEffect: 'ENDS_ROOM',
  enableUndoesDisable: false,
  tokenSource: 'PROVIDER_API',
  maxPageSize: VIDESK_MAX_PAGE_SIZE,
  // No batch endpoint: getRooms makes single GETs, so keep a batch within one second's quota.
  maxBatchSize: 20,
  notes: [
    'Room.name is the Videsk externalId (unique per account); displayName is the Videsk name.',
    'disableRoom ends the room (PATCH ended: true) for good; there is no way to reopen it.',
    'deleteRoom is unsupported: the Videsk API refuses every delete (403).',
    'Tokens come from POST /vpaas/rooms/{id}/join; each lasts until the room expires and has no role.',
    "createRoom's answer carries a first token: Room.tokens shows it on the room that createRoom returns, and only there (Videsk cannot list tokens, so a room read later has none to show).",
    'Rooms past their exp show as EXPIRED; Videsk refuses joins outside nbf..exp.',
    'maxParticipants and recordingEnabled can be set on create only.',
  ],
};

const UNSUPPORTED_REASONS: Partial<Record<RoomOperation, string>> = {
  enableRoom: 'an ended Videsk room cannot be reopened',
  deleteRoom: 'the Videsk API does not allow deleting rooms; disableRoom ends one instead',
  listRoomTokens: 'Videsk does not keep tokens; Room.settings.authorizations lists the grants',
};

/** Videsk VPaaS: rooms behind `https://api.videsk.io/vpaas/rooms`, with a Bearer API token. */
export function createVideskProvider(options: VideskProviderOptions): RoomProvider {
  const now = options.now ?? Date.now;
  const key = options.key;
  const authHeaders = videskAuthHeaders(options);
  const client = createVideskClient(
    createUpstreamClient({
      ...upstreamPolicy(options),
      headers: () => authHeaders,
      parseError: parseVideskError,
    }),
  );

  function unsupported(operation: RoomOperation): never {
    throw new UnsupportedOperationError(key, operation, UNSUPPORTED_REASONS[operation]);
  }

  /**
   * A handle is the Videsk room id this adapter put in the global id: a 24-hex ObjectId (§1).
   * `GET /vpaas/rooms/{roomId}` would also take an externalId (§3.3), but no handle this service
   * issues is one, and checking the id format first keeps `.`, `..`, slashes and query text out
   * of the path, where `/vpaas/rooms/.` would read the list.
   */
  function checkId(nativeId: string): void {
    if (!isVideskRoomId(nativeId)) {
      throw new RoomNotFoundError(key, nativeId);
    }
  }

  /** Turns a 404 on a room path into that room's own error. */
  async function forRoom<T>(nativeId: string, call: () => Promise<T>): Promise<T> {
    checkId(nativeId);
    try {
      return await call();
    } catch (error) {
      if (error instanceof ProviderError && error.status === 404) {
        throw new RoomNotFoundError(key, nativeId);
      }
      throw error;
    }
  }

  function fetchOne(nativeId: string, operation: string, context?: CallContext): Promise<Room> {
    return forRoom(nativeId, async () =>
      mapVideskRoom(key, await client.getRoom(nativeId, operation, context), now()),
    );
  }

  /**
   * PATCH answers 404 both for an unknown room and for one that has already ended (seed page,
   * PATCH responses: "Room not found or already ended"). A GET tells the two apart: a room it
   * finds has ended. That reading needs no `ended` field, which no Videsk example shows (§2):
   * rooms cannot be deleted (§3.4), so a room that answers a GET existed at the PATCH too.
   */
  async function patch(
    nativeId: string,
    body: VideskPatchBody,
    operation: 'updateRoom' | 'disableRoom',
    context?: CallContext,
  ): Promise<Room> {
    try {
      const room = await forRoom(nativeId, async () =>
        mapVideskRoom(key, await client.patchRoom(nativeId, body, operation, context), now()),
      );
      // Our own `ended: true` was accepted, whether or not the answer shows the flag.
      return body.ended === true ? asEnded(room) : room;
    } catch (error) {
      if (!(error instanceof RoomNotFoundError)) {
        throw error;
      }
      const room = asEnded(await fetchOne(nativeId, operation, context));
      if (operation === 'disableRoom') {
        // Ending an ended room changes nothing: the same answer as the first time.
        return room;
      }
      throw new ProviderRejectedError(`Room ${nativeId} has ended and can no longer be changed`, {
        provider: key,
        operation,
        status: 404,
        providerCode: 'not-found',
        cause: error,
      });
    }
  }

  /**
   * A Videsk access token as a `RoomToken`. §4: its own `exp` when it can be read, else the
   * room's `exp`, which Videsk always sets (default now + 3 h, §1.1); the service default only
   * if even that is missing.
   */
  function accessTokenOf(
    token: string,
    nativeId: string,
    roomExpiresAt: Date | null,
    who: Pick<RoomToken, 'role' | 'providerRole' | 'identity'>,
  ): RoomToken {
    const claims = readAccessTokenClaims(token);
    const issuedAt = claims.issuedAt ?? new Date(now());
    const expiresAt =
      claims.expiresAt ??
      roomExpiresAt ??
      new Date(issuedAt.getTime() + options.defaultTokenTtlSeconds * 1000);
    return {
      token,
      providerKey: key,
      roomNativeId: nativeId,
      ...who,
      permissions: [],
      issuedAt,
      expiresAt,
      providerTokenId: claims.jti,
    };
  }

  async function fetchPage(
    position: string | null,
    limit: number,
    context?: CallContext,
  ): Promise<NativePage> {
    const skip = position === null ? 0 : parseSkip(position);
    const page = await client.listRooms(skip, limit, context);
    const at = now();
    const rooms = page.data.map((room) => mapVideskRoom(key, room, at));
    const reached = skip + rooms.length;
    return { rooms, next: rooms.length > 0 && reached < page.total ? String(reached) : null };
  }

  const roomLife = createVideskRoomLife({
    key,
    client,
    now,
    maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    fetchRoom: (nativeId, operation, context) =>
      forRoom(nativeId, () => client.getRoom(nativeId, operation, context)),
  });

  return {
    kind: 'VIDESK',
    key,
    displayName: options.displayName ?? `Videsk (${key})`,
    capabilities: VIDESK_CAPABILITIES,

    getRooms(nativeIds, callOptions) {
      return getRoomsOneByOne(nativeIds, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, (nativeId) =>
        fetchOne(nativeId, 'getRoom', callOptions?.context),
      );
    },

    listRooms(listOptions) {
      const paging = { ...listOptions, account: options };
      return pageWithCursors(paging, VIDESK_MAX_PAGE_SIZE, (position, limit) =>
        fetchPage(position, limit, listOptions.context),
      );
    },

    async createRoom(input, callOptions) {
      const body = toCreateBody(input);
      const created = await client.createRoom(body, callOptions?.context);
      const room = mapVideskRoom(key, created, now());
      if (!created.accessToken) {
        return room;
      }
      // The create answer's token is a peer token like any from /join (§3.2, §4): kept with
      // the room so the caller can have it, since Videsk never shows it again.
      const token = accessTokenOf(created.accessToken, room.nativeId, room.expiresAt, {
        role: 'PARTICIPANT',
        providerRole: null,
        identity: null,
      });
      return { ...room, issuedTokens: [token] };
    },

    async findCreatedRoom(input, callOptions) {
      // `Room.name` is the externalId the create sent (§3.2), and GET takes an externalId in
      // place of the id (§3.3); the create's own rules first, so a refused name is never sent.
      const { externalId } = toCreateBody(input);
      if (externalId === undefined) {
        return null;
      }
      try {
        const found = await client.getRoom(externalId, 'findCreatedRoom', callOptions?.context);
        // GET tries the id first (§3.3); a create never sends a 24-hex externalId, but check.
        return found.externalId === externalId ? mapVideskRoom(key, found, now()) : null;
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) {
          return null;
        }
        throw error;
      }
    },

    async updateRoom(nativeId, input, callOptions) {
      const body = toPatchBody(input);
      if (Object.keys(body).length === 0) {
        // Nothing to change: answer with the room as it is rather than send an empty PATCH.
        return fetchOne(nativeId, 'updateRoom', callOptions?.context);
      }
      return patch(nativeId, body, 'updateRoom', callOptions?.context);
    },

    async disableRoom(nativeId, callOptions) {
      return patch(nativeId, { ended: true }, 'disableRoom', callOptions?.context);
    },

    async enableRoom() {
      unsupported('enableRoom');
    },

    async deleteRoom() {
      unsupported('deleteRoom');
    },

    async createRoomToken(nativeId, input, callOptions): Promise<RoomToken> {
      const { providerRole } = checkTokenInput(input);
      const context = callOptions?.context;
      const { accessToken } = await forRoom(nativeId, () => client.joinRoom(nativeId, context));
      const claims = readAccessTokenClaims(accessToken);
      // The room's `exp` is read only when the token's own cannot be.
      const roomExpiry =
        claims.expiresAt === null
          ? (callOptions?.room?.expiresAt ??
            (await fetchOne(nativeId, 'createRoomToken', context)).expiresAt)
          : null;
      return accessTokenOf(accessToken, nativeId, roomExpiry, {
        role: input.role,
        providerRole,
        identity: input.identity ?? null,
      });
    },

    async listRoomTokens() {
      unsupported('listRoomTokens');
    },

    ...roomLife,
  };
}

function parseSkip(position: string): number {
  if (!/^\d{1,9}$/.test(position)) {
    throw new InputValidationError([
      { path: ['after'], message: 'is not a cursor this API issued' },
    ]);
  }
  return Number(position);
}
