// Room life as `signalwire-room-life.md` documents it: sessions (§1), their members (§2),
// recordings (§3) and the events of each (§4). REST only reads these; joins and leaves come
// through the emulator's admin routes, as a client's would through the Realtime SDK.

/** What a session copies from its room or conference when it starts (RL §1: sessions carry their own copies). */
export interface SessionSource {
  /** Null for a session whose room was made by its token (`auto_create_room`), RL §1. */
  readonly room_id: string | null;
  readonly name: string;
  readonly display_name: string | null;
  readonly max_members: number | null;
  readonly quality: string | null;
  readonly fps: number | null;
  readonly join_from: string | null;
  readonly join_until: string | null;
  readonly remove_at: string | null;
  readonly remove_after_seconds_elapsed: number | null;
  readonly layout: string | null;
  readonly record_on_start: boolean;
  readonly tone_on_entry_and_exit: boolean;
  readonly room_join_video_off: boolean;
  readonly user_join_video_off: boolean;
  readonly prioritize_handraise: boolean | null;
  readonly sync_audio_video: boolean | null;
  readonly enable_room_previews: boolean;
}

/** A session as kept; the routes add the fields that depend on the request (links, costs). */
export interface SessionRecord extends SessionSource {
  readonly id: string;
  locked: boolean;
  readonly start_time: string;
  end_time: string | null;
  duration: number | null;
  status: 'in-progress' | 'completed';
  readonly created_at: string;
  updated_at: string;
}

/** A member, keys in spec order (`RoomSessionMember`); `duration` stays null while inside. */
export interface MemberRecord {
  readonly id: string;
  readonly room_session_id: string;
  readonly name: string;
  readonly join_time: string;
  leave_time: string | null;
  duration: number | null;
  readonly cost_in_dollars: number;
}

/** A recording, keys in spec order (`RoomRecording`) but `uri`, which is minted per read. */
export interface RecordingRecord {
  readonly id: string;
  readonly room_session_id: string;
  status: 'recording' | 'processing' | 'completed';
  readonly started_at: string;
  finished_at: string | null;
  duration: number | null;
  size_in_bytes: number | null;
  format: string | null;
  readonly cost_in_dollars: number;
  readonly created_at: string;
  updated_at: string;
}

/** An event of a session or recording (`RoomSessionEvent`, RL §4). */
export interface EventRecord {
  readonly id: string;
  readonly project_id: string;
  readonly room_id: string;
  readonly room_session_id: string;
  readonly room_recording_id?: string;
  readonly room_participant_id?: string;
  readonly level: 'info';
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly created_at: string;
}

export interface LifeStoreOptions {
  readonly now: () => number;
  /** A new UUID in the store's creation order, for paging (§6). */
  readonly issueId: () => string;
  readonly projectId: string;
  /** How long a stopped recording stays `processing` before its file is `completed`. */
  readonly recordingReadyDelayMs: number;
}

/** Bytes per second of a recording's file (about 1 Mbit/s of 720p), to give it a size. */
const RECORDING_BYTES_PER_SECOND = 125_000;
const INT32_MAX = 2 ** 31 - 1;

