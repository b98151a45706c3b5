import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import {
  createVideskEmulator,
  VIDESK_EMULATOR_API_TOKEN,
  type VideskEmulator,
} from '../../src/emulators/videsk/videsk-emulator.js';

// Room life in the Videsk emulator against `../shared/providers/videsk-room-life.md` and
// `videsk.md` §4–§5, over real loopback HTTP: a room is its session, there is no participant or
// recording endpoint, and `/__emulator/join` checks an access token as Videsk would.

const START = Date.parse('2026-11-23T10:00:00.000Z');
const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(START + offsetMs).toISOString();

let clock = START;
let emulator: VideskEmulator;
let running: RunningEmulator;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  body: any;
}

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      authorization: `Bearer ${VIDESK_EMULATOR_API_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** An admin route: no provider credentials, a JSON body. */
async function admin(route: 'join' | 'leave', body: unknown): Promise<Answer> {
  const response = await fetch(`${running.url}/__emulator/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

async function createRoom(
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const answer = await call('POST', '/vpaas/rooms', body);
  expect(answer.status).toBe(201);
  return { id: answer.body.id, token: answer.body.accessToken };
}

async function joinToken(roomId: string): Promise<string> {
  const answer = await call('POST', `/vpaas/rooms/${roomId}/join`, {});
  expect(answer.status).toBe(201);
  return answer.body.accessToken;
}

const jtiOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).jti;

beforeAll(async () => {
  emulator = createVideskEmulator({ now: () => clock, rateLimitPerSecond: 1_000 });
  running = await startEmulator(emulator, { port: 0 });
});
afterAll(async () => {
  await running.close();
});
beforeEach(() => {
  clock = START;
  emulator.reset();
});

describe('sessions are rooms (videsk-room-life.md §1)', () => {
  it('lists the rooms not ended, latest exp first, with createdAt breaking ties', async () => {
    const short = await createRoom({ externalId: 'short', exp: at(HOUR) });
    const long = await createRoom({ externalId: 'long', exp: at(5 * HOUR) });
    const tieA = await createRoom({ externalId: 'tie-a', exp: at(2 * HOUR) });
    const tieB = await createRoom({ externalId: 'tie-b', exp: at(2 * HOUR) });
    const ended = await createRoom({ externalId: 'ended', exp: at(9 * HOUR) });
    expect((await call('PATCH', `/vpaas/rooms/${ended.id}`, { ended: true })).status).toBe(200);
    const answer = await call(
      'GET',
      '/vpaas/rooms?$limit=100&$skip=0&ended=false&$sort%5Bexp%5D=-1&$sort%5BcreatedAt%5D=1',
    );
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(4);
    expect(answer.body.data.map((room: { id: string }) => room.id)).toEqual([
      long.id,
      tieA.id,
      tieB.id,
      short.id,
    ]);
  });

  it('serves no participant, recording or session route: VPaaS has none (§2, §3)', async () => {
    const { id } = await createRoom();
    for (const path of ['participants', 'peers', 'recordings', 'sessions']) {
      const answer = await call('GET', `/vpaas/rooms/${id}/${path}`);
      expect([answer.status, answer.body.message], path).toEqual([404, 'Page not found']);
    }
  });
});

