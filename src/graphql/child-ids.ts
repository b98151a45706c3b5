import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';

/**
 * The key of something that lives inside a room (a session, a recording, a participant): its
 * account, its room's handle and its own handle. Handles may hold any character (some room
 * handles hold `:`), so the three go in a JSON array, which no choice of them makes
 * ambiguous. This module alone builds and splits these keys.
 */
export interface ChildKey {
  readonly providerKey: string;
  readonly roomNativeId: string;
  readonly nativeId: string;
}

export function childKeyString(key: ChildKey): string {
  return JSON.stringify([key.providerKey, key.roomNativeId, key.nativeId]);
}

/** Null when the string is not a child key this service issued. */
export function parseChildKey(value: string): ChildKey | null {
  try {
    const parsed: unknown = JSON.parse(value);
    if (
      Array.isArray(parsed) &&
      parsed.length === 3 &&
      parsed.every((part) => typeof part === 'string' && part.length > 0)
    ) {
      const [providerKey, roomNativeId, nativeId] = parsed as [string, string, string];
      return { providerKey, roomNativeId, nativeId };
    }
  } catch {
    // not JSON: not ours
  }
  return null;
}

/** A global id of `typename` around a child key, e.g. a Participant's opaque id. */
export function childGlobalId(typename: string, key: ChildKey): string {
  return encodeGlobalID(typename, childKeyString(key));
}

/** The child key inside a global id of `typename`, or null for anything else. */
export function childKeyFromGlobalId(typename: string, globalId: string): ChildKey | null {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === typename ? parseChildKey(decoded.id) : null;
  } catch {
    return null;
  }
}
