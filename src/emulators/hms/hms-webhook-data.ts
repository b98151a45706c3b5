import type { HmsPeerRecord, HmsSessionRecord } from './hms-life-store.js';
import type { HmsRoomRecord } from './hms-store.js';
import { formatTime } from './hms-wire.js';

/** What `session.open.success` carries (§4); `session.close.success` adds its end. */
export function sessionWebhookData(room: HmsRoomRecord, session: HmsSessionRecord) {
  return {
    room_id: room.id,
    room_name: room.name,
    session_id: session.id,
    template_id: room.templateId,
    session_started_at: formatTime(session.createdAt),
  };
}

/** What `peer.join.success` carries (§4), less `type`; `peer.leave.success` adds five keys. */
export function peerWebhookData(
  room: HmsRoomRecord,
  session: HmsSessionRecord,
  peer: HmsPeerRecord,
) {
  return {
    room_id: room.id,
    room_name: room.name,
    session_id: session.id,
    peer_id: peer.id,
    user_id: peer.userId,
    template_id: room.templateId,
    user_name: peer.name,
    user_data: '',
    role: peer.role,
    joined_at: formatTime(peer.joinedAt),
    session_started_at: formatTime(session.createdAt),
  };
}
