import { afterEach, describe, expect, it } from 'vitest';
import type { RoomLifeOperation } from '../../../../src/domain/capabilities.js';
import {
  InputValidationError,
  ProviderError,
  ProviderRejectedError,
  ProviderResponseError,
  RoomNotFoundError,
  UpstreamCallLimitError,
} from '../../../../src/domain/errors.js';
import type { Participant, Recording, RoomSession } from '../../../../src/domain/room-life.js';
import { createCallContext } from '../../../../src/http/call-context.js';
import { SecretRedactor } from '../../../../src/http/secret-redactor.js';
import { HMS_CAPABILITIES } from '../../../../src/providers/hms/hms-provider.js';
import { createKit, fixture, managementClaims, NOW } from './hms-test-kit.js';

// The room-life members of the 100ms adapter against a MockAgent (hms-room-life.md): the
// requests they send, how the documented answers map, and their errors.

type Kit = ReturnType<typeof createKit>;
let kit: Kit;

function setUp(overrides?: Parameters<typeof createKit>[0]): Kit {
  kit = createKit(overrides);
  return kit;
}

afterEach(async () => {
  await kit?.close();
});

const ROOM = '627ce5b8f2e4e30487862adb';
const OTHER_ROOM = '631a0f990e6ffae22efa610c';
const SESSION = '63172c2d3e3d9fdb008322e1';
const PEER = '2d873b0a-c2c9-41dc-ac72-c6ea9b2f2cc3';
const REC_ROOM = '635fe195f5e1f4a0abb7d1ae';
const RECORDING = '642531cf94091a5af841456d';

/** A live session of `room` with the given peers, as `GET /v2/sessions` shows one (§1). */
function liveSession(room: string, id: string, peers: Record<string, object> = {}) {
  return {
    id,
    room_id: room,
    customer_id: '627cdddff2e4e30487862ad1',
    active: true,
    peers,
    created_at: '2024-01-15T11:00:00.5Z',
    updated_at: '2024-01-15T11:30:00Z',
  };
}

const ADA = {
  id: '0b7f1c7e-1111-4aaa-8bbb-000000000001',
  name: 'Ada',
  role: 'host',
  user_id: 'ada',
  joined_at: '2024-01-15T11:00:01Z',
};
const GRACE = {
  id: '0b7f1c7e-1111-4aaa-8bbb-000000000002',
  name: 'Grace',
  role: 'guest',
  user_id: 'grace',
  joined_at: '2024-01-15T11:00:00.9Z',
  // Go's zero time: still in (hms-room-life.md §1, UNCONFIRMED).
  left_at: '0001-01-01T00:00:00Z',
};
const GONE = {
  id: '0b7f1c7e-1111-4aaa-8bbb-000000000003',
  name: 'Gone',
  role: 'viewer-realtime',
  user_id: 'gone',
  joined_at: '2024-01-15T11:00:00Z',
  left_at: '2024-01-15T11:05:00Z',
};