describe('POST /__emulator/join', () => {
  it('connects with a token from /join and records the access in authorizations (§5)', async () => {
    const room = await createRoom({ externalId: 'standup' });
    const token = await joinToken(room.id);
    clock = START + 60_000;
    const joined = await admin('join', { token, name: 'Ada', ip: '203.0.113.7' });
    expect(joined.status).toBe(201);
    expect(Object.keys(joined.body)).toEqual(['participantId']);
    expect(joined.body.participantId).toMatch(/^[0-9a-f-]{36}$/);
    const after = await call('GET', `/vpaas/rooms/${room.id}`);
    // The create's token, the /join token, then the connection with it.
    expect(after.body.authorizations).toEqual([
      { ip: '127.0.0.1', jti: jtiOf(room.token), createdAt: at(0) },
      { ip: '127.0.0.1', jti: jtiOf(token), createdAt: at(0) },
      { ip: '203.0.113.7', jti: jtiOf(token), createdAt: at(60_000) },
    ]);
    const [presence] = emulator.store.presentIn(emulator.store.findById(room.id)!);
    expect(presence).toMatchObject({ id: joined.body.participantId, name: 'Ada', leftAt: null });
  });

  it('takes the token a create answered with, and a roomId naming the same room', async () => {
    const room = await createRoom({ externalId: 'standup' });
    expect((await admin('join', { token: room.token, roomId: 'standup' })).status).toBe(201);
    expect((await admin('join', { token: room.token, roomId: room.id })).status).toBe(201);
  });

  it('refuses a token with a wrong signature, with the Feathers 401 body', async () => {
    const room = await createRoom();
    const token = await joinToken(room.id);
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.from('x'.repeat(32)).toString('base64url')}`;
    const answer = await admin('join', { token: forged });
    expect(answer).toEqual({
      status: 401,
      body: {
        name: 'NotAuthenticated',
        message: 'invalid signature',
        code: 401,
        className: 'not-authenticated',
        errors: {},
      },
    });
    // Claims changed to another room keep the old signature: refused alike.
    const other = await createRoom();
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
    const moved = Buffer.from(JSON.stringify({ ...claims, room: other.id, sub: other.id }));
    const retargeted = await admin('join', {
      token: `${header}.${moved.toString('base64url')}.${signature}`,
    });
    expect([retargeted.status, retargeted.body.message]).toEqual([401, 'invalid signature']);
  });

  it('refuses a token another emulator signed, and one that is no JWT', async () => {
    const elsewhere = createVideskEmulator({ now: () => clock });
    const running2 = await startEmulator(elsewhere, { port: 0 });
    try {
      const created = await fetch(`${running2.url}/vpaas/rooms`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${VIDESK_EMULATOR_API_TOKEN}`,
          'content-type': 'application/json',
        },
        body: '{}',
      }).then((response) => response.json() as Promise<{ accessToken: string }>);
      const foreign = await admin('join', { token: created.accessToken });
      expect([foreign.status, foreign.body.message]).toEqual([401, 'invalid signature']);
    } finally {
      await running2.close();
    }
    const garbage = await admin('join', { token: 'not-a-jwt' });
    expect([garbage.status, garbage.body.message]).toEqual([401, 'jwt malformed']);
  });

  it('refuses an expired token, and one used before the room opens', async () => {
    const room = await createRoom({ exp: at(HOUR) });
    const token = await joinToken(room.id);
    clock = START + HOUR;
    const expired = await admin('join', { token });
    expect([expired.status, expired.body.className, expired.body.message]).toEqual([
      401,
      'not-authenticated',
      'jwt expired',
    ]);
    clock = START;
    const later = await createRoom({ nbf: at(HOUR), exp: at(2 * HOUR) });
    const early = await admin('join', { token: await joinToken(later.id) });
    expect([early.status, early.body.message]).toEqual([401, 'jwt not active']);
  });

  it('refuses a token for another room than the one asked for', async () => {
    const mine = await createRoom({ externalId: 'mine' });
    await createRoom({ externalId: 'theirs' });
    const theirs = emulator.store.findByExternalId('emulator', 'theirs')!;
    const wrong = await admin('join', { token: await joinToken(mine.id), roomId: 'theirs' });
    expect([wrong.status, wrong.body.message]).toEqual([
      401,
      `jwt subject invalid. expected: ${theirs.id}`,
    ]);
    const unknown = await admin('join', { token: mine.token, roomId: 'nowhere' });
    expect([unknown.status, unknown.body.className]).toEqual([404, 'not-found']);
    expect(emulator.store.presentIn(emulator.store.findById(mine.id)!)).toEqual([]);
  });

  it('refuses a room ended, or cut short after the token was issued (§3.6)', async () => {
    const ended = await createRoom();
    const endedToken = await joinToken(ended.id);
    await call('PATCH', `/vpaas/rooms/${ended.id}`, { ended: true });
    const refused = await admin('join', { token: endedToken });
    expect([refused.status, refused.body.message]).toEqual([400, 'The room has ended.']);
    const shortened = await createRoom();
    const oldToken = await joinToken(shortened.id);
    await call('PATCH', `/vpaas/rooms/${shortened.id}`, { exp: at(HOUR) });
    clock = START + HOUR;
    const late = await admin('join', { token: oldToken });
    expect([late.status, late.body.message]).toEqual([400, 'The room has expired.']);
  });

  it('refuses a token no grant of the room records, and a full room', async () => {
    const room = await createRoom({ settings: { maxParticipants: 1 } });
    const stored = emulator.store.findById(room.id)!;
    expect((await admin('join', { token: room.token })).status).toBe(201);
    const full = await admin('join', { token: await joinToken(room.id) });
    expect([full.status, full.body.className, full.body.message]).toEqual([
      403,
      'forbidden',
      'The room is full.',
    ]);
    stored.authorizations.splice(0);
    const unknown = await admin('join', { token: room.token });
    expect([unknown.status, unknown.body.message]).toEqual([
      401,
      'jwt jwtid invalid. expected: a token issued for this room',
    ]);
  });

  it('answers 400 naming the field for a missing token or a bad name', async () => {
    const missing = await admin('join', { name: 'Ada' });
    expect([missing.status, missing.body.data]).toEqual([400, 'token']);
    const room = await createRoom();
    const badName = await admin('join', { token: room.token, name: 42 });
    expect([badName.status, badName.body.data]).toEqual([400, 'name']);
  });
});

