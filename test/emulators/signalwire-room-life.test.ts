import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import { createSignalWireEmulator } from '../../src/emulators/signalwire/signalwire-emulator.js';
import { loadOpenApiContract } from '../helpers/openapi-contract.js';
import { SIGNALWIRE_OPENAPI } from '../helpers/shared-dir.js';

// The emulator's room life against ../shared/providers/signalwire-room-life.md over real
// loopback HTTP: sessions, members, recordings and events, and the admin routes that join and
// leave with tokens it issued. Every answer it gave is held to SignalWire's sealed spec too.

const projectId = 'b3877c40-da60-4998-90ad-b792e98472aa';
const apiToken = 'PT0123456789abcdef';
const auth = `Basic ${Buffer.from(`${projectId}:${apiToken}`).toString('base64')}`;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const START = Date.parse('2026-03-02T10:00:00.400Z');

let clock = START;
const emulator = createSignalWireEmulator({
  projectId,
  apiToken,
  now: () => clock,
  recordingReadyDelayMs: 300,
});
let running: RunningEmulator;
const contract = loadOpenApiContract(SIGNALWIRE_OPENAPI, {
  basePath: '/api/video',
  sealObjects: true,
});

beforeAll(async () => {
  running = await startEmulator(emulator, { port: 0 });
});
afterAll(() => running.close());
beforeEach(() => {
  emulator.reset();
  clock = START;
});
afterEach(() => {
  const violations = emulator.log.all().flatMap((entry) =>
    entry.response
      ? contract.validateResponse({
          method: entry.method,
          path: entry.path,
          status: entry.response.status,
          body: entry.response.body,
        })
      : [],
  );
  expect(violations).toEqual([]);
});

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
  body: any;
}

