import { createHmac } from 'node:crypto';
import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';
import type {
  RecordingRecord,
  SessionRecord,
  SignalWireLifeStore,
} from './signalwire-life-store.js';
import {
  badRequest,
  notFound,
  paginate,
  problem,
  UUID,
  type ValidationError,
} from './signalwire-wire.js';

// The read-only REST endpoints of room life (`signalwire-room-life.md` §1–§4; the spec's
// `list_room_sessions`, `get_room_session`, `list_room_session_members`,
// `list_room_session_events`, `list_room_session_recordings`, `list_room_recordings`,
// `get_room_recording`, `delete_room_recording`, `list_room_recording_events`), and the
// `active_session` that rooms and conferences carry when asked for (§4.4).

export interface LifeRouteContext {
  readonly life: SignalWireLifeStore;
  readonly now: () => number;
  /** Creation order of every id the store issued (§6 paging). */
  sequenceOf(id: string): number | undefined;
  /** Signs the emulator's temporary recording links. */
  readonly linkKey: Buffer;
}

/** `media_ttl` when left out: "by default valid for 15 minutes" (RL §3). */
const DEFAULT_MEDIA_TTL_SECONDS = 900;
const INT32_MAX = 2 ** 31 - 1;
const SESSION_STATUSES = ['in-progress', 'completed'];
/**
 * `locked_cover` is a required string on list items whose real value no source shows; this is
 * the spec's own example.
 */
const LOCKED_COVER = 'https://example.signalwire.com/locked-cover.png';

/** Routes one request of the shapes below; undefined for any other shape. */
export function routeSignalWireLifeRequest(
  request: EmulatorRequest,
  context: LifeRouteContext,
  shape: string,
  id: string,
): EmulatorResponse | undefined {
  const { life } = context;
  switch (`${request.method} ${shape}`) {
    case 'GET /room_sessions':
      return listSessions(request, context);
    case 'GET /room_sessions/:id': {
      const session = UUID.test(id) ? life.session(id) : undefined;
      return session ? { status: 200, body: sessionSummary(session, request.origin) } : notFound();
    }
    // A session SignalWire does not know: 404 is not among these lists' documented statuses,
    // so the stricter reading of "404 or an empty list" (RL §2, UNCONFIRMED) is the empty list.
    case 'GET /room_sessions/:id/members':
      return UUID.test(id)
        ? list(request, context, life.members(id), 'ascending', (member) => ({ ...member }))
        : badRequest();
    case 'GET /room_sessions/:id/events':
      return UUID.test(id)
        ? list(request, context, life.sessionEvents(id), 'ascending', structuredClone)
        : badRequest();
    case 'GET /room_sessions/:id/recordings':
      return UUID.test(id)
        ? listRecordings(
            request,
            context,
            life.recordings().filter((recording) => recording.room_session_id === id),
          )
        : badRequest();
    case 'GET /room_recordings':
      return listRecordings(request, context, life.recordings());
    case 'GET /room_recordings/:id': {
      const ttl = mediaTtl(request);
      const recording = UUID.test(id) ? life.recording(id) : undefined;
      if (typeof ttl !== 'number') {
        return { status: 422, body: { errors: [ttl] } };
      }
      return recording
        ? { status: 200, body: presentRecording(recording, request, context, ttl) }
        : notFound();
    }
    case 'DELETE /room_recordings/:id':
      return UUID.test(id) && life.deleteRecording(id) ? { status: 204 } : notFound();
    case 'GET /room_recordings/:id/events':
      return UUID.test(id)
        ? list(request, context, life.recordingEvents(id), 'ascending', structuredClone)
        : badRequest();
    default:
      return undefined;
  }
}

/**
 * `active_session` of a room or conference asked for with `include_active_session=true`: its
 * live session, every key optional and left out when it has no value (the `ActiveSession`
 * schema types none as nullable); no key at all when nobody is in (§4.4, UNCONFIRMED).
 */
export function activeSessionOf(
  context: LifeRouteContext,
  record: { id: string; name: string },
  origin: string,
): Record<string, unknown> | undefined {
  const session = context.life.liveSession(record.id, record.name);
  if (!session) {
    return undefined;
  }
  const keys = {
    id: session.id,
    room_id: session.room_id,
    name: session.name,
    display_name: session.display_name,
    join_from: session.join_from,
    join_until: session.join_until,
    remove_at: session.remove_at,
    remove_after_seconds_elapsed: session.remove_after_seconds_elapsed,
    layout: session.layout,
    max_members: session.max_members,
    fps: session.fps,
    quality: session.quality,
    start_time: session.start_time,
    end_time: session.end_time,
    duration: session.duration,
    status: session.status,
    record_on_start: session.record_on_start,
    enable_room_previews: session.enable_room_previews,
    preview_url: previewUrl(session, origin),
    // The one place the old name lives on (§4.4).
    audio_video_sync: session.sync_audio_video,
  };
  return Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== null));
}

/** `room_id` (a UUID), `room_name`, `room_name_matches` (substring) and `status` (RL §1). */
function listSessions(request: EmulatorRequest, context: LifeRouteContext): EmulatorResponse {
  const {
    room_id: roomId,
    room_name: roomName,
    room_name_matches: matches,
    status,
  } = request.query;
  const errors: ValidationError[] = [];
  if (roomId !== undefined && !UUID.test(roomId)) {
    errors.push(problem('room_id', 'invalid_parameter', 'Room id must be a valid UUID'));
  }
  if (status !== undefined && !SESSION_STATUSES.includes(status)) {
    errors.push(
      problem(
        'status',
        'invalid_parameter',
        `Status must be one of: ${SESSION_STATUSES.join(', ')}`,
      ),
    );
  }
  const selected = context.life
    .sessions()
    .filter(
      (session) =>
        (roomId === undefined || session.room_id === roomId.toLowerCase()) &&
        (roomName === undefined || session.name === roomName) &&
        (matches === undefined || session.name.includes(matches)) &&
        (status === undefined || session.status === status),
    );
  return list(
    request,
    context,
    selected,
    'newest first',
    (session) => sessionListItem(session, request.origin),
    errors,
  );
}

