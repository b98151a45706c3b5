import type { RoomOperation } from '../domain/capabilities.js';
import { UnsupportedOperationError } from '../domain/errors.js';
import type { RoomProvider } from '../providers/room-provider.js';

/**
 * Throws the typed UnsupportedOperationError, before any upstream call, when the account
 * cannot do `operation`, with the capability's note as the reason.
 */
export function assertSupported(provider: RoomProvider, operation: RoomOperation): void {
  if (provider.capabilities.operations[operation] === 'UNSUPPORTED') {
    throw new UnsupportedOperationError(
      provider.key,
      operation,
      provider.capabilities.operationNotes?.[operation],
    );
  }
}

/** The room-life members of the contract, each present where its operation is supported. */
type OptionalMember = {
  [K in keyof RoomProvider]-?: undefined extends RoomProvider[K] ? K : never;
}[keyof RoomProvider];

/**
 * The adapter's method for a room-life operation, bound to it; the typed unsupported error when
 * the account cannot do it (by its capabilities, or for want of the method).
 */
export function supportedMethod<M extends OptionalMember>(
  provider: RoomProvider,
  operation: RoomOperation,
  member: M,
): NonNullable<RoomProvider[M]> {
  assertSupported(provider, operation);
  const method = provider[member];
  if (typeof method !== 'function') {
    throw new UnsupportedOperationError(provider.key, operation);
  }
  return method.bind(provider) as NonNullable<RoomProvider[M]>;
}
