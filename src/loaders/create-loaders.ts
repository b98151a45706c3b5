import DataLoader from 'dataloader';
import type { Room } from '../domain/room.js';
import type { RoomSession } from '../domain/room-life.js';
import type { CallContext } from '../http/call-context.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { loadActiveSessions } from './load-active-sessions.js';
import { loadRooms } from './load-rooms.js';
import { roomKeyString } from './room-key.js';

export interface Loaders {
  /** Room by room key (`providerKey:nativeId`); null when it does not exist. */
  readonly room: DataLoader<string, Room | null>;
  /** A room's live session by room key; null when nobody is in it. */
  readonly activeSession: DataLoader<string, RoomSession | null>;
  /** Makes later lookups of a room we already hold cost nothing. */
  prime(room: Room): void;
}

/** New loaders for each GraphQL request: nothing is cached across requests or credentials. */
export function createLoaders(registry: ProviderRegistry, context: CallContext): Loaders {
  const room = new DataLoader<string, Room | null>((keys) => loadRooms(registry, keys, context));
  const activeSession = new DataLoader<string, RoomSession | null>((keys) =>
    loadActiveSessions(registry, keys, context),
  );
  return {
    room,
    activeSession,
    prime(value) {
      const key = roomKeyString(value);
      room.clear(key).prime(key, value);
    },
  };
}
