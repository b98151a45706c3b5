import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';
import type {
  HmsAssetRecord,
  HmsLifeStore,
  HmsPeerRecord,
  HmsRecordingRecord,
  HmsSessionRecord,
} from './hms-life-store.js';
import type { HmsRoomRecord, HmsStore } from './hms-store.js';
import { errorReply, formatTime, isJson, reply } from './hms-wire.js';

// The room-life endpoints of hms-room-life.md §1–§3, behind the management-token check. Where the
// sheet marks an answer UNCONFIRMED, the stricter reading (or the sheet's proposal) is taken,
// and said so where it is.

const ID = /^[0-9a-f]{24}$/;
const SESSIONS = /^\/v2\/sessions\/?$/;
const SESSION = /^\/v2\/sessions\/([^/]+)\/?$/;
const ACTIVE_ROOM = /^\/v2\/active-rooms\/([^/]+)(?:\/(peers|remove-peers|end-room))?\/?$/;
const ACTIVE_PEER = /^\/v2\/active-rooms\/([^/]+)\/peers\/([^/]+)\/?$/;
const RECORDINGS = /^\/v2\/recordings\/?$/;
const ROOM_RECORDING = /^\/v2\/recordings\/room\/([^/]+)\/(start|stop)\/?$/;
const RECORDING = /^\/v2\/recordings\/([^/]+)(\/stop)?\/?$/;
const ASSETS = /^\/v2\/recording-assets\/?$/;
const ASSET = /^\/v2\/recording-assets\/([^/]+)(\/presigned-url)?\/?$/;
const STORAGE = /^\/recordings-storage\/([0-9a-f]{24})$/;

const RECORDING_STATUSES = [
  'starting',
  'running',
  'stopping',
  'post_processing',
  'completed',
  'failed',
];

/** Thrown by a check; becomes 100ms's error body. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

const badParam = (param: string) =>
  new Refusal(400, 'Invalid query param', [`Invalid query param: ${param}`]);
const badBody = (what: string) =>
  new Refusal(400, 'Invalid body param', [`Invalid body param: ${what}`]);
/** The sheet's proposal for a room nobody is in (§1): the `room.end.failure` example's text. */
const NO_SESSION = () => new Refusal(404, 'session not found');

