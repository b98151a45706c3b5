import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import {
  createVideskEmulator,
  VIDESK_EMULATOR_API_TOKEN,
  type VideskEmulator,
} from '../../src/emulators/videsk/videsk-emulator.js';

// The Videsk emulator against `../shared/providers/videsk.md`, over real loopback HTTP.

const START = Date.parse('2026-11-23T10:00:00.000Z');
const HOUR = 3_600_000;
const OTHER_TOKEN = 'vk_live_other_account';
const REVOKED_TOKEN = 'vk_live_revoked';

let clock = START;
let emulator: VideskEmulator;
let running: RunningEmulator;

interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  body: any;
}

async function call(
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const token = options.token === undefined ? VIDESK_EMULATOR_API_TOKEN : options.token;
  if (token !== null) {
    headers.authorization = `Bearer ${token}`;
  }
  if (options.body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

const createRoom = (body: Record<string, unknown> = {}, token?: string) =>
  call('POST', '/vpaas/rooms', { body, token });

beforeAll(async () => {
  emulator = createVideskEmulator({
    now: () => clock,
    apiTokens: { [VIDESK_EMULATOR_API_TOKEN]: 'acme', [OTHER_TOKEN]: 'globex' },
    revokedApiTokens: [REVOKED_TOKEN],
    rateLimitPerSecond: 1_000,
  });
  running = await startEmulator(emulator, { port: 0 });
});
afterAll(async () => {
  await running.close();
});
beforeEach(() => {
  clock = START;
  emulator.reset();
});

describe('authentication (§1, §6)', () => {
  it('answers 401 with the verbatim Feathers body when the header is missing', async () => {
    const answer = await call('GET', '/vpaas/rooms', { token: null });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      name: 'NotAuthenticated',
      message: 'Authorization header with valid JWT is required.',
      code: 401,
      className: 'not-authenticated',
      errors: {},
    });
  });

  it('answers jwt malformed for garbage and invalid signature for an unknown JWT', async () => {
    const garbage = await call('GET', '/vpaas/rooms', { token: 'nope' });
    expect([garbage.status, garbage.body.message]).toEqual([401, 'jwt malformed']);
    const foreign = await call('GET', '/vpaas/rooms', { token: 'eyJh.eyJz.c2ln' });
    expect([foreign.status, foreign.body.message]).toEqual([401, 'invalid signature']);
  });

  it('answers 403 for a revoked token', async () => {
    const answer = await call('GET', '/vpaas/rooms', { token: REVOKED_TOKEN });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({
      className: 'forbidden',
      message: "The integration token it's invalid or was removed.",
    });
  });

  it("keeps each account's rooms to itself", async () => {
    const created = await createRoom({ externalId: 'shared-name' });
    expect(
      (await call('GET', `/vpaas/rooms/${created.body.id}`, { token: OTHER_TOKEN })).status,
    ).toBe(404);
    // The externalId index is per account too.
    expect((await createRoom({ externalId: 'shared-name' }, OTHER_TOKEN)).status).toBe(201);
  });
});

describe('routing (§6)', () => {
  it('answers an unknown route with Page not found and the url in data', async () => {
    const answer = await call('GET', '/vpaas/meetings');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      name: 'NotFound',
      message: 'Page not found',
      code: 404,
      className: 'not-found',
      data: { url: '/vpaas/meetings' },
      errors: {},
    });
  });

  it('answers an unsupported verb with 405 and an Allow header', async () => {
    const answer = await call('PUT', '/vpaas/rooms/abc', { body: {} });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, PATCH, DELETE');
    expect(answer.body).toMatchObject({
      className: 'method-not-allowed',
      message: 'Method `update` is not supported by this endpoint.',
    });
  });
});

