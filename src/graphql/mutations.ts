import type { Context } from '../context.js';
import type { RoomOperation } from '../domain/capabilities.js';
import { InputValidationError, ProviderNotFoundError } from '../domain/errors.js';
import { roomKeyFromGlobalId } from './global-id.js';
import { assertSupported } from './supported.js';
import { type CREATE_ROOM_ERROR_TYPES, MUTATION_ERROR_TYPES } from './types/errors.js';

// What every mutation shares: the names of its result union, and the room it acts on.

/** The result union, success type and data field names of one mutation. */
export function resultNames(
  name: string,
  dataField: string,
  extraTypes: readonly (typeof CREATE_ROOM_ERROR_TYPES)[number][] = [],
) {
  return {
    types: [...extraTypes, ...MUTATION_ERROR_TYPES],
    union: { name: `${name}Result` },
    result: { name: `${name}Success` },
    dataField: { name: dataField },
  };
}

/**
 * Finds the account behind a room id and checks the operation is supported there, before any
 * upstream call: an unsupported operation never reaches the provider.
 */
export function target(
  context: Context,
  globalId: string,
  path: string[],
  operation: RoomOperation,
) {
  const key = roomKeyFromGlobalId(globalId);
  if (!key) {
    throw new InputValidationError([{ path, message: 'is not a Room id issued by this API' }]);
  }
  const provider = context.registry.get(key.providerKey);
  if (!provider) {
    throw new ProviderNotFoundError(key.providerKey);
  }
  assertSupported(provider, operation);
  return { provider, nativeId: key.nativeId };
}
