import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createHmsEmulator,
  HMS_EMULATOR_DEFAULT_TEMPLATE,
  type HmsEmulator,
} from '../../src/emulators/hms/hms-emulator.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';

// The 100ms emulator's room life held to ../shared/providers/hms-room-life.md over real loopback
// HTTP: sessions and peers, the admin join and leave (with real app tokens, checked as 100ms
// would), removing peers, ending rooms, recordings and their files, and webhooks with their
// retries. Tokens are minted here with jose, so nothing from src/providers takes part.

const ACCESS_KEY = '6600aa11bb22cc33dd44ee55';
const SECRET = 'emulator-room-life-secret';
/** A template made through the REST API: no subdomain, so recordings need a meeting_url. */
const API_TEMPLATE = {
  id: '6600aa11bb22cc33dd4400f2',
  name: 'api-made',
  region: 'us',
  roles: ['broadcaster', 'viewer-realtime'],
  recordingEnabled: false,
};
const START = Date.UTC(2024, 2, 1, 9, 0, 0);
const clock = { now: START };
const READY_DELAY_MS = 40;

let emulator: HmsEmulator;
let running: RunningEmulator;

beforeAll(async () => {
  emulator = createHmsEmulator({
    accessKey: ACCESS_KEY,
    secret: SECRET,
    templates: [HMS_EMULATOR_DEFAULT_TEMPLATE, API_TEMPLATE],
    now: () => clock.now,
    recordingReadyDelayMs: READY_DELAY_MS,
  });
  running = await startEmulator(emulator, { port: 0 });
});

afterAll(async () => {
  await running.close();
});

