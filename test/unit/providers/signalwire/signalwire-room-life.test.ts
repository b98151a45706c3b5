import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOM_OPERATIONS, type RoomOperation } from '../../../../src/domain/capabilities.js';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../../../src/domain/errors.js';
import type { RoomSession } from '../../../../src/domain/room-life.js';
import { supportedMethod } from '../../../../src/graphql/supported.js';
import { SecretRedactor } from '../../../../src/http/secret-redactor.js';
import { CursorKey } from '../../../../src/providers/cursor-key.js';
import type { RoomProvider } from '../../../../src/providers/room-provider.js';
import {
  createSignalWireProvider,
  SIGNALWIRE_CAPABILITIES,
} from '../../../../src/providers/signalwire/signalwire-provider.js';
import {
  createMockAgent,
  header,
  jsonBody,
  type MockUpstream,
} from '../../../helpers/mock-agent.js';
import { loadOpenApiContract } from '../../../helpers/openapi-contract.js';
import { SIGNALWIRE_OPENAPI } from '../../../helpers/shared-dir.js';

// The room-life members of the SignalWire adapter against a MockAgent: what each sends (held to
// SignalWire's sealed spec after every test), what it makes of the answers, and what it refuses.

const ORIGIN = 'https://acme.signalwire.com';
const PROJECT_ID = '0c97f635-1c13-4fc1-86f7-bb2be859d8b9';
const API_TOKEN = 'PT5f0e7c1d2b3a49586776a5b4c3d2e1f0';
const AUTHORIZATION = `Basic ${Buffer.from(`${PROJECT_ID}:${API_TOKEN}`).toString('base64')}`;
const NOW = Date.parse('2026-03-01T12:00:00.250Z');
const JSON_HEADERS = { 'content-type': 'application/json' };

const ROOM_ID = 'a1b2c3d4-5e6f-7890-abcd-ef1234567890';
const ROOM = `room:${ROOM_ID}`;
const OTHER_ROOM_ID = '5d9e8f7a-6b5c-4d3e-8f1a-2b3c4d5e6f70';
const CONFERENCE_ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const CONFERENCE = `conference:${CONFERENCE_ID}`;
const SESSION_ID = 'c22d24f6-5a47-4597-9a23-c7d01e696b92';
const RECORDING_ID = '0e6a8c1f-5b2d-4e7a-9c3b-8d1f2e4a6b70';

const contract = loadOpenApiContract(SIGNALWIRE_OPENAPI, {
  basePath: '/api/video',
  sealObjects: true,
});

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/signalwire/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

const SESSION_FIXTURE = (
  fixture('list-room-sessions.200.json').data as Record<string, unknown>[]
)[0];
const MEMBER_FIXTURE = (
  fixture('list-room-session-members.200.json').data as Record<string, unknown>[]
)[0];

/** The spec's RoomSession example, as one of `roomId`'s sessions. */
function session(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...SESSION_FIXTURE, room_id: ROOM_ID, ...overrides };
}

function liveSession(overrides: Record<string, unknown> = {}) {
  return session({ status: 'in-progress', end_time: null, duration: null, ...overrides });
}

function recording(overrides: Record<string, unknown> = {}) {
  return { ...fixture('get-room-recording.200.json'), ...overrides };
}

function member(overrides: Record<string, unknown> = {}) {
  return { ...MEMBER_FIXTURE, room_session_id: SESSION_ID, ...overrides };
}

/** A list envelope as §6 shows it, with a `next` in the sibling APIs' form when given. */
function page(path: string, data: unknown[], nextToken?: string, nextNumber = 1) {
  const self = `https://example.signalwire.com/api/video${path}?page_number=0&page_size=50`;
  return {
    links: {
      self,
      first: self,
      ...(nextToken
        ? {
            next: `https://example.signalwire.com/api/video${path}?page_number=${nextNumber}&page_size=50&page_token=${nextToken}`,
          }
        : {}),
    },
    data,
  };
}

let mock: MockUpstream;

beforeEach(() => {
  mock = createMockAgent();
});

afterEach(async () => {
  const violations = mock.calls().flatMap((call) =>
    contract.validateRequest({
      method: call.method,
      path: call.path,
      query: call.searchParams,
      headers: call.headers ?? {},
      body: jsonBody(call),
    }),
  );
  await mock.assertNoPendingAndClose();
  expect(violations).toEqual([]);
});