describe('POST /vpaas/rooms (§3.2)', () => {
  it('creates with the documented defaults and a first access token', async () => {
    const answer = await createRoom();
    expect(answer.status).toBe(201);
    const { id } = answer.body;
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(answer.body).toMatchObject({
      externalId: id,
      name: `Room ${id}`,
      nbf: '2026-11-23T10:00:00.000Z',
      exp: '2026-11-23T13:00:00.000Z',
      ended: false,
    });
    const check = emulator.store.verifyAccessToken(answer.body.accessToken);
    expect(check).toMatchObject({ ok: true, claims: { sub: id, externalId: id } });
    expect(answer.body.authorizations).toEqual([
      {
        ip: '127.0.0.1',
        jti: check.ok ? check.claims.jti : null,
        createdAt: '2026-11-23T10:00:00.000Z',
      },
    ]);
  });

  it('keeps the settings object and ignores keys it does not know, config included', async () => {
    const settings = await createRoom({
      settings: { maxParticipants: 10, recordingEnabled: true },
    });
    expect(settings.body.settings).toEqual({ maxParticipants: 10, recordingEnabled: true });
    expect((await call('GET', `/vpaas/rooms/${settings.body.id}`)).body.settings).toEqual({
      maxParticipants: 10,
      recordingEnabled: true,
    });
    // §3.2: not a Videsk key, so dropped without an error, as Feathers drops unknown keys.
    const config = await createRoom({ config: { maxParticipants: 2 }, description: 'x' });
    expect(config.status).toBe(201);
    expect(config.body).not.toHaveProperty('settings');
    expect(config.body).not.toHaveProperty('config');
    expect(config.body).not.toHaveProperty('description');
  });

  it('answers 400 naming the field for each date rule', async () => {
    const past = await createRoom({ exp: '2026-11-23T09:00:00.000Z' });
    expect(past.status).toBe(400);
    expect(past.body).toEqual({
      name: 'BadRequest',
      message: '"exp" must be a future date',
      code: 400,
      className: 'bad-request',
      data: 'exp',
      errors: {},
    });
    const tooFar = await createRoom({ exp: new Date(START + 72 * HOUR + 1000).toISOString() });
    expect([tooFar.status, tooFar.body.data]).toEqual([400, 'exp']);
    const inverted = await createRoom({ nbf: '2026-11-23T14:00:00.000Z' });
    expect([inverted.status, inverted.body.message]).toEqual([400, '"nbf" must be before "exp"']);
    const notADate = await createRoom({ nbf: 'tomorrow' });
    expect([notADate.status, notADate.body.data]).toEqual([400, 'nbf']);
    expect((await createRoom({ exp: new Date(START + 72 * HOUR).toISOString() })).status).toBe(201);
  });

  it('answers 400 for bad settings, a long externalId and a missing Content-Type', async () => {
    const settings = await createRoom({ settings: { maxParticipants: 0 } });
    expect([settings.status, settings.body.data]).toEqual([400, 'settings.maxParticipants']);
    const long = await createRoom({ externalId: 'x'.repeat(101) });
    expect([long.status, long.body.data]).toEqual([400, 'externalId']);
    const noType = await call('POST', '/vpaas/rooms', {
      body: {},
      headers: { 'content-type': 'text/plain' },
    });
    expect([noType.status, noType.body.className]).toEqual([400, 'bad-request']);
  });

  it('answers 409 for a duplicate externalId', async () => {
    await createRoom({ externalId: 'standup-2024-08-14' });
    const duplicate = await createRoom({ externalId: 'standup-2024-08-14' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toEqual({
      name: 'Conflict',
      message: 'The externalId "standup-2024-08-14" already exists.',
      code: 409,
      className: 'conflict',
      errors: {},
    });
  });
});

describe('GET /vpaas/rooms/{roomId} (§3.3)', () => {
  it('finds a room by id or by externalId, without minting a token', async () => {
    const { body } = await createRoom({ externalId: 'ticket-981', name: 'Support call 981' });
    const byId = await call('GET', `/vpaas/rooms/${body.id}`);
    const byExternal = await call('GET', '/vpaas/rooms/ticket-981');
    expect(byId.status).toBe(200);
    expect(byExternal.body).toEqual(byId.body);
    expect(byId.body).not.toHaveProperty('accessToken');
    expect(byId.body.name).toBe('Support call 981');
  });

  it("answers 404 No record found for id '<roomId>'", async () => {
    const answer = await call('GET', '/vpaas/rooms/64f1a2b3c4d5e6f7a8b9c0d1');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({
      name: 'NotFound',
      message: "No record found for id '64f1a2b3c4d5e6f7a8b9c0d1'",
      code: 404,
      className: 'not-found',
      errors: {},
    });
  });
});

describe('GET /vpaas/rooms (§3.1)', () => {
  async function seed(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      clock = START + index * 1000;
      ids.push((await createRoom({ externalId: `room-${index}` })).body.externalId);
    }
    clock = START + count * 1000;
    return ids;
  }

  it('pages to the end with $limit and $skip in the Feathers envelope', async () => {
    const ids = await seed(5);
    const seen: string[] = [];
    for (let skip = 0; ; skip += 2) {
      const page = await call('GET', `/vpaas/rooms?$limit=2&$skip=${skip}`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ total: 5, limit: 2, skip });
      seen.push(...page.body.data.map((room: { externalId: string }) => room.externalId));
      if (page.body.data.length < 2) {
        break;
      }
    }
    // Oldest first when no $sort is given.
    expect(seen).toEqual(ids);
  });

  it('defaults $limit to 10 and clamps it to [1, 100]', async () => {
    await seed(12);
    expect((await call('GET', '/vpaas/rooms')).body).toMatchObject({ total: 12, limit: 10 });
    expect((await call('GET', '/vpaas/rooms?$limit=500')).body.limit).toBe(100);
    expect((await call('GET', '/vpaas/rooms?$limit=0')).body.data).toHaveLength(1);
    const bad = await call('GET', '/vpaas/rooms?$limit=ten');
    expect([bad.status, bad.body.data]).toEqual([400, '$limit']);
  });

  it('sorts by the bracket form and by a JSON $sort', async () => {
    const ids = await seed(3);
    const bracket = await call('GET', '/vpaas/rooms?$sort%5BcreatedAt%5D=-1');
    const json = await call('GET', `/vpaas/rooms?$sort=${encodeURIComponent('{"createdAt":-1}')}`);
    const order = (answer: Answer) =>
      answer.body.data.map((room: { externalId: string }) => room.externalId);
    expect(order(bracket)).toEqual([...ids].reverse());
    expect(order(json)).toEqual([...ids].reverse());
  });

  it('filters by ended and externalId, and refuses unknown parameters', async () => {
    const ids = await seed(3);
    await call('PATCH', `/vpaas/rooms/${ids[1]}`, { body: { ended: true } });
    const ended = await call('GET', '/vpaas/rooms?ended=true');
    expect(ended.body.data.map((room: { externalId: string }) => room.externalId)).toEqual([
      ids[1],
    ]);
    expect((await call('GET', '/vpaas/rooms?ended=false')).body.total).toBe(2);
    expect((await call('GET', '/vpaas/rooms?externalId=room-2')).body.total).toBe(1);
    const unknown = await call('GET', '/vpaas/rooms?$populate=owner');
    expect([unknown.status, unknown.body.message]).toEqual([
      400,
      'Invalid query parameter $populate',
    ]);
    expect((await call('GET', '/vpaas/rooms?ended=maybe')).status).toBe(400);
  });
});

