import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import { createSignalWireEmulator } from '../../src/emulators/signalwire/signalwire-emulator.js';

// Checks the emulator against ../shared/providers/signalwire.md over real loopback HTTP.
const projectId = 'b3877c40-da60-4998-90ad-b792e98472aa';
const apiToken = 'PT0123456789abcdef';
const auth = `Basic ${Buffer.from(`${projectId}:${apiToken}`).toString('base64')}`;
const errorUrl = 'https://signalwire.com/docs/apis/error-codes';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let clock = Date.parse('2025-06-13T20:34:03.789Z');
const emulator = createSignalWireEmulator({ projectId, apiToken, now: () => clock });
let running: RunningEmulator;

beforeAll(async () => {
  running = await startEmulator(emulator, { port: 0 });
});
afterAll(() => running.close());
beforeEach(() => {
  emulator.reset();
  clock = Date.parse('2025-06-13T20:34:03.789Z');
});

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
  body: any;
  headers: Headers;
}

async function call(
  method: string,
  pathOrUrl: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: auth },
): Promise<Reply> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${running.url}/api/video${pathOrUrl}`;
  const response = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : JSON.parse(text),
    headers: response.headers,
  };
}

const validationError = (attribute: string, code: string, message: string) => ({
  type: 'validation_error',
  code,
  message,
  attribute,
  url: errorUrl,
});

function claimsOf(token: string): { header: unknown; claims: Record<string, unknown> } {
  const [header = '', claims = '', signature = ''] = token.split('.');
  expect(Buffer.from(signature, 'base64url')).toHaveLength(64); // an HMAC-SHA512 digest
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(header), claims: decode(claims) };
}

describe('SignalWire emulator: auth', () => {
  it('answers 401 Unauthorized without credentials and creates nothing', async () => {
    const response = await call('POST', '/rooms', { name: 'room_a' }, {});
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'Unauthorized' });
    expect(emulator.store.rooms()).toEqual([]);
  });

  it('answers 401 Unauthorized for a wrong API token', async () => {
    const wrong = `Basic ${Buffer.from(`${projectId}:wrong`).toString('base64')}`;
    const response = await call('GET', '/rooms', undefined, { authorization: wrong });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'Unauthorized' });
  });
});

describe('SignalWire emulator: conferences', () => {
  it('creates a conference with every key present, explicit nulls and spec key order', async () => {
    const response = await call('POST', '/conferences', {
      name: 'all_hands',
      display_name: 'All Hands',
      join_from: '2025-07-01',
    });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(
      ['id', 'name', 'display_name', 'description', 'join_from', 'join_until', 'quality']
        .concat(['layout', 'size', 'record_on_start', 'tone_on_entry_and_exit'])
        .concat(['user_join_video_off', 'room_join_video_off', 'enable_chat'])
        .concat(['enable_room_previews', 'dark_primary', 'dark_background', 'dark_foreground'])
        .concat(['dark_success', 'dark_negative', 'light_primary', 'light_background'])
        .concat(['light_foreground', 'light_success', 'light_negative', 'meta'])
        .concat(['created_at', 'updated_at']),
    );
    expect(response.body).toMatchObject({
      name: 'all_hands',
      display_name: 'All Hands',
      description: null,
      join_from: '2025-07-01T00:00:00Z',
      join_until: null,
      quality: '720p',
      layout: 'grid-responsive',
      size: 'medium',
      enable_chat: true,
      dark_primary: '#044EF4',
      meta: null,
      created_at: '2025-06-13T20:34:03Z',
      updated_at: '2025-06-13T20:34:03Z',
    });
    expect(response.body.id).toMatch(uuid);
    expect(response.body).not.toHaveProperty('active_session');
  });

  it('makes a moderator and a guest vpt_ token on create, moderator first', async () => {
    const { body: conference } = await call('POST', '/conferences', { display_name: 'Standup' });
    const response = await call('GET', `/conferences/${conference.id}/conference_tokens`);
    expect(response.status).toBe(200);
    expect(response.body.links).toEqual({
      self: `${running.url}/api/video/conferences/${conference.id}/conference_tokens?page_number=0&page_size=50`,
      first: `${running.url}/api/video/conferences/${conference.id}/conference_tokens?page_number=0&page_size=50`,
    });
    const [moderator, guest] = response.body.data;
    expect(response.body.data).toHaveLength(2);
    expect(Object.keys(moderator)).toEqual(['id', 'name', 'token', 'scopes']);
    expect([moderator.name, guest.name]).toEqual(['Moderator', 'Guest']);
    expect(moderator.token).toMatch(/^vpt_[0-9a-f]{32}$/);
    expect(guest.token).toMatch(/^vpt_[0-9a-f]{32}$/);
    expect(moderator.scopes).toContain('room.member.remove');
    expect(guest.scopes).toContain('room.self.audio_mute');
    expect(guest.scopes).not.toContain('room.member.remove');
    expect(guest.scopes).not.toContain('room.self.screenshare');
  });

  it('derives a valid name from display_name when name is left out', async () => {
    const response = await call('POST', '/conferences', { display_name: 'Team Sync #1' });
    expect(response.body.name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('answers 422 naming display_name when it is missing', async () => {
    const response = await call('POST', '/conferences', { name: 'no_display' });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      errors: [
        validationError('display_name', 'invalid_parameter', 'Display name must be present'),
      ],
    });
  });

  it('answers 422 for a name outside the allowed pattern', async () => {
    const response = await call('POST', '/conferences', { name: 'my room!', display_name: 'x' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      validationError('name', 'invalid_parameter', 'Name is invalid'),
    ]);
  });

  it('answers 422 for a colour that is not #RRGGBB', async () => {
    const response = await call('POST', '/conferences', {
      display_name: 'x',
      dark_primary: 'blue',
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      validationError('dark_primary', 'invalid_parameter', 'Dark primary is invalid'),
    ]);
  });

  it('lists one entry per bad field, in spec order, and creates nothing', async () => {
    const response = await call('POST', '/conferences', {
      dark_primary: '#12345',
      enable_chat: 'yes',
      quality: '4k',
      name: 'bad name',
      join_from: 'tomorrow',
      max_members: 5,
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((error: { attribute: string }) => error.attribute)).toEqual([
      'name',
      'display_name',
      'join_from',
      'quality',
      'enable_chat',
      'dark_primary',
      'max_members',
    ]);
    const codes = response.body.errors.map((error: { code: string }) => error.code);
    expect(codes).toEqual([
      'invalid_parameter',
      'invalid_parameter',
      'not_a_datetime',
      'invalid_parameter',
      'not_a_boolean',
      'invalid_parameter',
      'invalid_parameter',
    ]);
    expect((await call('GET', '/conferences')).body.data).toEqual([]);
  });

  it('answers 422 invalid_join_until_date when join_until is before join_from', async () => {
    const response = await call('POST', '/conferences', {
      display_name: 'x',
      join_from: '2025-07-02T00:00:00Z',
      join_until: '2025-07-01',
    });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      validationError(
        'join_until',
        'invalid_join_until_date',
        'Join until must be later than join from',
      ),
    ]);
  });

  it('answers 404 Not Found for an unknown conference', async () => {
    const response = await call('GET', '/conferences/c22d24f6-5a47-4597-9a23-c7d01e696b92');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Not Found' });
  });

  it('keeps omitted fields on PUT and moves only updated_at', async () => {
    const { body: created } = await call('POST', '/conferences', {
      display_name: 'Before',
      description: 'Quarterly review',
      quality: '1080p',
    });
    clock += 90_000;
    const response = await call('PUT', `/conferences/${created.id}`, {
      display_name: 'After',
      layout: '2x2',
      tone_on_entry_and_exit: false,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      ...created,
      display_name: 'After',
      layout: '2x2',
      tone_on_entry_and_exit: false,
      updated_at: '2025-06-13T20:35:33Z',
    });
    expect((await call('GET', `/conferences/${created.id}`)).body).toEqual(response.body);
  });

  it('requires display_name on PUT and refuses a rename', async () => {
    const { body: created } = await call('POST', '/conferences', { display_name: 'x' });
    const response = await call('PUT', `/conferences/${created.id}`, { name: 'renamed' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      validationError('display_name', 'invalid_parameter', 'Display name must be present'),
      validationError('name', 'invalid_parameter', 'Name is not a permitted parameter'),
    ]);
  });

  it('deletes with 204 and an empty body, then answers 404 for it and its tokens', async () => {
    const { body: created } = await call('POST', '/conferences', { display_name: 'x' });
    const tokens = await call('GET', `/conferences/${created.id}/conference_tokens`);
    const response = await call('DELETE', `/conferences/${created.id}`);
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect((await call('GET', `/conferences/${created.id}`)).status).toBe(404);
    expect((await call('GET', `/conference_tokens/${tokens.body.data[0].id}`)).status).toBe(404);
    expect((await call('DELETE', `/conferences/${created.id}`)).status).toBe(404);
  });

  it('resets a conference token to a new secret under the same id', async () => {
    const { body: created } = await call('POST', '/conferences', { display_name: 'x' });
    const { body: tokens } = await call('GET', `/conferences/${created.id}/conference_tokens`);
    const before = tokens.data[1];
    const reset = await call('POST', `/conference_tokens/${before.id}/reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.id).toBe(before.id);
    expect(reset.body.name).toBe('Guest');
    expect(reset.body.token).toMatch(/^vpt_[0-9a-f]{32}$/);
    expect(reset.body.token).not.toBe(before.token);
    expect((await call('GET', `/conference_tokens/${before.id}`)).body).toEqual(reset.body);
  });
});