const CURSOR_KEY = CursorKey.fromSecret('the signalwire room-life tests cursor secret, 32+');

function provider(overrides: { redactor?: SecretRedactor; key?: string } = {}): RoomProvider {
  return createSignalWireProvider({
    key: 'signalwire',
    baseUrl: `${ORIGIN}/api/video`,
    dispatcher: mock.agent,
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    defaultTokenTtlSeconds: 3_600,
    now: () => NOW,
    projectId: PROJECT_ID,
    apiToken: API_TOKEN,
    cursorKey: CURSOR_KEY,
    ...overrides,
  });
}

/** The adapter's member for an operation; failing the test when it is absent. */
function method<K extends keyof RoomProvider>(adapter: RoomProvider, name: K) {
  const method = adapter[name];
  if (typeof method !== 'function') {
    throw new Error(`the adapter has no ${String(name)}`);
  }
  return (method as (...args: unknown[]) => unknown).bind(adapter) as NonNullable<RoomProvider[K]>;
}

function upstream() {
  return mock.agent.get(ORIGIN);
}

/** Method, path and query of each request, in order. */
function requests(): string[] {
  return mock.calls().map((call) => {
    const query = new URLSearchParams(call.searchParams).toString();
    return `${call.method} ${call.path}${query ? `?${query}` : ''}`;
  });
}

function reply(path: string, query: Record<string, string>, body: unknown, status = 200) {
  upstream()
    .intercept({ path, method: 'GET', query })
    .reply(status, body as object, { headers: JSON_HEADERS });
}

async function rejection(operation: () => Promise<unknown>): Promise<unknown> {
  return Promise.resolve()
    .then(operation)
    .then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );
}

/** The contract member behind each room-life operation (`room-provider.ts`). */
const MEMBERS: Partial<Record<RoomOperation, (keyof RoomProvider)[]>> = {
  getActiveSession: ['getActiveSessions'],
  listSessions: ['listSessions', 'getSession'],
  listParticipants: ['listParticipants'],
  listRecordings: ['listRecordings', 'getRecording'],
  getRecordingDownload: ['getRecordingDownload'],
  removeParticipant: ['removeParticipant'],
  endRoomSession: ['endRoomSession'],
  startRecording: ['startRecording'],
  stopRecording: ['stopRecording'],
};

