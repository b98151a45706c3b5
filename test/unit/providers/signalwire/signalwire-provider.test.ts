import { readFileSync } from 'node:fs';
import type { MockCallHistoryLog } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import {
  InputValidationError,
  ProviderAuthError,
  type ProviderError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
  RoomNotFoundError,
} from '../../../../src/domain/errors.js';
import type { Room } from '../../../../src/domain/room.js';
import { CursorKey } from '../../../../src/providers/cursor-key.js';
import type { RoomProvider } from '../../../../src/providers/room-provider.js';
import { createSignalWireProvider } from '../../../../src/providers/signalwire/signalwire-provider.js';
import {
  createMockAgent,
  header,
  jsonBody,
  type MockUpstream,
} from '../../../helpers/mock-agent.js';
import { loadOpenApiContract } from '../../../helpers/openapi-contract.js';
import { SIGNALWIRE_OPENAPI } from '../../../helpers/shared-dir.js';

const SPEC = SIGNALWIRE_OPENAPI;
const ORIGIN = 'https://acme.signalwire.com';
const PROJECT_ID = '0c97f635-1c13-4fc1-86f7-bb2be859d8b9';
const API_TOKEN = 'PT5f0e7c1d2b3a49586776a5b4c3d2e1f0';
const AUTHORIZATION = `Basic ${Buffer.from(`${PROJECT_ID}:${API_TOKEN}`).toString('base64')}`;
// Not a whole second, so the tests see the clock being truncated to SignalWire's format.
const NOW = Date.parse('2026-03-01T12:00:00.250Z');
const NOW_TEXT = '2026-03-01T12:00:00Z';
const JSON_HEADERS = { 'content-type': 'application/json' };

const ROOM_ID = 'c22d24f6-5a47-4597-9a23-c7d01e696b92';
const CONFERENCE_ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const MISSING_ID = '9f1c0d2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/signalwire/${name}`, import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
}

/** The documented room object, with another id and name where a test needs several. */
function room(overrides: Record<string, unknown> = {}) {
  return { ...fixture('get-room.200.json'), id: ROOM_ID, ...overrides };
}

function conference(overrides: Record<string, unknown> = {}) {
  return { ...fixture('get-conference.200.json'), id: CONFERENCE_ID, ...overrides };
}

/** A list envelope as §6 shows it: absolute links on another origin than ours. */
function page(collection: string, data: unknown[], next?: string) {
  const self = `https://example.signalwire.com/api/video/${collection}?page_number=0&page_size=50`;
  return {
    links: {
      self,
      first: self,
      ...(next ? { next: `https://example.signalwire.com/api/video/${collection}?${next}` } : {}),
    },
    data,
  };
}

// Every request the adapter sends must be one the spec documents: path, query and a body
// with no undocumented key (objects sealed, as `signalwire.md` §7 asks of the adapter).
const contract = loadOpenApiContract(SPEC, { basePath: '/api/video', sealObjects: true });

/** The permission enum, read from the spec rather than from the code under test. */
const SPEC_PERMISSIONS = (
  parse(readFileSync(SPEC, 'utf8')) as {
    components: { schemas: { RoomTokenPermission: { enum: string[] } } };
  }
).components.schemas.RoomTokenPermission.enum;

/** `signalwire.md` §5.3, in the documented order. */
const DEFAULT_PERMISSIONS = [
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
];

let mock: MockUpstream;

beforeEach(() => {
  mock = createMockAgent();
});

