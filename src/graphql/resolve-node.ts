import type { Context } from '../context.js';
import type { Room } from '../domain/room.js';
import { parseRoomKey } from '../loaders/room-key.js';
import type { RoomProvider } from '../providers/room-provider.js';

/**
 * Resolves one decoded global id: a Room through the request's loader (so `node`, `nodes` and
 * `room` share calls), a Provider from the registry, anything else as null, as Relay expects.
 */
export function resolveNode(
  globalId: { typename: string; id: string },
  context: Context,
): Promise<Room | null> | RoomProvider | null {
  if (globalId.typename === 'Room') {
    return parseRoomKey(globalId.id) ? context.loaders.room.load(globalId.id) : null;
  }
  if (globalId.typename === 'Provider') {
    return context.registry.get(globalId.id) ?? null;
  }
  return null;
}

/**
 * One promise per id, not one for the list: a room whose provider failed, or that came past the
 * operation's allowance of upstream calls, is an error at its own index, and the other entries
 * still resolve.
 */
export function resolveNodes(
  globalIds: readonly { typename: string; id: string }[],
  context: Context,
): (Promise<Room | null> | RoomProvider | null)[] {
  return globalIds.map((globalId) => resolveNode(globalId, context));
}