describe('SignalWire room life: capabilities', () => {
  it('reads sessions, members and recordings natively and leaves the Realtime-only writes out', () => {
    const operations = SIGNALWIRE_CAPABILITIES.operations;
    expect(
      Object.fromEntries(
        Object.keys(MEMBERS).map((operation) => [
          operation,
          operations[operation as RoomOperation],
        ]),
      ),
    ).toEqual({
      getActiveSession: 'NATIVE',
      listSessions: 'NATIVE',
      listParticipants: 'NATIVE',
      listRecordings: 'NATIVE',
      getRecordingDownload: 'NATIVE',
      removeParticipant: 'UNSUPPORTED',
      endRoomSession: 'UNSUPPORTED',
      startRecording: 'UNSUPPORTED',
      stopRecording: 'UNSUPPORTED',
    });
    for (const operation of [
      'removeParticipant',
      'endRoomSession',
      'startRecording',
      'stopRecording',
    ] as const) {
      expect(SIGNALWIRE_CAPABILITIES.operationNotes?.[operation]).toMatch(
        /only in its Realtime SDK \(WebSocket/,
      );
    }
  });

  it('has each room-life member exactly where its operation is supported', () => {
    const adapter = provider();
    for (const operation of ROOM_OPERATIONS) {
      for (const name of MEMBERS[operation] ?? []) {
        const supported = adapter.capabilities.operations[operation] !== 'UNSUPPORTED';
        expect([operation, name, typeof adapter[name] === 'function']).toEqual([
          operation,
          name,
          supported,
        ]);
      }
    }
    expect(adapter.eventsFromWebhook).toBeUndefined();
  });

  it.each(['removeParticipant', 'endRoomSession', 'startRecording', 'stopRecording'] as const)(
    'refuses %s with the typed error and its reason, before any request',
    (operation) => {
      const adapter = provider();
      let thrown: unknown;
      try {
        supportedMethod(adapter, operation, operation);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UnsupportedOperationError);
      expect(thrown).toMatchObject({
        provider: 'signalwire',
        operation,
        message: expect.stringMatching(/Realtime SDK/),
      });
      expect(mock.calls()).toEqual([]);
    },
  );
});

describe('SignalWire room life: getActiveSessions', () => {
  it('asks for one room by its id and in-progress status, and maps its live session', async () => {
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, status: 'in-progress', page_size: '1' },
      page('/room_sessions', [liveSession()]),
    );

    const [found] = await method(provider(), 'getActiveSessions')([ROOM]);

    expect(found).toEqual({
      providerKey: 'signalwire',
      roomNativeId: ROOM,
      nativeId: SESSION_ID,
      status: 'LIVE',
      startedAt: new Date('2022-01-01T10:00:00Z'),
      endedAt: null,
      participantCount: null,
      participants: null,
    });
    expect(header(mock.calls()[0]!, 'authorization')).toBe(AUTHORIZATION);
    expect(header(mock.calls()[0]!, 'accept')).toBe('application/json');
  });

  it('answers null for a room with nobody in it', async () => {
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, status: 'in-progress', page_size: '1' },
      page('/room_sessions', []),
    );
    expect(await method(provider(), 'getActiveSessions')([ROOM])).toEqual([null]);
  });

  it('reads the live sessions of several rooms, conferences too, in one project-wide call', async () => {
    const otherSession = '7f3e2d1c-0b9a-4876-9543-210fedcba987';
    const conferenceSession = '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f';
    reply(
      '/api/video/room_sessions',
      { status: 'in-progress', page_size: '1000' },
      page('/room_sessions', [
        liveSession({ id: conferenceSession, room_id: CONFERENCE_ID }),
        // A room nobody asked about, and an auto-created session with no room: skipped.
        liveSession({ id: otherSession, room_id: '99999999-9999-4999-8999-999999999999' }),
        liveSession({ id: '3c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', room_id: null }),
        liveSession({ room_id: ROOM_ID.toUpperCase() }),
      ]),
    );

    const found = await method(
      provider(),
      'getActiveSessions',
    )([CONFERENCE, ROOM, `room:${OTHER_ROOM_ID}`, 'room:not-a-uuid', ROOM]);

    expect(requests()).toEqual(['GET /api/video/room_sessions?status=in-progress&page_size=1000']);
    expect(
      found.map((entry) =>
        entry instanceof Error
          ? entry.constructor.name
          : entry && [entry.roomNativeId, entry.nativeId],
      ),
    ).toEqual([
      [CONFERENCE, conferenceSession],
      [ROOM, SESSION_ID],
      null,
      'RoomNotFoundError',
      [ROOM, SESSION_ID],
    ]);
  });

  it('follows links.next only until every room asked for is found', async () => {
    reply(
      '/api/video/room_sessions',
      { status: 'in-progress', page_size: '1000' },
      page(
        '/room_sessions',
        [liveSession({ room_id: OTHER_ROOM_ID, id: RECORDING_ID })],
        `PA${RECORDING_ID}`,
      ),
    );
    reply(
      '/api/video/room_sessions',
      {
        status: 'in-progress',
        page_number: '1',
        page_size: '1000',
        page_token: `PA${RECORDING_ID}`,
      },
      page('/room_sessions', [liveSession()], `PA${SESSION_ID}`),
    );

    const found = await method(provider(), 'getActiveSessions')([ROOM, `room:${OTHER_ROOM_ID}`]);

    // Two pages: the third is never asked for, as both rooms are found by then.
    expect(requests()).toHaveLength(2);
    expect(found.map((entry) => (entry as RoomSession).nativeId)).toEqual([
      SESSION_ID,
      RECORDING_ID,
    ]);
  });

  it('asks room by room for those still unknown after five pages of live sessions', async () => {
    for (let number = 0; number < 5; number++) {
      const query: Record<string, string> =
        number === 0
          ? { status: 'in-progress', page_size: '1000' }
          : {
              status: 'in-progress',
              page_number: String(number),
              page_size: '1000',
              page_token: `PA${number}`,
            };
      reply(
        '/api/video/room_sessions',
        query,
        page(
          '/room_sessions',
          number === 0 ? [liveSession({ room_id: OTHER_ROOM_ID })] : [],
          `PA${number + 1}`,
          number + 1,
        ),
      );
    }
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, status: 'in-progress', page_size: '1' },
      page('/room_sessions', []),
    );

    const found = await method(provider(), 'getActiveSessions')([ROOM, `room:${OTHER_ROOM_ID}`]);

    expect(requests()).toHaveLength(6);
    expect(found).toEqual([null, expect.objectContaining({ nativeId: SESSION_ID })]);
  });

  it('makes no request when no handle is one of ours', async () => {
    const found = await method(provider(), 'getActiveSessions')(['rooms:x', `room:${ROOM_ID}/..`]);
    expect(found.every((entry) => entry instanceof RoomNotFoundError)).toBe(true);
    expect(mock.calls()).toEqual([]);
  });

  it('fails the batch with the typed error SignalWire’s 401 maps to', async () => {
    reply(
      '/api/video/room_sessions',
      { status: 'in-progress', page_size: '1000' },
      { error: 'Unauthorized' },
      401,
    );
    const error = await rejection(() =>
      method(provider(), 'getActiveSessions')([ROOM, CONFERENCE]),
    );
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ status: 401, operation: 'getActiveSession' });
  });
});

