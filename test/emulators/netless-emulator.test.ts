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
