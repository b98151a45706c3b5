import type { Room } from '../domain/room.js';
import type { CallContext } from '../http/call-context.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { loadByAccount } from './by-account.js';

/**
 * The batch function behind the per-request room loader: `getRooms` per account and chunk. A
 * missing room is null for its own key only; a failing provider fails only its own keys.
 */
export function loadRooms(
  registry: ProviderRegistry,
  keys: readonly string[],
  context: CallContext,
): Promise<(Room | null | Error)[]> {
  return loadByAccount(
    registry,
    keys,
    (provider, nativeIds) => provider.getRooms(nativeIds, { context }),
    'Loading rooms failed',
  );
}