afterEach(async () => {
  vi.useRealTimers();
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

const CURSOR_KEY = CursorKey.fromSecret('the signalwire unit tests cursor secret, 32+ chars');

function provider(overrides: { key?: string; defaultTokenTtlSeconds?: number } = {}): RoomProvider {
  return createSignalWireProvider({
    key: 'signalwire',
    baseUrl: `${ORIGIN}/api/video`,
    dispatcher: mock.agent,
    timeoutMs: 5_000,
    retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1_000 },
    defaultTokenTtlSeconds: 3_600,
    now: () => NOW,
    projectId: PROJECT_ID,
    apiToken: API_TOKEN,
    cursorKey: CURSOR_KEY,
    ...overrides,
  });
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

function expectJsonRequest(call: MockCallHistoryLog | undefined, body: unknown) {
  expect(call).toBeDefined();
  expect(header(call!, 'authorization')).toBe(AUTHORIZATION);
  expect(header(call!, 'accept')).toBe('application/json');
  expect(header(call!, 'content-type')).toBe('application/json');
  expect(jsonBody(call!)).toEqual(body);
}

function expectBareGet(call: MockCallHistoryLog | undefined) {
  expect(call?.method).toBe('GET');
  expect(header(call!, 'authorization')).toBe(AUTHORIZATION);
  expect(header(call!, 'content-type')).toBeUndefined();
  expect(call?.body ?? undefined).toBeUndefined();
}

/**
 * What the operation rejected with. It takes a thunk, so an operation that throws before
 * returning its promise is caught too (see the report on `updateRoom`).
 */
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

describe('createSignalWireProvider: createRoom', () => {
  it('creates a ROOM with only documented keys and maps the answer', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(
        200,
        room({
          name: 'standup',
          display_name: 'Daily standup',
          max_members: 10,
          quality: '1080p',
          record_on_start: true,
          join_from: '2026-03-02T09:00:00Z',
          join_until: '2026-03-02T10:00:00Z',
        }),
        { headers: JSON_HEADERS },
      );

    const created = await provider().createRoom({
      name: 'standup',
      displayName: 'Daily standup',
      description: null,
      notBefore: new Date('2026-03-02T09:00:00.500Z'),
      expiresAt: new Date('2026-03-02T10:00:00Z'),
      maxParticipants: 10,
      recordingEnabled: true,
      signalwire: { quality: '1080p', layout: 'grid-responsive', enableRoomPreviews: true },
    });

    expect(requests()).toEqual(['POST /api/video/rooms']);
    expectJsonRequest(mock.calls()[0], {
      name: 'standup',
      display_name: 'Daily standup',
      join_from: '2026-03-02T09:00:00Z',
      join_until: '2026-03-02T10:00:00Z',
      record_on_start: true,
      quality: '1080p',
      layout: 'grid-responsive',
      enable_room_previews: true,
      max_members: 10,
    });
    expect(created).toMatchObject({
      providerKey: 'signalwire',
      providerKind: 'SIGNALWIRE',
      nativeId: `room:${ROOM_ID}`,
      providerRoomId: ROOM_ID,
      name: 'standup',
      displayName: 'Daily standup',
      status: 'ACTIVE',
      notBefore: new Date('2026-03-02T09:00:00Z'),
      expiresAt: new Date('2026-03-02T10:00:00Z'),
      maxParticipants: 10,
      recordingEnabled: true,
      settings: { roomType: 'ROOM', quality: '1080p' },
    });
  });

  it('creates a CONFERENCE with display_name defaulted to the name and the size that fits', async () => {
    upstream()
      .intercept({ path: '/api/video/conferences', method: 'POST' })
      .reply(
        200,
        conference({ name: 'team_sync', display_name: 'team_sync', enable_chat: false }),
        { headers: JSON_HEADERS },
      );

    const created = await provider().createRoom({
      name: 'team_sync',
      maxParticipants: 40,
      signalwire: { roomType: 'CONFERENCE', enableChat: false },
    });

    expect(requests()).toEqual(['POST /api/video/conferences']);
    // 40 participants: "small" holds 10, "medium" 50.
    expectJsonRequest(mock.calls()[0], {
      name: 'team_sync',
      display_name: 'team_sync',
      size: 'medium',
      enable_chat: false,
    });
    expect(created).toMatchObject({
      nativeId: `conference:${CONFERENCE_ID}`,
      name: 'team_sync',
      displayName: 'team_sync',
      maxParticipants: 50,
      settings: { roomType: 'CONFERENCE', size: 'medium', enableChat: false },
    });
  });

  it('rejects a name outside SignalWire pattern before any request', async () => {
    const error = await rejection(() => provider().createRoom({ name: 'my room/1' }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((issue) => issue.path.join('.'))).toEqual([
      'input.name',
    ]);
    expect(mock.calls()).toHaveLength(0);
  });

  it('rejects a name over 100 characters before any request', async () => {
    const error = await rejection(() => provider().createRoom({ name: 'a'.repeat(101) }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect(mock.calls()).toHaveLength(0);
  });

  it('rejects a region before any request', async () => {
    const error = await rejection(() => provider().createRoom({ name: 'ok_name', region: 'eu' }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues[0]?.path).toEqual(['input', 'region']);
    expect(mock.calls()).toHaveLength(0);
  });

  it('rejects conference-only settings on a ROOM and over-300 conferences before any request', async () => {
    const onRoom = await rejection(() =>
      provider().createRoom({ name: 'r', signalwire: { size: 'large', enableChat: true } }),
    );
    expect((onRoom as InputValidationError).issues.map((issue) => issue.path.join('.'))).toEqual([
      'input.signalwire.size',
      'input.signalwire.enableChat',
    ]);
    const tooBig = await rejection(() =>
      provider().createRoom({
        name: 'c',
        maxParticipants: 301,
        signalwire: { roomType: 'CONFERENCE' },
      }),
    );
    expect((tooBig as InputValidationError).issues[0]?.path).toEqual(['input', 'maxParticipants']);
    expect(mock.calls()).toHaveLength(0);
  });

  it('maps the documented 422 body to ProviderRejectedError naming the attribute', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(422, fixture('create-room.422.json'), { headers: JSON_HEADERS });

    const error = await rejection(() => provider().createRoom({ name: 'standup' }));

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_REJECTED',
      status: 422,
      providerCode: 'invalid_parameter',
      provider: 'signalwire',
      operation: 'createRoom',
    });
    expect((error as ProviderError).message).toContain('name: Name must be present');
  });

  it.each([
    ['create-room.400.json', 400, ProviderRejectedError],
    ['get-room.401.json', 401, ProviderAuthError],
    ['get-room.500.json', 500, ProviderUnavailableError],
  ])('maps the documented %s body to its error class', async (name, status, errorClass) => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(status, fixture(name), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().createRoom({ name: 'standup' }));
    expect(error).toBeInstanceOf(errorClass);
    expect((error as ProviderError).status).toBe(status);
    expect((error as ProviderError).message).not.toContain(API_TOKEN);
  });
});

describe('createSignalWireProvider: getRooms', () => {
  it('returns rooms in order and RoomNotFoundError for the one 404 only', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'GET' })
      .reply(200, room(), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/rooms/${MISSING_ID}`, method: 'GET' })
      .reply(404, fixture('get-room.404.json'), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'GET' })
      .reply(200, conference(), { headers: JSON_HEADERS });

    const results = await provider().getRooms([
      `room:${ROOM_ID}`,
      `room:${MISSING_ID}`,
      `conference:${CONFERENCE_ID}`,
    ]);

    expect(results).toHaveLength(3);
    expect((results[0] as Room).nativeId).toBe(`room:${ROOM_ID}`);
    expect(results[1]).toBeInstanceOf(RoomNotFoundError);
    expect(results[1]).toMatchObject({ provider: 'signalwire', roomId: `room:${MISSING_ID}` });
    expect((results[2] as Room).nativeId).toBe(`conference:${CONFERENCE_ID}`);
    expect((results[2] as Room).name).toBe('my_conference');
    expect(requests().sort()).toEqual(
      [
        `GET /api/video/conferences/${CONFERENCE_ID}`,
        `GET /api/video/rooms/${MISSING_ID}`,
        `GET /api/video/rooms/${ROOM_ID}`,
      ].sort(),
    );
    for (const call of mock.calls()) {
      expectBareGet(call);
    }
  });

  it('answers an id it never issued with RoomNotFoundError and no request', async () => {
    const results = await provider().getRooms(['my_room', `stream:${ROOM_ID}`]);
    expect(results[0]).toBeInstanceOf(RoomNotFoundError);
    expect(results[1]).toBeInstanceOf(RoomNotFoundError);
    expect(mock.calls()).toHaveLength(0);
  });

  it('fails the whole batch on a 401', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'GET' })
      .reply(401, fixture('get-room.401.json'), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().getRooms([`room:${ROOM_ID}`]));
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderError).message).not.toContain(API_TOKEN);
  });
});

describe('createSignalWireProvider: listRooms', () => {
  const conf = (n: number) =>
    conference({ id: `00000000-0000-4000-8000-00000000000${n}`, name: `conf_${n}` });
  const rm = (n: number) =>
    room({ id: `00000000-0000-4000-9000-00000000000${n}`, name: `room_${n}` });

  it('walks conferences then rooms by links.next, filling a short conference page from rooms', async () => {
    // Page 1: a full page of conferences with a next link.
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=2', method: 'GET' })
      .reply(
        200,
        page('conferences', [conf(1), conf(2)], 'page_number=1&page_size=2&page_token=PAc2'),
        {
          headers: JSON_HEADERS,
        },
      );
    const first = await provider().listRooms({ cursor: null, limit: 2 });
    expect(first.edges.map((edge) => edge.room.name)).toEqual(['conf_1', 'conf_2']);
    expect(first.hasNextPage).toBe(true);

    // Page 2: the last conference, then one room to fill the page.
    upstream()
      .intercept({
        path: '/api/video/conferences?page_number=1&page_size=2&page_token=PAc2',
        method: 'GET',
      })
      .reply(200, page('conferences', [conf(3)]), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: '/api/video/rooms?page_size=1', method: 'GET' })
      .reply(200, page('rooms', [rm(1)], 'page_number=1&page_size=1&page_token=PAr1'), {
        headers: JSON_HEADERS,
      });
    const second = await provider().listRooms({ cursor: first.edges[1]!.cursor, limit: 2 });
    expect(second.edges.map((edge) => edge.room.name)).toEqual(['conf_3', 'room_1']);
    expect(second.edges.map((edge) => edge.room.nativeId)).toEqual([
      'conference:00000000-0000-4000-8000-000000000003',
      'room:00000000-0000-4000-9000-000000000001',
    ]);
    expect(second.hasNextPage).toBe(true);

    // Page 3: the rooms' next link, with our page size.
    upstream()
      .intercept({
        path: '/api/video/rooms?page_number=1&page_size=2&page_token=PAr1',
        method: 'GET',
      })
      .reply(200, page('rooms', [rm(2)]), { headers: JSON_HEADERS });
    const third = await provider().listRooms({ cursor: second.edges[1]!.cursor, limit: 2 });
    expect(third.edges.map((edge) => edge.room.name)).toEqual(['room_2']);
    expect(third.hasNextPage).toBe(false);

    // The links' path and query are kept; their origin (example.signalwire.com) is not.
    expect(requests()).toEqual([
      'GET /api/video/conferences?page_size=2',
      'GET /api/video/conferences?page_number=1&page_size=2&page_token=PAc2',
      'GET /api/video/rooms?page_size=1',
      'GET /api/video/rooms?page_number=1&page_size=2&page_token=PAr1',
    ]);
    for (const call of mock.calls()) {
      expect(call.origin).toBe(ORIGIN);
      expectBareGet(call);
    }
  });

  it('resumes from a middle edge at the next room, not the next page', async () => {
    const full = page(
      'conferences',
      [conf(1), conf(2), conf(3)],
      'page_number=1&page_size=3&page_token=PAc3',
    );
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=3', method: 'GET' })
      .reply(200, full, { headers: JSON_HEADERS })
      .times(2);

    const first = await provider().listRooms({ cursor: null, limit: 3 });
    const resumed = await provider().listRooms({ cursor: first.edges[0]!.cursor, limit: 2 });

    expect(resumed.edges.map((edge) => edge.room.name)).toEqual(['conf_2', 'conf_3']);
    expect(resumed.hasNextPage).toBe(true);
    // From conf_1: the same page fetched again (2 wanted + 1 skipped), first room dropped.
    expect(requests()).toEqual([
      'GET /api/video/conferences?page_size=3',
      'GET /api/video/conferences?page_size=3',
    ]);
  });

  it('moves on to the rooms when the conferences end exactly at a page boundary', async () => {
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1', method: 'GET' })
      .reply(200, page('conferences', [conf(1)]), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: '/api/video/rooms?page_size=1', method: 'GET' })
      .reply(200, page('rooms', [rm(1)]), { headers: JSON_HEADERS });

    const first = await provider().listRooms({ cursor: null, limit: 1 });
    expect(first.hasNextPage).toBe(true);
    const second = await provider().listRooms({ cursor: first.edges[0]!.cursor, limit: 1 });

    expect(second.edges.map((edge) => edge.room.name)).toEqual(['room_1']);
    expect(second.hasNextPage).toBe(false);
  });

  it('clamps the page size to 1000', async () => {
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1000', method: 'GET' })
      .reply(200, page('conferences', [conf(1)], 'page_number=1&page_size=1000&page_token=PAc1'), {
        headers: JSON_HEADERS,
      });
    await provider().listRooms({ cursor: null, limit: 5_000 });
    expect(requests()).toEqual(['GET /api/video/conferences?page_size=1000']);
  });

  it('follows only the page_token of a links.next that points elsewhere', async () => {
    const elsewhere = `https://attacker.example/api/video/conferences/${CONFERENCE_ID}/conference_tokens`;
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1', method: 'GET' })
      .reply(
        200,
        {
          links: {
            self: elsewhere,
            first: elsewhere,
            next: `${elsewhere}?page_number=1&page_token=PAc1`,
          },
          data: [conf(1)],
        },
        { headers: JSON_HEADERS },
      );
    upstream()
      .intercept({
        path: '/api/video/conferences?page_number=1&page_size=1&page_token=PAc1',
        method: 'GET',
      })
      .reply(200, page('conferences', [conf(2)]), { headers: JSON_HEADERS });

    const first = await provider().listRooms({ cursor: null, limit: 1 });
    const second = await provider().listRooms({ cursor: first.edges[0]!.cursor, limit: 1 });

    expect(second.edges.map((edge) => edge.room.name)).toEqual(['conf_2']);
    expect(mock.calls().map((call) => call.origin)).toEqual([ORIGIN, ORIGIN]);
    // The cursor holds the page token, never the link's host or path.
    const state = Buffer.from(first.edges[0]!.cursor.split('.')[0]!, 'base64url').toString();
    expect(state).toContain('PAc1');
    expect(state).not.toContain('attacker');
    expect(state).not.toContain('/');
  });

  it('reads a links.next without a page_token as a bad response, not as the end', async () => {
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1', method: 'GET' })
      .reply(200, page('conferences', [conf(1)], 'page=2'), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().listRooms({ cursor: null, limit: 1 }));
    expect(error).toBeInstanceOf(ProviderResponseError);
  });

  it('refuses a sealed cursor whose position is a path, with no request', async () => {
    // What a cursor held before positions were page tokens: a path the adapter would GET.
    const cursor = CURSOR_KEY.seal('rooms:signalwire', {
      p: `c:/conferences/${CONFERENCE_ID}/conference_tokens`,
      s: 0,
    });
    const error = await rejection(() => provider().listRooms({ cursor, limit: 2 }));
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues[0]?.path).toEqual(['after']);
    expect(mock.calls()).toHaveLength(0);
  });

  it('rejects a cursor it did not issue, naming after, with no request', async () => {
    const error = await rejection(() =>
      provider().listRooms({ cursor: 'bm90LWEtY3Vyc29y', limit: 2 }),
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues[0]?.path).toEqual(['after']);
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('createSignalWireProvider: findCreatedRoom', () => {
  const conf = (n: number, name = `conf_${n}`) =>
    conference({ id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name });

  it('finds a room by GET /rooms/{name}', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms/standup', method: 'GET' })
      .reply(200, room({ name: 'standup' }), { headers: JSON_HEADERS });
    const found = await provider().findCreatedRoom!({ name: 'standup' });
    expect(found).toMatchObject({ nativeId: `room:${ROOM_ID}`, name: 'standup' });
    expectBareGet(mock.calls()[0]);
  });

  it('answers null when the room name is unknown (404)', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms/standup', method: 'GET' })
      .reply(404, fixture('get-room.404.json'), { headers: JSON_HEADERS });
    await expect(provider().findCreatedRoom!({ name: 'standup' })).resolves.toBeNull();
  });

  it('walks the conferences by page_token until the name turns up', async () => {
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1000', method: 'GET' })
      .reply(
        200,
        page('conferences', [conf(1), conf(2)], 'page_number=1&page_size=1000&page_token=PAc2'),
        { headers: JSON_HEADERS },
      );
    upstream()
      .intercept({
        path: '/api/video/conferences?page_number=1&page_size=1000&page_token=PAc2',
        method: 'GET',
      })
      .reply(200, page('conferences', [conf(3, 'all_hands')]), { headers: JSON_HEADERS });

    const found = await provider().findCreatedRoom!({
      name: 'all_hands',
      signalwire: { roomType: 'CONFERENCE' },
    });

    expect(found).toMatchObject({
      nativeId: 'conference:00000000-0000-4000-8000-000000000003',
      name: 'all_hands',
    });
    expect(requests()).toHaveLength(2);
  });

  it('answers null once the conferences end without the name', async () => {
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1000', method: 'GET' })
      .reply(200, page('conferences', [conf(1)]), { headers: JSON_HEADERS });
    await expect(
      provider().findCreatedRoom!({ name: 'all_hands', signalwire: { roomType: 'CONFERENCE' } }),
    ).resolves.toBeNull();
  });

  it('leaves the outcome unknown after 10 pages without the name', async () => {
    const next = 'page_number=1&page_size=1000&page_token=PAc1';
    upstream()
      .intercept({ path: '/api/video/conferences?page_size=1000', method: 'GET' })
      .reply(200, page('conferences', [conf(1)], next), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/conferences?${next}`, method: 'GET' })
      .reply(200, page('conferences', [conf(1)], next), { headers: JSON_HEADERS })
      .times(9);

    const error = await rejection(() =>
      provider().findCreatedRoom!({ name: 'all_hands', signalwire: { roomType: 'CONFERENCE' } }),
    );

    expect(error).toMatchObject({ outcomeUnknown: true, providerCode: 'LOOKUP_LIMIT' });
    expect(requests()).toHaveLength(10);
  });

  it('walks the rooms for a name the shared URL would read as an id', async () => {
    const uuidName = '0f0e0d0c-0b0a-4909-8807-060504030201';
    upstream()
      .intercept({ path: '/api/video/rooms?page_size=1000', method: 'GET' })
      .reply(200, page('rooms', [room({ name: uuidName })]), { headers: JSON_HEADERS });
    const found = await provider().findCreatedRoom!({ name: uuidName });
    expect(found?.name).toBe(uuidName);
  });

  it('answers null for a name createRoom would refuse, with no request', async () => {
    await expect(provider().findCreatedRoom!({ name: '../rooms' })).resolves.toBeNull();
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('createSignalWireProvider: updateRoom', () => {
  it('PUTs only the given fields to a ROOM', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'PUT' })
      .reply(200, room({ display_name: 'Renamed', max_members: 5 }), { headers: JSON_HEADERS });

    const updated = await provider().updateRoom(`room:${ROOM_ID}`, {
      displayName: 'Renamed',
      maxParticipants: 5,
      description: null,
    });

    expect(requests()).toEqual([`PUT /api/video/rooms/${ROOM_ID}`]);
    expectJsonRequest(mock.calls()[0], { display_name: 'Renamed', max_members: 5 });
    expect(updated).toMatchObject({ displayName: 'Renamed', maxParticipants: 5 });
  });

  it('reads a conference first and PUTs its display_name when none is given', async () => {
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'GET' })
      .reply(200, conference(), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'PUT' })
      .reply(200, conference({ description: 'Weekly' }), { headers: JSON_HEADERS });

    const updated = await provider().updateRoom(`conference:${CONFERENCE_ID}`, {
      description: 'Weekly',
    });

    expect(requests()).toEqual([
      `GET /api/video/conferences/${CONFERENCE_ID}`,
      `PUT /api/video/conferences/${CONFERENCE_ID}`,
    ]);
    expectJsonRequest(mock.calls()[1], {
      description: 'Weekly',
      display_name: "My Conference's Name",
    });
    expect(updated.description).toBe('Weekly');
  });

  it('PUTs a conference straight away when the display name is given', async () => {
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'PUT' })
      .reply(200, conference({ display_name: 'All hands', size: 'large' }), {
        headers: JSON_HEADERS,
      });

    await provider().updateRoom(`conference:${CONFERENCE_ID}`, {
      displayName: 'All hands',
      maxParticipants: 120,
    });

    expect(requests()).toEqual([`PUT /api/video/conferences/${CONFERENCE_ID}`]);
    expectJsonRequest(mock.calls()[0], { display_name: 'All hands', size: 'large' });
  });

  it('maps a 404 to RoomNotFoundError', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${MISSING_ID}`, method: 'PUT' })
      .reply(404, fixture('get-room.404.json'), { headers: JSON_HEADERS });
    const error = await rejection(() =>
      provider().updateRoom(`room:${MISSING_ID}`, { displayName: 'x' }),
    );
    expect(error).toBeInstanceOf(RoomNotFoundError);
  });

  it('rejects conference-only settings on a ROOM before any request', async () => {
    const error = await rejection(() =>
      provider().updateRoom(`room:${ROOM_ID}`, { signalwire: { size: 'small' } }),
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect(mock.calls()).toHaveLength(0);
  });
});