describe('SignalWire emulator: rooms', () => {
  it('creates a room with every key, explicit nulls and defaults from the fact sheet', async () => {
    const response = await call('POST', '/rooms', { name: 'my_room', max_members: 10 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: expect.stringMatching(uuid),
      name: 'my_room',
      display_name: 'my_room',
      description: null,
      max_members: 10,
      quality: '720p',
      fps: 20,
      join_from: null,
      join_until: null,
      remove_at: null,
      remove_after_seconds_elapsed: null,
      layout: 'grid-responsive',
      record_on_start: false,
      tone_on_entry_and_exit: true,
      room_join_video_off: false,
      user_join_video_off: false,
      enable_room_previews: false,
      sync_audio_video: null,
      meta: {},
      prioritize_handraise: false,
      created_at: '2025-06-13T20:34:03Z',
      updated_at: '2025-06-13T20:34:03Z',
    });
    expect(Object.keys(response.body).at(-3)).toBe('prioritize_handraise');
  });

  it('answers 422 not_unique_within_project for a duplicate name', async () => {
    await call('POST', '/rooms', { name: 'taken' });
    const response = await call('POST', '/rooms', { name: 'taken' });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      validationError('name', 'not_unique_within_project', 'Name has already been taken'),
    ]);
    expect(emulator.store.rooms()).toHaveLength(1);
  });

  it('rejects keys the request schema does not list', async () => {
    const response = await call('POST', '/rooms', { name: 'extra', expires_in: 60 });
    expect(response.status).toBe(422);
    expect(response.body.errors).toEqual([
      validationError('expires_in', 'invalid_parameter', 'Expires in is not a permitted parameter'),
    ]);
  });

  it('finds a room by id and by name on the same path', async () => {
    const { body: created } = await call('POST', '/rooms', { name: 'lobby' });
    const byId = await call('GET', `/rooms/${created.id}?include_active_session=true`);
    const byName = await call('GET', '/rooms/lobby');
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(created);
    expect(byName.body).toEqual(created);
    expect((await call('GET', '/rooms/nowhere')).body).toEqual({ error: 'Not Found' });
  });

  it('updates by id only, keeps omitted fields and refuses a name', async () => {
    const { body: created } = await call('POST', '/rooms', { name: 'hall', quality: '1080p' });
    expect((await call('PUT', '/rooms/hall', { max_members: 5 })).status).toBe(404);
    const renamed = await call('PUT', `/rooms/${created.id}`, { name: 'other' });
    expect(renamed.status).toBe(422);
    expect(renamed.body.errors[0].attribute).toBe('name');
    const response = await call('PUT', `/rooms/${created.id}`, {
      max_members: 5,
      remove_at: '2025-08-01T12:00:00+02:00',
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'hall',
      quality: '1080p',
      max_members: 5,
      remove_at: '2025-08-01T10:00:00Z',
    });
  });

  it('deletes a room with 204, after which its name is free again', async () => {
    const { body: created } = await call('POST', '/rooms', { name: 'temp' });
    const response = await call('DELETE', `/rooms/${created.id}`);
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    expect((await call('GET', `/rooms/${created.id}`)).status).toBe(404);
    expect((await call('POST', '/rooms', { name: 'temp' })).status).toBe(200);
  });
});

