import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createHmsEmulator,
  HMS_EMULATOR_DEFAULT_TEMPLATE,
  type HmsEmulator,
} from '../../src/emulators/hms/hms-emulator.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';

// The emulator held to ../shared/providers/hms.md over real loopback HTTP. Tokens are minted
// here with jose, by hand, so nothing from src/providers takes part.

const ACCESS_KEY = '6600aa11bb22cc33dd44ee55';
const SECRET = 'emulator-test-secret';
const OTHER_TEMPLATE = {
  id: '6600aa11bb22cc33dd4400f2',
  name: 'live-streaming',
  region: 'us',
  roles: ['broadcaster', 'viewer-realtime'],
  recordingEnabled: true,
};
/** 2024-03-01T09:00:00Z, then moved by tests. */
const START = Date.UTC(2024, 2, 1, 9, 0, 0);
const clock = { now: START };

let emulator: HmsEmulator;
let running: RunningEmulator;

beforeAll(async () => {
  emulator = createHmsEmulator({
    accessKey: ACCESS_KEY,
    secret: SECRET,
    templates: [HMS_EMULATOR_DEFAULT_TEMPLATE, OTHER_TEMPLATE],
    now: () => clock.now,
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

interface TokenOptions {
  claims?: Record<string, unknown>;
  secret?: string;
  iat?: number;
  exp?: number;
  alg?: string;
}

/** A management token as hms.md §2.2 describes it, with whatever a test wants to spoil. */
function mint(options: TokenOptions = {}): Promise<string> {
  const iat = options.iat ?? Math.floor(clock.now / 1000) - 10;
  return new SignJWT({ access_key: ACCESS_KEY, type: 'management', version: 2, ...options.claims })
    .setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' })
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(options.exp ?? iat + 3600)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

/** What the emulator answers, typed loosely for assertions: a room, a list or an error. */
interface WireBody {
  readonly [field: string]: unknown;
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly region: string;
  readonly customer_id: string;
  readonly created_at: string;
  readonly data: { id: string; name: string }[];
  readonly last: string;
  readonly limit: number;
  readonly details: string[];
}

const ids = (body: WireBody) => body.data.map((room) => room.id);
const names = (body: WireBody) => body.data.map((room) => room.name);

async function call(
  method: string,
  path: string,
  body?: unknown,
  token?: string | null,
): Promise<{ status: number; body: WireBody; headers: Headers }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const bearer = token === undefined ? await mint() : token;
  if (bearer !== null) {
    headers.authorization = `Bearer ${bearer}`;
  }
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : undefined) as WireBody,
    headers: response.headers,
  };
}

describe('management token check (hms.md §2.2, §7.1)', () => {
  it('answers a missing token with the documented 401 body', async () => {
    const response = await call('GET', '/v2/rooms', undefined, null);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      code: 401,
      message: 'Token validation error',
      details: ['not found'],
    });
  });

  it.each<[string, () => Promise<string>]>([
    ['a token signed with another secret', () => mint({ secret: 'not-the-secret' })],
    ['an app token', () => mint({ claims: { type: 'app', room_id: 'x', role: 'host' } })],
    ['version "2" as a string', () => mint({ claims: { version: '2' } })],
    ['an unknown access key', () => mint({ claims: { access_key: '000000000000000000000000' } })],
    ['an expired token', () => mint({ iat: START / 1000 - 7200, exp: START / 1000 - 3600 })],
    ['a token not valid yet', () => mint({ iat: START / 1000 + 600 })],
    ['an HS512 token', () => mint({ alg: 'HS512' })],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses %s with 401', async (_, token) => {
    const response = await call('GET', '/v2/rooms', undefined, await token());
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ code: 401, message: 'Token validation error' });
    expect(response.body.details).toHaveLength(1);
  });

  it('accepts a token back-dated 10 s as the official SDK mints it', async () => {
    const response = await call('GET', '/v2/rooms');
    expect(response.status).toBe(200);
  });
});