describe('SignalWire room life: listSessions and getSession', () => {
  it("lists a room's sessions by room_id and maps live and ended ones", async () => {
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_size: '2' },
      page('/room_sessions', [liveSession({ id: RECORDING_ID }), session()]),
    );

    const listed = await method(provider(), 'listSessions')(ROOM, { cursor: null, limit: 2 });

    expect(listed.hasNextPage).toBe(false);
    expect(listed.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ nativeId: RECORDING_ID, status: 'LIVE', endedAt: null }),
      {
        providerKey: 'signalwire',
        roomNativeId: ROOM,
        nativeId: SESSION_ID,
        status: 'ENDED',
        startedAt: new Date('2022-01-01T10:00:00Z'),
        endedAt: new Date('2022-01-01T11:00:00Z'),
        participantCount: null,
        participants: null,
      },
    ]);
  });

  it('reads a session without a status by its end time', async () => {
    reply(
      '/api/video/room_sessions',
      { room_id: CONFERENCE_ID, page_size: '20' },
      page('/room_sessions', [
        session({ room_id: CONFERENCE_ID, status: null }),
        liveSession({ room_id: CONFERENCE_ID, status: null, id: RECORDING_ID }),
      ]),
    );
    const listed = await method(provider(), 'listSessions')(CONFERENCE, {
      cursor: null,
      limit: 20,
    });
    expect(listed.edges.map((edge) => edge.node.status)).toEqual(['ENDED', 'LIVE']);
  });

  it('resumes from any edge: mid-page by a skip, from the last by the page token', async () => {
    const ids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_size: '2' },
      page(
        '/room_sessions',
        ids.map((id) => session({ id })),
        `PA${ids[1]}`,
      ),
    );
    const first = await method(provider(), 'listSessions')(ROOM, { cursor: null, limit: 2 });
    expect(first.hasNextPage).toBe(true);

    // From the first edge: the same page again, skipping one.
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_size: '3' },
      page(
        '/room_sessions',
        ids.map((id) => session({ id })),
        `PA${ids[1]}`,
      ),
    );
    const middle = await method(provider(), 'listSessions')(ROOM, {
      cursor: first.edges[0]!.cursor,
      limit: 2,
    });
    expect(middle.edges.map((edge) => edge.node.nativeId)).toEqual([ids[1]]);

    // From the last edge: the next page, by the page token and number SignalWire's link gave.
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_number: '1', page_size: '2', page_token: `PA${ids[1]}` },
      page('/room_sessions', [session()]),
    );
    const next = await method(provider(), 'listSessions')(ROOM, {
      cursor: first.edges[1]!.cursor,
      limit: 2,
    });
    expect(next.edges.map((edge) => edge.node.nativeId)).toEqual([SESSION_ID]);
    expect(next.hasNextPage).toBe(false);
  });

  it("refuses a cursor of another room's sessions, or one it never issued, before any request", async () => {
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_size: '1' },
      page('/room_sessions', [session(), session()]),
    );
    const adapter = provider();
    const listed = await method(adapter, 'listSessions')(ROOM, { cursor: null, limit: 1 });
    const before = mock.calls().length;

    for (const cursor of [listed.edges[0]!.cursor.replace(/.$/, 'x'), 'eyJwIjpudWxsLCJzIjowfQ']) {
      expect(
        await rejection(() => method(adapter, 'listSessions')(ROOM, { cursor, limit: 1 })),
      ).toBeInstanceOf(InputValidationError);
    }
    expect(
      await rejection(() =>
        method(adapter, 'listSessions')(CONFERENCE, { cursor: listed.edges[0]!.cursor, limit: 1 }),
      ),
    ).toBeInstanceOf(InputValidationError);
    expect(
      await rejection(() =>
        method(adapter, 'listSessions')('room:nope', { cursor: null, limit: 1 }),
      ),
    ).toBeInstanceOf(RoomNotFoundError);
    expect(mock.calls()).toHaveLength(before);
  });

  it('gets one session of this room, and null for an unknown one or another room’s', async () => {
    upstream()
      .intercept({ path: `/api/video/room_sessions/${SESSION_ID}`, method: 'GET' })
      .reply(200, session(), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/room_sessions/${RECORDING_ID}`, method: 'GET' })
      .reply(404, { error: 'Not Found' }, { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/room_sessions/${SESSION_ID}`, method: 'GET' })
      .reply(200, session({ room_id: OTHER_ROOM_ID }), { headers: JSON_HEADERS });
    const get = method(provider(), 'getSession');

    expect(await get(ROOM, SESSION_ID.toUpperCase())).toMatchObject({
      nativeId: SESSION_ID,
      roomNativeId: ROOM,
      status: 'ENDED',
    });
    expect(await get(ROOM, RECORDING_ID)).toBeNull();
    expect(await get(ROOM, SESSION_ID)).toBeNull();
    // Not ours: no request at all.
    expect(await get(ROOM, '../rooms')).toBeNull();
    expect(await get('room:x', SESSION_ID)).toBeNull();
    expect(requests()).toHaveLength(3);
  });
});

