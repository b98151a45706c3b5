import { decodeGlobalID } from '@pothos/plugin-relay';
import {
  InputValidationError,
  ProviderNotFoundError,
  RoomNotFoundError,
} from '../domain/errors.js';
import type { Room } from '../domain/room.js';
import type { Loaders } from '../loaders/create-loaders.js';
import { parseRoomKey, type RoomKey } from '../loaders/room-key.js';
import type { ProviderRegistry } from '../providers/registry.js';

/** The room key inside a Room global id, or null for anything else (bad base64, a Provider id). */
export function roomKeyFromGlobalId(globalId: string): RoomKey | null {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === 'Room' ? parseRoomKey(decoded.id) : null;
  } catch {
    return null;
  }
}

/**
 * Resolves a mutation's room argument: a malformed or foreign id is an input error naming the
 * field, an unknown account or room is its own typed error.
 */
export async function requireRoom(
  context: { registry: ProviderRegistry; loaders: Loaders },
  globalId: string,
  path: readonly (string | number)[],
): Promise<Room> {
  const key = roomKeyFromGlobalId(globalId);
  if (!key) {
    throw new InputValidationError([{ path, message: 'is not a Room id issued by this API' }]);
  }
  if (!context.registry.get(key.providerKey)) {
    throw new ProviderNotFoundError(key.providerKey);
  }
  const room = await context.loaders.room.load(`${key.providerKey}:${key.nativeId}`);
  if (!room) {
    throw new RoomNotFoundError(key.providerKey, globalId);
  }
  return room;
}
