import { z } from 'zod';
import type { ProviderCapabilities } from '../../domain/capabilities.js';
import {
  InputValidationError,
  ProviderError,
  RoomNotFoundError,
  type ValidationIssue,
} from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import type { CreateRoomTokenInput, RoomToken } from '../../domain/room-token.js';
import type { CallContext } from '../../http/call-context.js';
import { createUpstreamClient } from '../../http/upstream-client.js';
import { CursorKey } from '../cursor-key.js';
import { DEFAULT_MAX_IN_FLIGHT, getRoomsOneByOne } from '../get-rooms-one-by-one.js';
import { type NativePage, pageWithCursors } from '../paging.js';
import { type BaseProviderOptions, upstreamPolicy } from '../provider-options.js';
import type { CallOptions, RoomProvider } from '../room-provider.js';
import {
  SIGNALWIRE_TOKEN_PATTERNS,
  type SignalWireCredentials,
  signalWireAuthHeaders,
  signalWireBasicCredential,
} from './signalwire-auth.js';
import {
  createSignalWireClient,
  type SignalWireClient,
  type SignalWireCollection,
  type SignalWirePageRef,
} from './signalwire-client.js';
import { parseSignalWireError } from './signalwire-errors.js';
import {
  CONFERENCE_SIZE_CAPS,
  formatTime,
  mapConference,
  mapConferenceToken,
  mapRoom,
  OPEN_ENDED_JOIN_UNTIL,
  parseNativeId,
  type SignalWireHandle,
} from './signalwire-mappers.js';
import { defaultPermissions, SIGNALWIRE_PERMISSIONS } from './signalwire-permissions.js';
import { createSignalWireRoomLife } from './signalwire-room-life.js';
import { RoomWriteLocks } from './signalwire-room-locks.js';
import type {
  SignalWireCreateRoomInput,
  SignalWireRoomOptions,
  SignalWireUpdateRoomInput,
} from './signalwire-room-settings.js';

export type SignalWireProviderOptions = BaseProviderOptions & SignalWireCredentials;

/** `page_size` is 1–1000 on every video list (`signalwire.md` §6). */
const MAX_PAGE_SIZE = 1000;
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** A name the server would read as an id on `GET /rooms/{id|name}` (§2). */
const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Pages of `MAX_PAGE_SIZE` a by-name lookup walks at most: 10 000 rooms or conferences. */
const FIND_MAX_PAGES = 10;
const FIND_OPERATION = 'findCreatedRoom';
/** For adapters built without a deployment key (unit tests, tools): valid in this process only. */
const PROCESS_CURSOR_KEY = CursorKey.ephemeral();

/** Why SignalWire's room-life writes are missing (`signalwire-room-life.md`, "Key split"). */
const REALTIME_ONLY =
  'SignalWire does this only in its Realtime SDK (WebSocket JSON-RPC), not over REST, so this service cannot.';

export const SIGNALWIRE_CAPABILITIES: ProviderCapabilities = {
  operations: {
    createRoom: 'NATIVE',
    getRoom: 'NATIVE',
    listRooms: 'NATIVE',
    updateRoom: 'NATIVE',
    disableRoom: 'EMULATED',
    enableRoom: 'EMULATED',
    deleteRoom: 'NATIVE',
    createRoomToken: 'NATIVE',
    listRoomTokens: 'NATIVE',
    getActiveSession: 'NATIVE',
    listSessions: 'NATIVE',
    listParticipants: 'NATIVE',
    listRecordings: 'NATIVE',
    getRecordingDownload: 'NATIVE',
    removeParticipant: 'UNSUPPORTED',
    endRoomSession: 'UNSUPPORTED',
    startRecording: 'UNSUPPORTED',
    stopRecording: 'UNSUPPORTED',
  },
  operationNotes: {
    getActiveSession:
      'Read from the project-wide list of in-progress sessions: one call for the rooms of a page. Sessions carry no member count (participantCount is null); their participants cost one call each.',
    listParticipants:
      'SignalWire keeps no role or user id for members: identity and displayName are the name the join token gave, role is null. Members who left stay listed with leftAt.',
    listRecordings:
      "SignalWire lists recordings per session, not per room: a page reads the room's sessions, newest first, then each one's recordings (one call per session, 10 to 25 sessions per page). A page whose sessions hold no recording is the last.",
    getRecordingDownload: 'A link SignalWire mints on each read (media_ttl), valid 15 minutes.',
    removeParticipant: `${REALTIME_ONLY} Tokens can only time-box a member in advance (remove_at, remove_after_seconds_elapsed).`,
    endRoomSession: `${REALTIME_ONLY} disableRoom stops new joins; a live session goes on until its last member leaves.`,
    startRecording: `${REALTIME_ONLY} A room created with recordingEnabled (record_on_start) records every session.`,
    stopRecording: `${REALTIME_ONLY} A recording stops when its session ends.`,
  },
  disableEffect: 'BLOCKS_NEW_JOINS',
  enableUndoesDisable: true,
  tokenSource: 'PROVIDER_API',
  maxPageSize: MAX_PAGE_SIZE,
  maxBatchSize: 50,
  notes: [
    'disableRoom sets join_until to now: new joins stop, a live session goes on; a join_from still ahead moves to now too.',
    'enableRoom lifts join_until again; a join_until set before disableRoom is not restored.',
    'Rooms list conferences (with the prebuilt UI) first, then rooms without UI.',
    'Room.tokens lists the two conference tokens SignalWire keeps for each conference.',
    'Minted room tokens never expire at SignalWire; the service sets join_until to the token expiry.',
  ],
};