describe('SignalWire emulator: paging', () => {
  async function createRooms(count: number): Promise<{ id: string; name: string }[]> {
    const rooms = [];
    for (let index = 1; index <= count; index += 1) {
      rooms.push((await call('POST', '/rooms', { name: `room_${index}` })).body);
    }
    return rooms;
  }

  it('walks every room in creation order by following links.next', async () => {
    const rooms = await createRooms(5);
    const pages = [];
    let next: string | undefined = `${running.url}/api/video/rooms?page_size=2`;
    while (next) {
      const page: Reply = await call('GET', next);
      expect(page.status).toBe(200);
      pages.push(page.body);
      next = page.body.links.next;
    }
    expect(pages.map((page) => page.data.map((room: { name: string }) => room.name))).toEqual([
      ['room_1', 'room_2'],
      ['room_3', 'room_4'],
      ['room_5'],
    ]);
    expect(pages[0].links).not.toHaveProperty('prev');
    expect(pages[0].links.next).toBe(
      `${running.url}/api/video/rooms?page_number=1&page_size=2&page_token=PA${rooms[1]?.id}`,
    );
    expect(pages[2].links.first).toBe(`${running.url}/api/video/rooms?page_number=0&page_size=2`);
    const previous = await call('GET', pages[2].links.prev);
    expect(previous.body.data.map((room: { id: string }) => room.id)).toEqual([
      rooms[2]?.id,
      rooms[3]?.id,
    ]);
  });

  it('answers 422 page_token_required for page_number above 0 without a token', async () => {
    const response = await call('GET', '/rooms?page_number=1');
    expect(response.status).toBe(422);
    expect(response.body.errors[0]).toMatchObject({ code: 'page_token_required' });
  });

  it('answers 422 for a page size outside 1 to 1000 and for an unknown token', async () => {
    expect((await call('GET', '/rooms?page_size=0')).body.errors[0].attribute).toBe('page_size');
    expect((await call('GET', '/conferences?page_size=1001')).status).toBe(422);
    const response = await call('GET', '/rooms?page_number=1&page_token=PAnot-a-record');
    expect(response.status).toBe(422);
    expect(response.body.errors[0].code).toBe('page_token_is_invalid');
  });
});

