import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { HmsRoomRecord, HmsStore } from './hms-store.js';
import { peerWebhookData, sessionWebhookData } from './hms-webhook-data.js';
import { formatTime } from './hms-wire.js';

// What happens inside the emulated rooms (hms-room-life.md): sessions and their peers,
// recording jobs and their assets, and the webhooks each change sends (§4).

/** A peer: one join of one person; a new id on every join (§2). */
export interface HmsPeerRecord {
  readonly id: string;
  readonly sessionId: string;
  readonly roomId: string;
  readonly name: string;
  readonly role: string;
  readonly userId: string;
  readonly joinedAt: number;
  leftAt: number | null;
}

/** A session: "a single continuous call in a room" (§1), from the first join to the last leave. */
export interface HmsSessionRecord {
  readonly id: string;
  readonly roomId: string;
  active: boolean;
  readonly createdAt: number;
  updatedAt: number;
  readonly peers: Map<string, HmsPeerRecord>;
}

export type HmsRecordingStatus = 'starting' | 'running' | 'stopping' | 'completed' | 'failed';

/** A recording job (§3), started through the API, with the beam that records it (§4). */
export interface HmsRecordingRecord {
  readonly id: string;
  readonly beamId: string;
  readonly roomId: string;
  readonly sessionId: string;
  status: HmsRecordingStatus;
  readonly createdAt: number;
  startedAt: number | null;
  updatedAt: number;
  stoppedAt: number | null;
  readonly meetingUrl: string;
  readonly resolution: { readonly width: number; readonly height: number };
  readonly assetTypes: readonly string[];
  /** Null until the job completes (§3: `recording_assets` null while it runs). */
  assetIds: string[] | null;
}

/** A file a completed job produced (§3). */
export interface HmsAssetRecord {
  readonly id: string;
  readonly jobId: string;
  readonly roomId: string;
  readonly sessionId: string;
  readonly type: string;
  readonly path: string;
  readonly size: number;
  readonly duration: number;
  readonly status: 'completed';
  readonly createdAt: number;
  readonly metadata: Record<string, unknown>;
}

export interface HmsLifeStoreOptions {
  readonly rooms: HmsStore;
  readonly now: () => number;
  /** From a recording's stop to its file being ready (`completed`), in ms. */
  readonly recordingReadyDelayMs: number;
  /** Sends one webhook about `room` (the sender picks the target). */
  readonly emit: (room: HmsRoomRecord, type: string, data: Record<string, unknown>) => void;
  /** `http://host:port` as clients last addressed the emulator, for links in webhooks. */
  readonly origin: () => string;
}

/** Bytes a recorded second takes in the emulated files (about 2 Mbit/s). */
const BYTES_PER_SECOND = 250_000;

/** Why a recording job failed, as `beam.failure` says it (§4). */
export const HMS_BEAM_ERROR_TYPES = [
  'INTERNAL_ERROR',
  'MAX_RETRIES_REACHED',
  'UPLOAD_ERROR',
  'BEAM_STOPPED',
] as const;
export type HmsBeamErrorType = (typeof HMS_BEAM_ERROR_TYPES)[number];

/** A failure the next recording to stop will end with, instead of its files. */
export interface HmsRecordingFailure {
  readonly errorType: HmsBeamErrorType;
  readonly errorMessage: string;
}

export class HmsLifeStore {
  readonly #sessions = new Map<string, HmsSessionRecord>();
  readonly #recordings = new Map<string, HmsRecordingRecord>();
  readonly #assets = new Map<string, HmsAssetRecord>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Set by `failNextRecording`: how the next job to stop ends. */
  #nextFailure: HmsRecordingFailure | null = null;
  /** Signs the emulated storage's download links. */
  readonly #storageKey = randomBytes(32);

  constructor(private readonly options: HmsLifeStoreOptions) {}