describe('createSignalWireProvider: disableRoom and enableRoom', () => {
  it('disables a ROOM by setting join_until to now and reads it back as DISABLED', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'GET' })
      .reply(200, room({ join_from: '2026-02-01T00:00:00Z' }), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'PUT' })
      .reply(200, room({ join_until: NOW_TEXT }), { headers: JSON_HEADERS });

    const disabled = await provider().disableRoom(`room:${ROOM_ID}`);

    // Read for its join_from, which has passed, so only join_until is sent.
    expectBareGet(mock.calls()[0]);
    expectJsonRequest(mock.calls()[1], { join_until: NOW_TEXT });
    expect(disabled.status).toBe('DISABLED');
    expect(disabled.expiresAt).toEqual(new Date(NOW_TEXT));
  });

  it('disables a conference, keeping its display_name on the PUT', async () => {
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'GET' })
      .reply(200, conference(), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'PUT' })
      .reply(200, conference({ join_until: NOW_TEXT }), { headers: JSON_HEADERS });

    const disabled = await provider().disableRoom(`conference:${CONFERENCE_ID}`);

    expectJsonRequest(mock.calls()[1], {
      join_until: NOW_TEXT,
      display_name: "My Conference's Name",
    });
    expect(disabled.status).toBe('DISABLED');
  });

  it('closes a window that has not opened yet from now, so it does not end before it starts', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'GET' })
      .reply(200, room({ join_from: '2031-01-01T00:00:00Z' }), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'PUT' })
      .reply(200, room({ join_from: NOW_TEXT, join_until: NOW_TEXT }), { headers: JSON_HEADERS });

    const disabled = await provider().disableRoom(`room:${ROOM_ID}`);

    expectJsonRequest(mock.calls()[1], { join_from: NOW_TEXT, join_until: NOW_TEXT });
    expect(disabled.status).toBe('DISABLED');
  });

  it('sends the name of a conference that has no display name, which every PUT needs', async () => {
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'GET' })
      .reply(200, conference({ display_name: null, name: 'unnamed_conf' }), {
        headers: JSON_HEADERS,
      });
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'PUT' })
      .reply(200, conference({ join_until: '9999-12-31T23:59:59Z' }), { headers: JSON_HEADERS });

    await provider().enableRoom(`conference:${CONFERENCE_ID}`);

    expectJsonRequest(mock.calls()[1], {
      join_until: '9999-12-31T23:59:59Z',
      display_name: 'unnamed_conf',
    });
  });

  it('enables a ROOM with the open-ended join_until and reads it back as no expiry', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'PUT' })
      .reply(200, room({ join_until: '9999-12-31T23:59:59Z' }), { headers: JSON_HEADERS });

    const enabled = await provider().enableRoom(`room:${ROOM_ID}`);

    expectJsonRequest(mock.calls()[0], { join_until: '9999-12-31T23:59:59Z' });
    expect(enabled.status).toBe('ACTIVE');
    expect(enabled.expiresAt).toBeNull();
  });
});