describe('SignalWire emulator: room tokens', () => {
  it('answers a well-formed HS512 JWT carrying the request as §5.2 claims', async () => {
    const response = await call('POST', '/room_tokens', {
      room_name: 'my_room',
      user_name: 'Ada',
      permissions: ['room.self.audio_mute', 'room.member.remove'],
      join_from: '2025-07-01',
      join_until: '2025-07-01T10:00:00+02:00',
      remove_after_seconds_elapsed: 900,
    });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['token']);
    const { header, claims } = claimsOf(response.body.token);
    expect(header).toEqual({ typ: 'VRT', alg: 'HS512' });
    expect(claims).toEqual({
      iat: Math.floor(clock / 1000),
      jti: expect.stringMatching(uuid),
      sub: projectId,
      u: 'Ada',
      r: 'my_room',
      s: ['room.self.audio_mute', 'room.member.remove'],
      acr: true,
      jf: Date.parse('2025-07-01T00:00:00Z') / 1000,
      ju: Date.parse('2025-07-01T08:00:00Z') / 1000,
      rse: 900,
    });
  });

  it('grants the eleven default permissions, or none for an audience member', async () => {
    const member = await call('POST', '/room_tokens', { room_name: 'r1' });
    expect(claimsOf(member.body.token).claims.s).toHaveLength(11);
    const audience = await call('POST', '/room_tokens', {
      room_name: 'r1',
      join_as: 'audience',
      permissions: ['room.self.audio_mute'],
    });
    expect(claimsOf(audience.body.token).claims.s).toEqual([]);
  });

  it('answers 422 naming each bad field', async () => {
    const response = await call('POST', '/room_tokens', {
      permissions: ['room.self.audio_mute', 'room.fly'],
      remove_after_seconds_elapsed: 0,
      join_as: 'host',
      media_allowed: 'none',
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((error: { attribute: string }) => error.attribute)).toEqual([
      'room_name',
      'permissions',
      'remove_after_seconds_elapsed',
      'join_as',
      'media_allowed',
    ]);
    expect(emulator.store.roomTokens()).toEqual([]);
  });
});

describe('SignalWire emulator: faults and request log', () => {
  it('fails the next request with an injected 500 through the handle, then recovers', async () => {
    emulator.faults.add({ status: 500, times: 1 });
    const failed = await call('GET', '/rooms');
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({ error: 'Internal Server Error' });
    expect((await call('GET', '/rooms')).status).toBe(200);
  });

  it('takes a 429 with Retry-After through the admin endpoint', async () => {
    const admin = await fetch(`${running.url}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 429, retryAfterSeconds: 3, times: 1, method: 'POST' }),
    });
    expect(admin.status).toBe(204);
    const limited = await call('POST', '/rooms', { name: 'busy' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body.errors[0]).toMatchObject({ code: 'rate_limit_exceeded', attribute: null });
    expect(emulator.store.rooms()).toEqual([]);
    expect((await call('POST', '/rooms', { name: 'busy' })).status).toBe(200);
  });

  it('records method, path, body and the status it answered', async () => {
    await call('POST', '/rooms', { name: 'logged' });
    await call('GET', '/rooms/missing', undefined, {});
    const entries = emulator.log.all();
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      method: 'POST',
      path: '/api/video/rooms',
      body: { name: 'logged' },
      response: { status: 200 },
    });
    expect(entries[1]).toMatchObject({ method: 'GET', response: { status: 401 } });
  });

  it('answers 404 Not Found for what it does not emulate', async () => {
    for (const [method, path] of [
      ['GET', '/logs'],
      ['GET', '/rooms/c22d24f6-5a47-4597-9a23-c7d01e696b92/streams'],
      ['PATCH', '/rooms/c22d24f6-5a47-4597-9a23-c7d01e696b92'],
      ['POST', '/room_sessions'],
    ] as const) {
      const response = await call(method, path, method === 'PATCH' ? {} : undefined);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'Not Found' });
    }
  });
});
