import type { CallContext } from '../../http/call-context.js';
import { pathSegment } from '../../http/path-segment.js';
import type { HmsSend } from './hms-client.js';
import {
  type HmsPresignedUrlPayload,
  type HmsRecordingListPayload,
  type HmsRecordingPayload,
  type HmsSessionListPayload,
  type HmsSessionPayload,
  hmsMessageSchema,
  hmsPresignedUrlSchema,
  hmsRecordingListSchema,
  hmsRecordingSchema,
  hmsSessionListSchema,
  hmsSessionSchema,
} from './hms-life-schemas.js';

/** `GET /v2/sessions` filters (hms-room-life.md §1). */
export interface HmsSessionQuery {
  /** Every room's sessions when absent. */
  readonly roomId?: string;
  /** Always sent: its default is unclear (§1). */
  readonly active: boolean;
  /** The previous page's `last`; the page starts after it. */
  readonly start: string | null;
  /** 10..100. */
  readonly limit: number;
}

/** `GET /v2/recordings` filters (§3). */
export interface HmsRecordingQuery {
  readonly roomId: string;
  readonly start: string | null;
  readonly limit: number;
}

/**
 * The 100ms room-life endpoints (hms-room-life.md §1–§3), each returning a schema-checked
 * payload. Ids arrive checked against their formats; each still goes through `pathSegment`.
 * None of the writes is marked idempotent: ending a room or starting a recording twice is not
 * the same as once, and a repeated stop or removal would answer differently.
 */
export interface HmsLifeClient {
  listSessions(
    query: HmsSessionQuery,
    operation: string,
    context?: CallContext,
  ): Promise<HmsSessionListPayload>;
  getSession(id: string, operation: string, context?: CallContext): Promise<HmsSessionPayload>;
  /** `POST /v2/active-rooms/{room_id}/remove-peers` with `{peer_id}` (§2). */
  removePeer(roomId: string, peerId: string, context?: CallContext): Promise<void>;
  /** `POST /v2/active-rooms/{room_id}/end-room` with `{lock}` (§1). */
  endRoom(roomId: string, lock: boolean, context?: CallContext): Promise<void>;
  /** `POST /v2/recordings/room/{room_id}/start` with `{}`: every field is optional (§3). */
  startRecording(roomId: string, context?: CallContext): Promise<HmsRecordingPayload>;
  /** `POST /v2/recordings/room/{room_id}/stop` with `{}`, as the SDK sends (§3). */
  stopRecordings(roomId: string, context?: CallContext): Promise<HmsRecordingListPayload>;
  listRecordings(query: HmsRecordingQuery, context?: CallContext): Promise<HmsRecordingListPayload>;
  /** `GET /v2/recordings/{id}`: the job with its `recording_assets` (§3). */
  getRecording(id: string, operation: string, context?: CallContext): Promise<HmsRecordingPayload>;
  presignedUrl(
    assetId: string,
    seconds: number,
    context?: CallContext,
  ): Promise<HmsPresignedUrlPayload>;
}

export function createHmsLifeClient(send: HmsSend): HmsLifeClient {
  return {
    listSessions(query, operation, context) {
      const params = new URLSearchParams();
      if (query.roomId !== undefined) {
        params.set('room_id', query.roomId);
      }
      params.set('active', String(query.active));
      params.set('limit', String(query.limit));
      if (query.start !== null) {
        params.set('start', query.start);
      }
      return send({
        method: 'GET',
        path: `/sessions?${params.toString()}`,
        schema: hmsSessionListSchema,
        operation,
        context,
      });
    },
    getSession(id, operation, context) {
      return send({
        method: 'GET',
        path: `/sessions/${pathSegment(id)}`,
        schema: hmsSessionSchema,
        operation,
        context,
      });
    },
    async removePeer(roomId, peerId, context) {
      // `peer_id` alone: given `role` too, 100ms would still take only the peer (§2), so
      // nothing else is sent, and never a role alone, which removes everyone with it.
      await send({
        method: 'POST',
        path: `${activeRoomPath(roomId)}/remove-peers`,
        body: { peer_id: peerId },
        schema: hmsMessageSchema,
        operation: 'removeParticipant',
        context,
      });
    },
    async endRoom(roomId, lock, context) {
      await send({
        method: 'POST',
        path: `${activeRoomPath(roomId)}/end-room`,
        body: { lock },
        schema: hmsMessageSchema,
        operation: 'endRoomSession',
        context,
      });
    },
    startRecording(roomId, context) {
      return send({
        method: 'POST',
        path: `/recordings/room/${pathSegment(roomId)}/start`,
        body: {},
        schema: hmsRecordingSchema,
        operation: 'startRecording',
        context,
      });
    },
    stopRecordings(roomId, context) {
      return send({
        method: 'POST',
        path: `/recordings/room/${pathSegment(roomId)}/stop`,
        body: {},
        schema: hmsRecordingListSchema,
        operation: 'stopRecording',
        context,
      });
    },
    listRecordings(query, context) {
      const params = new URLSearchParams({ room_id: query.roomId, limit: String(query.limit) });
      if (query.start !== null) {
        params.set('start', query.start);
      }
      return send({
        method: 'GET',
        path: `/recordings?${params.toString()}`,
        schema: hmsRecordingListSchema,
        operation: 'listRecordings',
        context,
      });
    },
    getRecording(id, operation, context) {
      return send({
        method: 'GET',
        path: `/recordings/${pathSegment(id)}`,
        schema: hmsRecordingSchema,
        operation,
        context,
      });
    },
    presignedUrl(assetId, seconds, context) {
      return send({
        method: 'GET',
        path: `/recording-assets/${pathSegment(assetId)}/presigned-url?presign_duration=${seconds}`,
        schema: hmsPresignedUrlSchema,
        operation: 'getRecordingDownload',
        context,
      });
    },
  };
}

function activeRoomPath(roomId: string): string {
  return `/active-rooms/${pathSegment(roomId)}`;
}