describe('createSignalWireProvider: deleteRoom', () => {
  it('deletes a ROOM (204) and a conference at their own paths', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'DELETE' })
      .reply(204, '');
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'DELETE' })
      .reply(204, '');

    await expect(provider().deleteRoom(`room:${ROOM_ID}`)).resolves.toBeUndefined();
    await expect(provider().deleteRoom(`conference:${CONFERENCE_ID}`)).resolves.toBeUndefined();

    expect(requests()).toEqual([
      `DELETE /api/video/rooms/${ROOM_ID}`,
      `DELETE /api/video/conferences/${CONFERENCE_ID}`,
    ]);
    expect(header(mock.calls()[0]!, 'authorization')).toBe(AUTHORIZATION);
  });

  it('maps a 404 to RoomNotFoundError', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${MISSING_ID}`, method: 'DELETE' })
      .reply(404, fixture('get-room.404.json'), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().deleteRoom(`room:${MISSING_ID}`));
    expect(error).toBeInstanceOf(RoomNotFoundError);
  });
});

describe('createSignalWireProvider: createRoomToken', () => {
  const token = fixture('create-room-token.200.json').token as string;

  function mintsFor(roomName = 'my_room') {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'GET' })
      .reply(200, room({ name: roomName }), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: '/api/video/room_tokens', method: 'POST' })
      .reply(200, { token }, { headers: JSON_HEADERS });
  }

  it('gives a HOST every documented permission and join_until = now + ttl', async () => {
    mintsFor();

    const minted = await provider().createRoomToken(`room:${ROOM_ID}`, {
      role: 'HOST',
      identity: 'alice',
      ttlSeconds: 600,
    });

    expect(requests()).toEqual([`GET /api/video/rooms/${ROOM_ID}`, 'POST /api/video/room_tokens']);
    const body = jsonBody(mock.calls()[1]!) as { permissions: string[] };
    expectJsonRequest(mock.calls()[1], {
      room_name: 'my_room',
      user_name: 'alice',
      permissions: body.permissions,
      join_until: '2026-03-01T12:10:00Z',
      auto_create_room: false,
      join_as: 'member',
    });
    expect([...body.permissions].sort()).toEqual([...SPEC_PERMISSIONS].sort());
    expect(minted).toEqual({
      token,
      providerKey: 'signalwire',
      roomNativeId: `room:${ROOM_ID}`,
      role: 'HOST',
      providerRole: 'member',
      permissions: body.permissions,
      identity: 'alice',
      issuedAt: new Date(NOW_TEXT),
      expiresAt: new Date('2026-03-01T12:10:00Z'),
      providerTokenId: null,
    });
  });

  it('gives a PARTICIPANT the 11 documented defaults and the service TTL', async () => {
    mintsFor();

    const minted = await provider().createRoomToken(`room:${ROOM_ID}`, { role: 'PARTICIPANT' });

    expectJsonRequest(mock.calls()[1], {
      room_name: 'my_room',
      permissions: DEFAULT_PERMISSIONS,
      join_until: '2026-03-01T13:00:00Z',
      auto_create_room: false,
      join_as: 'member',
    });
    expect(minted).toMatchObject({
      role: 'PARTICIPANT',
      permissions: DEFAULT_PERMISSIONS,
      identity: null,
      expiresAt: new Date('2026-03-01T13:00:00Z'),
    });
  });

  it('joins a VIEWER as audience with no permissions', async () => {
    mintsFor();

    const minted = await provider().createRoomToken(`room:${ROOM_ID}`, {
      role: 'VIEWER',
      permissions: ['room.self.audio_mute'],
    });

    expect(jsonBody(mock.calls()[1]!)).toMatchObject({ join_as: 'audience', permissions: [] });
    expect(minted).toMatchObject({ role: 'VIEWER', providerRole: 'audience', permissions: [] });
  });

  it('sends the permissions it is given', async () => {
    mintsFor();
    await provider().createRoomToken(`room:${ROOM_ID}`, {
      role: 'PARTICIPANT',
      permissions: ['room.self.audio_mute', 'room.set_layout'],
    });
    expect(jsonBody(mock.calls()[1]!)).toMatchObject({
      permissions: ['room.self.audio_mute', 'room.set_layout'],
    });
  });

  it('mints for a conference with the conference name', async () => {
    upstream()
      .intercept({ path: `/api/video/conferences/${CONFERENCE_ID}`, method: 'GET' })
      .reply(200, conference(), { headers: JSON_HEADERS });
    upstream()
      .intercept({ path: '/api/video/room_tokens', method: 'POST' })
      .reply(200, { token }, { headers: JSON_HEADERS });

    await provider().createRoomToken(`conference:${CONFERENCE_ID}`, { role: 'PARTICIPANT' });

    expect(jsonBody(mock.calls()[1]!)).toMatchObject({ room_name: 'my_conference' });
  });

  it('rejects an unknown permission by its index, with no request', async () => {
    const error = await rejection(() =>
      provider().createRoomToken(`room:${ROOM_ID}`, {
        role: 'HOST',
        permissions: ['room.self.audio_mute', 'room.self.teleport'],
      }),
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues).toEqual([
      {
        path: ['input', 'permissions', 1],
        message: 'room.self.teleport is not a SignalWire permission',
      },
    ]);
    expect(error).toMatchObject({ message: expect.stringContaining('input.permissions.1') });
    expect(mock.calls()).toHaveLength(0);
  });

  it('rejects an identity over 100 characters, with no request', async () => {
    const error = await rejection(() =>
      provider().createRoomToken(`room:${ROOM_ID}`, { role: 'HOST', identity: 'x'.repeat(101) }),
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect(mock.calls()).toHaveLength(0);
  });

  it('answers a missing room with RoomNotFoundError and mints nothing', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${MISSING_ID}`, method: 'GET' })
      .reply(404, fixture('get-room.404.json'), { headers: JSON_HEADERS });
    const error = await rejection(() =>
      provider().createRoomToken(`room:${MISSING_ID}`, { role: 'HOST' }),
    );
    expect(error).toBeInstanceOf(RoomNotFoundError);
    expect(requests()).toEqual([`GET /api/video/rooms/${MISSING_ID}`]);
  });
});