describe('SignalWire room life: listParticipants', () => {
  const ended: RoomSession = {
    providerKey: 'signalwire',
    roomNativeId: ROOM,
    nativeId: SESSION_ID,
    status: 'LIVE',
    startedAt: null,
    endedAt: null,
    participantCount: null,
    participants: null,
  };

  it("lists a session's members: the token's user name is the identity, and no role is known", async () => {
    const inside = '44444444-4444-4444-8444-444444444444';
    reply(
      `/api/video/room_sessions/${SESSION_ID}/members`,
      { page_size: '10' },
      page(`/room_sessions/${SESSION_ID}/members`, [
        member(),
        member({
          id: inside,
          name: 'ada',
          join_time: '2026-03-01T11:59:00Z',
          leave_time: null,
          duration: null,
        }),
      ]),
    );

    const listed = await method(provider(), 'listParticipants')(ended, {
      cursor: null,
      limit: 10,
    });

    expect(listed.edges.map((edge) => edge.node)).toEqual([
      {
        providerKey: 'signalwire',
        roomNativeId: ROOM,
        sessionNativeId: SESSION_ID,
        nativeId: 'c22d24f6-5a47-4597-9a23-c7d01e696b92',
        identity: 'John Smith',
        displayName: 'John Smith',
        role: null,
        providerRole: null,
        joinedAt: new Date('2022-01-01T10:00:00Z'),
        leftAt: new Date('2022-01-01T11:00:00Z'),
      },
      expect.objectContaining({ nativeId: inside, identity: 'ada', leftAt: null }),
    ]);
    expect(listed.hasNextPage).toBe(false);
  });

  it('reads a 404 for the session as nobody, and passes other failures on typed', async () => {
    reply(
      `/api/video/room_sessions/${SESSION_ID}/members`,
      { page_size: '10' },
      { error: 'Not Found' },
      404,
    );
    reply(
      `/api/video/room_sessions/${SESSION_ID}/members`,
      { page_size: '10' },
      { error: 'Unauthorized' },
      401,
    );
    const list = method(provider(), 'listParticipants');
    expect(await list(ended, { cursor: null, limit: 10 })).toEqual({
      edges: [],
      hasNextPage: false,
    });
    expect(await rejection(() => list(ended, { cursor: null, limit: 10 }))).toBeInstanceOf(
      ProviderAuthError,
    );
  });
});