async function call(method: string, path: string, body?: unknown): Promise<Reply> {
  const url = path.startsWith('http') ? path : `${running.url}/api/video${path}`;
  const response = await fetch(url, {
    method,
    headers: {
      authorization: auth,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function admin(route: 'join' | 'leave', body: unknown): Promise<Reply> {
  const response = await fetch(`${running.url}/__emulator/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function createRoom(fields: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const created = await call('POST', '/rooms', fields);
  expect(created.status).toBe(200);
  return created.body;
}

async function mint(fields: Record<string, unknown>): Promise<string> {
  const minted = await call('POST', '/room_tokens', { auto_create_room: false, ...fields });
  expect(minted.status).toBe(200);
  return minted.body.token;
}

async function join(token: string, name?: string): Promise<string> {
  const joined = await admin('join', name === undefined ? { token } : { token, name });
  expect(joined).toMatchObject({
    status: 200,
    body: { participantId: expect.stringMatching(uuid) },
  });
  return joined.body.participantId;
}

const SESSION_KEYS = [
  'id',
  'room_id',
  'name',
  'display_name',
  'max_members',
  'quality',
  'fps',
  'join_from',
  'join_until',
  'remove_at',
  'remove_after_seconds_elapsed',
  'layout',
  'record_on_start',
  'tone_on_entry_and_exit',
  'room_join_video_off',
  'user_join_video_off',
  'locked',
  'start_time',
  'end_time',
  'duration',
  'status',
  'created_at',
  'updated_at',
  'preview_url',
  'prioritize_handraise',
  'sync_audio_video',
];

describe('SignalWire emulator: sessions and members', () => {
  it('starts a session at the first join, with every documented key, and lists it', async () => {
    const room = await createRoom({ name: 'standup', max_members: 5, enable_room_previews: true });
    const participantId = await join(await mint({ room_name: 'standup', user_name: 'ada' }), 'Ada');

    const live = await call('GET', `/room_sessions?room_id=${room.id}&status=in-progress`);
    expect(live.status).toBe(200);
    expect(live.body.data).toHaveLength(1);
    const [session] = live.body.data;
    expect(Object.keys(session)).toEqual([
      ...SESSION_KEYS,
      'cost_in_dollars',
      'enable_room_previews',
      'locked_cover',
    ]);
    expect(session).toMatchObject({
      id: expect.stringMatching(uuid),
      room_id: room.id,
      name: 'standup',
      max_members: 5,
      status: 'in-progress',
      start_time: '2026-03-02T10:00:00Z',
      end_time: null,
      duration: null,
      locked: false,
      preview_url: `${running.url}/api/video/room_sessions/${session.id}/preview`,
    });

    // The summary leaves the three list-only keys out (RL §1).
    const summary = await call('GET', `/room_sessions/${session.id}`);
    expect(Object.keys(summary.body)).toEqual(SESSION_KEYS);

    // The member's name is the token's user_name, whatever the client said (§5.1).
    const members = await call('GET', `/room_sessions/${session.id}/members`);
    expect(members.body.data).toEqual([
      {
        id: participantId,
        room_session_id: session.id,
        name: 'ada',
        join_time: '2026-03-02T10:00:00Z',
        leave_time: null,
        duration: null,
        cost_in_dollars: 0,
      },
    ]);
  });

  it('shows the live session on the room only when asked, under its old key names', async () => {
    const room = await createRoom({ name: 'standup' });
    const token = await mint({ room_name: 'standup' });
    const before = await call('GET', `/rooms/${room.id}?include_active_session=true`);
    expect(before.body).not.toHaveProperty('active_session');

    await join(token, 'Ada');
    const plain = await call('GET', `/rooms/${room.id}`);
    expect(plain.body).not.toHaveProperty('active_session');
    const withSession = await call('GET', '/rooms/standup?include_active_session=true');
    expect(withSession.body.active_session).toMatchObject({
      id: expect.stringMatching(uuid),
      room_id: room.id,
      status: 'in-progress',
      start_time: '2026-03-02T10:00:00Z',
    });
    // Keys without a value are left out, not null (§4.4); the old name stays (§4.4).
    expect(withSession.body.active_session).not.toHaveProperty('end_time');
    expect(withSession.body.active_session).not.toHaveProperty('sync_audio_video');
    const listed = await call('GET', '/rooms?include_active_session=true');
    expect(listed.body.data[0].active_session.id).toBe(withSession.body.active_session.id);
  });

  it('names a member by what the client said when the token has no user name', async () => {
    await createRoom({ name: 'standup' });
    await join(await mint({ room_name: 'standup' }), 'Grace');
    await join(await mint({ room_name: 'standup' }));
    const [session] = (await call('GET', '/room_sessions')).body.data;
    const names = (await call('GET', `/room_sessions/${session.id}/members`)).body.data.map(
      (member: { name: string }) => member.name,
    );
    expect(names[0]).toBe('Grace');
    expect(names[1]).toMatch(/^[0-9a-z]{12}$/);
  });

  it('ends the session when the last member leaves, and starts a new one at the next join', async () => {
    const room = await createRoom({ name: 'standup' });
    const token = await mint({ room_name: 'standup', user_name: 'ada' });
    const first = await join(token);
    const second = await join(token);

    clock += 65_000;
    expect(await admin('leave', { participantId: first })).toEqual({
      status: 204,
      body: undefined,
    });
    expect((await call('GET', '/room_sessions?status=in-progress')).body.data).toHaveLength(1);
    expect(await admin('leave', { participantId: second })).toEqual({
      status: 204,
      body: undefined,
    });
    // Gone already: a second leave finds no one.
    expect(await admin('leave', { participantId: second })).toEqual({
      status: 404,
      body: { error: 'Not Found' },
    });

    const [ended] = (await call('GET', `/room_sessions?room_id=${room.id}`)).body.data;
    expect(ended).toMatchObject({
      status: 'completed',
      end_time: '2026-03-02T10:01:05Z',
      duration: 65,
      preview_url: null,
    });
    const members = (await call('GET', `/room_sessions/${ended.id}/members`)).body.data;
    expect(members.map((member: { leave_time: string; duration: number }) => member)).toEqual([
      expect.objectContaining({ leave_time: '2026-03-02T10:01:05Z', duration: 65 }),
      expect.objectContaining({ leave_time: '2026-03-02T10:01:05Z', duration: 65 }),
    ]);

    clock += 1_000;
    await join(token);
    const sessions = (await call('GET', `/room_sessions?room_id=${room.id}`)).body.data;
    // Newest first (RL §1 proposal).
    expect(sessions.map((entry: { status: string }) => entry.status)).toEqual([
      'in-progress',
      'completed',
    ]);
  });

  it('ends the session for everyone when a member whose token says so leaves', async () => {
    await createRoom({ name: 'standup' });
    const host = await join(
      await mint({ room_name: 'standup', user_name: 'host', end_room_session_on_leave: true }),
    );
    await join(await mint({ room_name: 'standup', user_name: 'guest' }));
    await admin('leave', { participantId: host });
    const [session] = (await call('GET', '/room_sessions')).body.data;
    expect(session.status).toBe('completed');
    const members = (await call('GET', `/room_sessions/${session.id}/members`)).body.data;
    expect(members.every((member: { leave_time: string | null }) => member.leave_time)).toBe(true);
  });

  it('joins a conference with a room token for its name, or with its vpt_ token', async () => {
    const conference = (
      await call('POST', '/conferences', { name: 'all_hands', display_name: 'All Hands' })
    ).body;
    await join(await mint({ room_name: 'all_hands', user_name: 'ada' }));
    const tokens = (await call('GET', `/conferences/${conference.id}/conference_tokens`)).body.data;
    await join(tokens[1].token, 'Guest at the door');

    const [session] = (await call('GET', `/room_sessions?room_id=${conference.id}`)).body.data;
    expect(session).toMatchObject({ room_id: conference.id, name: 'all_hands', max_members: 50 });
    const names = (await call('GET', `/room_sessions/${session.id}/members`)).body.data.map(
      (member: { name: string }) => member.name,
    );
    expect(names).toEqual(['ada', 'Guest at the door']);
    const shown = await call('GET', `/conferences/${conference.id}?include_active_session=true`);
    expect(shown.body.active_session.id).toBe(session.id);

    // A reset secret no longer opens the conference (§3.4).
    await call('POST', `/conference_tokens/${tokens[1].id}/reset`);
    expect(await admin('join', { token: tokens[1].token })).toEqual({
      status: 401,
      body: { error: 'Unauthorized' },
    });
  });

  it('starts a session with no room_id for a room its token may create (auto_create_room)', async () => {
    const token = (
      await call('POST', '/room_tokens', { room_name: 'pop_up', room_display_name: 'Pop-up' })
    ).body.token;
    await join(token, 'Ada');
    const [session] = (await call('GET', '/room_sessions?room_name=pop_up')).body.data;
    expect(session).toMatchObject({ room_id: null, name: 'pop_up', display_name: 'Pop-up' });
    expect((await call('GET', '/rooms')).body.data).toEqual([]);
  });

  it('filters sessions by room name, part of it and status, and pages them', async () => {
    for (const name of ['alpha_room', 'beta_room', 'gamma']) {
      await createRoom({ name });
      await join(await mint({ room_name: name }), 'x');
      clock += 1_000;
    }
    const names = async (query: string) =>
      (await call('GET', `/room_sessions?${query}`)).body.data.map(
        (session: { name: string }) => session.name,
      );
    expect(await names('room_name=beta_room')).toEqual(['beta_room']);
    expect(await names('room_name_matches=_room')).toEqual(['beta_room', 'alpha_room']);
    expect(await names('status=completed')).toEqual([]);

    const first = await call('GET', '/room_sessions?page_size=2');
    expect(first.body.data.map((session: { name: string }) => session.name)).toEqual([
      'gamma',
      'beta_room',
    ]);
    const next = new URL(first.body.links.next);
    expect(next.searchParams.get('page_token')).toBe(`PA${first.body.data[1].id}`);
    const second = await call('GET', first.body.links.next);
    expect(second.body.data.map((session: { name: string }) => session.name)).toEqual([
      'alpha_room',
    ]);
    expect(second.body.links).not.toHaveProperty('next');
  });

  it('answers 422 for a bad filter and an empty list for an unknown session', async () => {
    const bad = await call('GET', '/room_sessions?room_id=standup&status=live');
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((error: { attribute: string }) => error.attribute)).toEqual([
      'room_id',
      'status',
    ]);
    const unknown = 'c22d24f6-5a47-4597-9a23-c7d01e696b92';
    expect((await call('GET', `/room_sessions/${unknown}`)).status).toBe(404);
    expect((await call('GET', `/room_sessions/${unknown}/members`)).body.data).toEqual([]);
    expect((await call('GET', `/room_sessions/${unknown}/recordings`)).body.data).toEqual([]);
    expect((await call('GET', '/room_sessions/not-a-uuid/members')).status).toBe(400);
  });
});

describe('SignalWire emulator: joins refused', () => {
  it('refuses a token whose signature does not verify, or that it never issued', async () => {
    await createRoom({ name: 'standup' });
    const token = await mint({ room_name: 'standup' });
    const [header, claims, signature = ''] = token.split('.');
    const forgedClaims = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), u: 'mallory' }),
    ).toString('base64url');
    const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
    const other = createSignalWireEmulator({ projectId, apiToken });
    const otherRunning = await startEmulator(other, { port: 0 });
    let foreign: string;
    try {
      const response = await fetch(`${otherRunning.url}/api/video/room_tokens`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ room_name: 'standup' }),
      });
      foreign = ((await response.json()) as { token: string }).token;
    } finally {
      await otherRunning.close();
    }

    for (const bad of [
      `${header}.${forgedClaims}.${signature}`,
      `${header}.${claims}.${flipped}`,
      foreign,
      'not-a-token',
      'vpt_00000000000000000000000000000000',
    ]) {
      expect(await admin('join', { token: bad })).toEqual({
        status: 401,
        body: { error: 'Unauthorized' },
      });
    }
    // A reset forgets every token issued before it.
    emulator.reset();
    await createRoom({ name: 'standup' });
    expect((await admin('join', { token })).status).toBe(401);
  });

  it('refuses a token past its join_until, and one for a room closed to new joins', async () => {
    await createRoom({ name: 'standup' });
    const expiring = await mint({ room_name: 'standup', join_until: '2026-03-02T10:05:00Z' });
    const early = await mint({ room_name: 'standup', join_from: '2026-03-02T11:00:00Z' });
    clock = Date.parse('2026-03-02T10:05:00Z');
    expect(await admin('join', { token: expiring })).toEqual({
      status: 403,
      body: { error: 'Forbidden' },
    });
    expect((await admin('join', { token: early })).status).toBe(403);

    // A room whose join_until has passed (how the service disables one) takes nobody new,
    // whatever the token allows.
    const closed = await createRoom({ name: 'closed' });
    const open = await mint({ room_name: 'closed' });
    await call('PUT', `/rooms/${closed.id}`, { join_until: '2026-03-02T10:05:00Z' });
    expect((await admin('join', { token: open })).status).toBe(403);
  });

  it('refuses a token for a room that is gone, with the error code SignalWire lists for it', async () => {
    const room = await createRoom({ name: 'standup' });
    const token = await mint({ room_name: 'standup' });
    await call('DELETE', `/rooms/${room.id}`);
    expect(await admin('join', { token })).toEqual({
      status: 422,
      body: {
        errors: [
          {
            type: 'validation_error',
            code: 'token_not_associated_with_video_room',
            message: 'The token is for room standup, which does not exist',
            attribute: 'token',
            url: 'https://signalwire.com/docs/apis/error-codes',
          },
        ],
      },
    });
  });

  it('refuses a join past max_members, and a body without a token', async () => {
    await createRoom({ name: 'pair', max_members: 1 });
    const token = await mint({ room_name: 'pair' });
    await join(token, 'first');
    expect((await admin('join', { token })).status).toBe(403);
    expect(await admin('join', { name: 'Ada' })).toEqual({
      status: 400,
      body: { error: 'Bad Request' },
    });
    expect((await admin('leave', {})).status).toBe(400);
  });
});

describe('SignalWire emulator: recordings and events', () => {
  async function recordedSession(): Promise<{ sessionId: string; participantId: string }> {
    await createRoom({ name: 'recorded', record_on_start: true });
    const participantId = await join(await mint({ room_name: 'recorded', user_name: 'ada' }));
    const [session] = (await call('GET', '/room_sessions')).body.data;
    return { sessionId: session.id, participantId };
  }

  it('records a record_on_start room from the first join, and readies the file after the delay', async () => {
    const { sessionId, participantId } = await recordedSession();
    const live = (await call('GET', `/room_sessions/${sessionId}/recordings`)).body.data;
    expect(live).toEqual([
      {
        id: expect.stringMatching(uuid),
        room_session_id: sessionId,
        status: 'recording',
        started_at: '2026-03-02T10:00:00Z',
        finished_at: null,
        duration: null,
        size_in_bytes: null,
        format: null,
        cost_in_dollars: 0,
        uri: null,
        created_at: '2026-03-02T10:00:00Z',
        updated_at: '2026-03-02T10:00:00Z',
      },
    ]);
    const recordingId = live[0].id;

    clock += 120_000;
    await admin('leave', { participantId });
    const stopped = (await call('GET', `/room_recordings/${recordingId}`)).body;
    expect(stopped).toMatchObject({
      status: 'processing',
      finished_at: '2026-03-02T10:02:00Z',
      duration: 120,
      uri: null,
    });

    clock += 299;
    expect((await call('GET', `/room_recordings/${recordingId}`)).body.status).toBe('processing');
    clock += 1;
    const ready = (await call('GET', `/room_recordings/${recordingId}?media_ttl=60`)).body;
    expect(ready).toMatchObject({
      status: 'completed',
      size_in_bytes: 120 * 125_000,
      format: 'video/mp4',
      updated_at: '2026-03-02T10:02:00Z',
    });
    // A temporary link, valid media_ttl seconds from this read (RL §3).
    const link = new URL(ready.uri);
    expect(link.origin).toBe(running.url);
    expect(Number(link.searchParams.get('expires'))).toBe(Math.floor(clock / 1000) + 60);
    expect(link.searchParams.get('signature')).toMatch(/^[\w-]{43}$/);
    const defaultLink = new URL((await call('GET', `/room_recordings/${recordingId}`)).body.uri);
    expect(Number(defaultLink.searchParams.get('expires'))).toBe(Math.floor(clock / 1000) + 900);
  });

  it('lists recordings across sessions newest first, with links for each, and deletes one', async () => {
    const { participantId } = await recordedSession();
    clock += 10_000;
    await admin('leave', { participantId });
    clock += 1_000;
    await join(await mint({ room_name: 'recorded' }), 'Grace');
    clock += 1_000;

    const listed = (await call('GET', '/room_recordings?media_ttl=30')).body.data;
    expect(listed.map((recording: { status: string }) => recording.status)).toEqual([
      'recording',
      'completed',
    ]);
    expect(listed[1].uri).toContain('expires=');
    expect((await call('DELETE', `/room_recordings/${listed[1].id}`)).status).toBe(204);
    expect((await call('DELETE', `/room_recordings/${listed[1].id}`)).status).toBe(404);
    expect((await call('GET', `/room_recordings/${listed[1].id}`)).status).toBe(404);
    expect((await call('GET', '/room_recordings')).body.data).toHaveLength(1);
  });

  it('answers 422 for a media_ttl that is not a positive integer', async () => {
    for (const ttl of ['0', '-5', 'soon', '1.5']) {
      const response = await call('GET', `/room_recordings?media_ttl=${ttl}`);
      expect(response.status).toBe(422);
      expect(response.body.errors[0]).toMatchObject({
        code: 'invalid_parameter',
        attribute: 'media_ttl',
      });
    }
  });

  it("keeps each session's and recording's events in the order they happened", async () => {
    const { sessionId, participantId } = await recordedSession();
    clock += 5_000;
    await admin('leave', { participantId });
    const events = (await call('GET', `/room_sessions/${sessionId}/events`)).body.data;
    expect(events.map((event: { name: string }) => event.name)).toEqual([
      'room.started',
      'recording.started',
      'member.joined',
      'member.left',
      'recording.ended',
      'room.ended',
    ]);
    expect(events[2]).toMatchObject({
      project_id: projectId,
      room_session_id: sessionId,
      room_participant_id: participantId,
      level: 'info',
      payload: { id: participantId, name: 'ada' },
    });
    const recordingId = events[1].room_recording_id;
    const recordingEvents = (await call('GET', `/room_recordings/${recordingId}/events`)).body.data;
    expect(recordingEvents.map((event: { name: string }) => event.name)).toEqual([
      'recording.started',
      'recording.ended',
    ]);
  });
});
