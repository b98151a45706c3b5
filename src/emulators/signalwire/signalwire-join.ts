import { randomBytes } from 'node:crypto';
import type { SessionSource } from './signalwire-life-store.js';
import type { RoomTokenSigner } from './signalwire-room-tokens.js';
import {
  ROOM_DEFAULTS,
  type SignalWireConference,
  type SignalWireRoom,
  type SignalWireStore,
} from './signalwire-store.js';
import { problem, signalWireErrorBody } from './signalwire-wire.js';

// A client joining and leaving, as the emulator's admin routes `POST /__emulator/join` and
// `POST /__emulator/leave`. At SignalWire a client joins through the Realtime SDK with a token
// SignalWire issued (`signalwire-room-life.md`, "Key split"); here the token is checked as that
// service would check it, and a refusal is one of SignalWire's own error bodies (§7):
// - not a token this emulator issued (signature, form, project; a reset forgets them all):
//   401 {"error":"Unauthorized"};
// - outside the token's or the room's join window, a locked session, a full room:
//   403 {"error":"Forbidden"};
// - a token for a room that does not exist, which it may not create (`auto_create_room`):
//   422 with code `token_not_associated_with_video_room`.
// Which status SignalWire gives each is UNCONFIRMED (its joins are WebSocket calls); the codes
// come from `signalwire.md` §7's list.

export interface JoinContext {
  readonly store: SignalWireStore;
  readonly tokens: RoomTokenSigner;
  readonly projectId: string;
  readonly now: () => number;
}

type Answer = [number, unknown];

/** Participant caps of conference sizes (`signalwire.md` §3.1, from the legacy guide S7). */
const CONFERENCE_SIZE_CAPS: Readonly<Record<string, number>> = {
  small: 10,
  medium: 50,
  large: 300,
};

const UNAUTHORIZED: Answer = [401, signalWireErrorBody(401)];
const FORBIDDEN: Answer = [403, signalWireErrorBody(403)];

interface Admission {
  readonly source: SessionSource;
  /** The member's name: the token's `user_name`, else what the client said, else random. */
  readonly name: string | undefined;
  readonly endsSession: boolean;
}

/** The emulator's own admin routes for joins and leaves. */
export function joinRoutes(context: JoinContext) {
  return {
    'POST /join': (body: unknown): Answer => join(context, body),
    'POST /leave': (body: unknown): Answer => leave(context, body),
  };
}

function join(context: JoinContext, body: unknown): Answer {
  if (
    !isRecord(body) ||
    typeof body.token !== 'string' ||
    (body.name !== undefined && typeof body.name !== 'string')
  ) {
    return [400, signalWireErrorBody(400)];
  }
  const admitted = body.token.startsWith('vpt_')
    ? byConferenceToken(context, body.token)
    : byRoomToken(context, body.token);
  if (Array.isArray(admitted)) {
    return admitted;
  }
  const { source } = admitted;
  const now = context.now();
  // The room's own window applies whatever the token says: `join_until` on a room "only stops
  // new joins" (§4.1), which is how disabling a room works. The old spec's per-token override
  // (§4.1, S5) is not taken: the stricter reading (STYLE §9).
  if (!withinWindow(source.join_from, source.join_until, now)) {
    return FORBIDDEN;
  }
  const live = context.store.life.liveSession(source.room_id, source.name);
  if (live?.locked) {
    return FORBIDDEN;
  }
  const inside = live ? context.store.life.liveMembers(live.id).length : 0;
  if (source.max_members !== null && inside >= source.max_members) {
    return FORBIDDEN;
  }
  const name = admitted.name ?? (typeof body.name === 'string' ? body.name : undefined);
  // Without a user name SignalWire picks "a random alphanumeric per join" (§5.1).
  const member = context.store.life.join(
    source,
    name ?? randomBytes(6).toString('hex'),
    admitted.endsSession,
  );
  return [200, { participantId: member.id }];
}

function leave(context: JoinContext, body: unknown): Answer {
  if (!isRecord(body) || typeof body.participantId !== 'string') {
    return [400, signalWireErrorBody(400)];
  }
  return context.store.life.leave(body.participantId.toLowerCase())
    ? [204, undefined]
    : [404, signalWireErrorBody(404)];
}

/**
 * A room token (§5.2): signed by this emulator, known by its id (a reset forgets them all), for
 * this project, inside its own join window, for a room that exists, or one it may
 * create (`auto_create_room`, whose session then has no `room_id`, RL §1).
 */
