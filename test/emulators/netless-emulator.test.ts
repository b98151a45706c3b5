import { createHmac } from 'node:crypto';
import { roomToken, sdkToken, TokenRole, taskToken } from 'netless-token';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNetlessEmulator } from '../../src/emulators/netless/netless-emulator.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';

// Checked against ../shared/providers/agora-whiteboard.md; tokens are signed with the official
// netless-token package, so neither the adapter nor the emulator's own signer is trusted here.
const AK = 'testAK0000000001';
const SK = 'testSK-secret';
let clock = Date.now();
const emulator = createNetlessEmulator({
  credentials: [{ accessKey: AK, secretKey: SK }],
  now: () => clock,
});
let running: RunningEmulator;

beforeAll(async () => {
  running = await startEmulator(emulator, { port: 0 });
});

afterAll(async () => {
  await running.close();
});

beforeEach(() => {
  emulator.reset();
  clock = Date.now();
});

const admin = () => sdkToken(AK, SK, 3_600_000, { role: TokenRole.Admin });
const writer = () => sdkToken(AK, SK, 3_600_000, { role: TokenRole.Writer });
const reader = () => sdkToken(AK, SK, 3_600_000, { role: TokenRole.Reader });

interface Answer {
  status: number;
  body: unknown;
}

async function call(
  method: string,
  path: string,
  options: { token?: string; region?: string | null; body?: unknown } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token !== undefined) {
    headers.token = options.token;
  }
  if (options.region !== null) {
    headers.region = options.region ?? 'us-sv';
  }
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function createRoom(region = 'us-sv'): Promise<string> {
  const created = await call('POST', '/v5/rooms', { token: admin(), region, body: {} });
  expect(created.status).toBe(201);
  return (created.body as { uuid: string }).uuid;
}

function decode(token: string): Record<string, string> {
  const body = token.slice(token.indexOf('_') + 1);
  return Object.fromEntries(new URLSearchParams(Buffer.from(body, 'base64url').toString('utf8')));
}

describe('rooms', () => {
  it('creates a room with 201 and the documented fields', async () => {
    clock = Date.parse('2026-11-23T09:15:02.118Z');
    const created = await call('POST', '/v5/rooms', {
      token: sdkToken(AK, SK, 0, { role: TokenRole.Admin }),
      body: { isRecord: true, limit: 3 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f]{12}1[0-9a-f]{3}[89ab][0-9a-f]{15}$/),
      teamUUID: expect.any(String),
      appUUID: expect.any(String),
      isRecord: true,
      isBan: false,
      createdAt: '2026-11-23T09:15:02.118Z',
      limit: 3,
    });
  });

  it('accepts an empty body, a writer SDK token and no region header', async () => {
    const created = await call('POST', '/v5/rooms', { token: writer(), region: null });
    expect(created).toMatchObject({ status: 201, body: { isRecord: false, limit: 0 } });
    const uuid = (created.body as { uuid: string }).uuid;
    // No region means the default data centre, us-sv.
    expect((await call('GET', `/v5/rooms/${uuid}`, { token: admin() })).status).toBe(200);
  });

  it('gets a room with 200 and an unknown one with 404 and a message', async () => {
    const uuid = await createRoom();
    expect(await call('GET', `/v5/rooms/${uuid}`, { token: writer() })).toMatchObject({
      status: 200,
      body: { uuid, isBan: false },
    });
    expect(
      await call('GET', '/v5/rooms/00000000000000000000000000000000', { token: admin() }),
    ).toEqual({ status: 404, body: { message: 'room not found' } });
  });

  it('keeps rooms per region', async () => {
    const uuid = await createRoom('eu');
    expect((await call('GET', `/v5/rooms/${uuid}`, { token: admin(), region: 'eu' })).status).toBe(
      200,
    );
    expect(
      (await call('GET', `/v5/rooms/${uuid}`, { token: admin(), region: 'us-sv' })).status,
    ).toBe(404);
  });

  it('bans and unbans with PATCH, answering 201', async () => {
    const uuid = await createRoom();
    const banned = await call('PATCH', `/v5/rooms/${uuid}`, {
      token: admin(),
      body: { isBan: true },
    });
    expect(banned).toMatchObject({ status: 201, body: { uuid, isBan: true } });
    expect(await call('GET', `/v5/rooms/${uuid}`, { token: admin() })).toMatchObject({
      body: { isBan: true },
    });
    const lifted = await call('PATCH', `/v5/rooms/${uuid}`, {
      token: admin(),
      body: { isBan: false },
    });
    expect(lifted).toMatchObject({ status: 201, body: { isBan: false } });
    expect(
      await call('PATCH', '/v5/rooms/unknown', { token: admin(), body: { isBan: true } }),
    ).toEqual({ status: 404, body: { message: 'room not found' } });
  });

  it('has no DELETE and no other routes', async () => {
    const uuid = await createRoom();
    expect(await call('DELETE', `/v5/rooms/${uuid}`, { token: admin() })).toEqual({
      status: 405,
      body: { message: 'method not allowed' },
    });
    expect((await call('GET', '/v4/rooms', { token: admin() })).status).toBe(404);
  });
});