export function createHmsLifeRoutes(options: { rooms: HmsStore; life: HmsLifeStore }) {
  const { rooms, life } = options;

  /** The answer to a room-life path, or null for any other path. */
  function handle(request: EmulatorRequest): EmulatorResponse | null {
    try {
      return route(request);
    } catch (error) {
      if (error instanceof Refusal) {
        return errorReply(error.status, error.message, error.details);
      }
      throw error;
    }
  }

  type Serve = (request: EmulatorRequest, match: RegExpExecArray) => EmulatorResponse;

  /** Each path and what serves it, most specific first. */
  const table: readonly (readonly [RegExp, Serve])[] = [
    [SESSIONS, (request) => (request.method === 'GET' ? listSessions(request.query) : notFound())],
    [
      SESSION,
      (request, match) =>
        request.method === 'GET' ? reply(200, sessionWire(sessionOr404(match[1]))) : notFound(),
    ],
    [
      ACTIVE_PEER,
      (request, match) => {
        if (request.method !== 'GET') {
          return notFound();
        }
        const session = liveOr404(roomOr404(match[1]));
        const peer = session.peers.get(decode(match[2]));
        if (!peer || peer.leftAt !== null) {
          throw new Refusal(404, 'peer not found');
        }
        return reply(200, { ...livePeerWire(peer), tracks: {} });
      },
    ],
    [
      ACTIVE_ROOM,
      (request, match) => {
        const room = roomOr404(match[1]);
        switch (`${request.method} ${match[2] ?? ''}`) {
          case 'GET ':
            return activeRoom(room);
          case 'GET peers':
            return livePeers(room, request.query);
          case 'POST remove-peers':
            return removePeers(room, body(request, true));
          case 'POST end-room':
            return endRoom(room, body(request, false));
          default:
            return notFound();
        }
      },
    ],
    [
      ROOM_RECORDING,
      (request, match) => {
        if (request.method !== 'POST') {
          return notFound();
        }
        const room = roomOr404(match[1]);
        // Both take no body at all too: the docs' stop example sends none (§3).
        const sent = body(request, false);
        return match[2] === 'start' ? startRecording(room, sent) : stopRoomRecordings(room);
      },
    ],
    [
      RECORDINGS,
      (request) => (request.method === 'GET' ? listRecordings(request.query) : notFound()),
    ],
    [
      RECORDING,
      (request, match) => {
        const job = recordingOr404(match[1]);
        if (request.method === 'GET' && !match[2]) {
          return reply(200, recordingWire(job, true));
        }
        if (request.method === 'POST' && match[2]) {
          body(request, false);
          return stopOne(job);
        }
        return notFound();
      },
    ],
    [ASSETS, (request) => (request.method === 'GET' ? listAssets(request.query) : notFound())],
    [
      ASSET,
      (request, match) => {
        if (request.method !== 'GET') {
          return notFound();
        }
        const asset = life.asset(decode(match[1]));
        if (!asset) {
          throw new Refusal(404, 'asset not found');
        }
        return match[2] ? presignedUrl(request, asset) : reply(200, assetWire(asset));
      },
    ],
  ];

  function route(request: EmulatorRequest): EmulatorResponse | null {
    for (const [pattern, serve] of table) {
      const match = pattern.exec(request.path);
      if (match) {
        return serve(request, match);
      }
    }
    return null;
  }

  /** `GET /recordings-storage/{asset}`: the file behind a presigned URL; no management token. */
  function download(request: EmulatorRequest): EmulatorResponse | null {
    const match = STORAGE.exec(request.path);
    if (!match || request.method !== 'GET') {
      return null;
    }
    const asset = match[1] as string;
    if (!life.checkDownload(asset, request.query.expires ?? '', request.query.signature ?? '')) {
      // What S3 answers a tampered or expired link, in 100ms's body shape for simplicity.
      return errorReply(403, 'Request has expired or its signature does not match');
    }
    const file = life.asset(asset) as HmsAssetRecord;
    return reply(200, { id: file.id, type: file.type, size: file.size, path: file.path });
  }

  // Sessions (§1)

  function listSessions(query: Readonly<Record<string, string>>): EmulatorResponse {
    const { limit, start } = paging(query);
    if (query.room_id !== undefined && !ID.test(query.room_id)) {
      throw badParam('room_id');
    }
    // "Default: true" (§1): without the filter, only live sessions (the strict reading).
    const active = query.active ?? 'true';
    if (active !== 'true' && active !== 'false') {
      throw badParam('active');
    }
    const after = timeParam(query, 'after');
    const before = timeParam(query, 'before');
    const data = life
      .sessions()
      .filter(
        (session) =>
          session.active === (active === 'true') &&
          (query.room_id === undefined || session.roomId === query.room_id) &&
          (after === undefined || session.createdAt >= after) &&
          (before === undefined || session.createdAt <= before) &&
          (start === undefined || session.id < start),
      )
      .slice(0, limit);
    return reply(200, { limit, data: data.map(sessionWire), last: data.at(-1)?.id ?? '' });
  }

  function sessionWire(session: HmsSessionRecord) {
    return {
      id: session.id,
      room_id: session.roomId,
      customer_id: rooms.customerId,
      app_id: rooms.appId,
      active: session.active,
      // An object keyed by peer id (§1); a peer still in has no `left_at` (the sheet's proposal).
      peers: Object.fromEntries(
        [...session.peers.values()].map((peer) => [
          peer.id,
          {
            id: peer.id,
            session_id: session.id,
            name: peer.name,
            role: peer.role,
            user_id: peer.userId,
            joined_at: formatTime(peer.joinedAt),
            ...(peer.leftAt === null ? {} : { left_at: formatTime(peer.leftAt) }),
          },
        ]),
      ),
      created_at: formatTime(session.createdAt),
      updated_at: formatTime(session.updatedAt),
    };
  }

  // Active rooms and peers (§1, §2)

  function activeRoom(room: HmsRoomRecord): EmulatorResponse {
    const session = liveOr404(room);
    return reply(200, {
      id: room.id,
      name: room.name,
      customer_id: rooms.customerId,
      session: {
        id: session.id,
        created_at: formatTime(session.createdAt),
        // An array of peer ids here, not an object (§1).
        peers: life.connected(session).map((peer) => peer.id),
      },
    });
  }

  function livePeers(room: HmsRoomRecord, query: Readonly<Record<string, string>>) {
    const session = liveOr404(room);
    const peers = life
      .connected(session)
      .filter(
        (peer) =>
          (query.user_id === undefined || peer.userId === query.user_id) &&
          (query.role === undefined || peer.role === query.role),
      );
    // No match gives an empty `peers` (§2).
    return reply(200, {
      peers: Object.fromEntries(peers.map((peer) => [peer.id, livePeerWire(peer)])),
    });
  }

  function livePeerWire(peer: HmsPeerRecord) {
    return {
      id: peer.id,
      name: peer.name,
      user_id: peer.userId,
      metadata: '',
      role: peer.role,
      joined_at: formatTime(peer.joinedAt),
    };
  }

  /** §2: `peer_id` wins over `role`; `role` alone takes out everyone with it; neither is a 400. */
  function removePeers(room: HmsRoomRecord, sent: Record<string, unknown>): EmulatorResponse {
    const peerId = optionalString(sent, 'peer_id');
    const role = optionalString(sent, 'role');
    const reason = optionalString(sent, 'reason') ?? '';
    if (!peerId && !role) {
      // The status is UNCONFIRMED (§2); the sheet's proposal.
      throw badBody('peer_id or role is required');
    }
    const session = liveOr404(room);
    const leaving = life
      .connected(session)
      .filter((peer) => (peerId ? peer.id === peerId : peer.role === role));
    if (leaving.length === 0) {
      throw new Refusal(404, 'peer not found');
    }
    for (const peer of leaving) {
      life.leave(room, session, peer, 'peer kicked', reason);
    }
    return reply(200, { message: 'peer remove request submitted' });
  }

  /** §1: `{reason, lock}`, both optional; a room nobody is in is the sheet's proposed 404. */
  function endRoom(room: HmsRoomRecord, sent: Record<string, unknown>): EmulatorResponse {
    const reason = optionalString(sent, 'reason') ?? '';
    const lock = sent.lock === undefined ? false : sent.lock;
    if (typeof lock !== 'boolean') {
      throw badBody('lock');
    }
    life.endRoom(room, liveOr404(room), lock, reason);
    return reply(200, { message: 'session is ending' });
  }

  // Recordings (§3)

  function startRecording(room: HmsRoomRecord, sent: Record<string, unknown>): EmulatorResponse {
    const meetingUrl = optionalString(sent, 'meeting_url');
    optionalString(sent, 'destination');
    if (sent.audio_only !== undefined && typeof sent.audio_only !== 'boolean') {
      throw badBody('audio_only');
    }
    if (sent.transcription !== undefined && !isObject(sent.transcription)) {
      throw badBody('transcription');
    }
    const resolution = sent.resolution === undefined ? undefined : readResolution(sent.resolution);
    const template = rooms.template(room.templateId);
    if (meetingUrl === undefined && !template?.subdomain) {
      // `meeting_url` is required when the template has no subdomain (templates made through
      // the REST API have none, §3); the wire text is ours.
      throw badBody("meeting_url is required: the room's template has no subdomain");
    }
    const session = life.liveSession(room.id);
    // With nobody in the room, or a recording already going: UNCONFIRMED (§3), the sheet's
    // proposal of a 400.
    if (!session) {
      throw new Refusal(400, 'no active session in the room');
    }
    if (life.runningRecordings(room.id).length > 0) {
      throw new Refusal(400, 'a recording is already running in the room');
    }
    const job = life.startRecording(room, session, {
      meetingUrl:
        meetingUrl ??
        `https://${template?.subdomain}.app.100ms.live/preview/${room.id}?token=beam_recording`,
      resolution,
    });
    return reply(200, recordingWire(job, true));
  }

  /** Stops every job running in the room; none running is an empty page (UNCONFIRMED, §3). */
  function stopRoomRecordings(room: HmsRoomRecord): EmulatorResponse {
    const jobs = life.runningRecordings(room.id);
    for (const job of jobs) {
      life.stopRecording(room, job, 'client request');
    }
    return reply(200, {
      limit: Math.max(10, jobs.length),
      data: jobs.map((job) => recordingWire(job, true)),
      last: jobs.at(-1)?.id ?? '',
    });
  }

  function stopOne(job: HmsRecordingRecord): EmulatorResponse {
    if (job.status !== 'starting' && job.status !== 'running') {
      // Stopping a job that is not running: UNCONFIRMED (§3); refused as a bad request.
      throw new Refusal(400, 'recording is not running');
    }
    life.stopRecording(rooms.get(job.roomId) as HmsRoomRecord, job, 'client request');
    return reply(200, recordingWire(job, true));
  }

  function listRecordings(query: Readonly<Record<string, string>>): EmulatorResponse {
    const { limit, start } = paging(query);
    for (const param of ['room_id', 'session_id'] as const) {
      if (query[param] !== undefined && !ID.test(query[param])) {
        throw badParam(param);
      }
    }
    if (query.status !== undefined && !RECORDING_STATUSES.includes(query.status)) {
      throw badParam('status');
    }
    const data = life
      .recordings()
      .filter(
        (job) =>
          (query.room_id === undefined || job.roomId === query.room_id) &&
          (query.session_id === undefined || job.sessionId === query.session_id) &&
          (query.status === undefined || job.status === query.status) &&
          (start === undefined || job.id < start),
      )
      .slice(0, limit);
    // The list leaves out `recording_assets` (§3: "to optimize for performance").
    return reply(200, {
      limit,
      data: data.map((job) => recordingWire(job, false)),
      last: data.at(-1)?.id ?? '',
    });
  }

  function recordingWire(job: HmsRecordingRecord, withAssets: boolean) {
    return {
      id: job.id,
      room_id: job.roomId,
      session_id: job.sessionId,
      status: job.status,
      created_at: formatTime(job.createdAt),
      started_at: job.startedAt === null ? null : formatTime(job.startedAt),
      updated_at: formatTime(job.updatedAt),
      stopped_at: job.stoppedAt === null ? null : formatTime(job.stoppedAt),
      meeting_url: job.meetingUrl,
      // Done from the server, not by a peer (§3).
      started_by: '',
      stopped_by: '',
      asset_types: job.assetTypes,
      ...(withAssets
        ? {
            recording_assets:
              job.assetIds === null
                ? null
                : job.assetIds.map((id) => {
                    const {
                      job_id: _job,
                      room_id: _room,
                      session_id: _session,
                      ...rest
                    } = assetWire(life.asset(id) as HmsAssetRecord);
                    return rest;
                  }),
          }
        : {}),
    };
  }

  function listAssets(query: Readonly<Record<string, string>>): EmulatorResponse {
    const { limit, start } = paging(query);
    for (const param of ['room_id', 'session_id'] as const) {
      if (query[param] !== undefined && !ID.test(query[param])) {
        throw badParam(param);
      }
    }
    if (query.status !== undefined && query.status !== 'completed' && query.status !== 'failed') {
      throw badParam('status');
    }
    const data = life
      .assets()
      .filter(
        (asset) =>
          (query.room_id === undefined || asset.roomId === query.room_id) &&
          (query.session_id === undefined || asset.sessionId === query.session_id) &&
          (query.status === undefined || asset.status === query.status) &&
          (start === undefined || asset.id < start),
      )
      .slice(0, limit);
    return reply(200, { limit, data: data.map(assetWire), last: data.at(-1)?.id ?? '' });
  }

  function assetWire(asset: HmsAssetRecord) {
    return {
      id: asset.id,
      job_id: asset.jobId,
      room_id: asset.roomId,
      session_id: asset.sessionId,
      type: asset.type,
      path: asset.path,
      thumbnails: null,
      metadata: asset.metadata,
      duration: asset.duration,
      size: asset.size,
      status: asset.status,
      created_at: formatTime(asset.createdAt),
    };
  }

  /**
   * §3: a short-lived link; 3 days by default (the emulated bucket is S3-like), or
   * `presign_duration` seconds. Its bounds are undocumented; S3's own cap of 7 days is kept.
   */
  function presignedUrl(request: EmulatorRequest, asset: HmsAssetRecord): EmulatorResponse {
    const asked = request.query.presign_duration;
    const seconds = asked === undefined ? 3 * 86_400 : Number(asked);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 7 * 86_400) {
      throw badParam('presign_duration');
    }
    const link = life.downloadUrl(request.origin, asset, seconds);
    return reply(200, { id: asset.id, path: asset.path, url: link.url, expiry: link.expiry });
  }

  // Shared checks

  function roomOr404(raw: string | undefined): HmsRoomRecord {
    const room = rooms.get(decode(raw));
    if (!room) {
      // The room routes' own text (hms.md §3.4).
      throw new Refusal(404, 'Room not found');
    }
    return room;
  }

  function liveOr404(room: HmsRoomRecord): HmsSessionRecord {
    const session = life.liveSession(room.id);
    if (!session) {
      throw NO_SESSION();
    }
    return session;
  }

  function sessionOr404(raw: string | undefined): HmsSessionRecord {
    const session = life.session(decode(raw));
    if (!session) {
      throw NO_SESSION();
    }
    return session;
  }

  function recordingOr404(raw: string | undefined): HmsRecordingRecord {
    const job = life.recording(decode(raw));
    if (!job) {
      throw new Refusal(404, 'recording not found');
    }
    return job;
  }

  return { handle, download };
}

