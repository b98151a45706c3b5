import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_ROOM_LIFE } from '../../../../src/domain/capabilities.js';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../../../src/domain/errors.js';
import type { Room } from '../../../../src/domain/room.js';
import type { RetryPolicy } from '../../../../src/http/with-retry.js';
import { CursorKey } from '../../../../src/providers/cursor-key.js';
import {
  createNetlessProvider,
  type NetlessCredentials,
} from '../../../../src/providers/netless/netless-provider.js';
import { createMockAgent, type MockUpstream } from '../../../helpers/mock-agent.js';

const ORIGIN = 'https://api.netless.link';
const NOW = 1_700_000_000_000;
const NONCE = '0f7d3a40-7b1e-11ee-9c1a-4d2b9c0e6f11';
const NO_RETRY: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };
const CURSOR_KEY = CursorKey.fromSecret('the netless unit tests cursor secret, 32+ characters');
/** Fact sheet §4.4 (a): with this clock, nonce and key pair, our REST token is exactly that one. */
const WORKED_SDK_TOKEN =
  'NETLESSSDK_YWs9bXlBSyZleHBpcmVBdD0xNzAwMDAzNjAwMDAwJm5vbmNlPTBmN2QzYTQwLTdiMWUtMTFlZS05YzFhLTRkMmI5YzBlNmYxMSZyb2xlPTAmc2lnPWNhZWYwY2QzYjlkMGQyNDliYTUwOGJhYWNmNzE4MzNjMTk5OTE5ZjBiNTM1OGZkODA3MzdmYmI4ODU2NDZhYTY';

function fixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/netless/${name}`, import.meta.url), 'utf8');
}

// Room uuids of the documented form (§1: 32 lowercase hex digits); the docs' own examples are
// masked (`4axxxxx96b`), so the fixtures' rooms get these instead where a handle is sent.
const ROOM_A = '4a5f0c3e10a1b211eeb2c4a7f3d9e96b';
const ROOM_B = '0e6e2d1ca17911ea9d7e23232cddfd95';
const MISSING = '9d1c0000a17911ea9d7e23232cdd0000';

/** A documented room body, about another uuid. */
function fixtureAbout(name: string, uuid: string): string {
  return JSON.stringify({ ...JSON.parse(fixture(name)), uuid });
}

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

let upstream: MockUpstream;

beforeEach(() => {
  upstream = createMockAgent();
});

afterEach(async () => {
  await upstream.assertNoPendingAndClose();
});

function provider(overrides: Partial<NetlessCredentials> & { retry?: RetryPolicy } = {}) {
  const { retry, ...credentials } = overrides;
  return createNetlessProvider({
    key: 'netless',
    baseUrl: `${ORIGIN}/v5`,
    dispatcher: upstream.agent,
    timeoutMs: 2_000,
    retry: retry ?? NO_RETRY,
    defaultTokenTtlSeconds: 3_600,
    now: () => NOW,
    nonce: () => NONCE,
    accessKey: 'myAK',
    secretKey: 'mySK',
    cursorKey: CURSOR_KEY,
    ...credentials,
  });
}

/** Expects one request and answers it; returns what was seen, for assertions. */
function expectRequest(
  method: string,
  path: string,
  status: number,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Seen[] {
  const seen: Seen[] = [];
  upstream.agent
    .get(ORIGIN)
    .intercept({ method, path })
    .reply((options) => {
      const rawHeaders = options.headers ?? {};
      seen.push({
        method: options.method,
        path: options.path,
        headers: Object.fromEntries(
          rawHeaders instanceof Headers ? rawHeaders.entries() : Object.entries(rawHeaders),
        ),
        body: typeof options.body === 'string' ? JSON.parse(options.body) : undefined,
      });
      return { statusCode: status, data: body, responseOptions: { headers } };
    });
  return seen;
}

function decode(token: string): Record<string, string> {
  const body = token.slice(token.indexOf('_') + 1);
  return Object.fromEntries(new URLSearchParams(Buffer.from(body, 'base64url').toString('utf8')));
}

function room(uuid: string, createdAt = '2020-12-20T14:02:54.846Z') {
  return { uuid, teamUUID: 't', appUUID: 'a', isRecord: false, isBan: false, createdAt, limit: 0 };
}

describe('createNetlessProvider', () => {
  it('declares what the operations table in DESIGN.md says', () => {
    const { capabilities } = provider();
    expect(capabilities.operations).toEqual({
      createRoom: 'NATIVE',
      getRoom: 'NATIVE',
      listRooms: 'NATIVE',
      updateRoom: 'UNSUPPORTED',
      disableRoom: 'NATIVE',
      enableRoom: 'NATIVE',
      deleteRoom: 'UNSUPPORTED',
      createRoomToken: 'NATIVE',
      listRoomTokens: 'UNSUPPORTED',
      ...NO_ROOM_LIFE,
      endRoomSession: 'EMULATED',
    });
    expect(capabilities).toMatchObject({
      disableEffect: 'EJECTS_EVERYONE',
      enableUndoesDisable: true,
      tokenSource: 'LOCAL_SIGNER',
      maxPageSize: 1000,
    });
    expect(
      provider({ accessKey: '', secretKey: '', sdkToken: 'NETLESSSDK_x' }).capabilities,
    ).toMatchObject({ tokenSource: 'PROVIDER_API' });
  });

  it.each([
    [{ accessKey: '', secretKey: '' }, /configure sdkToken/],
    [{ region: 'gb-lon' }, /region must be one of us-sv, sg, in-mum, eu, cn-hz/],
    [{ region: 'mars' }, /region must be one of/],
  ])('refuses a configuration %j that cannot work', (overrides, message) => {
    expect(() => provider(overrides)).toThrow(message);
  });
});

describe('createRoom', () => {
  it('posts isRecord and limit with the token and region headers, and maps the documented room', async () => {
    const seen = expectRequest('POST', '/v5/rooms', 201, fixture('create-room.201.json'));
    const created = await provider({ region: 'eu' }).createRoom({
      name: 'ignored',
      recordingEnabled: true,
      maxParticipants: 5,
      region: 'eu',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers).toMatchObject({
      token: WORKED_SDK_TOKEN,
      region: 'eu',
      'content-type': 'application/json',
    });
    expect(seen[0]?.headers.authorization).toBeUndefined();
    expect(seen[0]?.body).toEqual({ isRecord: true, limit: 5 });
    expect(created).toEqual<Room>({
      providerKey: 'netless',
      providerKind: 'AGORA_WHITEBOARD',
      nativeId: '4a5xxxxx6b',
      providerRoomId: '4a5xxxxx6b',
      name: '4a5xxxxx6b',
      displayName: null,
      description: null,
      status: 'ACTIVE',
      createdAt: new Date('2021-01-18T06:56:29.432Z'),
      updatedAt: null,
      notBefore: null,
      expiresAt: null,
      maxParticipants: null,
      recordingEnabled: false,
      region: 'eu',
      settings: {
        kind: 'AGORA_WHITEBOARD',
        teamUuid: 'RMxxxxx5aw',
        appUuid: 'i54xxxxx1AQ',
        limit: 0,
      },
    });
  });

  it('sends an empty body when nothing maps, and defaults the region to us-sv', async () => {
    const seen = expectRequest('POST', '/v5/rooms', 201, fixture('room-fact-sheet-example.json'));
    const created = await provider().createRoom({ name: 'x' });
    expect(seen[0]?.body).toEqual({});
    expect(seen[0]?.headers.region).toBe('us-sv');
    expect(created.region).toBe('us-sv');
  });

  it('refuses fields Netless cannot keep before any request', async () => {
    const error = await provider()
      .createRoom({
        name: 'x',
        displayName: 'Lobby',
        description: 'd',
        notBefore: new Date(NOW),
        expiresAt: new Date(NOW),
        region: 'sg',
        maxParticipants: 0,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((issue) => issue.path.join('.'))).toEqual([
      'input.displayName',
      'input.description',
      'input.notBefore',
      'input.expiresAt',
      'input.region',
      'input.maxParticipants',
    ]);
    expect(upstream.calls()).toHaveLength(0);
  });

  it('maps a 400 to ProviderRejectedError with the message from the body', async () => {
    expectRequest('POST', '/v5/rooms', 400, fixture('bad-request.400.json'));
    const error = await provider()
      .createRoom({ name: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ status: 400, message: 'Netless: isBan must be a boolean' });
  });

  it('maps a 401 token error to ProviderAuthError carrying the documented text as its code', async () => {
    expectRequest('POST', '/v5/rooms', 401, fixture('invalid-format-of-token.401.json'));
    const error = await provider()
      .createRoom({ name: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ status: 401, providerCode: 'invalid format of token' });
  });

  it('maps an expired token to ProviderAuthError', async () => {
    expectRequest('POST', '/v5/rooms', 401, fixture('expired-token.401.json'));
    await expect(provider().createRoom({ name: 'x' })).rejects.toMatchObject({
      code: 'UPSTREAM_AUTH_FAILED',
      providerCode: 'expired token',
    });
  });

  it('maps a 403 role error to ProviderAuthError', async () => {
    expectRequest('POST', '/v5/rooms', 403, fixture('token-access-role-forbidden.403.json'));
    const error = await provider()
      .createRoom({ name: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ providerCode: 'token access role writer forbidden' });
  });

  it('maps a 500 to ProviderUnavailableError and never retries the POST', async () => {
    const seen = expectRequest('POST', '/v5/rooms', 500, fixture('unknown-error.500.json'));
    const error = await provider({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } })
      .createRoom({ name: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ message: 'Netless: unknown error', attempts: 1 });
    expect(seen).toHaveLength(1);
  });

  it('retries a POST after a 429 with Retry-After', async () => {
    const limited = expectRequest('POST', '/v5/rooms', 429, '{"message":"too many requests"}', {
      'content-type': 'application/json',
      'retry-after': '0',
    });
    const created = expectRequest('POST', '/v5/rooms', 201, fixture('create-room.201.json'));
    const result = await provider({
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    }).createRoom({ name: 'x' });
    expect(result.nativeId).toBe('4a5xxxxx6b');
    expect([limited.length, created.length]).toEqual([1, 1]);
  });

  it('maps a final 429 to ProviderRateLimitedError', async () => {
    expectRequest('POST', '/v5/rooms', 429, '{"message":"too many requests"}');
    await expect(provider().createRoom({ name: 'x' })).rejects.toBeInstanceOf(
      ProviderRateLimitedError,
    );
  });

  it('falls back to the status when the error body is not Netless JSON', async () => {
    expectRequest('POST', '/v5/rooms', 502, '<html>bad gateway</html>', {
      'content-type': 'text/html',
    });
    await expect(provider().createRoom({ name: 'x' })).rejects.toMatchObject({
      message: 'Netless answered HTTP 502',
      providerCode: null,
    });
  });

  it('maps a 2xx body that is not a room to ProviderResponseError', async () => {
    expectRequest('POST', '/v5/rooms', 201, '{"uuid":42}');
    await expect(provider().createRoom({ name: 'x' })).rejects.toBeInstanceOf(
      ProviderResponseError,
    );
  });
});

describe('getRooms', () => {
  it('fetches each room and answers RoomNotFoundError for the missing one only, in order', async () => {
    expectRequest('GET', `/v5/rooms/${ROOM_A}`, 200, fixtureAbout('get-room.200.json', ROOM_A));
    const missing = expectRequest(
      'GET',
      `/v5/rooms/${MISSING}`,
      404,
      fixture('room-not-found.404.json'),
    );
    expectRequest('GET', `/v5/rooms/${ROOM_B}`, 200, fixtureAbout('ban-room.201.json', ROOM_B));
    const results = await provider().getRooms([ROOM_A, MISSING, ROOM_B, '']);
    expect(results.map((entry) => (entry instanceof Error ? entry.code : entry.status))).toEqual([
      'ACTIVE',
      'ROOM_NOT_FOUND',
      'DISABLED',
      'ROOM_NOT_FOUND',
    ]);
    expect(results[1]).toMatchObject({ roomId: MISSING, provider: 'netless' });
    // The empty id is unknown without a request: GET /v5/rooms/ would be the list route.
    expect(upstream.calls()).toHaveLength(3);
    expect(missing[0]?.headers.token).toBe(WORKED_SDK_TOKEN);
    expect(missing[0]?.body).toBeUndefined();
  });

  it('retries a GET after a 503', async () => {
    const failed = expectRequest('GET', `/v5/rooms/${ROOM_A}`, 503, '{"message":"busy"}');
    expectRequest('GET', `/v5/rooms/${ROOM_A}`, 200, fixtureAbout('get-room.200.json', ROOM_A));
    const [result] = await provider({
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    }).getRooms([ROOM_A]);
    expect(result).toMatchObject({ nativeId: ROOM_A, status: 'ACTIVE' });
    expect(failed).toHaveLength(1);
  });

  it('fails the whole batch when the credentials are refused', async () => {
    expectRequest('GET', `/v5/rooms/${ROOM_A}`, 401, fixture('invalid-format-of-token.401.json'));
    await expect(provider().getRooms([ROOM_A])).rejects.toBeInstanceOf(ProviderAuthError);
  });
});

describe('listRooms', () => {
  it('maps the documented list and asks one extra room to learn whether more follow', async () => {
    const seen = expectRequest('GET', '/v5/rooms?limit=3', 200, fixture('list-rooms.200.json'));
    const page = await provider().listRooms({ cursor: null, limit: 2 });
    expect(seen[0]?.headers).toMatchObject({ token: WORKED_SDK_TOKEN, region: 'us-sv' });
    expect(page.hasNextPage).toBe(false);
    expect(page.edges.map((edge) => edge.room.nativeId)).toEqual([
      '0e6exxxxxxd95',
      '1d4xxxxxxca69',
    ]);
    expect(page.edges[1]?.room.createdAt).toEqual(new Date('2020-12-20T14:10:29.265Z'));
  });

  it('resumes from the last uuid seen, dropping it when the inclusive start repeats it', async () => {
    expectRequest(
      'GET',
      '/v5/rooms?limit=3',
      200,
      JSON.stringify(['a', 'b', 'c'].map((id) => room(id))),
    );
    const first = await provider().listRooms({ cursor: null, limit: 2 });
    expect(first.edges.map((edge) => edge.room.nativeId)).toEqual(['a', 'b']);
    expect(first.hasNextPage).toBe(true);

    const seen = expectRequest(
      'GET',
      '/v5/rooms?beginUUID=b&limit=4',
      200,
      JSON.stringify(['b', 'c', 'd'].map((id) => room(id))),
    );
    const second = await provider().listRooms({ cursor: first.edges[1]?.cursor ?? null, limit: 2 });
    expect(seen[0]?.path).toBe('/v5/rooms?beginUUID=b&limit=4');
    expect(second.edges.map((edge) => edge.room.nativeId)).toEqual(['c', 'd']);
    expect(second.hasNextPage).toBe(false);
  });

  it('resumes from a middle edge by asking its page again and skipping', async () => {
    expectRequest(
      'GET',
      '/v5/rooms?limit=4',
      200,
      JSON.stringify(['a', 'b', 'c', 'd'].map((id) => room(id))),
    );
    const first = await provider().listRooms({ cursor: null, limit: 3 });
    expect(first.edges.map((edge) => edge.room.nativeId)).toEqual(['a', 'b', 'c']);

    expectRequest(
      'GET',
      '/v5/rooms?limit=3',
      200,
      JSON.stringify(['a', 'b', 'c'].map((id) => room(id))),
    );
    const resumed = await provider().listRooms({
      cursor: first.edges[0]?.cursor ?? null,
      limit: 1,
    });
    expect(resumed.edges.map((edge) => edge.room.nativeId)).toEqual(['b']);
    expect(resumed.hasNextPage).toBe(true);
  });

  it('also works if the server treats beginUUID as exclusive', async () => {
    expectRequest(
      'GET',
      '/v5/rooms?beginUUID=b&limit=4',
      200,
      JSON.stringify(['c', 'd'].map((id) => room(id))),
    );
    // A cursor as the adapter seals one for the edge of room b (`paging.ts`).
    const cursor = CURSOR_KEY.seal('rooms:netless', { p: 'b', s: 0 });
    const page = await provider().listRooms({ cursor, limit: 2 });
    expect(page.edges.map((edge) => edge.room.nativeId)).toEqual(['c', 'd']);
  });

  it('never asks for more than the documented 1000', async () => {
    expectRequest('GET', '/v5/rooms?limit=1000', 200, '[]');
    const page = await provider().listRooms({ cursor: null, limit: 5_000 });
    expect(page).toEqual({ edges: [], hasNextPage: false });
  });

  it('refuses a cursor it did not issue before any request', async () => {
    await expect(provider().listRooms({ cursor: 'garbage!', limit: 2 })).rejects.toBeInstanceOf(
      InputValidationError,
    );
  });
});

describe('disableRoom and enableRoom', () => {
  it('bans with PATCH isBan=true and reads the 201 room as DISABLED', async () => {
    const seen = expectRequest(
      'PATCH',
      `/v5/rooms/${ROOM_B}`,
      201,
      fixtureAbout('ban-room.201.json', ROOM_B),
    );
    const disabled = await provider().disableRoom(ROOM_B);
    expect(seen[0]?.body).toEqual({ isBan: true });
    expect(seen[0]?.headers.token).toBe(WORKED_SDK_TOKEN);
    expect(disabled.status).toBe('DISABLED');
  });

  it('unbans with PATCH isBan=false', async () => {
    const seen = expectRequest(
      'PATCH',
      `/v5/rooms/${ROOM_A}`,
      201,
      fixtureAbout('get-room.200.json', ROOM_A),
    );
    const enabled = await provider().enableRoom(ROOM_A);
    expect(seen[0]?.body).toEqual({ isBan: false });
    expect(enabled.status).toBe('ACTIVE');
  });

  it('maps a 404 to RoomNotFoundError', async () => {
    expectRequest('PATCH', `/v5/rooms/${MISSING}`, 404, fixture('room-not-found.404.json'));
    await expect(provider().disableRoom(MISSING)).rejects.toBeInstanceOf(RoomNotFoundError);
  });
});

describe('unsupported operations', () => {
  it.each([
    ['updateRoom', (p: ReturnType<typeof provider>) => p.updateRoom('r', { displayName: 'x' })],
    ['deleteRoom', (p: ReturnType<typeof provider>) => p.deleteRoom('r')],
    ['listRoomTokens', (p: ReturnType<typeof provider>) => p.listRoomTokens('r')],
  ] as const)('%s throws UnsupportedOperationError without a request', async (operation, call) => {
    const error = await call(provider()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect(error).toMatchObject({ operation, provider: 'netless' });
    expect(upstream.calls()).toHaveLength(0);
  });
});

describe('createRoomToken', () => {
  it.each([
    ['HOST', 'admin', '0'],
    ['PARTICIPANT', 'writer', '1'],
    ['VIEWER', 'reader', '2'],
  ] as const)('signs %s locally as a %s room token', async (role, providerRole, digit) => {
    const token = await provider().createRoomToken('d07bcaf0a17911ea9d7e23232cddf42d', {
      role,
      identity: 'ada',
      ttlSeconds: 600,
    });
    expect(token).toMatchObject({
      role,
      providerRole,
      identity: 'ada',
      roomNativeId: 'd07bcaf0a17911ea9d7e23232cddf42d',
      issuedAt: new Date(NOW),
      expiresAt: new Date(NOW + 600_000),
      permissions: [],
    });
    expect(token.token.startsWith('NETLESSROOM_')).toBe(true);
    expect(upstream.calls()).toHaveLength(0);
    const { sig, ...fields } = decode(token.token);
    expect(fields).toEqual({
      ak: 'myAK',
      expireAt: String(NOW + 600_000),
      nonce: NONCE,
      role: digit,
      uuid: 'd07bcaf0a17911ea9d7e23232cddf42d',
    });
    // Re-derived here from §4.2, not with the adapter's code.
    const signed = JSON.stringify(Object.fromEntries(Object.entries(fields).sort()));
    expect(sig).toBe(createHmac('sha256', 'mySK').update(signed).digest('hex'));
  });

  it('applies the default lifetime when none is given', async () => {
    const token = await provider().createRoomToken(ROOM_A, { role: 'VIEWER' });
    expect(token.expiresAt).toEqual(new Date(NOW + 3_600_000));
    expect(token.identity).toBeNull();
  });

  it('mints through POST /v5/tokens/rooms/{uuid} with the SDK token when no key pair is set', async () => {
    const seen = expectRequest(
      'POST',
      '/v5/tokens/rooms/d07bcaf0a17911ea9d7e23232cddf42d',
      201,
      fixture('create-room-token.201.json'),
    );
    const token = await provider({
      accessKey: undefined,
      secretKey: undefined,
      sdkToken: 'NETLESSSDK_configured',
      region: 'sg',
    }).createRoomToken('d07bcaf0a17911ea9d7e23232cddf42d', { role: 'HOST', ttlSeconds: 60 });
    expect(seen[0]?.headers).toMatchObject({ token: 'NETLESSSDK_configured', region: 'sg' });
    expect(seen[0]?.body).toEqual({ lifespan: 60_000, role: 'admin' });
    expect(token.token).toBe(JSON.parse(fixture('create-room-token.201.json')));
    expect(token).toMatchObject({
      providerRole: 'admin',
      issuedAt: new Date(NOW),
      expiresAt: new Date(NOW + 60_000),
    });
  });

  it('maps a 404 from the token API to RoomNotFoundError', async () => {
    expectRequest('POST', `/v5/tokens/rooms/${MISSING}`, 404, fixture('room-not-found.404.json'));
    await expect(
      provider({
        accessKey: undefined,
        secretKey: undefined,
        sdkToken: 'NETLESSSDK_x',
      }).createRoomToken(MISSING, { role: 'VIEWER' }),
    ).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('maps a 403 from a weaker SDK token to ProviderAuthError', async () => {
    expectRequest(
      'POST',
      `/v5/tokens/rooms/${ROOM_A}`,
      403,
      fixture('token-access-role-forbidden.403.json'),
    );
    await expect(
      provider({
        accessKey: undefined,
        secretKey: undefined,
        sdkToken: 'NETLESSSDK_x',
      }).createRoomToken(ROOM_A, { role: 'HOST' }),
    ).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it('refuses permissions, a non-positive lifetime and an empty room id before any request', async () => {
    const error = await provider()
      .createRoomToken(ROOM_A, { role: 'HOST', permissions: ['draw'], ttlSeconds: 0 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((issue) => issue.path.join('.'))).toEqual([
      'input.permissions',
      'input.ttlSeconds',
    ]);
    await expect(provider().createRoomToken('', { role: 'HOST' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
    expect(upstream.calls()).toHaveLength(0);
  });
});