describe('listing', () => {
  it('walks every room in creation order with an inclusive beginUUID', async () => {
    const made: string[] = [];
    for (let index = 0; index < 5; index++) {
      clock += 1_000;
      made.push(await createRoom());
    }
    const seen: string[] = [];
    let begin: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const query = begin === null ? 'limit=3' : `beginUUID=${begin}&limit=3`;
      const page = await call('GET', `/v5/rooms?${query}`, { token: admin() });
      expect(page.status).toBe(200);
      const uuids = (page.body as { uuid: string }[]).map((room) => room.uuid);
      if (begin !== null) {
        // The start is inclusive: the page opens with the room asked for (§2.4).
        expect(uuids[0]).toBe(begin);
      }
      seen.push(...(begin === null ? uuids : uuids.slice(1)));
      if (uuids.length < 3) {
        break;
      }
      begin = uuids.at(-1) ?? null;
    }
    expect(seen).toEqual(made);
  });

  it('accepts the trailing-slash form and defaults to 100 rooms', async () => {
    for (let index = 0; index < 101; index++) {
      emulator.store.create('us-sv', { isRecord: false, limit: 0 });
    }
    const page = await call('GET', '/v5/rooms/', { token: writer() });
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(100);
  });

  it.each(['0', '1001', '-1', 'ten', '2.5'])('refuses limit=%s with 400', async (limit) => {
    expect(await call('GET', `/v5/rooms?limit=${limit}`, { token: admin() })).toEqual({
      status: 400,
      body: { message: 'limit must be an integer in (0, 1000]' },
    });
  });

  it('answers 404 for a beginUUID it does not know', async () => {
    expect((await call('GET', '/v5/rooms?beginUUID=nope', { token: admin() })).status).toBe(404);
  });
});

describe('validation', () => {
  it.each([
    [{ isRecord: 'yes' }, 'isRecord must be a boolean'],
    [{ limit: -1 }, 'limit must be a non-negative integer'],
    [{ limit: 1.5 }, 'limit must be a non-negative integer'],
    [[1], 'invalid request body'],
  ])('refuses create body %j with 400', async (body, message) => {
    expect(await call('POST', '/v5/rooms', { token: admin(), body })).toEqual({
      status: 400,
      body: { message },
    });
  });

  it.each([[{}], [{ isBan: 'true' }]])('refuses ban body %j with 400', async (body) => {
    const uuid = await createRoom();
    expect(await call('PATCH', `/v5/rooms/${uuid}`, { token: admin(), body })).toEqual({
      status: 400,
      body: { message: 'isBan must be a boolean' },
    });
  });

  it.each(['mars', 'gb-lon'])('refuses region %s with 400', async (region) => {
    expect(await call('POST', '/v5/rooms', { token: admin(), region })).toEqual({
      status: 400,
      body: { message: 'invalid region' },
    });
  });
});