/** SignalWire Video: conferences (with UI) and rooms (without), behind Basic auth. */
export function createSignalWireProvider(options: SignalWireProviderOptions): RoomProvider {
  const now = options.now ?? Date.now;
  const key = options.key;
  const authHeaders = signalWireAuthHeaders(options);
  // A provider echoing our Authorization header back must not show it to anyone.
  options.redactor?.keep(signalWireBasicCredential(options));
  const client: SignalWireClient = createSignalWireClient(
    createUpstreamClient({
      ...upstreamPolicy(options, SIGNALWIRE_TOKEN_PATTERNS),
      headers: () => authHeaders,
      parseError: parseSignalWireError,
    }),
  );

  const locks = new RoomWriteLocks();
  const roomLife = createSignalWireRoomLife({
    key,
    client,
    now,
    cursorKey: options.cursorKey ?? PROCESS_CURSOR_KEY,
    maxInFlight: options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    remember: options.redactor ? (secret) => options.redactor?.remember(secret) : undefined,
  });

  function handleOf(nativeId: string): SignalWireHandle {
    const handle = parseNativeId(nativeId);
    if (!handle) {
      throw new RoomNotFoundError(key, nativeId);
    }
    return handle;
  }

  /** Turns a 404 on a room path into the room's own error. */
  async function forRoom<T>(nativeId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ProviderError && error.status === 404) {
        throw new RoomNotFoundError(key, nativeId);
      }
      throw error;
    }
  }

  async function fetchOne(nativeId: string, context?: CallContext): Promise<Room> {
    const handle = handleOf(nativeId);
    return forRoom(nativeId, async () =>
      handle.roomType === 'CONFERENCE'
        ? mapConference(key, await client.getConference(handle.id, context), now())
        : mapRoom(key, await client.getRoom(handle.id, context), now()),
    );
  }

  /**
   * Sends a PUT of only the fields that change, after the room's earlier writes (`locks`). A
   * room's PUT keeps what it leaves out (`signalwire.md` §2); a conference's must carry
   * `display_name` (§3.3), so a write without one reads the conference and sends its own back,
   * and a write that did not wait its turn could undo another's in between.
   *
   * `closeNow` (disable) ends the join window at `body.join_until`. A window that has not opened
   * yet would then end before it starts, which SignalWire refuses (`joinWindowRefused` in
   * SIGNALWIRE_ASSUMPTIONS), so its `join_from` moves to the same instant: that needs the room as
   * it is, read first.
   */
  function put(
    nativeId: string,
    body: Record<string, unknown>,
    operation: string,
    context?: CallContext,
    closeNow = false,
  ): Promise<Room> {
    const handle = handleOf(nativeId);
    const conference = handle.roomType === 'CONFERENCE';
    return locks.run(handle.id, () =>
      forRoom(nativeId, async () => {
        const read = closeNow || (conference && body.display_name === undefined);
        const current = read
          ? conference
            ? await client.getConference(handle.id, context)
            : await client.getRoom(handle.id, context)
          : null;
        const full = { ...body };
        const opensAt = current?.join_from ? Date.parse(current.join_from) : Number.NaN;
        if (closeNow && opensAt > now()) {
          full.join_from = body.join_until;
        }
        if (!conference) {
          return mapRoom(key, await client.updateRoom(handle.id, full, operation, context), now());
        }
        // A conference without a display name (the schema allows null) shows its name instead.
        full.display_name ??= current?.display_name ?? current?.name;
        return mapConference(
          key,
          await client.updateConference(handle.id, full, operation, context),
          now(),
        );
      }),
    );
  }

  async function fetchPage(
    position: string | null,
    limit: number,
    context?: CallContext,
  ): Promise<NativePage> {
    // The listing walks the conferences, then the rooms; null is the very start.
    const { collection, page } = readPosition(position);
    if (collection === 'rooms') {
      const rooms = await client.listRooms(page, limit, context);
      return {
        rooms: rooms.data.map((room) => mapRoom(key, room, now())),
        next: writePosition('rooms', rooms.next),
      };
    }
    const conferences = await client.listConferences(page, limit, context);
    const rooms = conferences.data.map((conference) => mapConference(key, conference, now()));
    if (conferences.next) {
      return { rooms, next: writePosition('conferences', conferences.next) };
    }
    if (rooms.length >= limit) {
      return { rooms, next: writePosition('rooms', null, true) };
    }
    // The conferences ran out mid-page: fill the page from the rooms, so a listing with few
    // conferences does not hand back short or empty pages.
    const rest = await client.listRooms(null, limit - rooms.length, context);
    return {
      rooms: [...rooms, ...rest.data.map((room) => mapRoom(key, room, now()))],
      next: writePosition('rooms', rest.next),
    };
  }

  /**
   * The room a create with this input made, by its name, which is unique per project (§3.1,
   * §4.1). A room (no UI) is one `GET /rooms/{name}` (§2). Conferences have no by-name read and
   * their list no name filter (the spec's `GET /conferences` takes only `starts_after`,
   * `ends_before`, `include_active_session` and paging), so they are found by walking the list,
   * `FIND_MAX_PAGES` pages of 1000 at most; the same walk serves a room whose name looks like a
   * UUID, which the shared URL pattern would read as an id. A walk that reaches its bound without
   * an answer leaves the outcome unknown rather than say "not created".
   */
  async function findByName(
    input: SignalWireCreateRoomInput,
    context?: CallContext,
  ): Promise<Room | null> {
    if (!NAME_PATTERN.test(input.name) || input.name.length > 100) {
      // createRoom refuses such a name before sending anything: no such create was made.
      return null;
    }
    const roomType = input.signalwire?.roomType ?? 'ROOM';
    if (roomType === 'ROOM' && !UUID_SHAPED.test(input.name)) {
      try {
        const room = await client.getRoomByName(input.name, FIND_OPERATION, context);
        return room.name === input.name ? mapRoom(key, room, now()) : null;
      } catch (error) {
        if (error instanceof ProviderError && error.status === 404) {
          return null;
        }
        throw error;
      }
    }
    let page: SignalWirePageRef | null = null;
    for (let walked = 0; walked < FIND_MAX_PAGES; walked++) {
      if (roomType === 'ROOM') {
        const rooms = await client.listRooms(page, MAX_PAGE_SIZE, context, FIND_OPERATION);
        const found = rooms.data.find((room) => room.name === input.name);
        if (found || !rooms.next) {
          return found ? mapRoom(key, found, now()) : null;
        }
        page = rooms.next;
      } else {
        const conferences = await client.listConferences(
          page,
          MAX_PAGE_SIZE,
          context,
          FIND_OPERATION,
        );
        const found = conferences.data.find((conference) => conference.name === input.name);
        if (found || !conferences.next) {
          return found ? mapConference(key, found, now()) : null;
        }
        page = conferences.next;
      }
    }
    throw new ProviderError(
      `Could not tell whether ${input.name} was created: SignalWire cannot look a conference up by name, and the first ${FIND_MAX_PAGES * MAX_PAGE_SIZE} do not include it`,
      {
        provider: key,
        operation: FIND_OPERATION,
        providerCode: 'LOOKUP_LIMIT',
        outcomeUnknown: true,
      },
    );
  }

  return {
    kind: 'SIGNALWIRE',
    key,
    displayName: options.displayName ?? `SignalWire (${key})`,
    capabilities: SIGNALWIRE_CAPABILITIES,
    // Sessions, members and recordings: reads over REST. Moderation and recording control are
    // Realtime-only, so removeParticipant, endRoomSession and start/stopRecording stay absent.
    ...roomLife,

    getRooms(nativeIds, callOptions?: CallOptions) {
      return getRoomsOneByOne(nativeIds, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, (nativeId) =>
        fetchOne(nativeId, callOptions?.context),
      );
    },

    listRooms(listOptions) {
      return pageWithCursors(
        { ...listOptions, account: options },
        MAX_PAGE_SIZE,
        (position, limit) => fetchPage(position, limit, listOptions.context),
      );
    },

    async createRoom(input: SignalWireCreateRoomInput, callOptions?: CallOptions) {
      const roomType = input.signalwire?.roomType ?? 'ROOM';
      const body = createBody(input, roomType === 'CONFERENCE');
      return roomType === 'CONFERENCE'
        ? mapConference(key, await client.createConference(body, callOptions?.context), now())
        : mapRoom(key, await client.createRoom(body, callOptions?.context), now());
    },

    findCreatedRoom(input: SignalWireCreateRoomInput, callOptions?: CallOptions) {
      return findByName(input, callOptions?.context);
    },

    async updateRoom(
      nativeId: string,
      input: SignalWireUpdateRoomInput,
      callOptions?: CallOptions,
    ) {
      const handle = handleOf(nativeId);
      return put(
        nativeId,
        updateBody(input, handle.roomType === 'CONFERENCE'),
        'updateRoom',
        callOptions?.context,
      );
    },

    disableRoom(nativeId, callOptions?: CallOptions) {
      return put(
        nativeId,
        { join_until: formatTime(new Date(now())) },
        'disableRoom',
        callOptions?.context,
        true,
      );
    },

    enableRoom(nativeId, callOptions?: CallOptions) {
      return put(
        nativeId,
        { join_until: OPEN_ENDED_JOIN_UNTIL },
        'enableRoom',
        callOptions?.context,
      );
    },

    async deleteRoom(nativeId, callOptions?: CallOptions) {
      const handle = handleOf(nativeId);
      await forRoom(nativeId, () =>
        client.delete(
          handle.roomType === 'CONFERENCE' ? 'conferences' : 'rooms',
          handle.id,
          callOptions?.context,
        ),
      );
    },

    async createRoomToken(
      nativeId,
      input: CreateRoomTokenInput,
      callOptions?: CallOptions & { readonly room?: Room },
    ): Promise<RoomToken> {
      const permissions = input.permissions
        ? [...input.permissions]
        : defaultPermissions(input.role);
      const unknown = permissions.flatMap((permission, index) =>
        SIGNALWIRE_PERMISSIONS.has(permission)
          ? []
          : [
              {
                path: ['input', 'permissions', index],
                message: `${permission} is not a SignalWire permission`,
              },
            ],
      );
      if (unknown.length > 0) {
        throw new InputValidationError(unknown);
      }
      if (input.identity != null && input.identity.length > 100) {
        throw new InputValidationError([
          { path: ['input', 'identity'], message: 'must be at most 100 characters at SignalWire' },
        ]);
      }
      // Tokens need the room's name, and `auto_create_room: false` makes SignalWire refuse to
      // join a room that was deleted meanwhile rather than quietly making a new one.
      const room = callOptions?.room ?? (await fetchOne(nativeId, callOptions?.context));
      const issuedAt = new Date(Math.floor(now() / 1000) * 1000);
      const expiresAt = new Date(
        issuedAt.getTime() + (input.ttlSeconds ?? options.defaultTokenTtlSeconds) * 1000,
      );
      const joinAs = input.role === 'VIEWER' ? 'audience' : 'member';
      const body: Record<string, unknown> = {
        room_name: room.name,
        permissions: joinAs === 'audience' ? [] : permissions,
        // SignalWire tokens never expire by default (§5.2); join_until is the expiry we impose.
        join_until: formatTime(expiresAt),
        auto_create_room: false,
        join_as: joinAs,
      };
      if (input.identity != null) {
        body.user_name = input.identity;
      }
      const minted = await client.createRoomToken(body, callOptions?.context);
      options.redactor?.remember(minted.token);
      return {
        token: minted.token,
        providerKey: key,
        roomNativeId: nativeId,
        role: input.role,
        providerRole: joinAs,
        permissions: joinAs === 'audience' ? [] : permissions,
        identity: input.identity ?? null,
        issuedAt,
        expiresAt,
        providerTokenId: null,
      };
    },

    async listRoomTokens(nativeId, callOptions?: CallOptions) {
      const handle = handleOf(nativeId);
      if (handle.roomType === 'ROOM') {
        return [];
      }
      return forRoom(nativeId, async () => {
        const tokens: RoomToken[] = [];
        let next: SignalWirePageRef | null = null;
        do {
          const page = await client.listConferenceTokens(handle.id, next, callOptions?.context);
          for (const token of page.data) {
            options.redactor?.remember(token.token);
            tokens.push(mapConferenceToken(key, nativeId, token));
          }
          next = page.next;
        } while (next);
        return tokens;
      });
    },
  };
}