describe('SignalWire room life: listRecordings and getRecording', () => {
  const sessionIds = [
    '11111111-1111-4111-8111-111111111111',
    '22222222-2222-4222-8222-222222222222',
    '33333333-3333-4333-8333-333333333333',
  ];
  const recordingIds = [
    'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
  ];

  function sessionsOfRoom(size: string, next?: string) {
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_size: size },
      page(
        '/room_sessions',
        sessionIds.map((id) => session({ id })),
        next,
      ),
    );
  }

  function recordingsOfSession(sessionId: string, data: unknown[]) {
    reply(
      `/api/video/room_sessions/${sessionId}/recordings`,
      { page_size: '1000' },
      page(`/room_sessions/${sessionId}/recordings`, data),
    );
  }

  it("goes through the room's sessions, newest first, and each one's recordings, newest first", async () => {
    sessionsOfRoom('10');
    recordingsOfSession(sessionIds[0]!, [
      recording({
        id: recordingIds[0],
        room_session_id: sessionIds[0],
        started_at: '2026-03-01T10:00:00Z',
      }),
      recording({
        id: recordingIds[1],
        room_session_id: sessionIds[0],
        status: 'recording',
        started_at: '2026-03-01T10:30:00Z',
        finished_at: null,
        uri: null,
      }),
    ]);
    recordingsOfSession(sessionIds[1]!, []);
    recordingsOfSession(sessionIds[2]!, [
      recording({ id: recordingIds[2], room_session_id: sessionIds[2], status: 'processing' }),
    ]);

    const listed = await method(provider(), 'listRecordings')(ROOM, { cursor: null, limit: 10 });

    expect(listed.edges.map((edge) => [edge.node.nativeId, edge.node.status])).toEqual([
      [recordingIds[1], 'RECORDING'],
      [recordingIds[0], 'READY'],
      [recordingIds[2], 'PROCESSING'],
    ]);
    expect(listed.edges[1]?.node).toEqual({
      providerKey: 'signalwire',
      roomNativeId: ROOM,
      sessionNativeId: sessionIds[0],
      nativeId: recordingIds[0],
      status: 'READY',
      startedAt: new Date('2026-03-01T10:00:00Z'),
      endedAt: new Date('2022-01-01T11:00:00Z'),
      durationSeconds: 120,
      sizeBytes: 20971520,
    });
    expect(listed.hasNextPage).toBe(false);
    // One call for the sessions, one per session.
    expect(requests()).toHaveLength(4);
  });

  it('stops at the page size, and resumes inside the session it stopped in', async () => {
    sessionsOfRoom('10');
    recordingsOfSession(sessionIds[0]!, [
      recording({ id: recordingIds[0], room_session_id: sessionIds[0] }),
      recording({ id: recordingIds[1], room_session_id: sessionIds[0] }),
    ]);
    const adapter = provider();
    const first = await method(adapter, 'listRecordings')(ROOM, { cursor: null, limit: 1 });
    expect(first.edges.map((edge) => edge.node.nativeId)).toEqual([recordingIds[0]]);
    expect(first.hasNextPage).toBe(true);
    // It looked at one session only: the page was full.
    expect(requests()).toHaveLength(2);

    // Resuming: the same session's second recording, then the next session's.
    sessionsOfRoom('10');
    recordingsOfSession(sessionIds[0]!, [
      recording({ id: recordingIds[0], room_session_id: sessionIds[0] }),
      recording({ id: recordingIds[1], room_session_id: sessionIds[0] }),
    ]);
    recordingsOfSession(sessionIds[1]!, [
      recording({ id: recordingIds[2], room_session_id: sessionIds[1] }),
    ]);
    const second = await method(adapter, 'listRecordings')(ROOM, {
      cursor: first.edges[0]!.cursor,
      limit: 2,
    });
    expect(second.edges.map((edge) => edge.node.nativeId)).toEqual([
      recordingIds[1],
      recordingIds[2],
    ]);
    // Session 3 was never asked for: the page was full, so more may come.
    expect(second.hasNextPage).toBe(true);
  });

  it('ends the listing when the sessions it may look through hold no recording', async () => {
    const many = Array.from({ length: 12 }, (_, index) =>
      session({ id: `${String(index).padStart(8, '0')}-0000-4000-8000-000000000000` }),
    );
    reply(
      '/api/video/room_sessions',
      { room_id: ROOM_ID, page_size: '10' },
      page('/room_sessions', many.slice(0, 10), 'PAnext'),
    );
    for (const entry of many.slice(0, 10)) {
      recordingsOfSession(entry.id as string, []);
    }
    const listed = await method(provider(), 'listRecordings')(ROOM, { cursor: null, limit: 5 });
    expect(listed).toEqual({ edges: [], hasNextPage: false });
    // The sessions page and ten sessions: the least a page looks through.
    expect(requests()).toHaveLength(11);
  });

  it('reads a 404 for one session’s recordings as none', async () => {
    sessionsOfRoom('10');
    reply(
      `/api/video/room_sessions/${sessionIds[0]}/recordings`,
      { page_size: '1000' },
      { error: 'Not Found' },
      404,
    );
    recordingsOfSession(sessionIds[1]!, [
      recording({ id: recordingIds[0], room_session_id: sessionIds[1] }),
    ]);
    recordingsOfSession(sessionIds[2]!, []);
    const listed = await method(provider(), 'listRecordings')(ROOM, { cursor: null, limit: 10 });
    expect(listed.edges.map((edge) => edge.node.nativeId)).toEqual([recordingIds[0]]);
  });

  it('gets a recording of this room in two calls, and null for another room’s or an unknown one', async () => {
    upstream()
      .intercept({ path: `/api/video/room_recordings/${RECORDING_ID}`, method: 'GET' })
      .reply(200, recording({ id: RECORDING_ID, room_session_id: SESSION_ID }), {
        headers: JSON_HEADERS,
      })
      .times(2);
    upstream()
      .intercept({ path: `/api/video/room_sessions/${SESSION_ID}`, method: 'GET' })
      .reply(200, session(), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/room_sessions/${SESSION_ID}`, method: 'GET' })
      .reply(200, session({ room_id: OTHER_ROOM_ID }), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/room_recordings/${SESSION_ID}`, method: 'GET' })
      .reply(404, { error: 'Not Found' }, { headers: JSON_HEADERS });
    const get = method(provider(), 'getRecording');

    expect(await get(ROOM, RECORDING_ID)).toMatchObject({
      nativeId: RECORDING_ID,
      sessionNativeId: SESSION_ID,
      roomNativeId: ROOM,
      status: 'READY',
    });
    expect(await get(ROOM, RECORDING_ID)).toBeNull();
    expect(await get(ROOM, SESSION_ID)).toBeNull();
    expect(await get(ROOM, 'not-a-recording')).toBeNull();
    expect(requests()).toEqual([
      `GET /api/video/room_recordings/${RECORDING_ID}`,
      `GET /api/video/room_sessions/${SESSION_ID}`,
      `GET /api/video/room_recordings/${RECORDING_ID}`,
      `GET /api/video/room_sessions/${SESSION_ID}`,
      `GET /api/video/room_recordings/${SESSION_ID}`,
    ]);
  });
});