describe('capabilities', () => {
  it('declare every room-life operation native, each with a note on how', () => {
    const { provider } = setUp();
    const lifeOps = [
      'getActiveSession',
      'listSessions',
      'listParticipants',
      'listRecordings',
      'getRecordingDownload',
      'removeParticipant',
      'endRoomSession',
      'startRecording',
      'stopRecording',
    ] as const;
    for (const operation of lifeOps) {
      expect(provider.capabilities.operations[operation]).toBe('NATIVE');
      expect(provider.capabilities.operationNotes?.[operation]).toEqual(expect.any(String));
    }
    expect(provider.capabilities).toBe(HMS_CAPABILITIES);
  });

  it('have a member for exactly the operations they support', () => {
    const { provider } = setUp();
    const members: Record<RoomLifeOperation, readonly (keyof typeof provider)[]> = {
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
    for (const [operation, names] of Object.entries(members)) {
      const supported =
        provider.capabilities.operations[operation as RoomLifeOperation] !== 'UNSUPPORTED';
      for (const name of names) {
        expect([operation, typeof provider[name]]).toEqual([
          operation,
          supported ? 'function' : 'undefined',
        ]);
      }
    }
  });
});

describe('getActiveSessions', () => {
  it('asks one room with GET /v2/sessions?room_id&active=true and maps its peers', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [liveSession(ROOM, SESSION, { [ADA.id]: ADA, [GRACE.id]: GRACE, [GONE.id]: GONE })],
      last: SESSION,
    });
    const [session] = await provider.getActiveSessions!([ROOM]);
    expect(seen).toHaveLength(1);
    expect(await managementClaims(seen[0]!.headers)).toMatchObject({ type: 'management' });
    expect(session).toEqual<RoomSession>({
      providerKey: 'hms-test',
      roomNativeId: ROOM,
      nativeId: SESSION,
      status: 'LIVE',
      startedAt: new Date('2024-01-15T11:00:00.5Z'),
      endedAt: null,
      // Two still in; the one who left is among the participants, not the count.
      participantCount: 2,
      participants: [
        expect.objectContaining({ nativeId: GONE.id, leftAt: new Date('2024-01-15T11:05:00Z') }),
        expect.objectContaining({ nativeId: GRACE.id, role: 'PARTICIPANT', leftAt: null }),
        {
          providerKey: 'hms-test',
          roomNativeId: ROOM,
          sessionNativeId: SESSION,
          nativeId: ADA.id,
          identity: 'ada',
          displayName: 'Ada',
          role: 'HOST',
          providerRole: 'host',
          joinedAt: new Date('2024-01-15T11:00:01Z'),
          leftAt: null,
        } satisfies Participant,
      ],
    });
  });

  it('answers a page of rooms with one listing of the live sessions across rooms', async () => {
    const { provider, reply, seen } = setUp();
    const idle = '65a1b2c3d4e5f60718290001';
    reply('GET', '/v2/sessions?active=true&limit=100', 200, {
      limit: 100,
      data: [liveSession(OTHER_ROOM, '631a0fa23e3d9fdb00832596'), liveSession(ROOM, SESSION)],
      last: SESSION,
    });
    const found = await provider.getActiveSessions!([ROOM, idle, OTHER_ROOM, 'not-an-id', ROOM]);
    // 1 call for 4 well-formed handles: the listing ended on its first (short) page.
    expect(seen.map((request) => request.path)).toEqual(['/v2/sessions?active=true&limit=100']);
    expect(
      found.map((entry) => (entry instanceof Error ? entry.name : (entry?.nativeId ?? null))),
    ).toEqual([SESSION, null, '631a0fa23e3d9fdb00832596', 'RoomNotFoundError', SESSION]);
  });

  it('follows `last` while pages come back full, stopping once every room is found', async () => {
    const { provider, reply, seen } = setUp();
    const others = Array.from({ length: 100 }, (_, n) =>
      liveSession(
        `65a1b2c3d4e5f607182a${n.toString(16).padStart(4, '0')}`,
        `65a1b2c3d4e5f607182b${n.toString(16).padStart(4, '0')}`,
      ),
    );
    reply('GET', '/v2/sessions?active=true&limit=100', 200, {
      limit: 100,
      data: others,
      last: others.at(-1)!.id,
    });
    reply('GET', `/v2/sessions?active=true&limit=100&start=${others.at(-1)!.id}`, 200, {
      limit: 100,
      data: [liveSession(ROOM, SESSION), ...others.slice(0, 99)],
      last: others[98]!.id,
    });
    reply('GET', `/v2/sessions?room_id=${OTHER_ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [],
      last: '',
    });
    const found = await provider.getActiveSessions!([
      ROOM,
      others[0]!.room_id,
      others[5]!.room_id,
      OTHER_ROOM,
    ]);
    // Four rooms: at most two pages of the listing, then one call per room not reached. Both
    // pages were full; OTHER_ROOM was in neither, so it is asked on its own: 2 + 1 calls.
    expect(seen.map((request) => request.path)).toEqual([
      '/v2/sessions?active=true&limit=100',
      `/v2/sessions?active=true&limit=100&start=${others.at(-1)!.id}`,
      `/v2/sessions?room_id=${OTHER_ROOM}&active=true&limit=10`,
    ]);
    expect(found.map((entry) => (entry as RoomSession | null)?.nativeId ?? null)).toEqual([
      SESSION,
      others[0]!.id,
      others[5]!.id,
      null,
    ]);
  });

  it('gives each room the call-limit error when the operation has no calls left', async () => {
    const { provider, seen } = setUp();
    const context = createCallContext({ timeoutMs: 1_000, maxCalls: 0 });
    const found = await provider.getActiveSessions!([ROOM, OTHER_ROOM, 'x'], { context });
    expect(found[0]).toBeInstanceOf(UpstreamCallLimitError);
    expect(found[1]).toBeInstanceOf(UpstreamCallLimitError);
    expect(found[2]).toBeInstanceOf(RoomNotFoundError);
    expect(seen).toEqual([]);
  });

  it('fails the whole batch on a 500', async () => {
    const { provider, reply } = setUp();
    reply('GET', '/v2/sessions?active=true&limit=100', 500, { code: 500, message: 'boom' });
    await expect(provider.getActiveSessions!([ROOM, OTHER_ROOM])).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      status: 500,
    });
  });
});

describe('listSessions and getSession', () => {
  it('walks the live sessions, then the past ones, newest first, with cursors that resume', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [liveSession(ROOM, '65a1b2c3d4e5f607182c0001', { [ADA.id]: ADA })],
      last: '65a1b2c3d4e5f607182c0001',
    });
    const past = fixture<{ data: { room_id: string }[] }>('list-sessions.200.json');
    const ours = { ...past, data: past.data.map((session) => ({ ...session, room_id: ROOM })) };
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=false&limit=10`, 200, ours);
    const page = await provider.listSessions!(ROOM, { cursor: null, limit: 2 });
    expect(seen.map((request) => request.path)).toEqual([
      `/v2/sessions?room_id=${ROOM}&active=true&limit=10`,
      `/v2/sessions?room_id=${ROOM}&active=false&limit=10`,
    ]);
    expect(page.hasNextPage).toBe(true);
    expect(page.edges.map((edge) => [edge.node.nativeId, edge.node.status])).toEqual([
      ['65a1b2c3d4e5f607182c0001', 'LIVE'],
      ['631a0fa23e3d9fdb00832596', 'ENDED'],
    ]);
    // An ended session ended at its `updated_at`, and counts everyone who took part.
    expect(page.edges[1]!.node).toMatchObject({
      startedAt: new Date('2022-09-08T15:52:02.197Z'),
      endedAt: new Date('2022-09-08T15:52:04.015Z'),
      participantCount: 1,
      participants: [{ identity: 'Batch1-student1', role: 'HOST', leftAt: expect.any(Date) }],
    });

    // The next page resumes inside the past walk's page, after the item the cursor names.
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=false&limit=10`, 200, ours);
    const next = await provider.listSessions!(ROOM, { cursor: page.edges[1]!.cursor, limit: 5 });
    expect(next.edges.map((edge) => edge.node.nativeId)).toEqual(['63172c2d3e3d9fdb008322e1']);
    expect(next.hasNextPage).toBe(false);
  });

  it('refuses a cursor of another room, and a handle that is no room id, before any request', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [liveSession(ROOM, SESSION)],
      last: SESSION,
    });
    const page = await provider.listSessions!(ROOM, { cursor: null, limit: 1 });
    expect(seen).toHaveLength(1);
    await expect(
      provider.listSessions!(OTHER_ROOM, { cursor: page.edges[0]!.cursor, limit: 1 }),
    ).rejects.toBeInstanceOf(InputValidationError);
    await expect(provider.listSessions!('..', { cursor: null, limit: 1 })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
    expect(seen).toHaveLength(1);
  });

  it('gets one session by id, null when 100ms does not know it or it is of another room', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/sessions/${SESSION}`, 200, fixture('get-session.200.json'));
    reply('GET', `/v2/sessions/${SESSION}`, 200, fixture('get-session.200.json'));
    reply('GET', '/v2/sessions/65a1b2c3d4e5f607182c0bad', 404, {
      code: 404,
      message: 'session not found',
    });
    expect(await provider.getSession!(ROOM, SESSION)).toMatchObject({
      nativeId: SESSION,
      status: 'ENDED',
      participants: [
        { nativeId: PEER, displayName: 'Nixon K', role: null, providerRole: 'backstage' },
      ],
    });
    expect(await provider.getSession!(OTHER_ROOM, SESSION)).toBeNull();
    expect(await provider.getSession!(ROOM, '65a1b2c3d4e5f607182c0bad')).toBeNull();
    expect(await provider.getSession!(ROOM, '../rooms')).toBeNull();
    expect(seen).toHaveLength(3);
  });
});

