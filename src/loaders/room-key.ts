/**
 * A room's key inside the service: the account key and the adapter's handle, joined by the
 * first `:` (account keys cannot contain one). The Relay plugin wraps it into the opaque
 * global id; this module alone builds and splits it.
 */
export interface RoomKey {
  readonly providerKey: string;
  readonly nativeId: string;
}

export function roomKeyString(key: RoomKey): string {
  return `${key.providerKey}:${key.nativeId}`;
}

/** Null when the string is not a room key this service issued. */
export function parseRoomKey(value: string): RoomKey | null {
  const separator = value.indexOf(':');
  if (separator <= 0 || separator === value.length - 1) {
    return null;
  }
  return { providerKey: value.slice(0, separator), nativeId: value.slice(separator + 1) };
}
