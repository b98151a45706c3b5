import { randomUUID } from 'node:crypto';
import type { ProviderCapabilities } from '../../domain/capabilities.js';
import {
  InputValidationError,
  ProviderError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import type { CreateRoomTokenInput, RoomToken } from '../../domain/room-token.js';
import type { CallContext } from '../../http/call-context.js';
import { DEFAULT_MAX_IN_FLIGHT, getRoomsOneByOne } from '../get-rooms-one-by-one.js';
import { pageWithCursors } from '../paging.js';
import type { BaseProviderOptions } from '../provider-options.js';
import type { CallOptions, RoomProvider } from '../room-provider.js';
import { createManagementTokenSource, type HmsCredentials, signAppToken } from './hms-auth.js';
import {
  createHmsClient,
  createHmsTransport,
  HMS_PAGE_LIMITS,
  type HmsRoomBody,
} from './hms-client.js';
import { createHmsLifeClient } from './hms-life-client.js';
import { roleOfMap } from './hms-life-mappers.js';
import {
  decodeListPosition,
  encodeListPosition,
  isHmsId,
  toCreateBody,
  toRoom,
  toUpdateBody,
} from './hms-mappers.js';
import {
  checkRoleInTemplate,
  createTemplateReader,
  type HmsRoleMap,
  withDefaultRoles,
} from './hms-roles.js';
import { createHmsRoomLife } from './hms-room-life.js';
import {
  type HmsCreateRoomInput,
  type HmsUpdateRoomInput,
  templateOf,
} from './hms-room-settings.js';
import { createHmsWebhookReader, type HmsWebhookSecret } from './hms-webhooks.js';

export type HmsProviderOptions = BaseProviderOptions &
  HmsCredentials & {
    /** Template role per role of ours; `HMS_DEFAULT_ROLE_MAP` fills the ones left out. */
    readonly roleMap?: HmsRoleMap;
    /**
     * The secret header 100ms is set to send with its webhooks; without it the account takes
     * no webhooks (`POST /webhooks/{key}` answers 404) and polling alone reports room life.
     */
    readonly webhookSecret?: HmsWebhookSecret;
  };

/** What 100ms can do (DESIGN.md operations table; hms.md §3; hms-room-life.md). */
export const HMS_CAPABILITIES: ProviderCapabilities = {
  operations: {
    createRoom: 'NATIVE',
    getRoom: 'NATIVE',
    listRooms: 'NATIVE',
    updateRoom: 'NATIVE',
    disableRoom: 'NATIVE',
    enableRoom: 'NATIVE',
    deleteRoom: 'UNSUPPORTED',
    createRoomToken: 'NATIVE',
    listRoomTokens: 'UNSUPPORTED',
    getActiveSession: 'NATIVE',
    listSessions: 'NATIVE',
    listParticipants: 'NATIVE',
    listRecordings: 'NATIVE',
    getRecordingDownload: 'NATIVE',
    removeParticipant: 'NATIVE',
    endRoomSession: 'NATIVE',
    startRecording: 'NATIVE',
    stopRecording: 'NATIVE',
  },
  operationNotes: {
    getActiveSession:
      'GET /v2/sessions?active=true lists the live sessions of every room, so the rooms of a page cost one call (one per 100 live sessions in the app); a single room is GET /v2/sessions?room_id&active=true.',
    listSessions:
      'Live session first, then past ones: GET /v2/sessions?room_id with active=true, then active=false. Each session carries its peers, so its participants cost no further call.',
    listParticipants:
      'GET /v2/sessions/{id}: everyone who joined the session, those still in (no leftAt) and those gone; a peer id is new on every join.',
    listRecordings:
      "Recording jobs of GET /v2/recordings (browser composite recordings started through the API or the dashboard); size and length come from the job's assets when one recording is read.",
    getRecordingDownload:
      "Two calls: GET /v2/recordings/{id} for its room-composite file, then that asset's presigned URL, asked to live 15 minutes.",
    removeParticipant:
      "POST /v2/active-rooms/{room}/remove-peers with the peer id; others see the peer leave with reason 'peer kicked'. It does not stop them joining again with another token.",
    endRoomSession:
      'POST /v2/active-rooms/{room}/end-room, after reading the live session it ends. lock=true also disables the room (enabled=false); enableRoom undoes it. Ending is asynchronous: the session may read LIVE for a moment.',
    startRecording:
      "POST /v2/recordings/room/{room}/start with no meeting_url: the recorder opens the template's own meeting page, so a template made through the REST API (which has no subdomain) is refused with UPSTREAM_REJECTED.",
    stopRecording: 'POST /v2/recordings/room/{room}/stop: every recording running in the room.',
  },
  disableEffect: 'BLOCKS_NEW_JOINS',
  enableUndoesDisable: true,
  tokenSource: 'LOCAL_SIGNER',
  maxPageSize: HMS_PAGE_LIMITS.max,
  // A page of rooms is one batch: `getRooms` makes one GET per room whatever the batch size
  // (bounded by the account's in-flight cap), and `getActiveSessions` answers a whole batch
  // with one listing of the app's live sessions.
  maxBatchSize: HMS_PAGE_LIMITS.max,
  notes: [
    'createRoom upserts by name: a name already in use (case-insensitive) returns that room with the new settings applied.',
    'disableRoom sets enabled=false: the session in progress goes on, new joins are refused until enableRoom.',
    'listRooms walks enabled rooms, then disabled ones (two filtered walks of GET /v2/rooms).',
    "Room tokens are app tokens signed locally (HS256) for a role of the room's template: role maps through the account's roleMap (default host, guest, viewer-realtime), providerRole names one directly, and a role the template lacks is refused before signing.",
    'Rooms cannot be deleted, only disabled; 100ms keeps no list of issued tokens.',
    "Room events come from 100ms's webhooks (POST /webhooks/{account key}, authenticated by the account's secret header) and from polling.",
  ],
};

/** A `RoomProvider` for one 100ms app (workspace), talking to `POST/GET /v2/rooms`. */
export function createHmsProvider(options: HmsProviderOptions): RoomProvider {
  const key = options.key;
  const now = options.now ?? Date.now;
  const credentials = { appAccessKey: options.appAccessKey, appSecret: options.appSecret };
  const redactor = options.redactor;
  const send = createHmsTransport({
    ...options,
    // Every management token is a credential: the redactor scrubs it from log lines by value.
    tokens: createManagementTokenSource(credentials, now, (token) => redactor?.remember(token)),
  });
  const client = createHmsClient(send);
  const roleMap = withDefaultRoles(options.roleMap);
  const roleOf = roleOfMap(roleMap);
  const roomLife = createHmsRoomLife({
    client: createHmsLifeClient(send),
    providerKey: key,
    roleOf,
    now,
    cursorKey: options.cursorKey,
    redactor,
  });
  const webhookSecret = options.webhookSecret;
  const readTemplate = createTemplateReader(client);

  /** A 404 on a room path means that room is gone. */
  function roomError(nativeId: string) {
    return (error: unknown): never => {
      if (error instanceof ProviderError && error.status === 404) {
        throw new RoomNotFoundError(key, nativeId);
      }
      throw error;
    };
  }

  /**
   * Every handle must be a room id (24 hex digits, §1) before it goes into a path: `.` or `..`
   * would normalise `/v2/rooms/{id}` into the collection, where a POST creates a room.
   */
  function checkRoomId(nativeId: string): void {
    if (!isHmsId(nativeId)) {
      throw new RoomNotFoundError(key, nativeId);
    }
  }

  async function getRoom(nativeId: string, context?: CallContext): Promise<Room> {
    checkRoomId(nativeId);
    const payload = await client.getRoom(nativeId, 'getRoom', context).catch(roomError(nativeId));
    return toRoom(payload, key);
  }

  async function postRoom(
    nativeId: string,
    body: HmsRoomBody,
    operation: string,
    context?: CallContext,
  ): Promise<Room> {
    checkRoomId(nativeId);
    const payload = await client
      .postRoom(nativeId, body, operation, context)
      .catch(roomError(nativeId));
    return toRoom(payload, key);
  }

  return {
    kind: 'HMS',
    key,
    displayName: options.displayName ?? '100ms',
    capabilities: HMS_CAPABILITIES,

    getRooms(nativeIds, callOptions) {
      return getRoomsOneByOne(nativeIds, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, (nativeId) =>
        getRoom(nativeId, callOptions?.context),
      );
    },

    listRooms(listOptions) {
      const paging = { ...listOptions, account: options };
      return pageWithCursors(paging, HMS_PAGE_LIMITS.max, async (position, limit) => {
        let { enabled, start } = decodeListPosition(position);
        const rooms: Room[] = [];
        // UNCONFIRMED (hms.md §3.3): `enabled` is documented as "Default: true", so an unfiltered
        // list may hide disabled rooms. Two filtered walks (enabled, then disabled) list every
        // room under either reading. At most two rounds here: the rest of the current walk, then
        // the start of the disabled one.
        for (;;) {
          const need = limit - rooms.length;
          const asked = Math.min(HMS_PAGE_LIMITS.max, Math.max(HMS_PAGE_LIMITS.min, need));
          const page = await client.listRooms(
            { start, limit: asked, enabled },
            listOptions.context,
          );
          const data = page.data ?? [];
          const kept = data.slice(0, need);
          rooms.push(...kept.map((payload) => toRoom(payload, key)));
          const lastKept = kept.at(-1)?.id;
          if (data.length > need && lastKept !== undefined) {
            return { rooms, next: encodeListPosition(enabled, lastKept) };
          }
          // The walk ends on a short page or an empty `last`, as the official SDK reads it (§3.3).
          if (page.last && data.length >= (page.limit ?? asked)) {
            return { rooms, next: encodeListPosition(enabled, page.last) };
          }
          if (!enabled) {
            return { rooms, next: null };
          }
          enabled = false;
          start = null;
          if (rooms.length >= limit) {
            return { rooms, next: encodeListPosition(false, null) };
          }
        }
      });
    },

    async createRoom(input: HmsCreateRoomInput, callOptions?: CallOptions) {
      const payload = await client.createRoom(toCreateBody(input), callOptions?.context);
      return toRoom(payload, key);
    },

    async findCreatedRoom(input, callOptions) {
      // The create's own rules first: a name it would refuse was never sent.
      toCreateBody(input);
      const wanted = input.name.toLowerCase();
      // `name` is the documented exact-name filter (§3.3, what the SDK's retrieveByName
      // sends); names match case-insensitively (§3.1), so the answer is compared that way too.
      // Both `enabled` walks, as listRooms makes them: a create by name can land on a
      // disabled room (§3.2), and whether an unfiltered list shows it is UNCONFIRMED.
      for (const enabled of [true, false]) {
        const page = await client.listRooms(
          { start: null, enabled, name: input.name },
          callOptions?.context,
        );
        const match = (page.data ?? []).find((room) => room.name.toLowerCase() === wanted);
        if (match) {
          return toRoom(match, key);
        }
      }
      return null;
    },

    async updateRoom(nativeId: string, input: HmsUpdateRoomInput, callOptions?: CallOptions) {
      return postRoom(nativeId, toUpdateBody(input), 'updateRoom', callOptions?.context);
    },

    disableRoom: (nativeId, callOptions) =>
      postRoom(nativeId, { enabled: false }, 'disableRoom', callOptions?.context),
    enableRoom: (nativeId, callOptions) =>
      postRoom(nativeId, { enabled: true }, 'enableRoom', callOptions?.context),

    deleteRoom() {
      return Promise.reject(
        new UnsupportedOperationError(
          key,
          'deleteRoom',
          '100ms rooms can be disabled, not deleted',
        ),
      );
    },

    async createRoomToken(nativeId, input, callOptions) {
      checkTokenInput(input, options.defaultTokenTtlSeconds);
      checkRoomId(nativeId);
      const context = callOptions?.context;
      const role = input.providerRole ?? roleMap[input.role];
      // The role must be one of the room's template (§2.3): a token for any other is signed
      // fine and refused at every join. The room is the caller's copy when it has one.
      const room = callOptions?.room ?? (await getRoom(nativeId, context));
      const templateId = templateOf(room);
      const template = templateId === null ? null : await readTemplate(templateId, context);
      if (template !== null) {
        checkRoleInTemplate(role, input, template);
      }
      const minted = await mintRoomToken(options, now, nativeId, input, role);
      // A join token is a secret for as long as it lives (README, Secrets).
      redactor?.remember(minted.token);
      return minted;
    },

    listRoomTokens() {
      return Promise.reject(
        new UnsupportedOperationError(key, 'listRoomTokens', '100ms app tokens are signed locally'),
      );
    },

    ...roomLife,

    ...(webhookSecret
      ? {
          eventsFromWebhook: createHmsWebhookReader({
            providerKey: key,
            secret: webhookSecret,
            roleOf,
          }),
        }
      : {}),
  };
}

function checkTokenInput(input: CreateRoomTokenInput, defaultTtlSeconds: number): void {
  const ttl = input.ttlSeconds ?? defaultTtlSeconds;
  const issues = [];
  if (!Number.isInteger(ttl) || ttl <= 0) {
    issues.push({
      path: ['input', 'ttlSeconds'],
      message: 'must be a whole number of seconds above 0',
    });
  }
  if (input.permissions != null && input.permissions.length > 0) {
    issues.push({
      path: ['input', 'permissions'],
      message: 'is not supported by 100ms: permissions come from the role in the room template',
    });
  }
  if (input.providerRole != null && !/^\S+$/.test(input.providerRole)) {
    issues.push({
      path: ['input', 'providerRole'],
      message: 'must be a role name, without spaces',
    });
  }
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
}

async function mintRoomToken(
  options: HmsProviderOptions,
  now: () => number,
  nativeId: string,
  input: CreateRoomTokenInput,
  role: string,
): Promise<RoomToken> {
  const ttl = input.ttlSeconds ?? options.defaultTokenTtlSeconds;
  // The docs' samples always carry `user_id` (§2.3), so a caller without one gets a fresh id.
  const userId = input.identity || randomUUID();
  const issuedAt = Math.floor(now() / 1000);
  const expiresAt = issuedAt + ttl;
  const token = await signAppToken(
    { appAccessKey: options.appAccessKey, appSecret: options.appSecret },
    { roomId: nativeId, userId, role, issuedAt, expiresAt },
  );
  return {
    token,
    providerKey: options.key,
    roomNativeId: nativeId,
    role: input.role,
    providerRole: role,
    permissions: [],
    identity: userId,
    issuedAt: new Date(issuedAt * 1000),
    expiresAt: new Date(expiresAt * 1000),
    providerTokenId: null,
  };
}