describe('POST /v2/rooms (§3.1, §3.2)', () => {
  it('creates a room with 200 and the documented fields', async () => {
    clock.now = Date.UTC(2024, 2, 1, 9, 0, 0, 120);
    const response = await call('POST', '/v2/rooms', { name: 'Class-9', description: 'Batch 2' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      name: 'class-9',
      enabled: true,
      description: 'Batch 2',
      customer_id: expect.stringMatching(/^[0-9a-f]{24}$/),
      customer: response.body.customer_id,
      app_id: expect.stringMatching(/^[0-9a-f]{24}$/),
      recording_source_template: true,
      recording_info: { enabled: false },
      template_id: HMS_EMULATOR_DEFAULT_TEMPLATE.id,
      template: HMS_EMULATOR_DEFAULT_TEMPLATE.name,
      region: 'in',
      large_room: false,
      key: `${response.body.customer_id}:class-9`,
      created_at: '2024-03-01T09:00:00.12Z',
      updated_at: '2024-03-01T09:00:00.12Z',
    });
  });

  it('names a room without a name with a UUID v4', async () => {
    const response = await call('POST', '/v2/rooms', {});
    expect(response.body.name).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('upserts on the case-insensitive name: same id, new settings applied, never 409', async () => {
    const first = await call('POST', '/v2/rooms', { name: 'standup' });
    clock.now += 60_000;
    const second = await call('POST', '/v2/rooms', {
      name: 'STANDUP',
      template_id: OTHER_TEMPLATE.id,
      recording_info: { enabled: true },
      size: 40,
    });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      id: first.body.id,
      template_id: OTHER_TEMPLATE.id,
      template: 'live-streaming',
      recording_source_template: false,
      recording_info: { enabled: true },
      size: 40,
      created_at: first.body.created_at,
      updated_at: '2024-03-01T09:01:00Z',
    });
    const list = await call('GET', '/v2/rooms');
    expect(list.body.data).toHaveLength(1);
  });

  it('leaves a disabled room disabled when created again by name (strict reading of §3.2)', async () => {
    const room = await call('POST', '/v2/rooms', { name: 'closed' });
    await call('POST', `/v2/rooms/${room.body.id}`, { enabled: false });
    const again = await call('POST', '/v2/rooms', { name: 'closed' });
    expect(again.body).toMatchObject({ id: room.body.id, enabled: false });
  });

  it('follows the template region for auto and takes an explicit one', async () => {
    const auto = await call('POST', '/v2/rooms', {
      name: 'a',
      template_id: OTHER_TEMPLATE.id,
      region: 'auto',
    });
    const eu = await call('POST', '/v2/rooms', { name: 'b', region: 'eu' });
    expect([auto.body.region, eu.body.region]).toEqual(['us', 'eu']);
  });

  it.each<[string, unknown, unknown]>([
    [
      'a v1 template name',
      { template: 'my-template' },
      {
        code: 400,
        message: 'Invalid body param',
        details: ['Invalid body param: template. Use template_id'],
      },
    ],
    [
      'a size above 2500 without large_room',
      { size: 2501 },
      {
        code: 400,
        message: 'Invalid body param',
        details: ['Invalid body param: room size greater than 2500, set large_room flag as true'],
      },
    ],
    [
      'a size above 20000',
      { size: 20001, large_room: true },
      {
        code: 400,
        message: 'Invalid body param',
        details: ['Invalid body param: room size greater than 20000'],
      },
    ],
    [
      'a session shorter than 120 s',
      { max_duration_seconds: 119 },
      {
        code: 400,
        message: 'Invalid body param',
        details: ['Invalid body param: max_duration_seconds less than 120 seconds'],
      },
    ],
    [
      'a session longer than 43200 s',
      { max_duration_seconds: 43201 },
      {
        code: 400,
        message: 'Invalid body param',
        details: ['Invalid body param: max_duration_seconds greater than 43200 seconds'],
      },
    ],
    [
      'an unknown region',
      { region: 'mars' },
      { code: 400, message: 'Error: region not supported' },
    ],
    [
      'an unknown template',
      { template_id: '6600aa11bb22cc33dd44ffff' },
      { code: 400, message: 'Error: template not found' },
    ],
    [
      'an upload without a bucket',
      { recording_info: { enabled: true, upload_info: { type: 's3' } } },
      { code: 400, message: 'Bucket location is missing' },
    ],
    [
      'an unknown upload type',
      { recording_info: { enabled: true, upload_info: { type: 'ftp', location: 'x' } } },
      { code: 400, message: 'Invalid upload configuration' },
    ],
    [
      'a name with a space',
      { name: 'has space' },
      { code: 400, message: 'Invalid body param', details: ['Invalid body param: name'] },
    ],
  ])('refuses %s with 400 and 100ms’s error body', async (_, body, expected) => {
    const response = await call('POST', '/v2/rooms', body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(expected);
    expect(emulator.store.list({ enabled: true, limit: 100 })).toHaveLength(0);
  });

  it('accepts a size up to 20000 for a large room', async () => {
    const response = await call('POST', '/v2/rooms', {
      name: 'big',
      size: 20000,
      large_room: true,
    });
    expect(response.body).toMatchObject({ size: 20000, large_room: true });
  });

  it('refuses a body that is not JSON', async () => {
    const response = await call('POST', '/v2/rooms', 'name=x');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 400 });
  });
});