function createBody(
  input: SignalWireCreateRoomInput,
  conference: boolean,
): Record<string, unknown> {
  const issues: ValidationIssue[] = [];
  if (!NAME_PATTERN.test(input.name) || input.name.length > 100) {
    issues.push({
      path: ['input', 'name'],
      message: 'must be 1-100 letters, digits, "_" or "-" at SignalWire',
    });
  }
  if (input.region != null) {
    issues.push({ path: ['input', 'region'], message: 'is not supported by SignalWire' });
  }
  const settings = input.signalwire ?? {};
  const body: Record<string, unknown> = {
    name: input.name,
    ...commonFields(input, settings, conference, issues),
  };
  if (conference) {
    // display_name is required for conferences (§3.1); the room name is the natural fallback.
    body.display_name = input.displayName ?? input.name;
  }
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
  return body;
}

function updateBody(
  input: SignalWireUpdateRoomInput,
  conference: boolean,
): Record<string, unknown> {
  const issues: ValidationIssue[] = [];
  const body = commonFields(input, input.signalwire ?? {}, conference, issues);
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
  return body;
}

/** Fields shared by create and update; null and absent both mean "leave as is". */
function commonFields(
  input: SignalWireUpdateRoomInput,
  settings: SignalWireRoomOptions,
  conference: boolean,
  issues: ValidationIssue[],
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => {
    if (value !== null && value !== undefined) {
      body[field] = value;
    }
  };
  set('display_name', input.displayName);
  set('description', input.description);
  set('join_from', input.notBefore ? formatTime(input.notBefore) : null);
  set('join_until', input.expiresAt ? formatTime(input.expiresAt) : null);
  set('record_on_start', input.recordingEnabled);
  set('quality', settings.quality);
  set('layout', settings.layout);
  set('enable_room_previews', settings.enableRoomPreviews);
  if (conference) {
    set('enable_chat', settings.enableChat);
    set('size', settings.size ?? sizeFor(input.maxParticipants, issues));
  } else {
    set('max_members', input.maxParticipants);
    if (settings.size != null) {
      issues.push({
        path: ['input', 'signalwire', 'size'],
        message: 'applies to conferences only',
      });
    }
    if (settings.enableChat != null) {
      issues.push({
        path: ['input', 'signalwire', 'enableChat'],
        message: 'applies to conferences only',
      });
    }
  }
  return body;
}

