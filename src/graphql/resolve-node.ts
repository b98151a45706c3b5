import type { Context } from '../context.js';
import type { Room } from '../domain/room.js';
import type { Recording, RoomSession } from '../domain/room-life.js';
import { parseRoomKey } from '../loaders/room-key.js';
import type { RoomProvider } from '../providers/room-provider.js';
import { parseChildKey } from './child-ids.js';

type NodeValue = Room | RoomSession | Recording | RoomProvider | null;

/**
 * Resolves one decoded global id: a Room through the request's loader (so `node`, `nodes` and
 * `room` share calls), a Provider from the registry, a session or recording from its account
 * (null where the account cannot fetch one), anything else as null, as Relay expects.
 */
export function resolveNode(
  globalId: { typename: string; id: string },
  context: Context,
): Promise<NodeValue> | NodeValue {
  if (globalId.typename === 'Room') {
    return parseRoomKey(globalId.id) ? context.loaders.room.load(globalId.id) : null;
  }
  if (globalId.typename === 'Provider') {
    return context.registry.get(globalId.id) ?? null;
  }
  if (globalId.typename === 'RoomSession' || globalId.typename === 'Recording') {
    const key = parseChildKey(globalId.id);
    const provider = key ? context.registry.get(key.providerKey) : undefined;
    if (!key || !provider) {
      return null;
    }
    const options = { context: context.call };
    const fetched =
      globalId.typename === 'RoomSession'
        ? provider.getSession?.(key.roomNativeId, key.nativeId, options)
        : provider.getRecording?.(key.roomNativeId, key.nativeId, options);
    return fetched ?? null;
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
): (Promise<NodeValue> | NodeValue)[] {
  return globalIds.map((globalId) => resolveNode(globalId, context));
}
