import { randomBytes, randomUUID } from 'node:crypto';
import { SignalWireLifeStore } from './signalwire-life-store.js';

/** `Video.RoomTokenPermission` in spec order (fact sheet §5.3, 44 values). */
export const ROOM_TOKEN_PERMISSIONS = [
  'room.member.audio_mute',
  'room.member.audio_unmute',
  'room.member.video_mute',
  'room.member.video_unmute',
  'room.member.deaf',
  'room.member.undeaf',
  'room.member.set_input_volume',
  'room.member.set_output_volume',
  'room.member.set_input_sensitivity',
  'room.member.set_position',
  'room.member.set_meta',
  'room.member.raisehand',
  'room.member.lowerhand',
  'room.member.remove',
  'room.member.promote',
  'room.member.demote',
  'room.hide_video_muted',
  'room.list_available_layouts',
  'room.lock',
  'room.playback',
  'room.playback_seek',
  'room.prioritize_handraise',
  'room.recording',
  'room.set_layout',
  'room.set_position',
  'room.set_meta',
  'room.show_video_muted',
  'room.stream',
  'room.unlock',
  'room.self.audio_mute',
  'room.self.audio_unmute',
  'room.self.video_mute',
  'room.self.video_unmute',
  'room.self.deaf',
  'room.self.undeaf',
  'room.self.set_input_volume',
  'room.self.set_output_volume',
  'room.self.set_input_sensitivity',
  'room.self.set_position',
  'room.self.set_meta',
  'room.self.raisehand',
  'room.self.lowerhand',
  'room.self.screenshare',
  'room.self.additional_source',
] as const;

/** Room-token permissions when the request leaves `permissions` out, in order (§5.3). */
export const DEFAULT_ROOM_TOKEN_PERMISSIONS = [
  'room.self.audio_mute',
  'room.self.audio_unmute',
  'room.self.video_mute',
  'room.self.video_unmute',
  'room.self.deaf',
  'room.self.undeaf',
  'room.self.set_input_volume',
  'room.self.set_output_volume',
  'room.self.set_input_sensitivity',
  'room.self.screenshare',
  'room.self.additional_source',
] as const;

type Meta = Record<string, unknown>;

/** The Conference object exactly as the wire carries it, keys in spec order (§3.2). */
export interface SignalWireConference {
  id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  join_from: string | null;
  join_until: string | null;
  quality: string;
  layout: string;
  size: string | null;
  record_on_start: boolean;
  tone_on_entry_and_exit: boolean;
  user_join_video_off: boolean;
  room_join_video_off: boolean;
  enable_chat: boolean;
  enable_room_previews: boolean | null;
  dark_primary: string | null;
  dark_background: string | null;
  dark_foreground: string | null;
  dark_success: string | null;
  dark_negative: string | null;
  light_primary: string | null;
  light_background: string | null;
  light_foreground: string | null;
  light_success: string | null;
  light_negative: string | null;
  meta: Meta | null;
  created_at: string;
  updated_at: string;
}

/** The Room object as the wire carries it, keys in spec order (§4.2); `active_session` is never stored. */
export interface SignalWireRoom {
  id: string;
  name: string;
  display_name: string | null;
  description: string | null;
  max_members: number;
  quality: string;
  fps: number;
  join_from: string | null;
  join_until: string | null;
  remove_at: string | null;
  remove_after_seconds_elapsed: number | null;
  layout: string;
  record_on_start: boolean;
  tone_on_entry_and_exit: boolean;
  room_join_video_off: boolean;
  user_join_video_off: boolean;
  enable_room_previews: boolean | null;
  sync_audio_video: boolean | null;
  meta: Meta | null;
  prioritize_handraise: boolean;
  created_at: string;
  updated_at: string;
}

export interface SignalWireConferenceToken {
  id: string;
  name: string | null;
  token: string;
  scopes: string[];
}

/** A minted room token with the validated request it came from, for tests to inspect. */
export interface IssuedRoomToken {
  readonly token: string;
  /** Its `jti` claim: the id SignalWire knows the token by. */
  readonly id: string;
  readonly request: Readonly<Record<string, unknown>>;
}

/** Validated writable fields: only keys of the record, values already in wire form. */
export type ConferenceFields = Partial<
  Omit<SignalWireConference, 'id' | 'created_at' | 'updated_at'>
>;
export type RoomFields = Partial<Omit<SignalWireRoom, 'id' | 'created_at' | 'updated_at'>>;

