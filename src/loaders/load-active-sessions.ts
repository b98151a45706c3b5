import { UnsupportedOperationError } from '../domain/errors.js';
import type { RoomSession } from '../domain/room-life.js';
import type { CallContext } from '../http/call-context.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { loadByAccount } from './by-account.js';

/**
 * The batch function behind `Room.activeSession`: the live session of every room asked for in
 * one tick, per account, in as few calls as the adapter can make (one for all where the
 * provider lists live sessions across rooms). A room at an account that cannot tell gets the
 * typed UnsupportedOperationError, with no call.
 */
export function loadActiveSessions(
  registry: ProviderRegistry,
  keys: readonly string[],
  context: CallContext,
): Promise<(RoomSession | null | Error)[]> {
  return loadByAccount(
    registry,
    keys,
    (provider, nativeIds) => {
      if (!provider.getActiveSessions) {
        return Promise.reject(
          new UnsupportedOperationError(
            provider.key,
            'getActiveSession',
            provider.capabilities.operationNotes?.getActiveSession,
          ),
        );
      }
      return provider.getActiveSessions(nativeIds, { context });
    },
    'Loading live sessions failed',
  );
}