describe('listParticipants', () => {
  it('reads the session for its peers, in the order they joined, one page at a time', async () => {
    const { provider, reply, seen } = setUp();
    const session = liveSession(ROOM, SESSION, {
      [ADA.id]: ADA,
      [GRACE.id]: GRACE,
      [GONE.id]: GONE,
    });
    reply('GET', `/v2/sessions/${SESSION}`, 200, session);
    reply('GET', `/v2/sessions/${SESSION}`, 200, session);
    const held = { providerKey: 'hms-test', roomNativeId: ROOM, nativeId: SESSION } as RoomSession;
    const first = await provider.listParticipants!(held, { cursor: null, limit: 2 });
    expect(first.edges.map((edge) => edge.node.displayName)).toEqual(['Gone', 'Grace']);
    expect(first.hasNextPage).toBe(true);
    const second = await provider.listParticipants!(held, {
      cursor: first.edges[1]!.cursor,
      limit: 2,
    });
    expect(second.edges.map((edge) => edge.node.displayName)).toEqual(['Ada']);
    expect(second.hasNextPage).toBe(false);
    expect(seen.map((request) => request.path)).toEqual([
      `/v2/sessions/${SESSION}`,
      `/v2/sessions/${SESSION}`,
    ]);
  });
});

describe('removeParticipant', () => {
  it('POSTs the peer id alone to remove-peers', async () => {
    const { provider, reply, seen } = setUp();
    reply('POST', `/v2/active-rooms/${ROOM}/remove-peers`, 200, fixture('remove-peers.200.json'));
    await provider.removeParticipant!(ROOM, PEER);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      path: `/v2/active-rooms/${ROOM}/remove-peers`,
      body: { peer_id: PEER },
      headers: { 'content-type': 'application/json' },
    });
  });

  it('refuses a handle that is no peer id, and a room that is no room id, before any request', async () => {
    const { provider, seen } = setUp();
    await expect(provider.removeParticipant!(ROOM, 'host')).rejects.toBeInstanceOf(
      InputValidationError,
    );
    await expect(provider.removeParticipant!('%2e%2e', PEER)).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
    expect(seen).toEqual([]);
  });

  it('tells an unknown room from a peer or session that is not there', async () => {
    const { provider, reply } = setUp();
    reply('POST', `/v2/active-rooms/${ROOM}/remove-peers`, 404, {
      code: 404,
      message: 'room not found',
    });
    reply('POST', `/v2/active-rooms/${ROOM}/remove-peers`, 404, {
      code: 404,
      message: 'peer not found',
    });
    await expect(provider.removeParticipant!(ROOM, PEER)).rejects.toBeInstanceOf(RoomNotFoundError);
    const gone = await provider.removeParticipant!(ROOM, PEER).catch((error: unknown) => error);
    expect(gone).not.toBeInstanceOf(RoomNotFoundError);
    expect(gone).toMatchObject({ code: 'UPSTREAM_ERROR', status: 404, message: 'peer not found' });
  });
});