/** Whole seconds with a `Z`, as every SignalWire timestamp is written (§1). */
export function toWireTime(milliseconds: number): string {
  return new Date(Math.floor(milliseconds / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * What a room created without them has (§4.1). UNCONFIRMED (§4.2): fps 20, tone true, video-off
 * false are the spec's examples; meta starts as {} like the §4.2 example; sync_audio_video stays
 * null until set. A room a token makes on the fly has them too. `prioritize_handraise` (false)
 * is set where each room is made: the wire puts it after `meta`.
 */
export const ROOM_DEFAULTS = {
  max_members: 20,
  quality: '720p',
  fps: 20,
  join_from: null,
  join_until: null,
  remove_at: null,
  remove_after_seconds_elapsed: null,
  layout: 'grid-responsive',
  record_on_start: false,
  tone_on_entry_and_exit: true,
  room_join_video_off: false,
  user_join_video_off: false,
  enable_room_previews: false,
  sync_audio_video: null,
} as const;

export class SignalWireStore {
  readonly #now: () => number;
  readonly #conferences = new Map<string, SignalWireConference>();
  readonly #rooms = new Map<string, SignalWireRoom>();
  readonly #tokens = new Map<string, SignalWireConferenceToken & { conferenceId: string }>();
  // Creation order of every id ever issued, kept after deletion so a `PA<id>` cursor whose record
  // was deleted between pages still resumes at the right place (§6).
  readonly #sequence = new Map<string, number>();
  #roomTokens: IssuedRoomToken[] = [];
  /** Sessions, members, recordings and their events, with ids in this store's order. */
  readonly life: SignalWireLifeStore;

  constructor(
    now: () => number,
    options: { readonly projectId: string; readonly recordingReadyDelayMs: number },
  ) {
    this.#now = now;
    this.life = new SignalWireLifeStore({
      now,
      issueId: () => this.issueId(),
      projectId: options.projectId,
      recordingReadyDelayMs: options.recordingReadyDelayMs,
    });
  }

  conferences(): SignalWireConference[] {
    return [...this.#conferences.values()];
  }

  conference(id: string): SignalWireConference | undefined {
    return this.#conferences.get(id);
  }

  createConference(fields: ConferenceFields & { display_name: string }): SignalWireConference {
    const at = toWireTime(this.#now());
    // Defaults from §3.1. UNCONFIRMED (§3.2): tone true and video-off false are the spec's
    // examples; record_on_start and enable_room_previews have no documented default (false
    // assumed, §3.1); meta starts null as in the §3.2 example. A missing `name` is derived from
    // display_name (UNCONFIRMED, §3.1 and §10).
    const conference: SignalWireConference = {
      id: this.issueId(),
      name: fields.name ?? this.#nameFrom(fields.display_name),
      display_name: fields.display_name,
      description: null,
      join_from: null,
      join_until: null,
      quality: '720p',
      layout: 'grid-responsive',
      size: 'medium',
      record_on_start: false,
      tone_on_entry_and_exit: true,
      user_join_video_off: false,
      room_join_video_off: false,
      enable_chat: true,
      enable_room_previews: false,
      dark_primary: '#044EF4',
      dark_background: '#FFFFFF',
      dark_foreground: '#1D2127',
      dark_success: '#17BB58',
      dark_negative: '#F42C50',
      light_primary: '#044EF4',
      light_background: '#FFFFFF',
      light_foreground: '#1D2127',
      light_success: '#17BB58',
      light_negative: '#F42C50',
      meta: null,
      created_at: at,
      updated_at: at,
    };
    Object.assign(conference, fields);
    this.#conferences.set(conference.id, conference);
    // Exactly two tokens, moderator first (S11 reads data[0] as the moderator). Names, order and
    // scopes are UNCONFIRMED (§3.4): the emulator choice there is moderator = the whole §5.3 enum,
    // guest = the §5.3 defaults minus room.self.screenshare (the PVC page says guests cannot share).
    this.#addToken(conference.id, 'Moderator', [...ROOM_TOKEN_PERMISSIONS]);
    this.#addToken(
      conference.id,
      'Guest',
      DEFAULT_ROOM_TOKEN_PERMISSIONS.filter((scope) => scope !== 'room.self.screenshare'),
    );
    return conference;
  }

  updateConference(id: string, fields: ConferenceFields): SignalWireConference | undefined {
    return this.#update(this.#conferences.get(id), fields);
  }

  deleteConference(id: string): boolean {
    for (const [tokenId, token] of this.#tokens) {
      if (token.conferenceId === id) {
        this.#tokens.delete(tokenId);
      }
    }
    return this.#conferences.delete(id);
  }

  conferenceTokens(conferenceId: string): SignalWireConferenceToken[] {
    return [...this.#tokens.values()].filter((token) => token.conferenceId === conferenceId);
  }

  conferenceToken(id: string): SignalWireConferenceToken | undefined {
    return this.#tokens.get(id);
  }

  /** The conference a `vpt_` secret opens, and the token's name; undefined once reset or unknown. */
  conferenceTokenBySecret(
    secret: string,
  ): { readonly conference: SignalWireConference; readonly name: string | null } | undefined {
    const token = [...this.#tokens.values()].find((candidate) => candidate.token === secret);
    const conference = token ? this.#conferences.get(token.conferenceId) : undefined;
    return token && conference ? { conference, name: token.name } : undefined;
  }

  conferenceByName(name: string): SignalWireConference | undefined {
    return this.conferences().find((conference) => conference.name === name);
  }

  /** A new secret under the same id: the spec's wording implies the id stays (§3.4, UNCONFIRMED). */
  resetConferenceToken(id: string): SignalWireConferenceToken | undefined {
    const token = this.#tokens.get(id);
    if (token) {
      token.token = newConferenceSecret();
    }
    return token;
  }

  rooms(): SignalWireRoom[] {
    return [...this.#rooms.values()];
  }

  room(id: string): SignalWireRoom | undefined {
    return this.#rooms.get(id);
  }

  roomByName(name: string): SignalWireRoom | undefined {
    return this.rooms().find((room) => room.name === name);
  }

  createRoom(fields: RoomFields & { name: string }): SignalWireRoom {
    const at = toWireTime(this.#now());
    const room: SignalWireRoom = {
      id: this.issueId(),
      name: fields.name,
      display_name: fields.name,
      description: null,
      ...ROOM_DEFAULTS,
      meta: {},
      prioritize_handraise: false,
      created_at: at,
      updated_at: at,
    };
    Object.assign(room, fields);
    this.#rooms.set(room.id, room);
    return room;
  }

  updateRoom(id: string, fields: RoomFields): SignalWireRoom | undefined {
    return this.#update(this.#rooms.get(id), fields);
  }

  deleteRoom(id: string): boolean {
    return this.#rooms.delete(id);
  }

  /**
   * Rooms and conferences share one name space: a conference is a room record with the prebuilt
   * UI (S10), and "unique per project" (§3.1, §4.1) is read strictly (UNCONFIRMED).
   */
  nameTaken(name: string): boolean {
    return this.roomByName(name) !== undefined || this.conferenceByName(name) !== undefined;
  }

  /** Position in creation order of any id this store issued, deleted or not. */
  sequenceOf(id: string): number | undefined {
    return this.#sequence.get(id);
  }

  recordRoomToken(issued: IssuedRoomToken): void {
    this.#roomTokens.push(issued);
  }

  roomTokens(): readonly IssuedRoomToken[] {
    return [...this.#roomTokens];
  }

  /** The room token this store issued under an id (`jti`), with the request it came from. */
  roomToken(id: string): IssuedRoomToken | undefined {
    return this.#roomTokens.find((issued) => issued.id === id);
  }

  reset(): void {
    this.life.reset();
    this.#conferences.clear();
    this.#rooms.clear();
    this.#tokens.clear();
    this.#sequence.clear();
    this.#roomTokens = [];
  }

  #update<T extends { updated_at: string }>(record: T | undefined, fields: object): T | undefined {
    if (record) {
      Object.assign(record, fields, { updated_at: toWireTime(this.#now()) });
    }
    return record;
  }

  #addToken(conferenceId: string, name: string, scopes: string[]): void {
    const id = this.issueId();
    this.#tokens.set(id, { id, name, token: newConferenceSecret(), scopes, conferenceId });
  }

  /** A new UUID, placed in creation order for paging (§6). */
  issueId(): string {
    const id = randomUUID();
    this.#sequence.set(id, this.#sequence.size);
    return id;
  }

  #nameFrom(displayName: string): string {
    const base = displayName
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 90);
    const stem = base === '' ? 'conference' : base;
    let name = stem;
    for (let suffix = 2; this.nameTaken(name); suffix += 1) {
      name = `${stem}_${suffix}`;
    }
    return name;
  }
}

function newConferenceSecret(): string {
  return `vpt_${randomBytes(16).toString('hex')}`;
}