beforeEach(() => {
  emulator.reset();
  clock.now = START;
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies, field by field.
type Body = Record<string, any>;

function sign(claims: Record<string, unknown>, options: { secret?: string; ttl?: number } = {}) {
  const iat = Math.floor(clock.now / 1000) - 10;
  return new SignJWT({ access_key: ACCESS_KEY, version: 2, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + (options.ttl ?? 3600))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

const management = () => sign({ type: 'management' });

/** An app (join) token as hms.md §2.3 describes it. */
function appToken(roomId: string, role = 'host', userId = 'user-1', options = {}) {
  return sign({ type: 'app', room_id: roomId, role, user_id: userId }, options);
}

async function call(method: string, path: string, body?: unknown, token?: string | null) {
  const headers: Record<string, string> = { accept: 'application/json' };
  const bearer = token === undefined ? await management() : token;
  if (bearer !== null) {
    headers.authorization = `Bearer ${bearer}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

async function admin(route: string, body?: unknown) {
  const response = await fetch(`${running.url}/__emulator${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

async function createRoom(name: string, templateId?: string): Promise<string> {
  const room = await call('POST', '/v2/rooms', {
    name,
    ...(templateId ? { template_id: templateId } : {}),
  });
  expect(room.status).toBe(200);
  return room.body.id as string;
}

async function join(roomId: string, name: string, role = 'host', userId = name.toLowerCase()) {
  const joined = await admin('/join', { token: await appToken(roomId, role, userId), name });
  expect(joined.status).toBe(200);
  return joined.body.participantId as string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX24 = /^[0-9a-f]{24}$/;

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 2_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > end) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('POST /__emulator/join and /leave', () => {
  it('joins with a minted app token: the first join opens a session that carries the peer', async () => {
    const roomId = await createRoom('life-1');
    const participantId = await join(roomId, 'Ada');
    expect(participantId).toMatch(UUID);
    const live = await call('GET', `/v2/sessions?room_id=${roomId}&active=true`);
    expect(live.status).toBe(200);
    expect(live.body.data).toHaveLength(1);
    const session = live.body.data[0];
    expect(session).toMatchObject({
      room_id: roomId,
      active: true,
      customer_id: expect.stringMatching(HEX24),
    });
    expect(session.id).toMatch(HEX24);
    // A peer still in has no left_at (the sheet's proposal, §1).
    expect(session.peers).toEqual({
      [participantId]: {
        id: participantId,
        session_id: session.id,
        name: 'Ada',
        role: 'host',
        user_id: 'ada',
        joined_at: '2024-03-01T09:00:00Z',
      },
    });
  });

  it.each([
    [
      'a token signed with another secret',
      (room: string) => appToken(room, 'host', 'u', { secret: 'not-it' }),
      401,
      { message: 'Token validation error', details: ['signature is invalid'] },
    ],
    [
      'an expired token',
      (room: string) => appToken(room, 'host', 'u', { ttl: 5 }),
      401,
      { message: 'Token validation error', details: ['token is expired'] },
    ],
    [
      'a token for a room this app does not have',
      () => appToken('6600aa11bb22cc33dd440bad'),
      404,
      { message: 'Room not found' },
    ],
    [
      'a role the room’s template lacks',
      (room: string) => appToken(room, 'broadcaster'),
      404,
      { message: 'Role not found' },
    ],
    [
      'a management token',
      () => management(),
      401,
      { message: 'Token validation error', details: ['token type is not app'] },
    ],
    ['garbage', async () => 'not.a.jwt', 401, { message: 'Token validation error' }],
  ])('refuses %s with 100ms’s error body, and nobody joins', async (_, token, status, body) => {
    const roomId = await createRoom('life-refused');
    clock.now = START;
    const minted = await token(roomId);
    // An expired token: minted for 5 s, used a minute later.
    clock.now = START + 60_000;
    const refused = await admin('/join', { token: minted, name: 'Eve' });
    expect(refused.status).toBe(status);
    expect(refused.body).toMatchObject({ code: status, ...body });
    const live = await call('GET', `/v2/sessions?room_id=${roomId}&active=true`);
    expect(live.body.data).toEqual([]);
  });

  it('refuses a join to a disabled room with 403, and a body without a token with 400', async () => {
    const roomId = await createRoom('life-disabled');
    const token = await appToken(roomId);
    await call('POST', `/v2/rooms/${roomId}`, { enabled: false });
    expect(await admin('/join', { token, name: 'Eve' })).toEqual({
      status: 403,
      body: { code: 403, message: 'Room is disabled' },
    });
    expect((await admin('/join', { name: 'Eve' })).status).toBe(400);
  });

  it('ends the session with the last leave; a new join starts another, with a new peer id', async () => {
    const roomId = await createRoom('life-2');
    const ada = await join(roomId, 'Ada');
    const grace = await join(roomId, 'Grace', 'guest');
    clock.now = START + 30_000;
    expect(await admin('/leave', { participantId: ada })).toEqual({
      status: 200,
      body: { participantId: ada },
    });
    expect(
      (await call('GET', `/v2/sessions?room_id=${roomId}&active=true`)).body.data,
    ).toHaveLength(1);
    clock.now = START + 60_000;
    await admin('/leave', { participantId: grace });
    expect((await call('GET', `/v2/sessions?room_id=${roomId}&active=true`)).body.data).toEqual([]);
    const past = await call('GET', `/v2/sessions?room_id=${roomId}&active=false`);
    expect(past.body.data).toHaveLength(1);
    expect(past.body.data[0]).toMatchObject({
      active: false,
      created_at: '2024-03-01T09:00:00Z',
      updated_at: '2024-03-01T09:01:00Z',
      peers: {
        [ada]: { left_at: '2024-03-01T09:00:30Z' },
        [grace]: { left_at: '2024-03-01T09:01:00Z', role: 'guest' },
      },
    });
    expect(await admin('/leave', { participantId: grace })).toEqual({
      status: 404,
      body: { code: 404, message: 'peer not found' },
    });
    const again = await join(roomId, 'Ada');
    expect(again).not.toBe(ada);
    const sessions = await call('GET', `/v2/sessions?room_id=${roomId}&active=true`);
    expect(sessions.body.data[0].id).not.toBe(past.body.data[0].id);
  });
});

describe('GET /v2/sessions and /v2/sessions/{id} (§1)', () => {
  it('lists live sessions by default, newest first, across rooms, paged by start', async () => {
    const rooms = [];
    for (let index = 0; index < 12; index++) {
      const roomId = await createRoom(`paged-${index}`);
      rooms.push(roomId);
      await join(roomId, `P${index}`);
    }
    const first = await call('GET', '/v2/sessions');
    expect(first.body.limit).toBe(10);
    expect(first.body.data).toHaveLength(10);
    expect(first.body.data.every((session: Body) => session.active)).toBe(true);
    const ids = first.body.data.map((session: Body) => session.id);
    expect([...ids].sort().reverse()).toEqual(ids);
    expect(first.body.last).toBe(ids.at(-1));
    const second = await call('GET', `/v2/sessions?start=${first.body.last}`);
    expect(second.body.data).toHaveLength(2);
    const third = await call('GET', `/v2/sessions?start=${second.body.last}`);
    expect(third.body).toEqual({ limit: 10, data: [], last: '' });
    expect(
      (await call('GET', `/v2/sessions?room_id=${rooms[3]}&active=true`)).body.data,
    ).toHaveLength(1);
  });

  it.each([
    ['limit=9', 'limit'],
    ['limit=101', 'limit'],
    ['active=yes', 'active'],
    ['start=abc', 'start'],
    ['room_id=abc', 'room_id'],
    ['after=yesterday', 'after'],
  ])('refuses %s with 400 naming the parameter', async (query, param) => {
    const response = await call('GET', `/v2/sessions?${query}`);
    expect(response).toEqual({
      status: 400,
      body: {
        code: 400,
        message: 'Invalid query param',
        details: [`Invalid query param: ${param}`],
      },
    });
  });

  it('gets one session by id, 404 for an unknown one, 401 without a management token', async () => {
    const roomId = await createRoom('one-session');
    await join(roomId, 'Ada');
    const [live] = (await call('GET', `/v2/sessions?room_id=${roomId}`)).body.data;
    expect((await call('GET', `/v2/sessions/${live.id}`)).body).toEqual(live);
    expect(await call('GET', '/v2/sessions/6600aa11bb22cc33dd440bad')).toEqual({
      status: 404,
      body: { code: 404, message: 'session not found' },
    });
    expect((await call('GET', `/v2/sessions/${live.id}`, undefined, null)).status).toBe(401);
    expect((await call('GET', '/v2/sessions', undefined, await appToken(roomId))).status).toBe(401);
  });
});

describe('active rooms and peers (§1, §2)', () => {
  it('shows the live session with its peer ids, and its peers, filtered', async () => {
    const roomId = await createRoom('active-1');
    const ada = await join(roomId, 'Ada', 'host', 'ada');
    const grace = await join(roomId, 'Grace', 'guest', 'grace');
    const active = await call('GET', `/v2/active-rooms/${roomId}`);
    expect(active.body).toEqual({
      id: roomId,
      name: 'active-1',
      customer_id: expect.stringMatching(HEX24),
      session: {
        id: expect.stringMatching(HEX24),
        created_at: '2024-03-01T09:00:00Z',
        peers: [ada, grace],
      },
    });
    const peers = await call('GET', `/v2/active-rooms/${roomId}/peers`);
    expect(Object.keys(peers.body.peers)).toEqual([ada, grace]);
    expect(peers.body.peers[grace]).toEqual({
      id: grace,
      name: 'Grace',
      user_id: 'grace',
      metadata: '',
      role: 'guest',
      joined_at: '2024-03-01T09:00:00Z',
    });
    expect(
      Object.keys((await call('GET', `/v2/active-rooms/${roomId}/peers?role=host`)).body.peers),
    ).toEqual([ada]);
    expect((await call('GET', `/v2/active-rooms/${roomId}/peers?user_id=nobody`)).body).toEqual({
      peers: {},
    });
    const one = await call('GET', `/v2/active-rooms/${roomId}/peers/${ada}`);
    expect(one.body).toMatchObject({ id: ada, role: 'host', tracks: {} });
  });

  it('answers 404 "session not found" for a room nobody is in, and "Room not found" for no room', async () => {
    const roomId = await createRoom('idle');
    expect(await call('GET', `/v2/active-rooms/${roomId}`)).toEqual({
      status: 404,
      body: { code: 404, message: 'session not found' },
    });
    expect(await call('GET', '/v2/active-rooms/6600aa11bb22cc33dd440bad/peers')).toEqual({
      status: 404,
      body: { code: 404, message: 'Room not found' },
    });
  });

  it('removes a peer by id (others stay), every peer of a role, and refuses a body with neither', async () => {
    const roomId = await createRoom('kick');
    const ada = await join(roomId, 'Ada', 'host');
    const grace = await join(roomId, 'Grace', 'guest');
    const linus = await join(roomId, 'Linus', 'guest');
    expect(
      await call('POST', `/v2/active-rooms/${roomId}/remove-peers`, {
        peer_id: ada,
        role: 'guest',
        reason: 'misconduct',
      }),
    ).toEqual({
      status: 200,
      body: { message: 'peer remove request submitted' },
    });
    // peer_id wins over role: only Ada went.
    const left = (await call('GET', `/v2/active-rooms/${roomId}/peers`)).body.peers;
    expect(Object.keys(left)).toEqual([grace, linus]);
    expect(await call('POST', `/v2/active-rooms/${roomId}/remove-peers`, { peer_id: ada })).toEqual(
      {
        status: 404,
        body: { code: 404, message: 'peer not found' },
      },
    );
    expect(
      (await call('POST', `/v2/active-rooms/${roomId}/remove-peers`, { reason: 'x' })).body,
    ).toEqual({
      code: 400,
      message: 'Invalid body param',
      details: ['Invalid body param: peer_id or role is required'],
    });
    await call('POST', `/v2/active-rooms/${roomId}/remove-peers`, { role: 'guest' });
    // The last ones out: the session is over.
    expect((await call('GET', `/v2/active-rooms/${roomId}`)).status).toBe(404);
  });

  it('ends a room for everyone; with lock it is disabled and refuses joins until enabled', async () => {
    const roomId = await createRoom('end-me');
    await join(roomId, 'Ada');
    await join(roomId, 'Grace', 'guest');
    expect(
      await call('POST', `/v2/active-rooms/${roomId}/end-room`, {
        reason: 'Class has ended',
        lock: true,
      }),
    ).toEqual({
      status: 200,
      body: { message: 'session is ending' },
    });
    expect((await call('GET', `/v2/sessions?room_id=${roomId}&active=true`)).body.data).toEqual([]);
    const [ended] = (await call('GET', `/v2/sessions?room_id=${roomId}&active=false`)).body.data;
    expect(
      Object.values(ended.peers as Body).every((peer: Body) => typeof peer.left_at === 'string'),
    ).toBe(true);
    expect((await call('GET', `/v2/rooms/${roomId}`)).body.enabled).toBe(false);
    expect((await admin('/join', { token: await appToken(roomId), name: 'Late' })).status).toBe(
      403,
    );
    await call('POST', `/v2/rooms/${roomId}`, { enabled: true });
    expect((await admin('/join', { token: await appToken(roomId), name: 'Late' })).status).toBe(
      200,
    );
    expect(
      (await call('POST', `/v2/active-rooms/${roomId}/end-room`, { lock: 'yes' })).status,
    ).toBe(400);
  });

  it('answers end-room with nobody in the room 404 "session not found", and takes no body at all', async () => {
    const roomId = await createRoom('end-idle');
    const response = await fetch(`${running.url}/v2/active-rooms/${roomId}/end-room`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await management()}` },
    });
    expect([response.status, await response.json()]).toEqual([
      404,
      { code: 404, message: 'session not found' },
    ]);
  });
});

describe('recordings and their files (§3)', () => {
  it('starts, runs, stops and completes a recording, with assets and a working presigned URL', async () => {
    const roomId = await createRoom('rec-1');
    await join(roomId, 'Ada');
    const started = await call('POST', `/v2/recordings/room/${roomId}/start`, {});
    expect(started.status).toBe(200);
    const job = started.body;
    expect(job).toMatchObject({
      room_id: roomId,
      session_id: expect.stringMatching(HEX24),
      status: 'starting',
      started_at: null,
      stopped_at: null,
      started_by: '',
      stopped_by: '',
      asset_types: ['room-composite', 'chat'],
      recording_assets: null,
      meeting_url: expect.stringContaining('emulator-videoconf.app.100ms.live'),
    });
    const runningJob = await until(
      () => call('GET', `/v2/recordings/${job.id}`),
      (response) => response.body.status === 'running',
    );
    expect(runningJob.body.status).toBe('running');
    expect((await call('POST', `/v2/recordings/room/${roomId}/start`, {})).body).toEqual({
      code: 400,
      message: 'a recording is already running in the room',
    });
    clock.now = START + 55_000;
    // The docs' stop example sends no body and no content type.
    const stopResponse = await fetch(`${running.url}/v2/recordings/room/${roomId}/stop`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await management()}` },
    });
    const stopped = (await stopResponse.json()) as Body;
    expect(stopResponse.status).toBe(200);
    expect(stopped).toMatchObject({
      data: [{ id: job.id, status: 'stopping', stopped_at: '2024-03-01T09:00:55Z' }],
      last: job.id,
    });
    const completed = await until(
      () => call('GET', `/v2/recordings/${job.id}`),
      (response) => response.body.status === 'completed',
    );
    expect(completed.body.recording_assets).toEqual([
      expect.objectContaining({
        type: 'room-composite',
        status: 'completed',
        duration: 55,
        size: 55 * 250_000,
      }),
      expect.objectContaining({ type: 'chat', status: 'completed' }),
    ]);
    const video = completed.body.recording_assets[0];
    expect(video).not.toHaveProperty('job_id');
    const asset = await call('GET', `/v2/recording-assets/${video.id}`);
    expect(asset.body).toMatchObject({
      id: video.id,
      job_id: job.id,
      room_id: roomId,
      type: 'room-composite',
    });

    const byDefault = await call('GET', `/v2/recording-assets/${video.id}/presigned-url`);
    expect(byDefault.body).toMatchObject({ id: video.id, path: video.path, expiry: 3 * 86_400 });
    const short = await call(
      'GET',
      `/v2/recording-assets/${video.id}/presigned-url?presign_duration=900`,
    );
    expect(short.body.expiry).toBe(900);
    const file = await fetch(short.body.url);
    expect([file.status, await file.json()]).toEqual([
      200,
      expect.objectContaining({ id: video.id }),
    ]);
    const tampered = await fetch(short.body.url.replace(/signature=[0-9a-f]/, 'signature=x'));
    expect(tampered.status).toBe(403);
    clock.now += 901_000;
    expect((await fetch(short.body.url)).status).toBe(403);
    expect(
      (await call('GET', `/v2/recording-assets/${video.id}/presigned-url?presign_duration=0`))
        .status,
    ).toBe(400);
  });

  it('lists jobs without their assets, filtered and paged, and refuses bad filters', async () => {
    const roomId = await createRoom('rec-list');
    await join(roomId, 'Ada');
    const job = (await call('POST', `/v2/recordings/room/${roomId}/start`, {})).body;
    const listed = await call('GET', `/v2/recordings?room_id=${roomId}`);
    expect(listed.body).toMatchObject({ limit: 10, last: job.id });
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).not.toHaveProperty('recording_assets');
    expect(
      (await call('GET', `/v2/recordings?session_id=${job.session_id}&status=completed`)).body.data,
    ).toEqual([]);
    expect((await call('GET', '/v2/recordings?status=done')).status).toBe(400);
    expect((await call('GET', '/v2/recording-assets?status=running')).status).toBe(400);
  });

  it('stops the recordings of a session that ends, and refuses what cannot be recorded', async () => {
    const idle = await createRoom('rec-idle');
    expect((await call('POST', `/v2/recordings/room/${idle}/start`, {})).body).toEqual({
      code: 400,
      message: 'no active session in the room',
    });
    const apiMade = await createRoom('rec-api', API_TEMPLATE.id);
    await admin('/join', { token: await appToken(apiMade, 'broadcaster'), name: 'B' });
    expect((await call('POST', `/v2/recordings/room/${apiMade}/start`, {})).body).toEqual({
      code: 400,
      message: 'Invalid body param',
      details: [
        "Invalid body param: meeting_url is required: the room's template has no subdomain",
      ],
    });
    const withUrl = await call('POST', `/v2/recordings/room/${apiMade}/start`, {
      meeting_url: 'https://example.com/meeting',
      resolution: { width: 1920, height: 1080 },
    });
    expect(withUrl.body).toMatchObject({
      status: 'starting',
      meeting_url: 'https://example.com/meeting',
    });
    expect(
      (await call('POST', '/v2/recordings/room/6600aa11bb22cc33dd440bad/start', {})).status,
    ).toBe(404);

    const roomId = await createRoom('rec-ends');
    const ada = await join(roomId, 'Ada');
    const job = (await call('POST', `/v2/recordings/room/${roomId}/start`, {})).body;
    await admin('/leave', { participantId: ada });
    const done = await until(
      () => call('GET', `/v2/recordings/${job.id}`),
      (response) => response.body.status === 'completed',
    );
    expect(done.body.status).toBe('completed');
    expect(await call('POST', `/v2/recordings/${job.id}/stop`, {})).toEqual({
      status: 400,
      body: { code: 400, message: 'recording is not running' },
    });
    // Nothing running: an empty page (UNCONFIRMED, §3).
    expect((await call('POST', `/v2/recordings/room/${roomId}/stop`, {})).body).toEqual({
      limit: 10,
      data: [],
      last: '',
    });
    expect(await call('GET', '/v2/recordings/6600aa11bb22cc33dd440bad')).toEqual({
      status: 404,
      body: { code: 404, message: 'recording not found' },
    });
  });
});

describe('webhooks (§4)', () => {
  let receiver: Server;
  let receiverUrl: string;
  const received: { headers: Record<string, unknown>; body: Body }[] = [];
  /** Webhook types the receiver refuses (500): on their first attempt, or always. */
  const refuse = new Map<string, 'first' | 'always'>();

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        const body = JSON.parse(text) as Body;
        received.push({ headers: request.headers, body });
        const rule = refuse.get(body.type);
        const refused = rule === 'always' || (rule === 'first' && !body.is_replay);
        response.writeHead(refused ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  beforeEach(async () => {
    received.length = 0;
    refuse.clear();
    expect(
      await admin('/webhooks', {
        url: receiverUrl,
        headers: { 'x-hms-secret': 'shared-secret-value' },
        retryDelaysMs: [20, 40, 60],
      }),
    ).toEqual({ status: 204, body: undefined });
  });

  const types = () => received.map((delivery) => delivery.body.type);

  it('sends the documented envelope and data for a session, its joins and leaves', async () => {
    const roomId = await createRoom('hooked');
    const ada = await join(roomId, 'Ada', 'host', 'ada');
    clock.now = START + 9_000;
    await admin('/leave', { participantId: ada });
    await until(
      async () => received.length,
      (count) => count >= 4,
    );
    expect(types()).toEqual([
      'session.open.success',
      'peer.join.success',
      'peer.leave.success',
      'session.close.success',
    ]);
    const [open, joined, left, closed] = received.map((delivery) => delivery.body) as Body[];
    for (const delivery of received) {
      expect(delivery.headers['x-hms-secret']).toBe('shared-secret-value');
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.body).toMatchObject({
        version: '2.0',
        id: expect.stringMatching(UUID),
        app_id: expect.stringMatching(HEX24),
        account_id: expect.stringMatching(HEX24),
        template_id: HMS_EMULATOR_DEFAULT_TEMPLATE.id,
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      expect(delivery.body).not.toHaveProperty('is_replay');
    }
    const sessionId = open!.data.session_id;
    expect(open!.data).toEqual({
      room_id: roomId,
      room_name: 'hooked',
      session_id: sessionId,
      template_id: HMS_EMULATOR_DEFAULT_TEMPLATE.id,
      session_started_at: '2024-03-01T09:00:00Z',
    });
    expect(Object.keys(joined!.data).sort()).toEqual(
      [
        'room_id',
        'room_name',
        'session_id',
        'peer_id',
        'user_id',
        'template_id',
        'user_name',
        'user_data',
        'role',
        'joined_at',
        'session_started_at',
        'type',
      ].sort(),
    );
    expect(joined!.data).toMatchObject({
      peer_id: ada,
      user_id: 'ada',
      user_name: 'Ada',
      role: 'host',
      type: 'regular',
    });
    expect(left!.data).toMatchObject({
      peer_id: ada,
      left_at: '2024-03-01T09:00:09Z',
      duration: 9,
      reason: 'client request',
      message: '',
    });
    expect(closed!.data).toMatchObject({
      session_id: sessionId,
      session_duration: 9,
      session_stopped_at: '2024-03-01T09:00:09Z',
    });
  });

  it('retries a delivery not answered 200, on the schedule, marking each retry is_replay', async () => {
    refuse.set('peer.join.success', 'first');
    const roomId = await createRoom('retried');
    await join(roomId, 'Ada');
    await until(
      async () => types().filter((type) => type === 'peer.join.success').length,
      (count) => count >= 2,
    );
    const joins = received
      .filter((delivery) => delivery.body.type === 'peer.join.success')
      .map((delivery) => delivery.body);
    expect(joins).toHaveLength(2);
    expect(joins[1]).toEqual({ ...joins[0], is_replay: true });
    const attempts = (await admin('/webhooks')).body.filter(
      (attempt: Body) => attempt.type === 'peer.join.success',
    );
    expect(
      attempts.map((attempt: Body) => [attempt.attempt, attempt.status, attempt.isReplay]),
    ).toEqual([
      [0, 500, false],
      [1, 200, true],
    ]);
  });

  it('gives up after three retries', async () => {
    refuse.set('session.open.success', 'always');
    await join(await createRoom('gives-up'), 'Ada');
    const opens = async () =>
      (await admin('/webhooks')).body.filter(
        (attempt: Body) => attempt.type === 'session.open.success',
      );
    await until(opens, (list) => list.length >= 4);
    // Longer than a fifth attempt would take to come.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(
      (await opens()).map((attempt: Body) => [attempt.attempt, attempt.status, attempt.isReplay]),
    ).toEqual([
      [0, 500, false],
      [1, 500, true],
      [2, 500, true],
      [3, 500, true],
    ]);
  });

  it('reports a recording through beam.started, beam.stopped and beam.recording.success', async () => {
    const roomId = await createRoom('hooked-rec');
    await join(roomId, 'Ada');
    const job = (await call('POST', `/v2/recordings/room/${roomId}/start`, {})).body;
    await until(async () => types().includes('beam.started.success'), Boolean);
    await call('POST', `/v2/recordings/room/${roomId}/stop`, {});
    await until(async () => types().includes('beam.recording.success'), Boolean);
    const byType = Object.fromEntries(
      received.map((delivery) => [delivery.body.type, delivery.body.data]),
    );
    expect(byType['beam.started.success']).toMatchObject({
      job_id: job.id,
      room_id: roomId,
      session_id: job.session_id,
      recording_enabled: true,
    });
    expect(byType['beam.stopped.success']).toMatchObject({
      job_id: job.id,
      reason: 'client request',
    });
    expect(byType['beam.recording.success']).toMatchObject({
      recording_id: job.id,
      room_id: roomId,
      session_id: job.session_id,
      size: expect.any(Number),
      recording_presigned_url: expect.stringContaining(`${running.url}/recordings-storage/`),
    });
    expect(byType['beam.recording.success']).not.toHaveProperty('job_id');
  });

  it('fails the next recording to stop when asked: status failed, no files, beam.failure', async () => {
    expect((await admin('/fail-next-recording', { errorType: 'SOMETHING' })).status).toBe(400);
    expect((await admin('/fail-next-recording', { errorMessage: 7 })).status).toBe(400);
    expect(await admin('/fail-next-recording', { errorType: 'MAX_RETRIES_REACHED' })).toEqual({
      status: 204,
      body: undefined,
    });
    const roomId = await createRoom('hooked-fail');
    const ada = await join(roomId, 'Ada');
    const job = (await call('POST', `/v2/recordings/room/${roomId}/start`, {})).body;
    await until(async () => types().includes('beam.started.success'), Boolean);
    // The session ends with the last leave, and stops the recording with it.
    await admin('/leave', { participantId: ada });
    await until(async () => types().includes('beam.failure'), Boolean);
    expect(types()).not.toContain('beam.recording.success');
    const failure = received.find((delivery) => delivery.body.type === 'beam.failure')?.body;
    expect(failure?.data).toMatchObject({
      job_id: job.id,
      room_id: roomId,
      session_id: job.session_id,
      error_type: 'MAX_RETRIES_REACHED',
      error_message: expect.any(String),
    });
    const failed = await call('GET', `/v2/recordings/${job.id}`);
    expect(failed.body).toMatchObject({ id: job.id, status: 'failed', recording_assets: null });
    expect((await call('GET', `/v2/recordings?room_id=${roomId}&status=failed`)).body.data).toEqual(
      [expect.objectContaining({ id: job.id })],
    );

    // The switch holds for one recording: the next one completes.
    await join(roomId, 'Ada');
    const next = (await call('POST', `/v2/recordings/room/${roomId}/start`, {})).body;
    await call('POST', `/v2/recordings/room/${roomId}/stop`, {});
    const completed = await until(
      () => call('GET', `/v2/recordings/${next.id}`),
      (response) => response.body.status === 'completed',
    );
    expect(completed.body.status).toBe('completed');
  });

  it('stops sending with url null, and refuses a url that is not http(s)', async () => {
    expect(await admin('/webhooks', { url: null })).toEqual({ status: 204, body: undefined });
    await join(await createRoom('quiet'), 'Ada');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
    expect((await admin('/webhooks', { url: 'ftp://x' })).status).toBe(400);
  });
});
