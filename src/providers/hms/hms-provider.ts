import { randomUUID } from 'node:crypto';
import type { ProviderCapabilities } from '../../domain/capabilities.js';
import {
  InputValidationError,
  ProviderError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import type { CreateRoomTokenInput, RoomToken } from '../../domain/room-token.js';
import type { CallContext } from '../../http/call-context.js';
import { DEFAULT_MAX_IN_FLIGHT, getRoomsOneByOne } from '../get-rooms-one-by-one.js';
import { pageWithCursors } from '../paging.js';
import type { BaseProviderOptions } from '../provider-options.js';
import type { RoomProvider } from '../room-provider.js';
import { createManagementTokenSource, type HmsCredentials, signAppToken } from './hms-auth.js';
import { createHmsClient, HMS_PAGE_LIMITS } from './hms-client.js';
import {
  decodeListPosition,
  encodeListPosition,
  HMS_ROLE_BY_TOKEN_ROLE,
  isHmsRoomId,
  toCreateBody,
  toRoom,
  toUpdateBody,
} from './hms-mappers.js';

export type HmsProviderOptions = BaseProviderOptions & HmsCredentials;

/** What 100ms can do (DESIGN.md operations table; hms.md §3). */
export const HMS_CAPABILITIES: ProviderCapabilities = {
  operations: {
    createRoom: 'NATIVE',
    getRoom: 'NATIVE',
    listRooms: 'NATIVE',
    updateRoom: 'NATIVE',
    disableRoom: 'NATIVE',
    enableRoom: 'NATIVE',
    deleteRoom: 'UNSUPPORTED',
    createRoomToken: 'NATIVE',
    listRoomTokens: 'UNSUPPORTED',
  },
  disableEffect: 'BLOCKS_NEW_JOINS',
  enableUndoesDisable: true,
  tokenSource: 'LOCAL_SIGNER',
  maxPageSize: HMS_PAGE_LIMITS.max,
  maxBatchSize: 20,
  notes: [
    'createRoom upserts by name: a name already in use (case-insensitive) returns that room with the new settings applied.',
    'disableRoom sets enabled=false: the session in progress goes on, new joins are refused until enableRoom.',
    'listRooms walks enabled rooms, then disabled ones (two filtered walks of GET /v2/rooms).',
    'Room tokens are app tokens signed locally (HS256); the role must exist in the room template.',
    'Rooms cannot be deleted, only disabled; 100ms keeps no list of issued tokens.',
  ],
};

/** A `RoomProvider` for one 100ms app (workspace), talking to `POST/GET /v2/rooms`. */
export function createHmsProvider(options: HmsProviderOptions): RoomProvider {
  const key = options.key;
  const now = options.now ?? Date.now;
  const credentials = { appAccessKey: options.appAccessKey, appSecret: options.appSecret };
  const client = createHmsClient({
    ...options,
    tokens: createManagementTokenSource(credentials, now),
  });

  /** A 404 on a room path means that room is gone. */
  function roomError(nativeId: string) {
    return (error: unknown): never => {
      if (error instanceof ProviderError && error.status === 404) {
        throw new RoomNotFoundError(key, nativeId);
      }
      throw error;
    };
  }

  async function getRoom(nativeId: string, context?: CallContext): Promise<Room> {
    const payload = await client.getRoom(nativeId, 'getRoom', context).catch(roomError(nativeId));
    return toRoom(payload, key);
  }

  async function setEnabled(nativeId: string, enabled: boolean, context?: CallContext) {
    const operation = enabled ? 'enableRoom' : 'disableRoom';
    const payload = await client
      .postRoom(nativeId, { enabled }, operation, context)
      .catch(roomError(nativeId));
    return toRoom(payload, key);
  }

  return {
    kind: 'HMS',
    key,
    displayName: options.displayName ?? '100ms',
    capabilities: HMS_CAPABILITIES,

    getRooms(nativeIds, callOptions) {
      return getRoomsOneByOne(nativeIds, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, (nativeId) =>
        getRoom(nativeId, callOptions?.context),
      );
    },

    listRooms(listOptions) {
      const paging = { ...listOptions, account: options };
      return pageWithCursors(paging, HMS_PAGE_LIMITS.max, async (position, limit) => {
        let { enabled, start } = decodeListPosition(position);
        const rooms: Room[] = [];
        // UNCONFIRMED (hms.md §3.3): `enabled` is documented as "Default: true", so an unfiltered
        // list may hide disabled rooms. Two filtered walks (enabled, then disabled) list every
        // room under either reading. At most two rounds here: the rest of the current walk, then
        // the start of the disabled one.
        for (;;) {
          const need = limit - rooms.length;
          const asked = Math.min(HMS_PAGE_LIMITS.max, Math.max(HMS_PAGE_LIMITS.min, need));
          const page = await client.listRooms(
            { start, limit: asked, enabled },
            listOptions.context,
          );
          const data = page.data ?? [];
          const kept = data.slice(0, need);
          rooms.push(...kept.map((payload) => toRoom(payload, key)));
          const lastKept = kept.at(-1)?.id;
          if (data.length > need && lastKept !== undefined) {
            return { rooms, next: encodeListPosition(enabled, lastKept) };
          }
          // The walk ends on a short page or an empty `last`, as the official SDK reads it (§3.3).
          if (page.last && data.length >= (page.limit ?? asked)) {
            return { rooms, next: encodeListPosition(enabled, page.last) };
          }
          if (!enabled) {
            return { rooms, next: null };
          }
          enabled = false;
          start = null;
          if (rooms.length >= limit) {
            return { rooms, next: encodeListPosition(false, null) };
          }
        }
      });
    },

    async createRoom(input, callOptions) {
      const payload = await client.createRoom(toCreateBody(input), callOptions?.context);
      return toRoom(payload, key);
    },

    async updateRoom(nativeId, input, callOptions) {
      const payload = await client
        .postRoom(nativeId, toUpdateBody(input), 'updateRoom', callOptions?.context)
        .catch(roomError(nativeId));
      return toRoom(payload, key);
    },

    disableRoom: (nativeId, callOptions) => setEnabled(nativeId, false, callOptions?.context),
    enableRoom: (nativeId, callOptions) => setEnabled(nativeId, true, callOptions?.context),

    deleteRoom() {
      return Promise.reject(
        new UnsupportedOperationError(
          key,
          'deleteRoom',
          '100ms rooms can be disabled, not deleted',
        ),
      );
    },

    createRoomToken(nativeId, input) {
      return mintRoomToken(options, now, nativeId, input);
    },

    listRoomTokens() {
      return Promise.reject(
        new UnsupportedOperationError(key, 'listRoomTokens', '100ms app tokens are signed locally'),
      );
    },
  };
}

async function mintRoomToken(
  options: HmsProviderOptions,
  now: () => number,
  nativeId: string,
  input: CreateRoomTokenInput,
): Promise<RoomToken> {
  const ttl = input.ttlSeconds ?? options.defaultTokenTtlSeconds;
  const issues = [];
  if (!Number.isInteger(ttl) || ttl <= 0) {
    issues.push({
      path: ['input', 'ttlSeconds'],
      message: 'must be a whole number of seconds above 0',
    });
  }
  if (input.permissions != null && input.permissions.length > 0) {
    issues.push({
      path: ['input', 'permissions'],
      message: 'is not supported by 100ms: permissions come from the role in the room template',
    });
  }
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
  // Minting is local, so nothing upstream would catch a handle that cannot be a room id (§1).
  if (!isHmsRoomId(nativeId)) {
    throw new RoomNotFoundError(options.key, nativeId);
  }
  const role = HMS_ROLE_BY_TOKEN_ROLE[input.role];
  // The docs' samples always carry `user_id` (§2.3), so a caller without one gets a fresh id.
  const userId = input.identity || randomUUID();
  const issuedAt = Math.floor(now() / 1000);
  const expiresAt = issuedAt + ttl;
  const token = await signAppToken(
    { appAccessKey: options.appAccessKey, appSecret: options.appSecret },
    { roomId: nativeId, userId, role, issuedAt, expiresAt },
  );
  return {
    token,
    providerKey: options.key,
    roomNativeId: nativeId,
    role: input.role,
    providerRole: role,
    permissions: [],
    identity: userId,
    issuedAt: new Date(issuedAt * 1000),
    expiresAt: new Date(expiresAt * 1000),
    providerTokenId: null,
  };
}