/** `media_ttl` applies to the links of every recording listed (RL §3). */
function listRecordings(
  request: EmulatorRequest,
  context: LifeRouteContext,
  recordings: RecordingRecord[],
): EmulatorResponse {
  const ttl = mediaTtl(request);
  const errors = typeof ttl === 'number' ? [] : [ttl];
  const seconds = typeof ttl === 'number' ? ttl : DEFAULT_MEDIA_TTL_SECONDS;
  return list(
    request,
    context,
    recordings,
    'newest first',
    (recording) => presentRecording(recording, request, context, seconds),
    errors,
  );
}

/**
 * A list in the §6 envelope. Sessions and recordings come newest first (RL §1 proposes it, the
 * order is UNCONFIRMED), members as they joined, events as they happened (RL §4 [GUESS]).
 */
function list<T extends { id: string }>(
  request: EmulatorRequest,
  context: LifeRouteContext,
  items: T[],
  order: 'ascending' | 'newest first',
  present: (item: T) => unknown,
  errors: ValidationError[] = [],
): EmulatorResponse {
  const sign = order === 'ascending' ? 1 : -1;
  const positionOf = (id: string) => {
    const sequence = context.sequenceOf(id);
    return sequence === undefined ? undefined : sign * sequence;
  };
  const sorted = [...items].sort((a, b) => (positionOf(a.id) ?? 0) - (positionOf(b.id) ?? 0));
  const page = paginate(request, sorted, positionOf, errors);
  if (errors.length > 0 || !page) {
    return { status: 422, body: { errors } };
  }
  return { status: 200, body: { links: page.links, data: page.data.map((item) => present(item)) } };
}

/** `media_ttl`: an int32 above 0, in seconds; the default when left out; else its 422 entry. */
function mediaTtl(request: EmulatorRequest): number | ValidationError {
  const text = request.query.media_ttl;
  if (text === undefined) {
    return DEFAULT_MEDIA_TTL_SECONDS;
  }
  const seconds = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  return seconds > 0 && seconds <= INT32_MAX
    ? seconds
    : problem('media_ttl', 'invalid_parameter', 'Media ttl must be an integer greater than 0');
}

/** A `RoomSession` list item: the summary and the three list-only keys (RL §1). */
function sessionListItem(session: SessionRecord, origin: string): Record<string, unknown> {
  return {
    ...sessionSummary(session, origin),
    cost_in_dollars: 0,
    enable_room_previews: session.enable_room_previews,
    locked_cover: LOCKED_COVER,
  };
}

/** A `RoomSessionSummary`, keys in spec order, every one present (RL §1). */
function sessionSummary(session: SessionRecord, origin: string): Record<string, unknown> {
  return {
    id: session.id,
    room_id: session.room_id,
    name: session.name,
    display_name: session.display_name,
    max_members: session.max_members,
    quality: session.quality,
    fps: session.fps,
    join_from: session.join_from,
    join_until: session.join_until,
    remove_at: session.remove_at,
    remove_after_seconds_elapsed: session.remove_after_seconds_elapsed,
    layout: session.layout,
    record_on_start: session.record_on_start,
    tone_on_entry_and_exit: session.tone_on_entry_and_exit,
    room_join_video_off: session.room_join_video_off,
    user_join_video_off: session.user_join_video_off,
    locked: session.locked,
    start_time: session.start_time,
    end_time: session.end_time,
    duration: session.duration,
    status: session.status,
    created_at: session.created_at,
    updated_at: session.updated_at,
    preview_url: previewUrl(session, origin),
    prioritize_handraise: session.prioritize_handraise,
    sync_audio_video: session.sync_audio_video,
  };
}

/** "If room previews are enabled and the room session is in progress" (spec), else null. */
function previewUrl(session: SessionRecord, origin: string): string | null {
  return session.enable_room_previews && session.status === 'in-progress'
    ? `${origin}/api/video/room_sessions/${session.id}/preview`
    : null;
}

/**
 * A recording with its `uri`: null until the file is complete, then "a temporary URL" valid
 * `media_ttl` seconds from this read (RL §3), signed by the emulator. The emulator serves no
 * file at it.
 */
function presentRecording(
  recording: RecordingRecord,
  request: EmulatorRequest,
  context: LifeRouteContext,
  ttlSeconds: number,
): Record<string, unknown> {
  let uri: string | null = null;
  if (recording.status === 'completed') {
    const expires = Math.floor(context.now() / 1000) + ttlSeconds;
    const path = `/files/room_recordings/${recording.id}.mp4`;
    const signature = createHmac('sha256', context.linkKey)
      .update(`${path}\n${expires}`)
      .digest('base64url');
    uri = `${request.origin}${path}?expires=${expires}&signature=${signature}`;
  }
  return {
    id: recording.id,
    room_session_id: recording.room_session_id,
    status: recording.status,
    started_at: recording.started_at,
    finished_at: recording.finished_at,
    duration: recording.duration,
    size_in_bytes: recording.size_in_bytes,
    format: recording.format,
    cost_in_dollars: recording.cost_in_dollars,
    uri,
    created_at: recording.created_at,
    updated_at: recording.updated_at,
  };
}