describe('POST /__emulator/leave', () => {
  it('disconnects, and answers the same leave again', async () => {
    const room = await createRoom();
    const { body } = await admin('join', { token: room.token, name: 'Ada' });
    clock = START + 5 * 60_000;
    const left = await admin('leave', { participantId: body.participantId });
    expect(left).toEqual({
      status: 200,
      body: { participantId: body.participantId, leftAt: at(5 * 60_000) },
    });
    clock = START + 6 * 60_000;
    expect((await admin('leave', { participantId: body.participantId })).body.leftAt).toBe(
      at(5 * 60_000),
    );
    expect(emulator.store.presentIn(emulator.store.findById(room.id)!)).toEqual([]);
    // Leaving ends no session: the room is its session, open until exp or ended.
    const still = await call('GET', `/vpaas/rooms/${room.id}`);
    expect([still.body.ended, still.body.exp]).toEqual([false, at(3 * HOUR)]);
  });

  it('cuts everyone off when the room ends, or when its exp passes', async () => {
    const room = await createRoom({ exp: at(HOUR) });
    const ada = await admin('join', { token: room.token, name: 'Ada' });
    clock = START + 10 * 60_000;
    await call('PATCH', `/vpaas/rooms/${room.id}`, { ended: true });
    clock = START + 20 * 60_000;
    const left = await admin('leave', { participantId: ada.body.participantId });
    expect(left.body.leftAt).toBe(at(10 * 60_000));

    clock = START;
    const other = await createRoom({ exp: at(HOUR) });
    const bob = await admin('join', { token: other.token, name: 'Bob' });
    clock = START + 2 * HOUR;
    const expired = await admin('leave', { participantId: bob.body.participantId });
    expect(expired.body.leftAt).toBe(at(HOUR));
  });

  it('answers 404 for an unknown participant, also after a reset, and 400 without one', async () => {
    const room = await createRoom();
    const { body } = await admin('join', { token: room.token });
    emulator.reset();
    const gone = await admin('leave', { participantId: body.participantId });
    expect([gone.status, gone.body.className]).toEqual([404, 'not-found']);
    expect((await admin('leave', {})).status).toBe(400);
  });
});