describe('GET and POST /v2/rooms/{id} (§3.4–3.6)', () => {
  it('retrieves a room and answers an unknown id with 404', async () => {
    const created = await call('POST', '/v2/rooms', { name: 'r1' });
    const found = await call('GET', `/v2/rooms/${created.body.id}`);
    expect(found.body).toEqual(created.body);
    const missing = await call('GET', '/v2/rooms/6600aa11bb22cc33dd44aaaa');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 404 });
  });

  it('updates only the fields sent and stamps updated_at', async () => {
    const created = await call('POST', '/v2/rooms', { name: 'r1', description: 'old', size: 10 });
    clock.now += 5_000;
    const updated = await call('POST', `/v2/rooms/${created.body.id}`, { description: 'new' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      description: 'new',
      size: 10,
      name: 'r1',
      updated_at: '2024-03-01T09:00:05Z',
    });
  });

  it('toggles enabled with a body of just {enabled}', async () => {
    const created = await call('POST', '/v2/rooms', { name: 'r1' });
    const disabled = await call('POST', `/v2/rooms/${created.body.id}`, { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    const enabled = await call('POST', `/v2/rooms/${created.body.id}`, { enabled: true });
    expect(enabled.body.enabled).toBe(true);
  });

  it('refuses template_id, a non-boolean enabled and a 404 on update', async () => {
    const created = await call('POST', '/v2/rooms', { name: 'r1' });
    const template = await call('POST', `/v2/rooms/${created.body.id}`, {
      template_id: OTHER_TEMPLATE.id,
    });
    expect(template.status).toBe(400);
    const enabled = await call('POST', `/v2/rooms/${created.body.id}`, { enabled: 'no' });
    expect(enabled.body).toEqual({
      code: 400,
      message: 'Invalid body param',
      details: ['Invalid body param: enabled'],
    });
    const missing = await call('POST', '/v2/rooms/6600aa11bb22cc33dd44aaaa', { enabled: false });
    expect(missing.status).toBe(404);
  });

  it('has no DELETE: rooms are disabled, not deleted', async () => {
    const created = await call('POST', '/v2/rooms', { name: 'r1' });
    const response = await call('DELETE', `/v2/rooms/${created.body.id}`);
    expect(response.status).toBe(404);
    expect((await call('GET', `/v2/rooms/${created.body.id}`)).status).toBe(200);
  });
});

