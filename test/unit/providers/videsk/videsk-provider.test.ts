import type { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_ROOM_LIFE } from '../../../../src/domain/capabilities.js';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../../../src/domain/errors.js';
import type { Room } from '../../../../src/domain/room.js';
import { mapVideskRoom } from '../../../../src/providers/videsk/videsk-mappers.js';
import { VIDESK_CAPABILITIES } from '../../../../src/providers/videsk/videsk-provider.js';
import { videskRoomSchema } from '../../../../src/providers/videsk/videsk-schemas.js';
import {
  API_TOKEN,
  createAgent,
  expectRequest,
  fixture,
  jwtWith,
  makeProvider,
  NOW,
  ROOM_ID,
} from './videsk-test-kit.js';

const ROOM_PATH = `/vpaas/rooms/${ROOM_ID}`;
/** A well-formed room id no room has. */
const GONE = '64f1a2b3c4d5e6f7a8b9c0ff';
const listPath = (limit: number, skip: number) =>
  `/vpaas/rooms?$limit=${limit}&$skip=${skip}&$sort%5BcreatedAt%5D=1`;
const room = (id: string, extra: Record<string, unknown> = {}) => ({
  ...fixture('get-room.200.json'),
  id,
  externalId: `ext-${id}`,
  ...extra,
});