describe('endRoomSession', () => {
  it('reads the live session, ends it with the lock asked for, and returns it as it ended', async () => {
    const { provider, reply, seen, clock } = setUp();
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [liveSession(ROOM, SESSION, { [ADA.id]: ADA, [GONE.id]: GONE })],
      last: SESSION,
    });
    reply('POST', `/v2/active-rooms/${ROOM}/end-room`, 200, fixture('end-room.200.json'));
    clock.now = NOW + 5_000;
    const ended = await provider.endRoomSession!(ROOM, { lock: true });
    expect(seen.map((request) => [request.method, request.path, request.body])).toEqual([
      ['GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, undefined],
      ['POST', `/v2/active-rooms/${ROOM}/end-room`, { lock: true }],
    ]);
    const at = new Date(NOW + 5_000);
    expect(ended).toMatchObject({
      nativeId: SESSION,
      status: 'ENDED',
      endedAt: at,
      participantCount: 2,
      participants: [
        { nativeId: GONE.id, leftAt: new Date('2024-01-15T11:05:00Z') },
        { nativeId: ADA.id, leftAt: at },
      ],
    });
  });

  it('sends nothing and answers null when nobody is in the room', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [],
      last: '',
    });
    expect(await provider.endRoomSession!(ROOM, { lock: false })).toBeNull();
    expect(seen).toHaveLength(1);
  });

  it('answers null when the session ended between the read and the end (404 session not found)', async () => {
    const { provider, reply } = setUp();
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [liveSession(ROOM, SESSION)],
      last: SESSION,
    });
    reply('POST', `/v2/active-rooms/${ROOM}/end-room`, 404, {
      code: 404,
      message: 'session not found',
    });
    expect(await provider.endRoomSession!(ROOM, { lock: false })).toBeNull();
  });

  it('is not retried after a 503: ending twice could end the next session', async () => {
    const { provider, reply, seen } = setUp({
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reply('GET', `/v2/sessions?room_id=${ROOM}&active=true&limit=10`, 200, {
      limit: 10,
      data: [liveSession(ROOM, SESSION)],
      last: SESSION,
    });
    reply('POST', `/v2/active-rooms/${ROOM}/end-room`, 503, { code: 503, message: 'unavailable' });
    await expect(provider.endRoomSession!(ROOM, { lock: false })).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
    });
    expect(seen).toHaveLength(2);
  });
});

