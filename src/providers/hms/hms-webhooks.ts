import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { RoomEvent } from '../../domain/room-event.js';
import type { Recording, RoomSession } from '../../domain/room-life.js';
import { participantEvent, recordingEvent, sessionEvent } from '../../events/room-events.js';
import type { WebhookRequest } from '../room-provider.js';
import { HMS_ROOM_LIFE_ASSUMPTIONS } from './hms-assumptions.js';
import type { RoleOf } from './hms-life-mappers.js';
import { parseHmsTime } from './hms-mappers.js';

/**
 * How this account's webhooks prove they come from 100ms: a "secret header" set in the
 * dashboard, sent with every webhook (hms-room-life.md §4). 100ms signs nothing; the other
 * option, its list of NAT addresses, is not checked here.
 */
export interface HmsWebhookSecret {
  /** The header's name, e.g. `x-hms-webhook-secret` (compared without regard to case). */
  readonly headerName: string;
  readonly value: string;
}

const ID = z.string().regex(/^[0-9a-f]{24}$/);
const time = z.string().nullish();

/** The envelope (§4): only the type, the data and the time are read. */
const envelopeSchema = z.object({
  type: z.string(),
  timestamp: time,
  data: z.record(z.string(), z.unknown()),
});

const sessionDataSchema = z.object({
  room_id: ID,
  session_id: ID,
  session_started_at: time,
  session_stopped_at: time,
});

const peerDataSchema = z.object({
  room_id: ID,
  session_id: ID,
  peer_id: z.string().min(1),
  user_id: z.string().nullish(),
  user_name: z.string().nullish(),
  role: z.string().nullish(),
  joined_at: time,
  left_at: time,
});

const recordingDataSchema = z.object({
  room_id: ID,
  session_id: ID.nullish(),
  job_id: ID.nullish(),
  recording_id: ID.nullish(),
  // False on a beam that only streams (RTMP, HLS): no recording comes of it.
  recording_enabled: z.boolean().nullish(),
  started_at: time,
  stopped_at: time,
  state_timestamp: time,
  duration: z.number().nullish(),
  size: z.number().nullish(),
});

/**
 * Reads the webhooks of one 100ms account (`POST /webhooks/{accountKey}`): null unless the
 * configured secret header carries the configured value (compared in constant time), else the
 * room events the webhook reports, made by `events/room-events.ts` from the same handles every
 * other source uses: the session's `session_id`, the presence's `peer_id`, the recording job's
 * id. Types of no interest give no events; an authenticated body it cannot read throws (the
 * receiver answers 400, which 100ms's delivery history then shows).
 */
export function createHmsWebhookReader(options: {
  readonly providerKey: string;
  readonly secret: HmsWebhookSecret;
  readonly roleOf: RoleOf;
}) {
  const expected = digest(options.secret.value);
  const key = options.providerKey;

  return function eventsFromWebhook(request: WebhookRequest): RoomEvent[] | null {
    const given = request.headers.get(options.secret.headerName);
    if (given === null || !timingSafeEqual(digest(given), expected)) {
      return null;
    }
    const envelope = envelopeSchema.parse(JSON.parse(request.body));
    const seen = { source: 'WEBHOOK', observedAt: request.receivedAt } as const;
    const sent = parseHmsTime(envelope.timestamp);
    const at = (value: string | null | undefined) => parseHmsTime(value) ?? sent;
    switch (envelope.type) {
      case 'session.open.success':
      case 'session.close.success': {
        const data = sessionDataSchema.parse(envelope.data);
        const open = envelope.type === 'session.open.success';
        const session: RoomSession = {
          providerKey: key,
          roomNativeId: data.room_id,
          nativeId: data.session_id,
          status: open ? 'LIVE' : 'ENDED',
          startedAt: open ? at(data.session_started_at) : parseHmsTime(data.session_started_at),
          endedAt: open ? null : at(data.session_stopped_at),
          participantCount: null,
          participants: null,
        };
        return [sessionEvent(open ? 'SESSION_STARTED' : 'SESSION_ENDED', session, seen)];
      }
      case 'peer.join.success':
      case 'peer.leave.success': {
        const data = peerDataSchema.parse(envelope.data);
        const joined = envelope.type === 'peer.join.success';
        const providerRole = data.role || null;
        const participant = {
          providerKey: key,
          roomNativeId: data.room_id,
          sessionNativeId: data.session_id,
          nativeId: data.peer_id,
          identity: data.user_id || null,
          displayName: data.user_name || null,
          role: options.roleOf(providerRole),
          providerRole,
          joinedAt: joined ? at(data.joined_at) : parseHmsTime(data.joined_at),
          leftAt: joined ? null : at(data.left_at),
        };
        return [
          participantEvent(joined ? 'PARTICIPANT_JOINED' : 'PARTICIPANT_LEFT', participant, seen),
        ];
      }
      case 'beam.started.success':
      case 'beam.recording.success':
      case 'beam.failure':
      case 'recording.success':
      case 'recording.failed': {
        const data = recordingDataSchema.parse(envelope.data);
        const id = recordingIdOf(data);
        if (id === null || data.recording_enabled === false) {
          return [];
        }
        const recording: Recording = {
          providerKey: key,
          roomNativeId: data.room_id,
          sessionNativeId: data.session_id ?? null,
          nativeId: id,
          status: 'RECORDING',
          startedAt: parseHmsTime(data.started_at),
          endedAt: parseHmsTime(data.stopped_at),
          durationSeconds: data.duration ?? null,
          sizeBytes: data.size ?? null,
        };
        if (envelope.type === 'beam.started.success') {
          const startedAt = at(data.state_timestamp);
          return [recordingEvent('RECORDING_STARTED', { ...recording, startedAt }, seen)];
        }
        if (envelope.type === 'beam.recording.success' || envelope.type === 'recording.success') {
          const ready = { ...recording, status: 'READY', endedAt: at(data.stopped_at) } as const;
          return [recordingEvent('RECORDING_READY', ready, seen)];
        }
        const failed = {
          ...recording,
          status: 'FAILED',
          endedAt: at(data.state_timestamp),
        } as const;
        return [recordingEvent('RECORDING_FAILED', failed, seen)];
      }
      default:
        return [];
    }
  };
}

/** The recording job a webhook names, by the fields `HMS_ROOM_LIFE_ASSUMPTIONS` lists. */
function recordingIdOf(data: z.infer<typeof recordingDataSchema>): string | null {
  for (const field of HMS_ROOM_LIFE_ASSUMPTIONS.recordingIdFields) {
    const value = data[field];
    if (value) {
      return value;
    }
  }
  return null;
}

/** Fixed-length digests, so the comparison takes the same time whatever the lengths. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