describe('createSignalWireProvider: listRoomTokens', () => {
  it('maps a conference Moderator token to HOST and Guest to PARTICIPANT', async () => {
    upstream()
      .intercept({
        path: `/api/video/conferences/${CONFERENCE_ID}/conference_tokens`,
        method: 'GET',
      })
      .reply(200, fixture('list-conference-tokens.200.json'), { headers: JSON_HEADERS });

    const tokens = await provider().listRoomTokens(`conference:${CONFERENCE_ID}`);

    expect(tokens.map((token) => [token.role, token.providerRole, token.token])).toEqual([
      ['HOST', 'Moderator', 'vpt_62c65414de4d067d07415a7ced8183be'],
      ['PARTICIPANT', 'Guest', 'vpt_0f1e2d3c4b5a69788796a5b4c3d2e1f0'],
    ]);
    expect(tokens[0]).toMatchObject({
      roomNativeId: `conference:${CONFERENCE_ID}`,
      providerTokenId: '5a0e1f6e-9b3c-4d7a-8f2e-1c2d3e4f5a6b',
    });
    expectBareGet(mock.calls()[0]);
  });

  it('pages conference tokens by page_token, on its own path whatever links.next names', async () => {
    upstream()
      .intercept({
        path: `/api/video/conferences/${CONFERENCE_ID}/conference_tokens`,
        method: 'GET',
      })
      .reply(
        200,
        {
          ...fixture('list-conference-tokens.200.json'),
          links: {
            self: 'https://example.signalwire.com/api/video/x',
            first: 'https://example.signalwire.com/api/video/x',
            next: 'https://attacker.example/api/video/rooms?page_number=1&page_token=PAt2',
          },
        },
        { headers: JSON_HEADERS },
      );
    upstream()
      .intercept({
        path: `/api/video/conferences/${CONFERENCE_ID}/conference_tokens?page_number=1&page_token=PAt2`,
        method: 'GET',
      })
      .reply(200, page('conference_tokens', []), { headers: JSON_HEADERS });

    const tokens = await provider().listRoomTokens(`conference:${CONFERENCE_ID}`);

    expect(tokens).toHaveLength(2);
    expect(mock.calls().map((call) => call.origin)).toEqual([ORIGIN, ORIGIN]);
  });

  it('returns no tokens for a ROOM, with no request', async () => {
    await expect(provider().listRoomTokens(`room:${ROOM_ID}`)).resolves.toEqual([]);
    expect(mock.calls()).toHaveLength(0);
  });

  it('maps a 404 to RoomNotFoundError', async () => {
    upstream()
      .intercept({ path: `/api/video/conferences/${MISSING_ID}/conference_tokens`, method: 'GET' })
      .reply(404, fixture('get-room.404.json'), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().listRoomTokens(`conference:${MISSING_ID}`));
    expect(error).toBeInstanceOf(RoomNotFoundError);
  });
});