describe('recordings', () => {
  const recordingOf = (status: Recording['status']) => ({
    providerKey: 'hms-test',
    roomNativeId: REC_ROOM,
    sessionNativeId: '642531c8becbb0bb81952e36',
    nativeId: RECORDING,
    status,
  });

  it('lists the jobs of one room, reckoning a listed job’s length from its start and stop', async () => {
    const { provider, reply, seen } = setUp();
    reply(
      'GET',
      `/v2/recordings?room_id=${REC_ROOM}&limit=10`,
      200,
      fixture('list-recordings.200.json'),
    );
    const page = await provider.listRecordings!(REC_ROOM, { cursor: null, limit: 3 });
    expect(seen[0]!.path).toBe(`/v2/recordings?room_id=${REC_ROOM}&limit=10`);
    expect(page.hasNextPage).toBe(false);
    expect(page.edges.map((edge) => edge.node)).toEqual<Recording[]>([
      {
        ...recordingOf('READY'),
        startedAt: new Date('2023-03-30T06:53:06.787Z'),
        endedAt: new Date('2023-03-30T06:53:58.182Z'),
        durationSeconds: 51.395,
        sizeBytes: null,
      },
    ]);
  });

  it.each([
    ['starting', 'RECORDING'],
    ['running', 'RECORDING'],
    ['paused', 'RECORDING'],
    ['stopping', 'PROCESSING'],
    ['post_processing', 'PROCESSING'],
    ['completed', 'READY'],
    ['failed', 'FAILED'],
    ['something-new', 'PROCESSING'],
  ])('maps a job %s to %s', async (status, expected) => {
    const { provider, reply } = setUp();
    reply('GET', `/v2/recordings/${RECORDING}`, 200, {
      ...fixture<Record<string, unknown>>('get-recording.200.json'),
      status,
    });
    expect(await provider.getRecording!(REC_ROOM, RECORDING)).toMatchObject({ status: expected });
  });

  it('gets one job with its file’s size and length, null for another room’s or an unknown one', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/recordings/${RECORDING}`, 200, fixture('get-recording.200.json'));
    reply('GET', `/v2/recordings/${RECORDING}`, 200, fixture('get-recording.200.json'));
    reply('GET', '/v2/recordings/642531cf94091a5af8410bad', 404, {
      code: 404,
      message: 'recording not found',
    });
    expect(await provider.getRecording!(REC_ROOM, RECORDING)).toMatchObject({
      ...recordingOf('READY'),
      durationSeconds: 55,
      sizeBytes: 26361961,
    });
    expect(await provider.getRecording!(ROOM, RECORDING)).toBeNull();
    expect(await provider.getRecording!(REC_ROOM, '642531cf94091a5af8410bad')).toBeNull();
    expect(await provider.getRecording!(REC_ROOM, 'x/y')).toBeNull();
    expect(seen).toHaveLength(3);
  });

  it('mints a download link: the job’s room-composite asset, then its presigned URL', async () => {
    const redactor = new SecretRedactor();
    const { provider, reply, seen } = setUp({ redactor });
    reply('GET', `/v2/recordings/${RECORDING}`, 200, fixture('get-recording.200.json'));
    reply(
      'GET',
      '/v2/recording-assets/6425320e94091a5af841456f/presigned-url?presign_duration=900',
      200,
      fixture('presigned-url.200.json'),
    );
    const download = await provider.getRecordingDownload!({
      ...recordingOf('READY'),
      startedAt: null,
      endedAt: null,
      durationSeconds: null,
      sizeBytes: null,
    });
    expect(seen).toHaveLength(2);
    const url = fixture<{ url: string }>('presigned-url.200.json').url;
    expect(download).toEqual({ url, expiresAt: new Date(NOW + 900_000) });
    // The link is a secret while it lives.
    expect(redactor.redactValues(`link: ${url}`)).toBe('link: [redacted]');
  });

  it('says so when a job has no file yet, without asking for a link', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/recordings/${RECORDING}`, 200, fixture('start-recording.200.json'));
    const error = await provider.getRecordingDownload!({
      ...recordingOf('READY'),
      startedAt: null,
      endedAt: null,
      durationSeconds: null,
      sizeBytes: null,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(seen).toHaveLength(1);
  });

  it('starts a recording with an empty body and maps the starting job', async () => {
    const { provider, reply, seen } = setUp();
    reply(
      'POST',
      `/v2/recordings/room/${REC_ROOM}/start`,
      200,
      fixture('start-recording.200.json'),
    );
    const started = await provider.startRecording!(REC_ROOM);
    expect(seen[0]).toMatchObject({ method: 'POST', body: {} });
    expect(started).toEqual<Recording>({
      ...recordingOf('RECORDING'),
      startedAt: null,
      endedAt: null,
      durationSeconds: null,
      sizeBytes: null,
    });
  });

  it('passes on 100ms’s refusal to start, and maps 404 to an unknown room', async () => {
    const { provider, reply } = setUp();
    reply('POST', `/v2/recordings/room/${REC_ROOM}/start`, 400, {
      code: 400,
      message: 'Invalid body param',
      details: ['meeting_url is required'],
    });
    reply('POST', `/v2/recordings/room/${REC_ROOM}/start`, 404, {
      code: 404,
      message: 'room not found',
    });
    await expect(provider.startRecording!(REC_ROOM)).rejects.toMatchObject({
      constructor: ProviderRejectedError,
      message: 'Invalid body param: meeting_url is required',
    });
    await expect(provider.startRecording!(REC_ROOM)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('stops every recording of the room and returns them as they stop', async () => {
    const { provider, reply, seen } = setUp();
    reply(
      'POST',
      `/v2/recordings/room/${REC_ROOM}/stop`,
      200,
      fixture('stop-recording-room.200.json'),
    );
    reply('POST', `/v2/recordings/room/${REC_ROOM}/stop`, 200, { limit: 10, data: [], last: '' });
    expect(await provider.stopRecording!(REC_ROOM)).toEqual([
      expect.objectContaining({ nativeId: RECORDING, status: 'PROCESSING' }),
    ]);
    expect(await provider.stopRecording!(REC_ROOM)).toEqual([]);
    expect(seen[0]).toMatchObject({ path: `/v2/recordings/room/${REC_ROOM}/stop`, body: {} });
  });

  it('reports a job without the fields it reads as a bad response', async () => {
    const { provider, reply } = setUp();
    reply('POST', `/v2/recordings/room/${REC_ROOM}/start`, 200, { status: 'starting' });
    await expect(provider.startRecording!(REC_ROOM)).rejects.toBeInstanceOf(ProviderResponseError);
  });
});

describe('handles that are not ids', () => {
  const hostile = ['.', '..', '', '%2e', 'a/b', '?x=1', 'ABCDEF0123456789ABCDEF01'];

  it.each(hostile)('%j is refused by every room-life member with no request', async (handle) => {
    const { provider, seen } = setUp();
    expect(await provider.getActiveSessions!([handle])).toEqual([expect.any(RoomNotFoundError)]);
    for (const call of [
      () => provider.listSessions!(handle, { cursor: null, limit: 1 }),
      () => provider.listRecordings!(handle, { cursor: null, limit: 1 }),
      () => provider.removeParticipant!(handle, PEER),
      () => provider.endRoomSession!(handle, { lock: false }),
      () => provider.startRecording!(handle),
      () => provider.stopRecording!(handle),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(RoomNotFoundError);
    }
    expect(await provider.getSession!(ROOM, handle)).toBeNull();
    expect(await provider.getRecording!(ROOM, handle)).toBeNull();
    expect(seen).toEqual([]);
  });
});
