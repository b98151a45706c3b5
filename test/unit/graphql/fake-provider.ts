import {
  NO_ROOM_LIFE,
  type ProviderCapabilities,
  type RoomOperation,
  type SupportLevel,
} from '../../../src/domain/capabilities.js';
import { RoomNotFoundError } from '../../../src/domain/errors.js';
import type { Room } from '../../../src/domain/room.js';
import type { RoomProvider } from '../../../src/providers/room-provider.js';

/** An in-memory provider that counts its calls, for schema tests with no sockets. */
export function createFakeProvider(
  key: string,
  rooms: Room[],
  support: Partial<Record<RoomOperation, SupportLevel>> = {},
): RoomProvider & { calls: string[] } {
  const calls: string[] = [];
  const capabilities: ProviderCapabilities = {
    operations: {
      createRoom: 'NATIVE',
      getRoom: 'NATIVE',
      listRooms: 'NATIVE',
      updateRoom: 'NATIVE',
      disableRoom: 'NATIVE',
      enableRoom: 'NATIVE',
      deleteRoom: 'NATIVE',
      createRoomToken: 'NATIVE',
      listRoomTokens: 'UNSUPPORTED',
      ...NO_ROOM_LIFE,
      ...support,
    },
    disableEffect: 'BLOCKS_NEW_JOINS',
    enableUndoesDisable: true,
    tokenSource: 'LOCAL_SIGNER',
    maxPageSize: 100,
    maxBatchSize: 10,
    notes: [],
  };
  const find = (nativeId: string) => {
    const room = rooms.find((candidate) => candidate.nativeId === nativeId);
    if (!room) {
      throw new RoomNotFoundError(key, nativeId);
    }
    return room;
  };
  const fail = (name: string) => () => {
    calls.push(name);
    throw new Error(`fake ${name} is not scripted`);
  };
  return {
    kind: 'HMS',
    key,
    displayName: `Fake ${key}`,
    capabilities,
    calls,
    async getRooms(nativeIds) {
      calls.push(`getRooms:${nativeIds.join(',')}`);
      return nativeIds.map(
        (nativeId) =>
          rooms.find((room) => room.nativeId === nativeId) ?? new RoomNotFoundError(key, nativeId),
      );
    },
    async listRooms() {
      calls.push('listRooms');
      return {
        edges: rooms.map((room, index) => ({ room, cursor: String(index) })),
        hasNextPage: false,
      };
    },
    createRoom: fail('createRoom'),
    updateRoom: fail('updateRoom'),
    async disableRoom(nativeId) {
      calls.push('disableRoom');
      return { ...find(nativeId), status: 'DISABLED' };
    },
    enableRoom: fail('enableRoom'),
    deleteRoom: fail('deleteRoom'),
    createRoomToken: fail('createRoomToken'),
    listRoomTokens: fail('listRoomTokens'),
  };
}

export function fakeRoom(key: string, nativeId: string, name: string): Room {
  return {
    providerKey: key,
    providerKind: 'HMS',
    nativeId,
    providerRoomId: nativeId,
    name,
    displayName: null,
    description: null,
    status: 'ACTIVE',
    createdAt: null,
    updatedAt: null,
    notBefore: null,
    expiresAt: null,
    maxParticipants: null,
    recordingEnabled: null,
    region: null,
    settings: null,
  };
}