describe('token verification', () => {
  it.each([
    ['no token', undefined],
    ['a wrong prefix', admin().replace('NETLESSSDK_', 'NETLESS_')],
    ['stray whitespace', admin().replace('_', '_ ')],
    ['undecodable text', 'NETLESSSDK_!!!'],
    ['no signature', `NETLESSSDK_${Buffer.from('ak=x&nonce=n&role=0').toString('base64url')}`],
  ])('answers 401 invalid format of token for %s', async (_case, token) => {
    expect(await call('GET', '/v5/rooms', { token })).toEqual({
      status: 401,
      body: { message: 'invalid format of token' },
    });
  });

  it.each([
    ['a wrong secret key', sdkToken(AK, 'other', 60_000, { role: TokenRole.Admin })],
    ['an unknown access key', sdkToken('otherAK', SK, 60_000, { role: TokenRole.Admin })],
  ])('answers 401 invalid signature of token for %s', async (_case, token) => {
    expect(await call('GET', '/v5/rooms', { token })).toEqual({
      status: 401,
      body: { message: 'invalid signature of token' },
    });
  });

  it('answers 401 expired token once expireAt has passed', async () => {
    const token = sdkToken(AK, SK, 1_000, { role: TokenRole.Admin });
    expect((await call('GET', '/v5/rooms', { token })).status).toBe(200);
    clock += 5_000;
    expect(await call('GET', '/v5/rooms', { token })).toEqual({
      status: 401,
      body: { message: 'expired token' },
    });
  });

  it('accepts pairs in any order and form encoding, as the Python generator writes them', async () => {
    const fields = { ak: AK, nonce: 'a nonce', role: '0', expireAt: String(clock + 60_000) };
    const signed = JSON.stringify(Object.fromEntries(Object.entries(fields).sort()));
    const sig = createHmac('sha256', SK).update(signed).digest('hex');
    const query = new URLSearchParams({ ...fields, sig }).toString();
    expect(query).toContain('nonce=a+nonce');
    const token = `NETLESSSDK_${Buffer.from(query).toString('base64url')}`;
    expect((await call('GET', '/v5/rooms', { token })).status).toBe(200);
  });
});

describe('permissions', () => {
  it('refuses a reader SDK token on room endpoints with 403', async () => {
    expect(await call('POST', '/v5/rooms', { token: reader() })).toEqual({
      status: 403,
      body: { message: 'token access role reader forbidden' },
    });
  });

  it('lets a room token read only its own room, and only as writer or admin', async () => {
    const uuid = await createRoom();
    const other = await createRoom();
    const roomWriter = roomToken(AK, SK, 60_000, { role: TokenRole.Writer, uuid });
    expect((await call('GET', `/v5/rooms/${uuid}`, { token: roomWriter })).status).toBe(200);
    expect(await call('GET', `/v5/rooms/${other}`, { token: roomWriter })).toEqual({
      status: 403,
      body: { message: 'token access room forbidden' },
    });
    const roomReader = roomToken(AK, SK, 60_000, { role: TokenRole.Reader, uuid });
    expect((await call('GET', `/v5/rooms/${uuid}`, { token: roomReader })).status).toBe(403);
    expect((await call('GET', '/v5/rooms', { token: roomWriter })).status).toBe(403);
    expect((await call('POST', '/v5/rooms', { token: roomWriter })).status).toBe(403);
  });

  it('lets only admins ban', async () => {
    const uuid = await createRoom();
    expect(
      await call('PATCH', `/v5/rooms/${uuid}`, { token: writer(), body: { isBan: true } }),
    ).toEqual({ status: 403, body: { message: 'token access role writer forbidden' } });
    const roomAdmin = roomToken(AK, SK, 60_000, { role: TokenRole.Admin, uuid });
    expect(
      (await call('PATCH', `/v5/rooms/${uuid}`, { token: roomAdmin, body: { isBan: true } }))
        .status,
    ).toBe(201);
  });

  it('refuses a task token on room endpoints', async () => {
    const token = taskToken(AK, SK, 60_000, { role: TokenRole.Admin, uuid: 'task1' });
    expect(await call('GET', '/v5/rooms', { token })).toEqual({
      status: 403,
      body: { message: 'token access task forbidden' },
    });
  });
});