describe('createSignalWireProvider: retries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  function settle<T>(promise: Promise<T>) {
    return promise.then(
      (value) => ({ value, error: undefined }),
      (error: unknown) => ({ value: undefined, error }),
    );
  }

  it('retries a GET after a 503 and returns the room (2 requests)', async () => {
    const path = `/api/video/rooms/${ROOM_ID}`;
    upstream().intercept({ path, method: 'GET' }).reply(503, fixture('get-room.500.json'));
    upstream().intercept({ path, method: 'GET' }).reply(200, room(), { headers: JSON_HEADERS });

    const result = settle(provider().getRooms([`room:${ROOM_ID}`]));
    await vi.runAllTimersAsync();

    const { value } = await result;
    expect((value![0] as Room).name).toBe('my_room');
    // One 503, one 200.
    expect(mock.calls()).toHaveLength(2);
  });

  it('does not retry a create after a 503', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(503, fixture('get-room.500.json'), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().createRoom({ name: 'standup' }));
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(mock.calls()).toHaveLength(1);
  });

  it('retries a create after a 429 once Retry-After has passed', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(
        429,
        { errors: [{ code: 'rate_limit_exceeded', message: 'Too many requests' }] },
        {
          headers: { ...JSON_HEADERS, 'retry-after': '2' },
        },
      );
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(200, room({ name: 'standup' }), { headers: JSON_HEADERS });

    const result = settle(provider().createRoom({ name: 'standup' }));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(mock.calls()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);

    expect((await result).value?.name).toBe('standup');
    // One 429, then the same POST after 2 s.
    expect(mock.calls()).toHaveLength(2);
  });

  it('fails a create at once when Retry-After passes the deadline', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(
        429,
        { errors: [{ code: 'rate_limit_exceeded', message: 'Too many requests' }] },
        {
          headers: { ...JSON_HEADERS, 'retry-after': '60' },
        },
      );
    const error = await rejection(() => provider().createRoom({ name: 'standup' }));
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 60_000, providerCode: 'rate_limit_exceeded' });
    expect(mock.calls()).toHaveLength(1);
  });

  it('never retries a 400 on a GET', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM_ID}`, method: 'GET' })
      .reply(400, fixture('create-room.400.json'), { headers: JSON_HEADERS });
    const error = await rejection(() => provider().getRooms([`room:${ROOM_ID}`]));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(mock.calls()).toHaveLength(1);
  });
});