describe('GET /v2/rooms (§3.3)', () => {
  async function createRooms(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      clock.now += 1000;
      ids.push((await call('POST', '/v2/rooms', { name: `room-${i}` })).body.id);
    }
    return ids;
  }

  it('pages newest first with start = last until a short page, default limit 10', async () => {
    const ids = await createRooms(23);
    const seen: string[] = [];
    let start: string | null = null;
    let pages = 0;
    for (;;) {
      const query: string = start ? `?start=${start}` : '';
      const page = await call('GET', `/v2/rooms${query}`);
      pages++;
      expect(page.body.limit).toBe(10);
      const data: { id: string }[] = page.body.data ?? [];
      seen.push(...data.map((room) => room.id));
      if (data.length > 0) {
        expect(page.body.last).toBe(data.at(-1)?.id);
      }
      if (data.length < 10) {
        break;
      }
      start = page.body.last;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('lists only enabled rooms unless asked for disabled ones (strict reading of "Default: true")', async () => {
    const [a, b] = await createRooms(2);
    await call('POST', `/v2/rooms/${a}`, { enabled: false });
    const plain = await call('GET', '/v2/rooms');
    expect(ids(plain.body)).toEqual([b]);
    const disabled = await call('GET', '/v2/rooms?enabled=false');
    expect(ids(disabled.body)).toEqual([a]);
  });

  it('answers an empty page with an empty data array and last ""', async () => {
    const response = await call('GET', '/v2/rooms?limit=20');
    expect(response.body).toEqual({ limit: 20, data: [], last: '' });
  });

  it('filters by name (case-insensitive), template and creation time', async () => {
    await createRooms(3);
    const byName = await call('GET', '/v2/rooms?name=ROOM-1');
    expect(names(byName.body)).toEqual(['room-1']);
    const byTemplate = await call('GET', `/v2/rooms?template_id=${OTHER_TEMPLATE.id}`);
    expect(byTemplate.body.data).toEqual([]);
    const after = await call('GET', '/v2/rooms?after=2024-03-01T09:00:02.000Z');
    expect(names(after.body)).toEqual(['room-2', 'room-1']);
  });

  it.each(['5', '101', 'ten'])(
    'refuses limit=%s (outside 10..100, strict reading)',
    async (limit) => {
      const response = await call('GET', `/v2/rooms?limit=${limit}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        code: 400,
        message: 'Invalid query param',
        details: ['Invalid query param: limit'],
      });
    },
  );
});

describe('GET /v2/templates/{template_id} (100ms docs, retrieve-a-template; not in hms.md)', () => {
  it('answers a template with its roles keyed by name, and 404 for an unknown one', async () => {
    const found = await call('GET', `/v2/templates/${OTHER_TEMPLATE.id}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      id: OTHER_TEMPLATE.id,
      name: 'live-streaming',
      default: false,
      roles: {
        broadcaster: { name: 'broadcaster' },
        'viewer-realtime': { name: 'viewer-realtime' },
      },
      settings: { region: 'us' },
    });
    const fallback = await call('GET', `/v2/templates/${HMS_EMULATOR_DEFAULT_TEMPLATE.id}`);
    expect(fallback.body).toMatchObject({ default: true });
    expect(Object.keys(fallback.body.roles as object)).toEqual([
      'host',
      'guest',
      'viewer-realtime',
    ]);
    const unknown = await call('GET', '/v2/templates/6600aa11bb22cc33dd440000');
    expect([unknown.status, unknown.body.code]).toEqual([404, 404]);
    expect((await call('GET', `/v2/templates/${OTHER_TEMPLATE.id}`, undefined, null)).status).toBe(
      401,
    );
  });
});

describe('app tokens (§2.3)', () => {
  async function appToken(claims: Record<string, unknown>, secret = SECRET) {
    const iat = Math.floor(clock.now / 1000);
    return new SignJWT({ access_key: ACCESS_KEY, type: 'app', version: 2, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + 600)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(secret));
  }

  it('lets a template role join an enabled room, and no one join a disabled one', async () => {
    const room = await call('POST', '/v2/rooms', { name: 'join-me' });
    const token = await appToken({ room_id: room.body.id, role: 'guest', user_id: 'u1' });
    expect(emulator.verifyAppToken(token)).toMatchObject({ ok: true, role: 'guest', userId: 'u1' });
    await call('POST', `/v2/rooms/${room.body.id}`, { enabled: false });
    expect(emulator.verifyAppToken(token)).toEqual({ ok: false, reason: 'room is disabled' });
  });

  it('refuses a role outside the template, a wrong secret, an expired token and a management token', async () => {
    const room = await call('POST', '/v2/rooms', { name: 'join-me' });
    const roomId = room.body.id;
    expect(
      emulator.verifyAppToken(await appToken({ room_id: roomId, role: 'broadcaster' })),
    ).toEqual({
      ok: false,
      reason: 'role not found',
    });
    expect(
      emulator.verifyAppToken(await appToken({ room_id: roomId, role: 'host' }, 'wrong')).ok,
    ).toBe(false);
    const token = await appToken({ room_id: roomId, role: 'host' });
    clock.now += 3_600_000;
    expect(emulator.verifyAppToken(token)).toEqual({ ok: false, reason: 'token is expired' });
    expect(emulator.verifyAppToken(await mint())).toEqual({
      ok: false,
      reason: 'token type is not app',
    });
  });
});

describe('faults and the request log', () => {
  it('answers an injected 503 with 100ms’s error body, then recovers', async () => {
    emulator.faults.add({ status: 503, times: 1, pathPrefix: '/v2/rooms' });
    const failed = await call('GET', '/v2/rooms');
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ code: 503, message: 'Service unavailable' });
    expect((await call('GET', '/v2/rooms')).status).toBe(200);
    expect(emulator.log.count({ method: 'GET', pathPrefix: '/v2/rooms' })).toBe(2);
  });

  it('answers an injected 429 with Retry-After', async () => {
    emulator.faults.add({ status: 429, times: 1, retryAfterSeconds: 3 });
    const response = await call('POST', '/v2/rooms', { name: 'x' });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(response.body).toEqual({ code: 429, message: 'rate limit exceeded' });
  });
});
