import { AppError, RoomNotFoundError } from '../domain/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { RoomProvider } from '../providers/room-provider.js';
import { parseRoomKey } from './room-key.js';

/** One account's batch call: an entry per handle, in order; throws only when all of it failed. */
export type AccountBatch<T> = (
  provider: RoomProvider,
  nativeIds: readonly string[],
) => Promise<readonly (T | null | Error)[]>;

/**
 * The shape of every per-request batch keyed by room (`providerKey:nativeId`): keys grouped by
 * account, each group split into the adapter's batch size, every account called at once. A
 * `RoomNotFoundError` is null for its own key only; a failing account fails only its own keys.
 * An unknown account or a malformed key is null, with no call.
 */
export async function loadByAccount<T>(
  registry: ProviderRegistry,
  keys: readonly string[],
  batch: AccountBatch<T>,
  failure: string,
): Promise<(T | null | Error)[]> {
  const results: (T | null | Error)[] = new Array(keys.length).fill(null);
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
        batch(
          provider,
          chunk.map((entry) => entry.nativeId),
        ).then(
          (found) => {
            chunk.forEach((entry, offset) => {
              const result = found[offset];
              results[entry.index] =
                result instanceof RoomNotFoundError || result === undefined ? null : result;
            });
          },
          (error: unknown) => {
            const typed = error instanceof AppError ? error : new Error(failure, { cause: error });
            for (const entry of chunk) {
              results[entry.index] = typed;
            }
          },
        ),
      );
    }
  }
  await Promise.all(calls);
  return results;
}