/** Whole seconds with a `Z`, as every SignalWire timestamp is written (§1). */
function wireTime(milliseconds: number): string {
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function secondsBetween(from: string, to: string): number {
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

export class SignalWireLifeStore {
  readonly #options: LifeStoreOptions;
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #members = new Map<string, MemberRecord & { readonly endsSession: boolean }>();
  readonly #recordings = new Map<string, RecordingRecord & { readyAt: number | null }>();
  #events: EventRecord[] = [];

  constructor(options: LifeStoreOptions) {
    this.#options = options;
  }

  /**
   * The in-progress session of a room (by id), or of a room its tokens made (by name, when
   * `roomId` is null). At most one per room (RL §1, "[GUESS]"), which the store keeps true.
   */
  liveSession(roomId: string | null, name: string): SessionRecord | undefined {
    return [...this.#sessions.values()].find(
      (session) =>
        session.status === 'in-progress' &&
        (roomId === null
          ? session.room_id === null && session.name === name
          : session.room_id === roomId),
    );
  }

  /** Sessions in creation order. */
  sessions(): SessionRecord[] {
    return [...this.#sessions.values()];
  }

  session(id: string): SessionRecord | undefined {
    return this.#sessions.get(id);
  }

  /** Members of a session in the order they joined. */
  members(sessionId: string): MemberRecord[] {
    return [...this.#members.values()]
      .filter((member) => member.room_session_id === sessionId)
      .map(({ endsSession: _, ...member }) => member);
  }

  /** Who is inside the session now. */
  liveMembers(sessionId: string): MemberRecord[] {
    return this.members(sessionId).filter((member) => member.leave_time === null);
  }

  /**
   * A member joins the room's live session, or starts one (the first join, RL §6); a room with
   * `record_on_start` starts recording it then. `endsSession`: the token's
   * `end_room_session_on_leave` (`signalwire.md` §5.1).
   */
  join(source: SessionSource, name: string, endsSession: boolean): MemberRecord {
    const at = wireTime(this.#options.now());
    const session = this.liveSession(source.room_id, source.name) ?? this.#start(source, at);
    const member = {
      id: this.#options.issueId(),
      room_session_id: session.id,
      name,
      join_time: at,
      leave_time: null,
      duration: null,
      cost_in_dollars: 0,
      endsSession,
    };
    this.#members.set(member.id, member);
    this.#event(session, 'member.joined', this.#plain(member), { room_participant_id: member.id });
    const { endsSession: _, ...wire } = member;
    return wire;
  }

  /**
   * A member still inside leaves; false for anyone else. The last one out ends the session
   * (RL §6), and so does one whose token said `end_room_session_on_leave`: then everyone leaves.
   */
  leave(memberId: string): boolean {
    const member = this.#members.get(memberId);
    const session = member ? this.#sessions.get(member.room_session_id) : undefined;
    if (!member || !session || member.leave_time !== null) {
      return false;
    }
    const at = wireTime(this.#options.now());
    const leaving = member.endsSession ? this.liveMembers(session.id) : [member];
    for (const { id } of leaving) {
      const inside = this.#members.get(id);
      if (inside) {
        inside.leave_time = at;
        inside.duration = secondsBetween(inside.join_time, at);
        this.#event(session, 'member.left', this.#plain(inside), { room_participant_id: id });
      }
    }
    if (this.liveMembers(session.id).length === 0) {
      this.#end(session, at);
    }
    return true;
  }

  /** Recordings in creation order, each in the state the clock has brought it to. */
  recordings(): RecordingRecord[] {
    return [...this.#recordings.keys()].flatMap((id) => {
      const recording = this.recording(id);
      return recording ? [recording] : [];
    });
  }

  recording(id: string): RecordingRecord | undefined {
    const recording = this.#recordings.get(id);
    if (!recording) {
      return undefined;
    }
    // A stopped recording's file is ready once its delay has passed (RL §6: `recording`, then
    // `completed` with a `uri`; `processing` in between, RL §3 [GUESS]).
    if (
      recording.status === 'processing' &&
      recording.readyAt !== null &&
      recording.readyAt <= this.#options.now()
    ) {
      recording.status = 'completed';
      recording.size_in_bytes = Math.min(
        INT32_MAX,
        Math.max(1, (recording.duration ?? 0) * RECORDING_BYTES_PER_SECOND),
      );
      recording.format = 'video/mp4';
      recording.updated_at = wireTime(recording.readyAt);
      recording.readyAt = null;
    }
    const { readyAt: _, ...wire } = recording;
    return wire;
  }

  deleteRecording(id: string): boolean {
    return this.#recordings.delete(id);
  }

  /** Events of a session, recordings' included, oldest first. */
  sessionEvents(sessionId: string): EventRecord[] {
    return this.#events.filter((event) => event.room_session_id === sessionId);
  }

  /** Events of one recording, oldest first. */
  recordingEvents(recordingId: string): EventRecord[] {
    return this.#events.filter((event) => event.room_recording_id === recordingId);
  }

  reset(): void {
    this.#sessions.clear();
    this.#members.clear();
    this.#recordings.clear();
    this.#events = [];
  }

  #start(source: SessionSource, at: string): SessionRecord {
    const session: SessionRecord = {
      id: this.#options.issueId(),
      ...source,
      locked: false,
      start_time: at,
      end_time: null,
      duration: null,
      status: 'in-progress',
      created_at: at,
      updated_at: at,
    };
    this.#sessions.set(session.id, session);
    this.#event(session, 'room.started', { ...session });
    if (session.record_on_start) {
      const recording = {
        id: this.#options.issueId(),
        room_session_id: session.id,
        status: 'recording' as const,
        started_at: at,
        finished_at: null,
        duration: null,
        size_in_bytes: null,
        format: null,
        cost_in_dollars: 0,
        created_at: at,
        updated_at: at,
        readyAt: null,
      };
      this.#recordings.set(recording.id, recording);
      this.#event(session, 'recording.started', this.#plain(recording), {
        room_recording_id: recording.id,
      });
    }
    return session;
  }

  /** The session ends; its recordings stop and become ready after the configured delay. */
  #end(session: SessionRecord, at: string): void {
    session.status = 'completed';
    session.end_time = at;
    session.duration = secondsBetween(session.start_time, at);
    session.updated_at = at;
    for (const recording of this.#recordings.values()) {
      if (recording.room_session_id === session.id && recording.status === 'recording') {
        recording.status = 'processing';
        recording.finished_at = at;
        recording.duration = secondsBetween(recording.started_at, at);
        recording.updated_at = at;
        recording.readyAt = this.#options.now() + this.#options.recordingReadyDelayMs;
        this.#event(session, 'recording.ended', this.#plain(recording), {
          room_recording_id: recording.id,
        });
      }
    }
    this.#event(session, 'room.ended', { ...session });
  }

  /**
   * Event names and payloads are UNCONFIRMED (RL §4); these follow the sheet's proposal, with
   * the entity in snake_case as the payload. A session with no room (auto-created) gives its
   * own id as `room_id`, which the event schema requires (a guess).
   */
  #event(
    session: SessionRecord,
    name: string,
    payload: Record<string, unknown>,
    about: { room_recording_id?: string; room_participant_id?: string } = {},
  ): void {
    this.#events.push({
      id: this.#options.issueId(),
      project_id: this.#options.projectId,
      room_id: session.room_id ?? session.id,
      room_session_id: session.id,
      ...about,
      level: 'info',
      name,
      payload,
      created_at: wireTime(this.#options.now()),
    });
  }

  /** A record without the store's own bookkeeping keys, copied. */
  #plain(record: object): Record<string, unknown> {
    const { endsSession: _, readyAt: __, ...rest } = record as Record<string, unknown>;
    return structuredClone(rest);
  }
}