describe('PATCH /vpaas/rooms/{roomId} (§3.5)', () => {
  it('updates name and dates, and mints a token on generateToken', async () => {
    const { body } = await createRoom({ externalId: 'standup' });
    const answer = await call('PATCH', '/vpaas/rooms/standup', {
      body: { name: 'Renamed', exp: '2026-11-23T20:00:00.000Z', generateToken: true },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      id: body.id,
      name: 'Renamed',
      exp: '2026-11-23T20:00:00.000Z',
    });
    expect(answer.body.authorizations).toHaveLength(2);
    const check = emulator.store.verifyAccessToken(answer.body.accessToken);
    expect(check).toMatchObject({
      ok: true,
      claims: { exp: Date.parse('2026-11-23T20:00:00Z') / 1000 },
    });
    const plain = await call('PATCH', '/vpaas/rooms/standup', { body: { name: 'Again' } });
    expect(plain.body).not.toHaveProperty('accessToken');
  });

  it('refuses externalId and bad types with 400', async () => {
    await createRoom({ externalId: 'standup' });
    const externalId = await call('PATCH', '/vpaas/rooms/standup', { body: { externalId: 'x' } });
    expect([externalId.status, externalId.body.data]).toEqual([400, 'externalId']);
    const ended = await call('PATCH', '/vpaas/rooms/standup', { body: { ended: 'yes' } });
    expect([ended.status, ended.body.data]).toEqual([400, 'ended']);
  });

  it('ends a room for good: later PATCHes answer 404 and joins 400', async () => {
    await createRoom({ externalId: 'standup' });
    const end = await call('PATCH', '/vpaas/rooms/standup', { body: { ended: true } });
    expect([end.status, end.body.ended]).toEqual([200, true]);
    const again = await call('PATCH', '/vpaas/rooms/standup', { body: { ended: false } });
    expect([again.status, again.body.className]).toEqual([404, 'not-found']);
    const join = await call('POST', '/vpaas/rooms/standup/join', { body: {} });
    expect([join.status, join.body.message]).toEqual([400, 'The room has ended.']);
  });
});

