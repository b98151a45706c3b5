import { decodeGlobalID } from '@pothos/plugin-relay';
import { parseRoomKey, type RoomKey } from '../loaders/room-key.js';

/** The room key inside a Room global id, or null for anything else (bad base64, a Provider id). */
export function roomKeyFromGlobalId(globalId: string): RoomKey | null {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === 'Room' ? parseRoomKey(decoded.id) : null;
  } catch {
    return null;
  }
}