describe('token endpoints', () => {
  it('issues an SDK token from the key pair as a bare JSON string', async () => {
    const issued = await call('POST', '/v5/tokens/teams', {
      body: { accessKey: AK, secretAccessKey: SK, lifespan: 60_000, role: 'writer' },
    });
    expect(issued.status).toBe(201);
    const token = issued.body as string;
    expect(token.startsWith('NETLESSSDK_')).toBe(true);
    expect(decode(token)).toMatchObject({
      ak: AK,
      role: '1',
      expireAt: String(clock + 60_000),
      nonce: expect.stringMatching(new RegExp(`^${clock}\\d{2}$`)),
    });
    expect((await call('POST', '/v5/rooms', { token })).status).toBe(201);
  });

  it('leaves expireAt out of a token with lifespan 0', async () => {
    const issued = await call('POST', '/v5/tokens/teams', {
      body: { accessKey: AK, secretAccessKey: SK, lifespan: 0, role: 'admin' },
    });
    expect(Object.keys(decode(issued.body as string))).not.toContain('expireAt');
  });

  it('refuses a wrong key pair with 401 and a bad body with 400', async () => {
    const wrong = await call('POST', '/v5/tokens/teams', {
      body: { accessKey: AK, secretAccessKey: 'nope', lifespan: 0, role: 'admin' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ message: expect.any(String) });
    expect(
      await call('POST', '/v5/tokens/teams', {
        body: { accessKey: AK, secretAccessKey: SK, lifespan: 0, role: 'owner' },
      }),
    ).toEqual({ status: 400, body: { message: 'role must be one of admin, writer, reader' } });
  });

  it('mints room tokens of equal or lower role only, for rooms that exist', async () => {
    const uuid = await createRoom();
    const path = `/v5/tokens/rooms/${uuid}`;
    expect(
      await call('POST', path, { token: writer(), body: { lifespan: 60_000, role: 'admin' } }),
    ).toEqual({ status: 403, body: { message: 'token access role writer forbidden' } });
    const minted = await call('POST', path, {
      token: reader(),
      body: { lifespan: 60_000, role: 'reader' },
    });
    expect(minted.status).toBe(201);
    expect(decode(minted.body as string)).toMatchObject({ role: '2', uuid });
    const asWriter = await call('POST', path, {
      token: writer(),
      body: { lifespan: 60_000, role: 'writer' },
    });
    expect(
      (await call('GET', `/v5/rooms/${uuid}`, { token: asWriter.body as string })).status,
    ).toBe(200);
    expect(
      (
        await call('POST', '/v5/tokens/rooms/unknown', {
          token: admin(),
          body: { lifespan: 1, role: 'reader' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', path, {
          token: asWriter.body as string,
          body: { lifespan: 1, role: 'reader' },
        })
      ).status,
    ).toBe(403);
  });

  it('mints task tokens', async () => {
    const minted = await call('POST', '/v5/tokens/tasks/00d4e015df4c488480c3f8a24d053eb1', {
      token: admin(),
      body: { lifespan: 600_000, role: 'reader' },
    });
    expect(minted.status).toBe(201);
    expect((minted.body as string).startsWith('NETLESSTASK_')).toBe(true);
  });
});

describe('faults and log', () => {
  it('answers an injected fault with the Netless error body, then recovers', async () => {
    emulator.faults.add({ status: 500, times: 1 });
    expect(await call('GET', '/v5/rooms', { token: admin() })).toEqual({
      status: 500,
      body: { message: 'unknown error' },
    });
    emulator.faults.add({ status: 503, times: 1 });
    expect(await call('GET', '/v5/rooms', { token: admin() })).toEqual({
      status: 503,
      body: { message: 'service unavailable' },
    });
    expect((await call('GET', '/v5/rooms', { token: admin() })).status).toBe(200);
    expect(emulator.log.count({ method: 'GET', pathPrefix: '/v5/rooms' })).toBe(3);
  });

  it('limits requests per second when asked to', async () => {
    const limited = createNetlessEmulator({
      credentials: [{ accessKey: AK, secretKey: SK }],
      requestsPerSecond: 2,
      now: () => 1_000_000_000_000,
    });
    const host = await startEmulator(limited, { port: 0 });
    try {
      const statuses: number[] = [];
      for (let index = 0; index < 3; index++) {
        const response = await fetch(`${host.url}/v5/rooms`, { headers: { region: 'us-sv' } });
        statuses.push(response.status);
        if (index === 2) {
          expect(await response.json()).toEqual({ message: 'too many requests' });
        } else {
          await response.text();
        }
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await host.close();
    }
  });
});

// Room life (agora-whiteboard-room-life.md): the API shows nobody in a room, so the emulator
// takes joins and leaves through its own admin routes, verifying each token as the server does.
describe('room life through the admin routes', () => {
  async function adminRoute(method: string, path: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${running.url}/__emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  interface RoomState {
    uuid: string;
    isBan: boolean;
    session: {
      startedAt: number;
      members: { participantId: string; memberId: number; name: string | null; role: string }[];
    } | null;
    replays: { beginTimestamp: number; duration: number; ready: boolean }[];
  }

  async function state(uuid: string): Promise<RoomState> {
    const answer = await adminRoute('GET', '/rooms');
    expect(answer.status).toBe(200);
    const found = (answer.body as { rooms: RoomState[] }).rooms.find((room) => room.uuid === uuid);
    if (!found) {
      throw new Error(`room ${uuid} is not in the emulator`);
    }
    return found;
  }

  const writerOf = (uuid: string, lifespan = 60_000) =>
    roomToken(AK, SK, lifespan, { role: TokenRole.Writer, uuid });

  async function join(token: string, name = 'Ada', extra: Record<string, unknown> = {}) {
    return adminRoute('POST', '/join', { token, name, ...extra });
  }

  it('joins with a room token, the first join starting the session, member ids from 0', async () => {
    const uuid = await createRoom();
    expect((await state(uuid)).session).toBeNull();
    clock = Date.parse('2026-11-23T10:00:00.000Z');
    const first = await join(writerOf(uuid));
    expect(first).toEqual({
      status: 200,
      body: { participantId: expect.any(String), memberId: 0 },
    });
    const second = await join(roomToken(AK, SK, 60_000, { role: TokenRole.Admin, uuid }), 'Bo');
    expect(second.body).toMatchObject({ memberId: 1 });
    expect(await state(uuid)).toMatchObject({
      session: {
        startedAt: clock,
        members: [
          {
            participantId: (first.body as { participantId: string }).participantId,
            name: 'Ada',
            role: '1',
          },
          { name: 'Bo', role: '0' },
        ],
      },
    });
    // Admin routes are the emulator's own: neither logged nor counted as upstream calls.
    expect(emulator.log.count()).toBe(1);
  });

  it('lets an SDK token of the project join the room it names', async () => {
    const uuid = await createRoom();
    expect(await join(writer())).toEqual({ status: 400, body: { message: 'uuid is required' } });
    expect((await join(writer(), 'Ada', { uuid })).status).toBe(200);
    expect((await state(uuid)).session?.members).toHaveLength(1);
  });

  it.each([
    [
      'a wrong signature',
      (uuid: string) => roomToken(AK, 'forged', 60_000, { role: TokenRole.Writer, uuid }),
      401,
      'invalid signature of token',
    ],
    [
      'an unknown access key',
      (uuid: string) => roomToken('otherAK', SK, 60_000, { role: TokenRole.Writer, uuid }),
      401,
      'invalid signature of token',
    ],
    [
      'a changed role',
      (uuid: string) =>
        writerOf(uuid).replace(/^NETLESSROOM_(.*)$/, (_all, body: string) => {
          const fields = new URLSearchParams(Buffer.from(body, 'base64url').toString('utf8'));
          fields.set('role', '0');
          return `NETLESSROOM_${Buffer.from(fields.toString()).toString('base64url')}`;
        }),
      401,
      'invalid signature of token',
    ],
    ['no token', () => undefined, 401, 'invalid format of token'],
    ['a mangled token', () => 'NETLESSROOM_%%%', 401, 'invalid format of token'],
  ])('refuses a join with %s as the server would', async (_case, mint, status, message) => {
    const uuid = await createRoom();
    expect(await adminRoute('POST', '/join', { token: mint(uuid), name: 'Ada', uuid })).toEqual({
      status,
      body: { message },
    });
    expect((await state(uuid)).session).toBeNull();
  });

  it('refuses an expired room token with 401 expired token', async () => {
    const uuid = await createRoom();
    const token = writerOf(uuid, 1_000);
    clock += 5_000;
    expect(await join(token)).toEqual({ status: 401, body: { message: 'expired token' } });
    expect((await state(uuid)).session).toBeNull();
  });

  it('refuses a room token for another room with 403 token access room forbidden', async () => {
    const uuid = await createRoom();
    const other = await createRoom();
    expect(await join(writerOf(other), 'Ada', { uuid })).toEqual({
      status: 403,
      body: { message: 'token access room forbidden' },
    });
    expect((await state(uuid)).session).toBeNull();
    expect((await state(other)).session).toBeNull();
  });

  it('refuses a reader (read-only) and a task token', async () => {
    const uuid = await createRoom();
    expect(await join(roomToken(AK, SK, 60_000, { role: TokenRole.Reader, uuid }))).toEqual({
      status: 403,
      body: { message: 'token access role reader forbidden' },
    });
    expect(
      await join(taskToken(AK, SK, 60_000, { role: TokenRole.Admin, uuid }), 'Ada', { uuid }),
    ).toEqual({ status: 403, body: { message: 'token access task forbidden' } });
    expect((await state(uuid)).session).toBeNull();
  });

  it('finds rooms per region, and an unknown one is 404', async () => {
    const uuid = await createRoom('eu');
    expect(await join(writerOf(uuid))).toEqual({
      status: 404,
      body: { message: 'room not found' },
    });
    expect((await join(writerOf(uuid), 'Ada', { region: 'eu' })).status).toBe(200);
    expect(await join(writerOf(uuid), 'Ada', { region: 'mars' })).toEqual({
      status: 400,
      body: { message: 'invalid region' },
    });
  });

  it('refuses a join past the room limit of writer and admin users', async () => {
    const created = await call('POST', '/v5/rooms', { token: admin(), body: { limit: 1 } });
    const uuid = (created.body as { uuid: string }).uuid;
    expect((await join(writerOf(uuid))).status).toBe(200);
    expect(await join(writerOf(uuid), 'Bo')).toEqual({
      status: 403,
      body: { message: 'room is full' },
    });
  });

  it('ends the session when the last member leaves', async () => {
    const uuid = await createRoom();
    const ada = (await join(writerOf(uuid))).body as { participantId: string };
    const bo = (await join(writerOf(uuid), 'Bo')).body as { participantId: string };
    expect((await adminRoute('POST', '/leave', ada)).status).toBe(204);
    expect((await state(uuid)).session?.members.map((member) => member.name)).toEqual(['Bo']);
    expect((await adminRoute('POST', '/leave', bo)).status).toBe(204);
    expect((await state(uuid)).session).toBeNull();
    expect(await adminRoute('POST', '/leave', bo)).toEqual({
      status: 404,
      body: { message: 'participant not found' },
    });
    // Not a recording room: no replay data.
    expect((await state(uuid)).replays).toEqual([]);
  });

  it('keeps replay data of an isRecord room, ready a little after its session ends', async () => {
    const created = await call('POST', '/v5/rooms', { token: admin(), body: { isRecord: true } });
    const uuid = (created.body as { uuid: string }).uuid;
    const start = clock;
    const ada = (await join(writerOf(uuid))).body as { participantId: string };
    clock += 42_000;
    await adminRoute('POST', '/leave', ada);
    expect((await state(uuid)).replays).toEqual([
      { beginTimestamp: start, duration: 42_000, readyAt: clock + 300, ready: false },
    ]);
    clock += 300;
    expect((await state(uuid)).replays[0]?.ready).toBe(true);
    // Still no REST for it (room-life §3).
    expect((await call('GET', `/v5/rooms/${uuid}/recordings`, { token: admin() })).status).toBe(
      404,
    );
  });

  it('ejects everyone on a ban and refuses joins until it is lifted', async () => {
    const uuid = await createRoom();
    const ada = (await join(writerOf(uuid))).body as { participantId: string };
    await join(writerOf(uuid), 'Bo');
    await call('PATCH', `/v5/rooms/${uuid}`, { token: admin(), body: { isBan: true } });
    expect(await state(uuid)).toMatchObject({ isBan: true, session: null });
    expect((await adminRoute('POST', '/leave', ada)).status).toBe(404);
    expect(await join(writerOf(uuid), 'Cy')).toEqual({
      status: 403,
      body: { message: 'room is banned' },
    });
    // Tokens outlive the ban (agora-whiteboard.md §5): the same token joins once it is lifted.
    await call('PATCH', `/v5/rooms/${uuid}`, { token: admin(), body: { isBan: false } });
    expect(await join(writerOf(uuid), 'Cy')).toMatchObject({ status: 200, body: { memberId: 2 } });
  });

  it.each(['members', 'sessions', 'recordings', 'events'])(
    'has no REST route for %s (404, as the real API presumably answers)',
    async (resource) => {
      const uuid = await createRoom();
      expect(await call('GET', `/v5/rooms/${uuid}/${resource}`, { token: admin() })).toEqual({
        status: 404,
        body: { message: 'not found' },
      });
    },
  );

  it('forgets who is in each room on reset', async () => {
    const uuid = await createRoom();
    await join(writerOf(uuid));
    emulator.reset();
    expect(((await adminRoute('GET', '/rooms')).body as { rooms: unknown[] }).rooms).toEqual([]);
  });
});
