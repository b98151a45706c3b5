import { AppError, RoomNotFoundError } from '../domain/errors.js';
import type { Room } from '../domain/room.js';
import type { CallContext } from '../http/call-context.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { parseRoomKey } from './room-key.js';

/**
 * The batch function behind the per-request room loader. Groups keys by provider account,
 * splits each group into the adapter's batch size, and calls every provider at once. A missing
 * room is null for its own key only; a failing provider fails only its own keys.
 */
export async function loadRooms(
  registry: ProviderRegistry,
  keys: readonly string[],
  context: CallContext,
): Promise<(Room | null | Error)[]> {
  const results: (Room | null | Error)[] = new Array(keys.length).fill(null);
  const groups = new Map<string, { index: number; nativeId: string }[]>();
  keys.forEach((key, index) => {
    const parsed = parseRoomKey(key);
    if (!parsed || !registry.get(parsed.providerKey)) {
      return;
    }
    const group = groups.get(parsed.providerKey) ?? [];
    group.push({ index, nativeId: parsed.nativeId });
    groups.set(parsed.providerKey, group);
  });

  const calls: Promise<void>[] = [];
  for (const [providerKey, entries] of groups) {
    const provider = registry.require(providerKey);
    const size = Math.max(1, provider.capabilities.maxBatchSize);
    for (let start = 0; start < entries.length; start += size) {
      const chunk = entries.slice(start, start + size);
      calls.push(
        provider
          .getRooms(
            chunk.map((entry) => entry.nativeId),
            { context },
          )
          .then(
            (rooms) => {
              chunk.forEach((entry, offset) => {
                const room = rooms[offset];
                results[entry.index] =
                  room instanceof RoomNotFoundError || room === undefined ? null : room;
              });
            },
            (error: unknown) => {
              const failure =
                error instanceof AppError
                  ? error
                  : new Error('Loading rooms failed', { cause: error });
              for (const entry of chunk) {
                results[entry.index] = failure;
              }
            },
          ),
      );
    }
  }
  await Promise.all(calls);
  return results;
}