describe('SignalWire room life: getRecordingDownload', () => {
  const ready = {
    providerKey: 'signalwire',
    roomNativeId: ROOM,
    sessionNativeId: SESSION_ID,
    nativeId: RECORDING_ID,
    status: 'READY' as const,
    startedAt: null,
    endedAt: null,
    durationSeconds: 120,
    sizeBytes: 1,
  };

  it('asks for a fresh link with media_ttl and says when it expires; the link is a secret', async () => {
    const link = 'https://files.signalwire.com/temporary/link/to/the/recording/file?sig=0123456789';
    reply(
      `/api/video/room_recordings/${RECORDING_ID}`,
      { media_ttl: '900' },
      recording({ uri: link }),
    );
    const redactor = new SecretRedactor();

    const download = await method(provider({ redactor }), 'getRecordingDownload')(ready);

    expect(download).toEqual({ url: link, expiresAt: new Date(NOW + 900_000) });
    expect(redactor.redact(`fetched ${link}`)).not.toContain('sig=0123456789');
  });

  it('fails typed when SignalWire has no file yet, or does not know the recording', async () => {
    reply(
      `/api/video/room_recordings/${RECORDING_ID}`,
      { media_ttl: '900' },
      recording({ uri: null }),
    );
    reply(
      `/api/video/room_recordings/${RECORDING_ID}`,
      { media_ttl: '900' },
      { error: 'Not Found' },
      404,
    );
    const download = method(provider(), 'getRecordingDownload');
    expect(await rejection(() => download(ready))).toMatchObject({ providerCode: 'NO_FILE' });
    const missing = await rejection(() => download(ready));
    expect(missing).toBeInstanceOf(ProviderError);
    expect(missing).toMatchObject({ status: 404, code: 'UPSTREAM_ERROR' });
    const forged = await rejection(() => download({ ...ready, nativeId: '../room_sessions' }));
    expect(forged).toMatchObject({ providerCode: 'NOT_FOUND' });
    expect(requests()).toHaveLength(2);
  });
});