  get #now() {
    return this.options.now();
  }

  // Reads

  session(id: string): HmsSessionRecord | undefined {
    return this.#sessions.get(id);
  }

  /** Newest first (ids grow with time), as the docs' examples show (§1, UNCONFIRMED). */
  sessions(): HmsSessionRecord[] {
    return [...this.#sessions.values()].sort(newestFirst);
  }

  liveSession(roomId: string): HmsSessionRecord | undefined {
    return [...this.#sessions.values()].find(
      (session) => session.roomId === roomId && session.active,
    );
  }

  connected(session: HmsSessionRecord): HmsPeerRecord[] {
    return [...session.peers.values()].filter((peer) => peer.leftAt === null);
  }

  recording(id: string): HmsRecordingRecord | undefined {
    return this.#recordings.get(id);
  }

  recordings(): HmsRecordingRecord[] {
    return [...this.#recordings.values()].sort(newestFirst);
  }

  asset(id: string): HmsAssetRecord | undefined {
    return this.#assets.get(id);
  }

  assets(): HmsAssetRecord[] {
    return [...this.#assets.values()].sort(newestFirst);
  }

  // Joins and leaves (the admin routes stand in for the client SDKs)

  /** A peer joins the room: the first join opens a session (§1), then `peer.join.success`. */
  join(room: HmsRoomRecord, who: { role: string; userId: string; name: string }): HmsPeerRecord {
    let session = this.liveSession(room.id);
    if (!session) {
      const at = this.#now;
      session = {
        id: this.options.rooms.newId(),
        roomId: room.id,
        active: true,
        createdAt: at,
        updatedAt: at,
        peers: new Map(),
      };
      this.#sessions.set(session.id, session);
      this.options.emit(room, 'session.open.success', sessionWebhookData(room, session));
    }
    const peer: HmsPeerRecord = {
      id: randomUUID(),
      sessionId: session.id,
      roomId: room.id,
      name: who.name,
      role: who.role,
      userId: who.userId,
      joinedAt: this.#now,
      leftAt: null,
    };
    session.peers.set(peer.id, peer);
    session.updatedAt = peer.joinedAt;
    this.options.emit(room, 'peer.join.success', {
      ...peerWebhookData(room, session, peer),
      type: 'regular',
    });
    return peer;
  }

  /** The connected peer with this id, wherever it is. */
  connectedPeer(peerId: string): { session: HmsSessionRecord; peer: HmsPeerRecord } | undefined {
    for (const session of this.#sessions.values()) {
      const peer = session.peers.get(peerId);
      if (session.active && peer && peer.leftAt === null) {
        return { session, peer };
      }
    }
    return undefined;
  }

  /**
   * A peer leaves, with one of the documented reasons (§4: `client request`, `peer kicked`, …);
   * the last one out closes the session.
   */
  leave(
    room: HmsRoomRecord,
    session: HmsSessionRecord,
    peer: HmsPeerRecord,
    reason: string,
    message = '',
  ): void {
    const at = this.#now;
    peer.leftAt = at;
    session.updatedAt = at;
    this.options.emit(room, 'peer.leave.success', {
      ...peerWebhookData(room, session, peer),
      left_at: formatTime(at),
      duration: Math.round((at - peer.joinedAt) / 1000),
      reason,
      message,
      type: 'regular',
    });
    if (this.connected(session).length === 0) {
      this.#close(room, session);
    }
  }

  /**
   * `end-room` (§1): everyone is taken out, `room.end.success` and the session's close follow;
   * with `lock`, the room is disabled too. Done at once here, where 100ms answers "session is
   * ending" and finishes on its own (the webhooks come in the same order).
   */
  endRoom(room: HmsRoomRecord, session: HmsSessionRecord, lock: boolean, reason: string): void {
    if (lock) {
      this.options.rooms.update(room, { enabled: false });
    }
    this.options.emit(room, 'room.end.success', {
      room_id: room.id,
      room_name: room.name,
      session_id: session.id,
      peer_id: '',
      user_id: '',
      template_id: room.templateId,
      user_name: '',
      role: '',
      lock_room: lock,
      reason,
      source: 'api',
      session_started_at: formatTime(session.createdAt),
    });
    const everyone = this.connected(session);
    for (const peer of everyone) {
      // [GUESS] the reason 100ms gives peers taken out by end-room is not documented; "peer
      // kicked" is the one for peers removed through the server API (§4).
      peer.leftAt = this.#now;
      this.options.emit(room, 'peer.leave.success', {
        ...peerWebhookData(room, session, peer),
        left_at: formatTime(peer.leftAt),
        duration: Math.round((peer.leftAt - peer.joinedAt) / 1000),
        reason: 'peer kicked',
        message: reason,
        type: 'regular',
      });
    }
    this.#close(room, session);
  }

  // Recordings

  /** A recording job, `starting` at first, `running` right after (§3: "shortly"). */
  startRecording(
    room: HmsRoomRecord,
    session: HmsSessionRecord,
    settings: { meetingUrl: string; resolution?: { width: number; height: number } },
  ): HmsRecordingRecord {
    const at = this.#now;
    const job: HmsRecordingRecord = {
      id: this.options.rooms.newId(),
      beamId: this.options.rooms.newId(),
      roomId: room.id,
      sessionId: session.id,
      status: 'starting',
      createdAt: at,
      startedAt: null,
      updatedAt: at,
      stoppedAt: null,
      meetingUrl: settings.meetingUrl,
      resolution: settings.resolution ?? { width: 1280, height: 720 },
      assetTypes: ['room-composite', 'chat'],
      assetIds: null,
    };
    this.#recordings.set(job.id, job);
    this.#later(0, () => {
      if (job.status !== 'starting') {
        return;
      }
      job.status = 'running';
      job.startedAt = this.#now;
      job.updatedAt = job.startedAt;
      this.options.emit(room, 'beam.started.success', {
        ...this.#beamData(room, job),
        job_id: job.id,
        recording_enabled: true,
        start_delay: Math.round((job.startedAt - job.createdAt) / 1000),
        state_name: 'Started',
        state_timestamp: formatTime(job.startedAt),
      });
    });
    return job;
  }

  /** Jobs of a room still starting or running. */
  runningRecordings(roomId: string): HmsRecordingRecord[] {
    return this.recordings().filter(
      (job) => job.roomId === roomId && (job.status === 'starting' || job.status === 'running'),
    );
  }

  /**
   * The next job to stop fails instead of completing (an admin switch: 100ms's recordings fail
   * on their own, e.g. when the upload of the files fails, which nothing here can cause).
   */
  failNextRecording(failure: HmsRecordingFailure): void {
    this.#nextFailure = failure;
  }

  /**
   * Stops a job: `stopping` now, `beam.stopped.success`, then, after the emulator's delay, its
   * files exist, the job is `completed` and `beam.recording.success` names it; or, when
   * `failNextRecording` asked for it, the job is `failed`, has no files, and `beam.failure`
   * names it.
   */
  stopRecording(room: HmsRoomRecord, job: HmsRecordingRecord, reason: string): void {
    const failure = this.#nextFailure;
    this.#nextFailure = null;
    const at = this.#now;
    const startedAt = job.startedAt ?? at;
    job.status = 'stopping';
    job.startedAt = startedAt;
    job.stoppedAt = at;
    job.updatedAt = at;
    const duration = Math.max(1, Math.round((at - startedAt) / 1000));
    this.options.emit(room, 'beam.stopped.success', {
      ...this.#beamData(room, job),
      job_id: job.id,
      recording_enabled: true,
      duration,
      reason,
      state_name: 'Stopped',
      state_timestamp: formatTime(at),
    });
    this.#later(this.options.recordingReadyDelayMs, () => {
      const done = this.#now;
      if (failure) {
        this.#fail(room, job, failure, done);
        return;
      }
      const files = job.assetTypes.map((type) =>
        this.#addAsset(job, type, done, type === 'room-composite' ? duration : 0),
      );
      job.assetIds = files.map((file) => file.id);
      job.status = 'completed';
      job.updatedAt = done;
      const video = files.find((file) => file.type === 'room-composite');
      this.options.emit(room, 'beam.recording.success', {
        ...this.#beamData(room, job),
        // `recording_id`: "100ms assigned id to the recording" (§4), the job's id here.
        recording_id: job.id,
        created_at: formatTime(done),
        duration,
        started_at: formatTime(startedAt),
        stopped_at: formatTime(at),
        recording_path: video?.path ?? '',
        recording_presigned_url: video
          ? this.downloadUrl(this.options.origin(), video, 86_400).url
          : '',
        size: video?.size ?? 0,
      });
    });
  }

  /** A signed link to an asset's file, valid for `seconds` (§3's presigned URL). */
  downloadUrl(origin: string, asset: HmsAssetRecord, seconds: number) {
    const expires = Math.floor(this.#now / 1000) + seconds;
    const signature = this.#sign(asset.id, expires);
    return {
      url: `${origin}/recordings-storage/${asset.id}?expires=${expires}&signature=${signature}`,
      expiry: seconds,
    };
  }

  /** Whether a download link is ours, unchanged and unexpired. */
  checkDownload(assetId: string, expires: string, signature: string): boolean {
    const until = Number(expires);
    return (
      Number.isInteger(until) &&
      until >= Math.floor(this.#now / 1000) &&
      this.#assets.has(assetId) &&
      signature === this.#sign(assetId, until)
    );
  }

  reset(): void {
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
    this.#nextFailure = null;
    this.#sessions.clear();
    this.#recordings.clear();
    this.#assets.clear();
  }

  /** The last peer left (or the room was ended): the session closes, its recordings stop. */
  #close(room: HmsRoomRecord, session: HmsSessionRecord): void {
    const at = this.#now;
    session.active = false;
    session.updatedAt = at;
    this.options.emit(room, 'session.close.success', {
      ...sessionWebhookData(room, session),
      session_duration: Math.round((at - session.createdAt) / 1000),
      session_stopped_at: formatTime(at),
    });
    // A beam stops when its room ends (§4's stop reasons: `room ended`); 100ms waits up to a
    // minute for that, the emulator does not.
    for (const job of this.runningRecordings(room.id)) {
      this.stopRecording(room, job, 'room ended');
    }
  }

  /**
   * A job ends `failed` (§3) and `beam.failure` says why (§4: the `beam.*` keys, `job_id`,
   * `error_type`, `error_message`). What a failed job lists in `recording_assets` is not
   * documented: no file came, so it stays null.
   */
  #fail(room: HmsRoomRecord, job: HmsRecordingRecord, failure: HmsRecordingFailure, at: number) {
    job.status = 'failed';
    job.updatedAt = at;
    this.options.emit(room, 'beam.failure', {
      ...this.#beamData(room, job),
      job_id: job.id,
      recording_enabled: true,
      error_type: failure.errorType,
      error_message: failure.errorMessage,
      state_timestamp: formatTime(at),
    });
  }

  #addAsset(job: HmsRecordingRecord, type: string, at: number, duration: number) {
    const asset: HmsAssetRecord = {
      id: this.options.rooms.newId(),
      jobId: job.id,
      roomId: job.roomId,
      sessionId: job.sessionId,
      type,
      path: `s3://emulator-recordings/${job.roomId}/${job.id}/${type}.${type === 'chat' ? 'csv' : 'mp4'}`,
      size: type === 'room-composite' ? duration * BYTES_PER_SECOND : 74,
      duration,
      status: 'completed',
      createdAt: at,
      metadata: type === 'room-composite' ? { resolution: job.resolution } : {},
    };
    this.#assets.set(asset.id, asset);
    return asset;
  }

  /** What every `beam.*` webhook carries (§4); started, stopped and failure add `job_id`. */
  #beamData(room: HmsRoomRecord, job: HmsRecordingRecord) {
    const session = this.#sessions.get(job.sessionId);
    return {
      beam_id: job.beamId,
      room_id: room.id,
      session_id: job.sessionId,
      peer_id: '',
      template_id: room.templateId,
      metadata_id: randomUUID(),
      metadata_timestamp: formatTime(this.#now),
      max_width: job.resolution.width,
      max_height: job.resolution.height,
      meeting_url: job.meetingUrl,
      rtmp: [],
      session_started_at: session ? formatTime(session.createdAt) : '',
    };
  }

  #sign(assetId: string, expires: number): string {
    return createHmac('sha256', this.#storageKey).update(`${assetId}\n${expires}`).digest('hex');
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }
}

function newestFirst(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