/** Conferences have no member cap, only sizes; pick the smallest size that fits. */
function sizeFor(
  maxParticipants: number | null | undefined,
  issues: ValidationIssue[],
): string | null {
  if (maxParticipants == null) {
    return null;
  }
  const fit = Object.entries(CONFERENCE_SIZE_CAPS).find(([, cap]) => maxParticipants <= cap);
  if (!fit) {
    issues.push({
      path: ['input', 'maxParticipants'],
      message: 'must be at most 300 for a SignalWire conference',
    });
    return null;
  }
  return fit[0];
}

/**
 * A listing position, as it goes into a sealed cursor: which collection, and SignalWire's page
 * token and number within it. Never a path: the client builds that (`signalwire-client.ts`).
 */
interface Position {
  readonly collection: SignalWireCollection;
  readonly page: SignalWirePageRef | null;
}

/** Null when `page` is null, unless `start` asks for the collection's first page. */
function writePosition(
  collection: SignalWireCollection,
  page: SignalWirePageRef | null,
  start = false,
): string | null {
  if (page === null && !start) {
    return null;
  }
  return JSON.stringify({ collection, page } satisfies Position);
}

function readPosition(position: string | null): Position {
  if (position === null) {
    return { collection: 'conferences', page: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(position);
  } catch {
    json = undefined;
  }
  const parsed = positionSchema.safeParse(json);
  if (!parsed.success) {
    // Only a cursor this deployment sealed gets here, so this is one from an older version.
    throw new InputValidationError([
      { path: ['after'], message: 'is not a cursor this API issued' },
    ]);
  }
  return parsed.data;
}

const positionSchema = z.object({
  collection: z.enum(['conferences', 'rooms']),
  page: z
    .object({
      pageToken: z.string().min(1),
      pageNumber: z.number().int().nonnegative().nullable(),
    })
    .nullable(),
});