function byRoomToken(context: JoinContext, token: string): Admission | Answer {
  // Its signature first, then its id: a token is known by its `jti`, so a changed claim under
  // a known id fails on the signature alone.
  const claims = context.tokens.verify(token);
  const issued = typeof claims?.jti === 'string' ? context.store.roomToken(claims.jti) : undefined;
  if (!claims || !issued || claims.sub !== context.projectId || typeof claims.r !== 'string') {
    return UNAUTHORIZED;
  }
  const seconds = (value: unknown) => (typeof value === 'number' ? value * 1000 : null);
  if (!withinWindow(seconds(claims.jf), seconds(claims.ju), context.now())) {
    return FORBIDDEN;
  }
  const roomName = claims.r;
  const room = context.store.roomByName(roomName);
  const conference = room ? undefined : context.store.conferenceByName(roomName);
  const request = issued.request;
  let source: SessionSource;
  if (room) {
    source = fromRoom(room);
  } else if (conference) {
    source = fromConference(conference);
  } else if (claims.acr === true) {
    source = autoCreated(
      roomName,
      typeof request.room_display_name === 'string' ? request.room_display_name : roomName,
      request.enable_room_previews === true,
    );
  } else {
    return [
      422,
      {
        errors: [
          problem(
            'token',
            'token_not_associated_with_video_room',
            `The token is for room ${roomName}, which does not exist`,
          ),
        ],
      },
    ];
  }
  return {
    source,
    name: typeof claims.u === 'string' ? claims.u : undefined,
    endsSession: request.end_room_session_on_leave === true,
  };
}

/** A conference's `vpt_` token (§3.4): the current secret of one of its two tokens. */
function byConferenceToken(context: JoinContext, token: string): Admission | Answer {
  const found = context.store.conferenceTokenBySecret(token);
  if (!found) {
    return UNAUTHORIZED;
  }
  return { source: fromConference(found.conference), name: undefined, endsSession: false };
}

function withinWindow(from: string | number | null, until: string | number | null, now: number) {
  const at = (value: string | number | null) =>
    typeof value === 'string' ? Date.parse(value) : value;
  const opens = at(from);
  const closes = at(until);
  return (opens === null || opens <= now) && (closes === null || now < closes);
}

function fromRoom(room: SignalWireRoom): SessionSource {
  return {
    room_id: room.id,
    name: room.name,
    display_name: room.display_name,
    max_members: room.max_members,
    quality: room.quality,
    fps: room.fps,
    join_from: room.join_from,
    join_until: room.join_until,
    remove_at: room.remove_at,
    remove_after_seconds_elapsed: room.remove_after_seconds_elapsed,
    layout: room.layout,
    record_on_start: room.record_on_start,
    tone_on_entry_and_exit: room.tone_on_entry_and_exit,
    room_join_video_off: room.room_join_video_off,
    user_join_video_off: room.user_join_video_off,
    prioritize_handraise: room.prioritize_handraise,
    sync_audio_video: room.sync_audio_video,
    enable_room_previews: room.enable_room_previews ?? false,
  };
}

/** A conference has no member cap, fps or removal times of its own; its size sets the cap. */
function fromConference(conference: SignalWireConference): SessionSource {
  return {
    room_id: conference.id,
    name: conference.name,
    display_name: conference.display_name,
    max_members: conference.size === null ? null : (CONFERENCE_SIZE_CAPS[conference.size] ?? null),
    quality: conference.quality,
    fps: null,
    join_from: conference.join_from,
    join_until: conference.join_until,
    remove_at: null,
    remove_after_seconds_elapsed: null,
    layout: conference.layout,
    record_on_start: conference.record_on_start,
    tone_on_entry_and_exit: conference.tone_on_entry_and_exit,
    room_join_video_off: conference.room_join_video_off,
    user_join_video_off: conference.user_join_video_off,
    prioritize_handraise: null,
    sync_audio_video: null,
    enable_room_previews: conference.enable_room_previews ?? false,
  };
}

/** A room a token made on the fly: the defaults of a created room (§4.1), no record of its own. */
function autoCreated(name: string, displayName: string, previews: boolean): SessionSource {
  return {
    ...ROOM_DEFAULTS,
    room_id: null,
    name,
    display_name: displayName,
    enable_room_previews: previews,
    prioritize_handraise: false,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