let agent: MockAgent;
beforeEach(() => {
  agent = createAgent();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

describe('Videsk capabilities', () => {
  it('declares the operations table of DESIGN.md', () => {
    expect(VIDESK_CAPABILITIES.operations).toEqual({
      createRoom: 'NATIVE',
      getRoom: 'NATIVE',
      listRooms: 'NATIVE',
      updateRoom: 'NATIVE',
      disableRoom: 'NATIVE',
      enableRoom: 'UNSUPPORTED',
      deleteRoom: 'UNSUPPORTED',
      createRoomToken: 'NATIVE',
      listRoomTokens: 'UNSUPPORTED',
      ...NO_ROOM_LIFE,
      // Room life (videsk-room-life.test.ts): a room is one session, ended by PATCH.
      getActiveSession: 'EMULATED',
      listSessions: 'EMULATED',
      endRoomSession: 'NATIVE',
    });
    expect(VIDESK_CAPABILITIES).toMatchObject({
      disableEffect: 'ENDS_ROOM',
      enableUndoesDisable: false,
      tokenSource: 'PROVIDER_API',
      maxPageSize: 100,
    });
    expect(makeProvider(agent)).toMatchObject({ kind: 'VIDESK', key: 'videsk' });
  });
});

describe('createRoom', () => {
  it('POSTs the mapped body with Bearer auth and maps the documented 201', async () => {
    const seen = expectRequest(agent, 'POST', '/vpaas/rooms', 201, fixture('create-room.201.json'));
    const created = await makeProvider(agent).createRoom({
      name: 'standup-2024-08-14',
      displayName: 'Team standup meeting',
      notBefore: new Date('2024-08-14T15:00:00Z'),
      expiresAt: new Date('2024-08-14T18:00:00Z'),
      maxParticipants: 10,
      recordingEnabled: true,
    });
    expect(seen[0]?.headers).toMatchObject({
      authorization: `Bearer ${API_TOKEN}`,
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(seen[0]?.body).toEqual({
      ...fixture('create-room.request.json'),
      nbf: '2024-08-14T15:00:00.000Z',
      exp: '2024-08-14T18:00:00.000Z',
      settings: { maxParticipants: 10, recordingEnabled: true },
    });
    expect(created).toMatchObject({
      providerKind: 'VIDESK',
      nativeId: ROOM_ID,
      providerRoomId: ROOM_ID,
      name: 'standup-2024-08-14',
      displayName: 'Team standup meeting',
      status: 'ACTIVE',
      notBefore: new Date('2024-08-14T15:00:00.000Z'),
      expiresAt: new Date('2024-08-14T18:00:00.000Z'),
    });
  });

  it("keeps the answer's accessToken as the room's first token, expiring when its claims say", async () => {
    const token = jwtWith({ jti: 'first-jti', iat: NOW / 1000, exp: NOW / 1000 + 600 });
    expectRequest(agent, 'POST', '/vpaas/rooms', 201, {
      ...fixture<Record<string, unknown>>('create-room.201.json'),
      accessToken: token,
    });
    const created = await makeProvider(agent).createRoom({ name: 'standup-2024-08-14' });
    expect(created.issuedTokens).toEqual([
      {
        token,
        providerKey: 'videsk',
        roomNativeId: ROOM_ID,
        role: 'PARTICIPANT',
        providerRole: null,
        permissions: [],
        identity: null,
        issuedAt: new Date(NOW),
        expiresAt: new Date(NOW + 600_000),
        providerTokenId: 'first-jti',
      },
    ]);
  });

  it("falls back to the room's exp for the first token, and to no token when none came", async () => {
    // The seed's example token is truncated (`eyJ…...`), so its claims cannot be read.
    expectRequest(agent, 'POST', '/vpaas/rooms', 201, fixture('create-room.201.json'));
    const created = await makeProvider(agent).createRoom({ name: 'standup-2024-08-14' });
    expect(created.issuedTokens?.map((token) => token.expiresAt)).toEqual([
      new Date('2024-08-14T18:00:00.000Z'),
    ]);
    expectRequest(agent, 'POST', '/vpaas/rooms', 201, fixture('get-room.200.json'));
    const bare = await makeProvider(agent).createRoom({ name: 'standup-2024-08-14' });
    expect(bare.issuedTokens).toBeUndefined();
  });

  it('sends only the externalId when nothing else is given', async () => {
    const seen = expectRequest(agent, 'POST', '/vpaas/rooms', 201, fixture('create-room.201.json'));
    await makeProvider(agent).createRoom({ name: 'standup-2024-08-14' });
    expect(seen[0]?.body).toEqual({ externalId: 'standup-2024-08-14' });
  });

  it('refuses fields Videsk cannot take before any request', async () => {
    const error = await makeProvider(agent)
      .createRoom({ name: 'x', description: 'about', region: 'eu' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues).toEqual([
      { path: ['input', 'description'], message: 'is not supported by Videsk' },
      { path: ['input', 'region'], message: 'is not supported by Videsk' },
    ]);
  });

  it('refuses a name Videsk would read as a room id, or too long for an externalId', async () => {
    const provider = makeProvider(agent);
    await expect(provider.createRoom({ name: ROOM_ID })).rejects.toMatchObject({
      issues: [{ path: ['input', 'name'] }],
    });
    await expect(provider.createRoom({ name: 'x'.repeat(101) })).rejects.toBeInstanceOf(
      InputValidationError,
    );
  });

  it('maps the documented 409 and 400 bodies to typed errors', async () => {
    expectRequest(agent, 'POST', '/vpaas/rooms', 409, fixture('create-room.409.json'));
    expectRequest(agent, 'POST', '/vpaas/rooms', 400, fixture('create-room.400.json'));
    const provider = makeProvider(agent);
    const conflict = await provider.createRoom({ name: 'standup-2024-08-14' }).catch((e) => e);
    expect(conflict).toBeInstanceOf(ProviderError);
    expect(conflict).toMatchObject({
      code: 'UPSTREAM_ERROR',
      status: 409,
      providerCode: 'conflict',
    });
    const rejected = await provider.createRoom({ name: 'late' }).catch((e) => e);
    expect(rejected).toBeInstanceOf(ProviderRejectedError);
    expect(rejected).toMatchObject({ status: 400, providerCode: 'bad-request' });
    expect(rejected.message).toContain('"exp" must be a future date');
  });
});

describe('getRooms', () => {
  it('GETs each id and answers a RoomNotFoundError for the missing one only', async () => {
    const seen = expectRequest(agent, 'GET', ROOM_PATH, 200, fixture('get-room.200.json'));
    expectRequest(agent, 'GET', `/vpaas/rooms/${GONE}`, 404, fixture('get-room.404.json'));
    const [found, missing] = await makeProvider(agent).getRooms([ROOM_ID, GONE]);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect((found as Room).name).toBe('standup-2024-08-14');
    expect(missing).toBeInstanceOf(RoomNotFoundError);
    expect(missing).toMatchObject({ roomId: GONE, provider: 'videsk' });
  });

  it('answers RoomNotFoundError without a request for a handle that is not a room id', async () => {
    // MockAgent refuses any request nothing intercepts, so a call would fail differently.
    const hostile = ['missing/id', '.', '..', '%2e', '?x=1', 'ABCDEF0123456789ABCDEF01', 'é'];
    const results = await makeProvider(agent).getRooms(hostile);
    expect(results.every((result) => result instanceof RoomNotFoundError)).toBe(true);
  });

  it('fails the whole batch on the documented 401, without the token in the message', async () => {
    expectRequest(agent, 'GET', ROOM_PATH, 401, fixture('error.401.json'));
    const error = await makeProvider(agent)
      .getRooms([ROOM_ID])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ status: 401, providerCode: 'not-authenticated' });
    expect(error.message).toBe('Authorization header with valid JWT is required.');
    expect(error.message).not.toContain(API_TOKEN);
  });

  it('maps the documented 403 to ProviderAuthError', async () => {
    expectRequest(agent, 'GET', ROOM_PATH, 403, fixture('error.403.json'));
    await expect(makeProvider(agent).getRooms([ROOM_ID])).rejects.toMatchObject({
      code: 'UPSTREAM_AUTH_FAILED',
      providerCode: 'forbidden',
    });
  });

  it('maps 429 with Retry-After to ProviderRateLimitedError', async () => {
    expectRequest(agent, 'GET', ROOM_PATH, 429, fixture('error.429.json'), { 'retry-after': '1' });
    const error = await makeProvider(agent)
      .getRooms([ROOM_ID])
      .catch((e) => e);
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 1000, providerCode: 'too-many-requests' });
  });

  it('maps 500 to ProviderUnavailableError and a 2xx of the wrong shape to ProviderResponseError', async () => {
    expectRequest(agent, 'GET', ROOM_PATH, 500, fixture('error.500.json'));
    expectRequest(agent, 'GET', ROOM_PATH, 200, { name: 'no id here' });
    const provider = makeProvider(agent);
    await expect(provider.getRooms([ROOM_ID])).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(provider.getRooms([ROOM_ID])).rejects.toBeInstanceOf(ProviderResponseError);
  });

  it('retries a GET after 503 but never a 400', async () => {
    expectRequest(agent, 'GET', ROOM_PATH, 503, fixture('error.500.json'));
    expectRequest(agent, 'GET', ROOM_PATH, 200, fixture('get-room.200.json'));
    expectRequest(agent, 'GET', `/vpaas/rooms/${GONE}`, 400, fixture('create-room.400.json'));
    const provider = makeProvider(agent, {
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const [found] = await provider.getRooms([ROOM_ID]);
    expect((found as Room).nativeId).toBe(ROOM_ID);
    const error = await provider.getRooms([GONE]).catch((e) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_REJECTED', attempts: 1 });
  });
});

describe('listRooms', () => {
  it('sends $limit, $skip and an explicit $sort, and maps the documented page', async () => {
    const seen = expectRequest(agent, 'GET', listPath(5, 0), 200, fixture('list-rooms.200.json'));
    const page = await makeProvider(agent).listRooms({ cursor: null, limit: 5 });
    // Feathers names keep their `$` on the wire; the `$sort` brackets are percent-encoded.
    expect(seen[0]?.path).toBe('/vpaas/rooms?$limit=5&$skip=0&$sort%5BcreatedAt%5D=1');
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(page.edges.map((edge) => edge.room.name)).toEqual(['standup-2024-08-14']);
    // total 25 > skip 0 + 1 room: more pages follow.
    expect(page.hasNextPage).toBe(true);
  });

  it('walks pages by offset and resumes from a middle edge', async () => {
    const rooms = ['a1', 'a2', 'a3'].map((id) => room(id));
    expectRequest(agent, 'GET', listPath(2, 0), 200, {
      total: 3,
      limit: 2,
      skip: 0,
      data: rooms.slice(0, 2),
    });
    expectRequest(agent, 'GET', listPath(2, 2), 200, {
      total: 3,
      limit: 2,
      skip: 2,
      data: rooms.slice(2),
    });
    expectRequest(agent, 'GET', listPath(3, 0), 200, { total: 3, limit: 3, skip: 0, data: rooms });
    const provider = makeProvider(agent);
    const first = await provider.listRooms({ cursor: null, limit: 2 });
    const second = await provider.listRooms({ cursor: first.edges[1]?.cursor ?? null, limit: 2 });
    expect(second.edges.map((edge) => edge.room.nativeId)).toEqual(['a3']);
    expect(second.hasNextPage).toBe(false);
    // From the first edge: the page is fetched again from its start, one room skipped.
    const resumed = await provider.listRooms({ cursor: first.edges[0]?.cursor ?? null, limit: 2 });
    expect(resumed.edges.map((edge) => edge.room.nativeId)).toEqual(['a2', 'a3']);
  });

  it('clamps the limit to 100', async () => {
    expectRequest(agent, 'GET', listPath(100, 0), 200, { total: 0, limit: 100, skip: 0, data: [] });
    const page = await makeProvider(agent).listRooms({ cursor: null, limit: 500 });
    expect(page).toEqual({ edges: [], hasNextPage: false });
  });

  it('refuses a cursor whose position is not an offset', async () => {
    const forged = Buffer.from(JSON.stringify({ p: 'abc', s: 0 })).toString('base64url');
    await expect(
      makeProvider(agent).listRooms({ cursor: forged, limit: 2 }),
    ).rejects.toBeInstanceOf(InputValidationError);
  });
});

describe('updateRoom', () => {
  it('PATCHes name, exp and nbf', async () => {
    const seen = expectRequest(agent, 'PATCH', ROOM_PATH, 200, fixture('patch-room.200.json'));
    const updated = await makeProvider(agent).updateRoom(ROOM_ID, {
      displayName: 'Renamed',
      expiresAt: new Date('2024-08-14T20:00:00Z'),
      notBefore: new Date('2024-08-14T15:30:00Z'),
    });
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(seen[0]?.body).toEqual({
      name: 'Renamed',
      exp: '2024-08-14T20:00:00.000Z',
      nbf: '2024-08-14T15:30:00.000Z',
    });
    expect(updated.nativeId).toBe(ROOM_ID);
  });

  it('refuses settings PATCH cannot change, before any request', async () => {
    await expect(
      makeProvider(agent).updateRoom(ROOM_ID, { maxParticipants: 3, description: 'd' }),
    ).rejects.toMatchObject({
      issues: [
        { path: ['input', 'description'], message: 'is not supported by Videsk' },
        { path: ['input', 'maxParticipants'], message: 'is not supported by Videsk' },
      ],
    });
  });

  it('answers an empty update with the room as it is', async () => {
    expectRequest(agent, 'GET', ROOM_PATH, 200, fixture('get-room.200.json'));
    const same = await makeProvider(agent).updateRoom(ROOM_ID, {});
    expect(same.displayName).toBe('Team standup meeting');
  });

  it('tells an ended room (PATCH 404, GET found) from a missing one, with no ended field', async () => {
    expectRequest(agent, 'PATCH', ROOM_PATH, 404, fixture('get-room.404.json'));
    // The documented example: no `ended` (§2), and the room still inside its window.
    expectRequest(agent, 'GET', ROOM_PATH, 200, fixture('get-room.200.json'));
    expectRequest(agent, 'PATCH', `/vpaas/rooms/${GONE}`, 404, fixture('get-room.404.json'));
    expectRequest(agent, 'GET', `/vpaas/rooms/${GONE}`, 404, fixture('get-room.404.json'));
    const provider = makeProvider(agent);
    await expect(provider.updateRoom(ROOM_ID, { displayName: 'x' })).rejects.toBeInstanceOf(
      ProviderRejectedError,
    );
    await expect(provider.updateRoom(GONE, { displayName: 'x' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
  });
});

describe('disableRoom', () => {
  it('PATCHes ended: true and maps the room as ENDED', async () => {
    const seen = expectRequest(agent, 'PATCH', ROOM_PATH, 200, room(ROOM_ID, { ended: true }));
    const ended = await makeProvider(agent).disableRoom(ROOM_ID);
    expect(seen[0]?.body).toEqual({ ended: true });
    expect(ended.status).toBe('ENDED');
  });

  it('answers ENDED when the PATCH answer has no ended field, as the documented one has none', async () => {
    expectRequest(agent, 'PATCH', ROOM_PATH, 200, fixture('patch-room.200.json'));
    const ended = await makeProvider(agent).disableRoom(ROOM_ID);
    expect(ended).toMatchObject({ status: 'ENDED', settings: { ended: true } });
  });

  it.each<[string, Record<string, unknown>]>([
    ['with', { ended: true }],
    ['without', {}],
  ])('is idempotent on a room that has already ended, %s an ended field', async (_, extra) => {
    expectRequest(agent, 'PATCH', ROOM_PATH, 404, fixture('get-room.404.json'));
    expectRequest(agent, 'GET', ROOM_PATH, 200, {
      ...fixture<Record<string, unknown>>('get-room.200.json'),
      ...extra,
    });
    await expect(makeProvider(agent).disableRoom(ROOM_ID)).resolves.toMatchObject({
      status: 'ENDED',
      settings: { ended: true },
    });
  });
});

describe('findCreatedRoom', () => {
  it('GETs the room by its externalId, which createRoom made of the name', async () => {
    const seen = expectRequest(
      agent,
      'GET',
      '/vpaas/rooms/standup-2024-08-14',
      200,
      fixture('get-room.200.json'),
    );
    const room = await makeProvider(agent).findCreatedRoom?.({ name: ' standup-2024-08-14 ' });
    expect(room).toMatchObject({ nativeId: ROOM_ID, name: 'standup-2024-08-14' });
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
  });

  it('answers null for a 404, and passes any other failure on', async () => {
    expectRequest(agent, 'GET', '/vpaas/rooms/never-made', 404, fixture('get-room.404.json'));
    expectRequest(agent, 'GET', '/vpaas/rooms/a%2Fb', 500, fixture('error.500.json'));
    const provider = makeProvider(agent);
    await expect(provider.findCreatedRoom?.({ name: 'never-made' })).resolves.toBeNull();
    await expect(provider.findCreatedRoom?.({ name: 'a/b' })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });

  it('answers null for a room whose externalId is not the name', async () => {
    expectRequest(agent, 'GET', '/vpaas/rooms/other', 200, fixture('get-room.200.json'));
    await expect(makeProvider(agent).findCreatedRoom?.({ name: 'other' })).resolves.toBeNull();
  });

  it.each(['.', '..', ROOM_ID, ''])('refuses the name %j before any request', async (name) => {
    await expect(makeProvider(agent).findCreatedRoom?.({ name })).rejects.toBeInstanceOf(
      InputValidationError,
    );
  });
});

describe('unsupported operations', () => {
  it.each([
    ['enableRoom', (p: ReturnType<typeof makeProvider>) => p.enableRoom(ROOM_ID)],
    ['deleteRoom', (p: ReturnType<typeof makeProvider>) => p.deleteRoom(ROOM_ID)],
    ['listRoomTokens', (p: ReturnType<typeof makeProvider>) => p.listRoomTokens(ROOM_ID)],
  ] as const)('%s throws UnsupportedOperationError before any request', async (operation, call) => {
    const error = await call(makeProvider(agent)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect(error).toMatchObject({ operation, provider: 'videsk' });
  });
});

describe('createRoomToken', () => {
  it('POSTs /join with an empty JSON body and reads exp, iat and jti from the token', async () => {
    const token = jwtWith({
      sub: ROOM_ID,
      jti: '3b9c2f0e-6a51-4d2c-9e0b-5f1d7c8a2e44',
      iat: 1_723_651_200,
      nbf: 1_723_647_600,
      exp: 1_723_658_400,
    });
    const seen = expectRequest(agent, 'POST', `${ROOM_PATH}/join`, 201, { accessToken: token });
    const minted = await makeProvider(agent).createRoomToken(ROOM_ID, {
      role: 'PARTICIPANT',
      identity: 'agent-7',
    });
    expect(seen[0]?.headers).toMatchObject({
      authorization: `Bearer ${API_TOKEN}`,
      'content-type': 'application/json',
    });
    expect(seen[0]?.body).toEqual({});
    expect(minted).toEqual({
      token,
      providerKey: 'videsk',
      roomNativeId: ROOM_ID,
      role: 'PARTICIPANT',
      providerRole: null,
      permissions: [],
      identity: 'agent-7',
      issuedAt: new Date('2024-08-14T16:00:00.000Z'),
      expiresAt: new Date('2024-08-14T18:00:00.000Z'),
      providerTokenId: '3b9c2f0e-6a51-4d2c-9e0b-5f1d7c8a2e44',
    });
  });

  it("falls back to the room's exp when the token's claims cannot be read", async () => {
    // The documented example token is truncated (`eyJ…...`): no payload to read.
    expectRequest(agent, 'POST', `${ROOM_PATH}/join`, 201, fixture('join-room.201.json'));
    expectRequest(agent, 'GET', ROOM_PATH, 200, fixture('get-room.200.json'));
    const minted = await makeProvider(agent).createRoomToken(ROOM_ID, { role: 'PARTICIPANT' });
    expect(minted.expiresAt).toEqual(new Date('2024-08-14T18:00:00.000Z'));
    expect(minted.issuedAt).toEqual(new Date(NOW));
    expect(minted.providerTokenId).toBeNull();
  });

  it("uses the caller's copy of the room instead of fetching it again", async () => {
    expectRequest(agent, 'POST', `${ROOM_PATH}/join`, 201, fixture('join-room.201.json'));
    const provider = makeProvider(agent);
    const held: Room = {
      ...mapVideskRoom('videsk', videskRoomSchema.parse(fixture('get-room.200.json')), NOW),
      expiresAt: new Date('2024-08-14T17:30:00.000Z'),
    };
    const minted = await provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT' }, { room: held });
    expect(minted.expiresAt).toEqual(new Date('2024-08-14T17:30:00.000Z'));
  });

  it('refuses HOST, VIEWER, a provider role, permissions and a lifetime before any request', async () => {
    const provider = makeProvider(agent);
    for (const role of ['HOST', 'VIEWER'] as const) {
      await expect(provider.createRoomToken(ROOM_ID, { role })).rejects.toMatchObject({
        issues: [{ path: ['input', 'role'] }],
      });
    }
    await expect(
      provider.createRoomToken(ROOM_ID, {
        role: 'PARTICIPANT',
        ttlSeconds: 60,
        permissions: ['x'],
        providerRole: 'peer',
      }),
    ).rejects.toMatchObject({
      issues: [
        { path: ['input', 'permissions'] },
        { path: ['input', 'providerRole'] },
        { path: ['input', 'ttlSeconds'] },
      ],
    });
  });

  it('answers RoomNotFoundError for an unknown room', async () => {
    expectRequest(agent, 'POST', `/vpaas/rooms/${GONE}/join`, 404, fixture('get-room.404.json'));
    await expect(
      makeProvider(agent).createRoomToken(GONE, { role: 'PARTICIPANT' }),
    ).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('retries a join after 429 but not after 503', async () => {
    const token = jwtWith({ exp: 1_723_658_400 });
    expectRequest(agent, 'POST', `${ROOM_PATH}/join`, 429, fixture('error.429.json'), {
      'retry-after': '0',
    });
    expectRequest(agent, 'POST', `${ROOM_PATH}/join`, 201, { accessToken: token });
    expectRequest(agent, 'POST', `${ROOM_PATH}/join`, 503, fixture('error.500.json'));
    const provider = makeProvider(agent, {
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT' })).resolves.toMatchObject(
      {
        token,
      },
    );
    const error = await provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT' }).catch((e) => e);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', attempts: 1 });
  });
});
