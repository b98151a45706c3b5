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
import { checkTokenInput, mapVideskRoom, toCreateBody, toPatchBody } from './videsk-mappers.js';

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
  },
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

  function checkId(nativeId: string): void {
    if (nativeId.trim() === '') {
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
   * PATCH responses: "Room not found or already ended"). A GET tells the two apart.
   */
  async function patch(
    nativeId: string,
    body: VideskPatchBody,
    operation: 'updateRoom' | 'disableRoom',
    context?: CallContext,
  ): Promise<Room> {
    try {
      return await forRoom(nativeId, async () =>
        mapVideskRoom(key, await client.patchRoom(nativeId, body, operation, context), now()),
      );
    } catch (error) {
      if (!(error instanceof RoomNotFoundError)) {
        throw error;
      }
      const room = await fetchOne(nativeId, operation, context);
      if (room.status !== 'ENDED') {
        throw error;
      }
      if (operation === 'disableRoom') {
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
      return mapVideskRoom(key, await client.createRoom(body, callOptions?.context), now());
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
      const issuedAt = claims.issuedAt ?? new Date(now());
      // §4: the token's own `exp` when it can be read, else the room's `exp` (the caller's copy
      // when it passed one), which Videsk always sets (default now + 3 h, §1.1); the service
      // default only if even that is missing.
      const roomExpiry = async () =>
        callOptions?.room?.expiresAt ??
        (await fetchOne(nativeId, 'createRoomToken', context)).expiresAt;
      const expiresAt =
        claims.expiresAt ??
        (await roomExpiry()) ??
        new Date(issuedAt.getTime() + options.defaultTokenTtlSeconds * 1000);
      return {
        token: accessToken,
        providerKey: key,
        roomNativeId: nativeId,
        role: input.role,
        providerRole,
        permissions: [],
        identity: input.identity ?? null,
        issuedAt,
        expiresAt,
        providerTokenId: claims.jti,
      };
    },

    async listRoomTokens() {
      unsupported('listRoomTokens');
    },
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
