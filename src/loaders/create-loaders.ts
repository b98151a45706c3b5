import DataLoader from 'dataloader';
import type { Room } from '../domain/room.js';
import type { RoomSession } from '../domain/room-life.js';
import type { CallContext } from '../http/call-context.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { loadActiveSessions } from './load-active-sessions.js';
import { loadRooms } from './load-rooms.js';
import { parseRoomKey, roomKeyString } from './room-key.js';

export interface Loaders {
  /** Room by room key (`providerKey:nativeId`); null when it does not exist. */
  readonly room: DataLoader<string, Room | null>;
  /** A room's live session by room key; null when nobody is in it. */
  readonly activeSession: DataLoader<string, RoomSession | null>;
  /** Makes later lookups of a room we already hold cost nothing. */
  prime(room: Room): void;
  /** Makes the next lookup of a room ask the provider again (it just changed, or went away). */
  forget(key: string): void;
  /**
   * Says that these accounts' rooms are being listed in this operation: lookups of their rooms
   * wait for the list, and ask the provider only for the rooms it did not bring. The list's
   * rooms are primed when it answers.
   */
  listing(providerKeys: readonly string[], rooms: Promise<readonly Room[]>): void;
}

/** New loaders for each GraphQL request: nothing is cached across requests or credentials. */
export function createLoaders(registry: ProviderRegistry, context: CallContext): Loaders {
  /** Lists in flight, by account. */
  const lists = new Map<string, Promise<unknown>[]>();
  /** Rooms the lists brought, by room key. */
  const listed = new Map<string, Room>();

  const room = new DataLoader<string, Room | null>(async (keys) => {
    const waits = new Set<Promise<unknown>>();
    for (const key of keys) {
      for (const list of lists.get(parseRoomKey(key)?.providerKey ?? '') ?? []) {
        waits.add(list);
      }
    }
    if (waits.size > 0) {
      // A list that fails leaves its rooms to the lookups' own calls.
      await Promise.allSettled(waits);
    }
    const missing = keys.filter((key) => !listed.has(key));
    const loaded = missing.length > 0 ? await loadRooms(registry, missing, context) : [];
    const byKey = new Map(missing.map((key, index) => [key, loaded[index]]));
    return keys.map((key) => listed.get(key) ?? byKey.get(key) ?? null);
  });
  const activeSession = new DataLoader<string, RoomSession | null>((keys) =>
    loadActiveSessions(registry, keys, context),
  );
  const prime = (value: Room) => {
    const key = roomKeyString(value);
    listed.set(key, value);
    room.clear(key).prime(key, value);
  };
  return {
    room,
    activeSession,
    prime,
    forget(key) {
      listed.delete(key);
      room.clear(key);
    },
    listing(providerKeys, rooms) {
      const settled = rooms.then(
        (found) => {
          for (const value of found) {
            prime(value);
          }
        },
        () => {},
      );
      for (const key of providerKeys) {
        lists.set(key, [...(lists.get(key) ?? []), settled]);
      }
    },
  };
}