describe('POST /vpaas/rooms/{roomId}/join (§3.6, §4)', () => {
  it('answers 201 with an HS256 token carrying the room window', async () => {
    const { body } = await createRoom({ externalId: 'standup' });
    const answer = await call('POST', `/vpaas/rooms/${body.id}/join`, { body: {} });
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body)).toEqual(['accessToken']);
    const [header] = answer.body.accessToken.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    const check = emulator.store.verifyAccessToken(answer.body.accessToken);
    expect(check).toMatchObject({
      ok: true,
      claims: {
        room: body.id,
        iat: START / 1000,
        nbf: START / 1000,
        exp: START / 1000 + 3 * 3600,
      },
    });
    const room = await call('GET', `/vpaas/rooms/${body.id}`);
    expect(room.body.authorizations).toHaveLength(2);
  });

  it('verifies tokens the way the SDK does', async () => {
    const scheduled = await createRoom({
      externalId: 'later',
      nbf: '2026-11-23T12:00:00.000Z',
      exp: '2026-11-23T13:00:00.000Z',
    });
    const token: string = scheduled.body.accessToken;
    expect(emulator.store.verifyAccessToken(token)).toEqual({
      ok: false,
      message: 'jwt not active',
    });
    clock = Date.parse('2026-11-23T12:30:00.000Z');
    expect(emulator.store.verifyAccessToken(token).ok).toBe(true);
    clock = Date.parse('2026-11-23T13:00:00.000Z');
    expect(emulator.store.verifyAccessToken(token)).toEqual({ ok: false, message: 'jwt expired' });
    expect(emulator.store.verifyAccessToken(`${token.slice(0, -4)}AAAA`)).toEqual({
      ok: false,
      message: 'invalid signature',
    });
    expect(emulator.store.verifyAccessToken('not-a-jwt')).toEqual({
      ok: false,
      message: 'jwt malformed',
    });
  });

  it('refuses an expired room, an unknown room and unexpected body fields', async () => {
    await createRoom({ externalId: 'short', exp: '2026-11-23T11:00:00.000Z' });
    clock = Date.parse('2026-11-23T11:00:00.000Z');
    const expired = await call('POST', '/vpaas/rooms/short/join', { body: {} });
    expect([expired.status, expired.body.message]).toEqual([400, 'The room has expired.']);
    expect((await call('POST', '/vpaas/rooms/nope/join', { body: {} })).status).toBe(404);
    clock = START;
    await createRoom({ externalId: 'open' });
    const extra = await call('POST', '/vpaas/rooms/open/join', { body: { role: 'host' } });
    expect([extra.status, extra.body.data]).toEqual([400, 'role']);
  });
});

describe('DELETE /vpaas/rooms/{roomId} (§3.4)', () => {
  it('always answers the documented 403', async () => {
    const { body } = await createRoom();
    const answer = await call('DELETE', `/vpaas/rooms/${body.id}`);
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      name: 'Forbidden',
      message: 'Not allowed',
      code: 403,
      className: 'forbidden',
      errors: {},
    });
    expect((await call('GET', `/vpaas/rooms/${body.id}`)).status).toBe(200);
  });
});

describe('GET /vpaas/rooms/{roomId}/stats (§3.7, reserved)', () => {
  it('checks the view and the room', async () => {
    const { body } = await createRoom();
    expect((await call('GET', `/vpaas/rooms/${body.id}/stats?view=summary`)).status).toBe(200);
    expect((await call('GET', `/vpaas/rooms/${body.id}/stats?view=live`)).status).toBe(400);
    expect((await call('GET', '/vpaas/rooms/nope/stats')).status).toBe(404);
  });
});