/** `limit` 10..100 (default 10) and an exclusive `start` id, as every v2 list (hms.md §3.3). */
function paging(query: Readonly<Record<string, string>>) {
  const limit = query.limit === undefined ? 10 : Number(query.limit);
  // Outside 10..100 is UNCONFIRMED; the strict reading refuses it.
  if (!Number.isInteger(limit) || limit < 10 || limit > 100) {
    throw badParam('limit');
  }
  if (query.start !== undefined && !ID.test(query.start)) {
    throw badParam('start');
  }
  return { limit, start: query.start };
}

function timeParam(query: Readonly<Record<string, string>>, name: 'after' | 'before') {
  const value = query[name];
  if (value === undefined) {
    return undefined;
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw badParam(name);
  }
  return ms;
}

/**
 * A POST body: a JSON object sent as JSON. An empty body is `{}` where every field is
 * optional (`required` false).
 */
function body(request: EmulatorRequest, required: boolean): Record<string, unknown> {
  if (request.rawBody.trim() === '' && !required) {
    return {};
  }
  if (!isJson(request) || !isObject(request.body)) {
    throw new Refusal(400, 'Invalid body', ['Invalid body: a JSON object is required']);
  }
  return request.body;
}

function optionalString(sent: Record<string, unknown>, field: string): string | undefined {
  const value = sent[field];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw badBody(field);
  }
  return value;
}

function readResolution(value: unknown) {
  if (
    !isObject(value) ||
    !Number.isInteger(value.width) ||
    !Number.isInteger(value.height) ||
    (value.width as number) <= 0 ||
    (value.height as number) <= 0
  ) {
    throw badBody('resolution');
  }
  return { width: value.width as number, height: value.height as number };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decode(raw: string | undefined): string {
  try {
    return decodeURIComponent(raw ?? '');
  } catch {
    return '';
  }
}

function notFound(): EmulatorResponse {
  // Unmatched methods answer 404, as the room routes do (no 405 is documented).
  return errorReply(404, 'Not found');
}