describe('rate limit (§1.1)', () => {
  it('sends the Ratelimit headers and answers 429 past 20 requests in one second', async () => {
    const limited = createVideskEmulator({ now: () => clock });
    const server = await startEmulator(limited, { port: 0 });
    try {
      const get = () =>
        fetch(`${server.url}/vpaas/rooms`, {
          headers: { authorization: `Bearer ${VIDESK_EMULATOR_API_TOKEN}` },
        });
      const first = await get();
      expect(
        Object.fromEntries([...first.headers].filter(([key]) => key.startsWith('ratelimit'))),
      ).toEqual({
        'ratelimit-limit': '20',
        'ratelimit-remaining': '19',
        'ratelimit-reset': '1',
        'ratelimit-policy': '20;w=1',
      });
      for (let index = 2; index <= 20; index++) {
        expect((await get()).status).toBe(200);
      }
      const over = await get();
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('1');
      expect(over.headers.get('ratelimit-remaining')).toBe('0');
      expect(await over.json()).toEqual({
        name: 'TooManyRequests',
        message: 'Too many requests, please try again later.',
        code: 429,
        className: 'too-many-requests',
        errors: {},
      });
      // The next window on the injected clock lets requests through again.
      clock += 1000;
      expect((await get()).status).toBe(200);
      // 22 requests reached the server, the 429 included.
      expect(limited.log.count()).toBe(22);
    } finally {
      await server.close();
    }
  });

  it('takes a higher limit from the factory', async () => {
    const relaxed = createVideskEmulator({ now: () => clock, rateLimitPerSecond: 50 });
    const server = await startEmulator(relaxed, { port: 0 });
    try {
      const answers = [];
      for (let index = 0; index < 25; index++) {
        answers.push(
          await fetch(`${server.url}/vpaas/rooms`, {
            headers: { authorization: `Bearer ${VIDESK_EMULATOR_API_TOKEN}` },
          }),
        );
      }
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      expect(answers[24]?.headers.get('ratelimit-remaining')).toBe('25');
    } finally {
      await server.close();
    }
  });
});

describe('examplesOnly (§2: ended, createdAt, updatedAt are probable, UNCONFIRMED)', () => {
  it('answers rooms with only the fields of the documented examples, and still ends them', async () => {
    const shaped = createVideskEmulator({ now: () => clock, examplesOnly: true });
    const server = await startEmulator(shaped, { port: 0 });
    const send = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${VIDESK_EMULATOR_API_TOKEN}`,
          'content-type': 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      const created = await (await send('POST', '/vpaas/rooms', { externalId: 'plain' })).json();
      expect(Object.keys(created).sort()).toEqual(
        ['accessToken', 'authorizations', 'exp', 'externalId', 'id', 'name', 'nbf'].sort(),
      );
      const ended = await send('PATCH', '/vpaas/rooms/plain', { ended: true });
      expect(ended.status).toBe(200);
      expect(await ended.json()).not.toHaveProperty('ended');
      // Still ended inside: the PATCH answers 404 and the filter sees it.
      expect((await send('PATCH', '/vpaas/rooms/plain', { name: 'x' })).status).toBe(404);
      const list = await (await send('GET', '/vpaas/rooms?ended=true')).json();
      expect(list.data.map((room: { externalId: string }) => room.externalId)).toEqual(['plain']);
      expect(list.data[0]).not.toHaveProperty('createdAt');
    } finally {
      await server.close();
    }
  });
});

describe('faults', () => {
  it('answers an injected 503 with a Feathers body, once', async () => {
    emulator.faults.add({ status: 503, times: 1 });
    const failed = await call('GET', '/vpaas/rooms');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({
      name: 'Unavailable',
      code: 503,
      className: 'unavailable',
      errors: {},
    });
    expect((await call('GET', '/vpaas/rooms')).status).toBe(200);
    expect(emulator.log.count({ method: 'GET', pathPrefix: '/vpaas/rooms' })).toBe(2);
  });
});
