import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../src/config.js';
import {
  EVENT_SOURCES,
  type EventSource,
  ROOM_EVENT_TYPES,
  type RoomEventType,
} from '../../src/domain/room-event.js';
import { atProvider, emulatorAdmin, type Json, type ProviderId } from '../helpers/at-provider.js';
import { EventTape, type TapedEvent } from '../helpers/event-tape.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Issue 17: every room event type each provider can produce, caused through the route that
 * really produces it, reaches a `roomEvents` subscriber over SSE with the expected source, its
 * room, session, participant and recording resolved, and nothing twice.
 *
 * `EVENTS_PER_PROVIDER` is the table: provider → type → the sources that can report it (none:
 * the provider cannot, and docs/events.md, "Events per provider", says why). Each provider's
 * scenario causes every change its row names, through each of those sources, and must see
 * exactly the row's (type, source) pairs; the last test holds the docs' table to this one.
 *
 * Routes: API = a write through this service; WEBHOOK = the 100ms emulator's own webhooks into
 * `POST /webhooks/hms`; POLL = a change made behind the service's back (the emulator's REST API,
 * or a client joining through its admin routes) found by the poller. The same change seen by
 * two sources is one event, whose source is whichever saw it first, so each phase lets one
 * source see its changes first: during API writes and webhooks the poller runs only when the
 * test says so (`pollOnce`, after each step: its round must add nothing, which the next step's
 * read would show), and in the polling phase it runs on its own timer, every POLL_MS (250 ms at
 * Videsk, within its request rate). Each provider has a server of its own, so one phase's
 * rounds never reach into another's.
 */
const POLL_MS = 100;

type Row = Readonly<Record<RoomEventType, readonly EventSource[]>>;

const EVENTS_PER_PROVIDER: Readonly<Record<ProviderId, Row>> = {
  signalwire: {
    ROOM_CREATED: ['API', 'POLL'],
    ROOM_UPDATED: ['API', 'POLL'],
    ROOM_DISABLED: ['API', 'POLL'],
    ROOM_ENABLED: ['API', 'POLL'],
    ROOM_DELETED: ['API', 'POLL'],
    // Room-life writes are Realtime SDK calls, unsupported here: room life is read by polling.
    SESSION_STARTED: ['POLL'],
    SESSION_ENDED: ['POLL'],
    PARTICIPANT_JOINED: ['POLL'],
    PARTICIPANT_LEFT: ['POLL'],
    RECORDING_STARTED: ['POLL'],
    RECORDING_READY: ['POLL'],
    // RoomRecordingStatus is recording | paused | processing | completed: none fails.
    RECORDING_FAILED: [],
  },
  netless: {
    ROOM_CREATED: ['API', 'POLL'],
    // isBan is a room's only mutable field; rooms cannot be deleted.
    ROOM_UPDATED: [],
    ROOM_DISABLED: ['API', 'POLL'],
    ROOM_ENABLED: ['API', 'POLL'],
    ROOM_DELETED: [],
    // No sessions, members or recordings over REST: the client SDK alone sees them.
    SESSION_STARTED: [],
    SESSION_ENDED: [],
    PARTICIPANT_JOINED: [],
    PARTICIPANT_LEFT: [],
    RECORDING_STARTED: [],
    RECORDING_READY: [],
    RECORDING_FAILED: [],
  },
  hms: {
    ROOM_CREATED: ['API', 'POLL'],
    ROOM_UPDATED: ['API', 'POLL'],
    ROOM_DISABLED: ['API', 'POLL'],
    ROOM_ENABLED: ['API', 'POLL'],
    // Rooms are disabled, never deleted.
    ROOM_DELETED: [],
    SESSION_STARTED: ['WEBHOOK', 'POLL'],
    SESSION_ENDED: ['API', 'WEBHOOK', 'POLL'],
    PARTICIPANT_JOINED: ['WEBHOOK', 'POLL'],
    PARTICIPANT_LEFT: ['API', 'WEBHOOK', 'POLL'],
    RECORDING_STARTED: ['API', 'WEBHOOK', 'POLL'],
    RECORDING_READY: ['WEBHOOK', 'POLL'],
    RECORDING_FAILED: ['WEBHOOK', 'POLL'],
  },
  videsk: {
    ROOM_CREATED: ['API', 'POLL'],
    ROOM_UPDATED: ['API', 'POLL'],
    ROOM_DISABLED: ['API', 'POLL'],
    // An ended room never reopens; rooms cannot be deleted.
    ROOM_ENABLED: [],
    ROOM_DELETED: [],
    // A room is its own session, open from nbf: no write starts it.
    SESSION_STARTED: ['POLL'],
    SESSION_ENDED: ['API', 'POLL'],
    // No presence and no recordings in VPaaS.
    PARTICIPANT_JOINED: [],
    PARTICIPANT_LEFT: [],
    RECORDING_STARTED: [],
    RECORDING_READY: [],
    RECORDING_FAILED: [],
  },
};

/** The (type, source) pairs of a row, as `EventTape.seen` spells them. */
function pairsOf(row: Row): string[] {
  return ROOM_EVENT_TYPES.flatMap((type) => row[type].map((source) => `${type} ${source}`)).sort();
}

// ---------------------------------------------------------------------------------------------
// Talking to the service

async function graphql(server: TestServer, query: string, variables: Record<string, unknown>) {
  const response = await server.post(JSON.stringify({ query, variables }));
  const body = (await response.json()) as { data?: Json; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

const INPUT_TYPES: Record<string, string> = {
  createRoom: 'CreateRoomInput',
  updateRoom: 'UpdateRoomInput',
  disableRoom: 'RoomIdInput',
  enableRoom: 'RoomIdInput',
  deleteRoom: 'RoomIdInput',
  createRoomToken: 'CreateRoomTokenInput',
  removeParticipant: 'RemoveParticipantInput',
  endRoomSession: 'EndRoomSessionInput',
  startRecording: 'RecordingRoomInput',
  stopRecording: 'RecordingRoomInput',
};

/** A mutation through the service; its result union, with `__typename` and any error's code. */
async function write(
  server: TestServer,
  field: string,
  input: Record<string, unknown>,
  selection = '',
): Promise<Json> {
  const data = await graphql(
    server,
    `mutation ($input: ${INPUT_TYPES[field]}!) {
      result: ${field}(input: $input) { __typename ... on Error { code message } ${selection} }
    }`,
    { input },
  );
  return data.result;
}

/** A mutation that must succeed. */
async function succeed(
  server: TestServer,
  field: string,
  input: Record<string, unknown>,
  selection = '',
): Promise<Json> {
  const result = await write(server, field, input, selection);
  expect(result.__typename, `${field}: ${JSON.stringify(result)}`).toMatch(/Success$/);
  return result;
}

/** Mutations the provider cannot do: each answers UNSUPPORTED_OPERATION (and publishes nothing). */
async function refused(server: TestServer, writes: [string, Record<string, unknown>][]) {
  for (const [field, input] of writes) {
    expect(await write(server, field, input), field).toMatchObject({
      __typename: 'UnsupportedOperationError',
      code: 'UNSUPPORTED_OPERATION',
    });
  }
}

/** Creates a room through the service: its global id and the name the API shows. */
async function createRoom(server: TestServer, input: Record<string, unknown>) {
  const result = await succeed(
    server,
    'createRoom',
    input,
    '... on CreateRoomSuccess { room { id name } }',
  );
  return result.room as { id: string; name: string };
}

/** Mints a join token through the service, then joins with it as a client would. */
async function join(server: TestServer, kind: ProviderId, roomId: string, identity: string) {
  const role = kind === 'hms' ? 'HOST' : 'PARTICIPANT';
  const minted = await succeed(
    server,
    'createRoomToken',
    { roomId, role, identity },
    '... on CreateRoomTokenSuccess { roomToken { token } }',
  );
  const joined = await emulatorAdmin(server, kind, '/join', {
    token: minted.roomToken.token,
    name: identity,
  });
  expect(joined.status, JSON.stringify(joined.body)).toBeLessThan(300);
  return joined.body.participantId as string;
}

async function leave(server: TestServer, kind: ProviderId, participantId: string) {
  const left = await emulatorAdmin(server, kind, '/leave', { participantId });
  expect(left.status, JSON.stringify(left.body)).toBeLessThan(300);
}

/** Waits for a condition at the provider (a recording's file), never for longer than `ms`. */
async function until(check: () => Promise<boolean>, ms = 5_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) {
      throw new Error('the provider did not get there in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A test server whose poller runs only when asked (`pollOnce`) until the test starts its timer
 * (`server.poller.start()`), which then reads the account every `pollMs`.
 */
async function startMatrixServer(
  options: {
    readonly pollMs?: number;
    readonly providers?: (emulated: ProviderConfig[]) => ProviderConfig[];
  } = {},
): Promise<TestServer> {
  const server = await startTestServer({
    config: { pollIntervalMs: options.pollMs ?? POLL_MS },
    providers: options.providers,
  });
  // Nobody subscribes before this, so no round has had an account to read.
  server.poller.stop();
  return server;
}

/** The scenario of each provider records what it saw, for the coverage check. */
const seenBy: Partial<Record<ProviderId, Set<string>>> = {};

function coverage(kind: ProviderId) {
  it(`produces exactly its row of the table: every type it can, by every source that can report it`, () => {
    expect([...(seenBy[kind] ?? [])].sort()).toEqual(pairsOf(EVENTS_PER_PROVIDER[kind]));
  });
}

// ---------------------------------------------------------------------------------------------

describe('SignalWire: room writes through the API; room life by polling', () => {
  let server: TestServer;
  let tape: EventTape;
  const kind = 'signalwire';

  beforeAll(async () => {
    server = await startMatrixServer();
    tape = await EventTape.open(server.url, kind);
    seenBy[kind] = tape.seen;
    await server.poller.pollOnce();
  });
  afterAll(async () => {
    tape?.close();
    await server?.close();
  });

  it('publishes each room write as API, and polling adds nothing', async () => {
    const room = await createRoom(server, { providerKey: kind, name: 'sw_api' });
    await tape.next('createRoom', [['ROOM_CREATED', 'API', 'sw_api']]);
    await server.poller.pollOnce();

    await succeed(server, 'updateRoom', { id: room.id, displayName: 'Renamed' });
    await tape.next('updateRoom', [['ROOM_UPDATED', 'API', 'sw_api']]);
    await server.poller.pollOnce();

    await succeed(server, 'disableRoom', { id: room.id });
    await tape.next('disableRoom', [['ROOM_DISABLED', 'API', 'sw_api']]);
    await server.poller.pollOnce();

    await succeed(server, 'enableRoom', { id: room.id });
    await tape.next('enableRoom', [['ROOM_ENABLED', 'API', 'sw_api']]);
    await server.poller.pollOnce();

    // Room life is the Realtime SDK's: the service cannot write it, so it publishes nothing.
    await refused(server, [
      ['endRoomSession', { roomId: room.id, lock: true }],
      ['startRecording', { roomId: room.id }],
      ['stopRecording', { roomId: room.id }],
    ]);

    await succeed(server, 'deleteRoom', { id: room.id });
    await tape.next('deleteRoom', [['ROOM_DELETED', 'API', 'sw_api']]);
    await server.poller.pollOnce();
  });

  it('reports what changes at SignalWire, and who comes and goes, as POLL', async () => {
    server.poller.start();
    const created = await atProvider(server, kind, 'POST', '/rooms', {
      name: 'sw_poll',
      record_on_start: true,
    });
    expect(created.status).toBe(200);
    const [made] = await tape.next('a room made at SignalWire', [
      ['ROOM_CREATED', 'POLL', 'sw_poll'],
    ]);
    const roomId = (made as TapedEvent).roomId;
    const path = `/rooms/${created.body.id}`;

    expect((await atProvider(server, kind, 'PUT', path, { display_name: 'Polled' })).status).toBe(
      200,
    );
    await tape.next('a room changed at SignalWire', [['ROOM_UPDATED', 'POLL', 'sw_poll']]);

    // SignalWire has no enabled flag: a join window that has closed is a disabled room.
    const closed = { join_until: new Date().toISOString() };
    expect((await atProvider(server, kind, 'PUT', path, closed)).status).toBe(200);
    await tape.next('its join window closed', [['ROOM_DISABLED', 'POLL', 'sw_poll']]);
    const reopened = { join_until: '2999-01-01T00:00:00Z' };
    expect((await atProvider(server, kind, 'PUT', path, reopened)).status).toBe(200);
    await tape.next('its join window reopened', [['ROOM_ENABLED', 'POLL', 'sw_poll']]);

    // The first join starts the session, and record_on_start its recording.
    const ada = await join(server, kind, roomId, 'ada');
    await tape.next('ada joins', [
      ['SESSION_STARTED', 'POLL', 'sw_poll'],
      ['PARTICIPANT_JOINED', 'POLL', 'sw_poll', 'ada'],
      ['RECORDING_STARTED', 'POLL', 'sw_poll'],
    ]);
    // The last one out ends the session; its recording is ready a little later.
    await leave(server, kind, ada);
    await tape.next('ada leaves', [
      ['PARTICIPANT_LEFT', 'POLL', 'sw_poll', 'ada'],
      ['SESSION_ENDED', 'POLL', 'sw_poll'],
      ['RECORDING_READY', 'POLL', 'sw_poll'],
    ]);

    expect((await atProvider(server, kind, 'DELETE', path)).status).toBe(204);
    await tape.next('a room deleted at SignalWire', [['ROOM_DELETED', 'POLL', 'sw_poll']]);

    // Later rounds publish nothing more: the next event is a room made after them.
    await atProvider(server, kind, 'POST', '/rooms', { name: 'sw_last' });
    await tape.next('a last room', [['ROOM_CREATED', 'POLL', 'sw_last']]);
  });

  coverage(kind);
});

describe('Netless: room writes and bans, no room life', () => {
  let server: TestServer;
  let tape: EventTape;
  const kind = 'netless';

  beforeAll(async () => {
    server = await startMatrixServer();
    tape = await EventTape.open(server.url, kind);
    seenBy[kind] = tape.seen;
    await server.poller.pollOnce();
  });
  afterAll(async () => {
    tape?.close();
    await server?.close();
  });

  it('publishes each room write as API; joins, leaves and ending a session publish nothing', async () => {
    // Netless keeps no names: a room is named by its uuid.
    const room = await createRoom(server, { providerKey: kind, name: 'unused' });
    await tape.next('createRoom', [['ROOM_CREATED', 'API', room.name]]);
    await server.poller.pollOnce();

    await succeed(server, 'disableRoom', { id: room.id });
    await tape.next('disableRoom', [['ROOM_DISABLED', 'API', room.name]]);
    await server.poller.pollOnce();
    await succeed(server, 'enableRoom', { id: room.id });
    await tape.next('enableRoom', [['ROOM_ENABLED', 'API', room.name]]);
    await server.poller.pollOnce();

    // Someone joins and leaves: no REST call shows it, so no source can report it.
    const ada = await join(server, kind, room.id, 'ada');
    await server.poller.pollOnce();
    await leave(server, kind, ada);
    await server.poller.pollOnce();

    // Ending the session is a ban; with lock it stays, the room's disable. No session to end.
    await join(server, kind, room.id, 'ada');
    await succeed(server, 'endRoomSession', { roomId: room.id, lock: true });
    await tape.next('endRoomSession with lock', [['ROOM_DISABLED', 'API', room.name]]);
    await server.poller.pollOnce();
    await succeed(server, 'enableRoom', { id: room.id });
    await tape.next('enableRoom again', [['ROOM_ENABLED', 'API', room.name]]);
    await server.poller.pollOnce();

    await refused(server, [
      ['updateRoom', { id: room.id, displayName: 'x' }],
      ['deleteRoom', { id: room.id }],
      ['startRecording', { roomId: room.id }],
      ['stopRecording', { roomId: room.id }],
    ]);
  });

  it('reports rooms made, banned and unbanned at Netless as POLL', async () => {
    server.poller.start();
    const created = await atProvider(server, kind, 'POST', '/rooms', {});
    expect(created.status).toBe(201);
    const uuid = created.body.uuid as string;
    await tape.next('a room made at Netless', [['ROOM_CREATED', 'POLL', uuid]]);

    const ban = (isBan: boolean) => atProvider(server, kind, 'PATCH', `/rooms/${uuid}`, { isBan });
    expect((await ban(true)).status).toBe(201);
    await tape.next('banned at Netless', [['ROOM_DISABLED', 'POLL', uuid]]);
    expect((await ban(false)).status).toBe(201);
    await tape.next('unbanned at Netless', [['ROOM_ENABLED', 'POLL', uuid]]);
    expect((await ban(true)).status).toBe(201);
    await tape.next('banned again', [['ROOM_DISABLED', 'POLL', uuid]]);

    const last = await atProvider(server, kind, 'POST', '/rooms', {});
    await tape.next('a last room', [['ROOM_CREATED', 'POLL', last.body.uuid]]);
  });

  coverage(kind);
});

describe('100ms: API writes, webhooks and polling', () => {
  let server: TestServer;
  let tape: EventTape;
  const kind = 'hms';
  const HEADER = 'x-hms-webhook-secret';
  const SECRET = 'whs-matrix-0123456789abcdef';
  let room: { id: string; name: string };

  beforeAll(async () => {
    server = await startMatrixServer({
      providers: (emulated) =>
        emulated.map((account) =>
          account.kind === kind
            ? ({ ...account, webhookHeaderName: HEADER, webhookSecret: SECRET } as ProviderConfig)
            : account,
        ),
    });
    tape = await EventTape.open(server.url, kind);
    seenBy[kind] = tape.seen;
    await server.poller.pollOnce();
  });
  afterAll(async () => {
    tape?.close();
    await server?.close();
  });

  /** Where the 100ms emulator sends its webhooks: the service, or nowhere. */
  async function webhooks(on: boolean) {
    const target = on
      ? { url: `${server.origin}/webhooks/hms`, headers: { [HEADER]: SECRET } }
      : { url: null };
    expect((await emulatorAdmin(server, kind, '/webhooks', target)).status).toBe(204);
  }

  /** The native id of a room, for the 100ms API. */
  async function nativeId(roomId: string): Promise<string> {
    const data = await graphql(server, 'query ($id: ID!) { room(id: $id) { providerRoomId } }', {
      id: roomId,
    });
    return data.room.providerRoomId;
  }

  /** A recording started at 100ms itself (its dashboard, another app), not through us. */
  async function recordBehindTheBack(roomId: string) {
    const started = await atProvider(
      server,
      kind,
      'POST',
      `/recordings/room/${await nativeId(roomId)}/start`,
      {},
    );
    expect(started.status).toBe(200);
    return started.body.id as string;
  }

  async function recordingStatus(jobId: string): Promise<string> {
    return (await atProvider(server, kind, 'GET', `/recordings/${jobId}`)).body.status;
  }

  it('publishes sessions, people and recordings from 100ms webhooks, and polling adds nothing', async () => {
    room = await createRoom(server, { providerKey: kind, name: 'hms-matrix' });
    await tape.next('createRoom', [['ROOM_CREATED', 'API', 'hms-matrix']]);
    await webhooks(true);

    const ada = await join(server, kind, room.id, 'ada');
    await tape.next('ada joins', [
      ['SESSION_STARTED', 'WEBHOOK', 'hms-matrix'],
      ['PARTICIPANT_JOINED', 'WEBHOOK', 'hms-matrix', 'ada'],
    ]);
    await server.poller.pollOnce();
    const job = await recordBehindTheBack(room.id);
    await tape.next('a recording starts', [['RECORDING_STARTED', 'WEBHOOK', 'hms-matrix']]);
    await server.poller.pollOnce();
    await leave(server, kind, ada);
    await tape.next('ada leaves', [
      ['PARTICIPANT_LEFT', 'WEBHOOK', 'hms-matrix', 'ada'],
      ['SESSION_ENDED', 'WEBHOOK', 'hms-matrix'],
      ['RECORDING_READY', 'WEBHOOK', 'hms-matrix'],
    ]);
    expect(await recordingStatus(job)).toBe('completed');
    await server.poller.pollOnce();

    // The next recording fails (its upload, say): beam.failure.
    expect((await emulatorAdmin(server, kind, '/fail-next-recording', {})).status).toBe(204);
    const grace = await join(server, kind, room.id, 'grace');
    await tape.next('grace joins', [
      ['SESSION_STARTED', 'WEBHOOK', 'hms-matrix'],
      ['PARTICIPANT_JOINED', 'WEBHOOK', 'hms-matrix', 'grace'],
    ]);
    await server.poller.pollOnce();
    const failing = await recordBehindTheBack(room.id);
    await tape.next('another recording starts', [['RECORDING_STARTED', 'WEBHOOK', 'hms-matrix']]);
    await server.poller.pollOnce();
    await leave(server, kind, grace);
    await tape.next('grace leaves, and the recording fails', [
      ['PARTICIPANT_LEFT', 'WEBHOOK', 'hms-matrix', 'grace'],
      ['SESSION_ENDED', 'WEBHOOK', 'hms-matrix'],
      ['RECORDING_FAILED', 'WEBHOOK', 'hms-matrix'],
    ]);
    expect(await recordingStatus(failing)).toBe('failed');
    // The room was in use lately, so this round reads its recordings: both seen, nothing new.
    await server.poller.pollOnce();
    await webhooks(false);
  });

  it('publishes each write through the service as API, and polling adds nothing', async () => {
    await succeed(server, 'updateRoom', { id: room.id, description: 'changed' });
    await tape.next('updateRoom', [['ROOM_UPDATED', 'API', 'hms-matrix']]);
    await server.poller.pollOnce();
    await succeed(server, 'disableRoom', { id: room.id });
    await tape.next('disableRoom', [['ROOM_DISABLED', 'API', 'hms-matrix']]);
    await server.poller.pollOnce();
    await succeed(server, 'enableRoom', { id: room.id });
    await tape.next('enableRoom', [['ROOM_ENABLED', 'API', 'hms-matrix']]);
    await server.poller.pollOnce();
    await refused(server, [['deleteRoom', { id: room.id }]]);

    // Webhooks are off: the joins are polling's to report, in the round the test runs.
    await join(server, kind, room.id, 'ada');
    await join(server, kind, room.id, 'grace');
    await server.poller.pollOnce();
    const joined = await tape.next('ada and grace join, seen by a poll', [
      ['SESSION_STARTED', 'POLL', 'hms-matrix'],
      ['PARTICIPANT_JOINED', 'POLL', 'hms-matrix', 'ada'],
      ['PARTICIPANT_JOINED', 'POLL', 'hms-matrix', 'grace'],
    ]);
    const grace = joined.find((event) => event.participant?.identity === 'grace');

    await succeed(server, 'startRecording', { roomId: room.id });
    await tape.next('startRecording', [['RECORDING_STARTED', 'API', 'hms-matrix']]);
    await server.poller.pollOnce();

    await succeed(server, 'removeParticipant', {
      roomId: room.id,
      participantId: grace?.participant?.id,
    });
    await tape.next('removeParticipant', [['PARTICIPANT_LEFT', 'API', 'hms-matrix', 'grace']]);
    await server.poller.pollOnce();

    // Ending with lock ends the session and disables the room. Ada, taken out with it, is
    // reported by the next poll (webhooks being off), which finds the room and session as the
    // write left them.
    await succeed(server, 'endRoomSession', { roomId: room.id, lock: true });
    await server.poller.pollOnce();
    await tape.next('endRoomSession with lock', [
      ['SESSION_ENDED', 'API', 'hms-matrix'],
      ['ROOM_DISABLED', 'API', 'hms-matrix'],
      ['PARTICIPANT_LEFT', 'POLL', 'hms-matrix', 'ada'],
    ]);
    // The recording stopped with the session; a poll finds its file ready.
    await until(async () => {
      const jobs = await atProvider(
        server,
        kind,
        'GET',
        `/recordings?room_id=${await nativeId(room.id)}`,
      );
      return jobs.body.data[0]?.status === 'completed';
    });
    await server.poller.pollOnce();
    await tape.next('its file is ready', [['RECORDING_READY', 'POLL', 'hms-matrix']]);
  });

  it('reports what changes at 100ms, and who comes and goes, as POLL', async () => {
    server.poller.start();
    const created = await atProvider(server, kind, 'POST', '/rooms', { name: 'hms-polled' });
    expect(created.status).toBe(200);
    const [made] = await tape.next('a room made at 100ms', [
      ['ROOM_CREATED', 'POLL', 'hms-polled'],
    ]);
    const roomId = (made as TapedEvent).roomId;
    const change = (body: Record<string, unknown>) =>
      atProvider(server, kind, 'POST', `/rooms/${created.body.id}`, body);

    expect((await change({ description: 'changed there' })).status).toBe(200);
    await tape.next('changed at 100ms', [['ROOM_UPDATED', 'POLL', 'hms-polled']]);
    expect((await change({ enabled: false })).status).toBe(200);
    await tape.next('disabled at 100ms', [['ROOM_DISABLED', 'POLL', 'hms-polled']]);
    expect((await change({ enabled: true })).status).toBe(200);
    await tape.next('enabled at 100ms', [['ROOM_ENABLED', 'POLL', 'hms-polled']]);

    const ada = await join(server, kind, roomId, 'ada');
    await tape.next('ada joins', [
      ['SESSION_STARTED', 'POLL', 'hms-polled'],
      ['PARTICIPANT_JOINED', 'POLL', 'hms-polled', 'ada'],
    ]);
    await recordBehindTheBack(roomId);
    await tape.next('a recording starts', [['RECORDING_STARTED', 'POLL', 'hms-polled']]);
    await leave(server, kind, ada);
    await tape.next('ada leaves', [
      ['PARTICIPANT_LEFT', 'POLL', 'hms-polled', 'ada'],
      ['SESSION_ENDED', 'POLL', 'hms-polled'],
      ['RECORDING_READY', 'POLL', 'hms-polled'],
    ]);

    expect((await emulatorAdmin(server, kind, '/fail-next-recording', {})).status).toBe(204);
    const grace = await join(server, kind, roomId, 'grace');
    await tape.next('grace joins', [
      ['SESSION_STARTED', 'POLL', 'hms-polled'],
      ['PARTICIPANT_JOINED', 'POLL', 'hms-polled', 'grace'],
    ]);
    await recordBehindTheBack(roomId);
    await tape.next('another recording starts', [['RECORDING_STARTED', 'POLL', 'hms-polled']]);
    await leave(server, kind, grace);
    await tape.next('grace leaves, and the recording fails', [
      ['PARTICIPANT_LEFT', 'POLL', 'hms-polled', 'grace'],
      ['SESSION_ENDED', 'POLL', 'hms-polled'],
      ['RECORDING_FAILED', 'POLL', 'hms-polled'],
    ]);

    await atProvider(server, kind, 'POST', '/rooms', { name: 'hms-last' });
    await tape.next('a last room', [['ROOM_CREATED', 'POLL', 'hms-last']]);
  });

  coverage(kind);
});

describe('Videsk: room writes, and the room as its own session', () => {
  let server: TestServer;
  let tape: EventTape;
  const kind = 'videsk';

  beforeAll(async () => {
    // Videsk allows an account 20 requests a second, and a round costs 2 here: rounds every
    // 100 ms would leave nothing for the changes the test makes at Videsk with the same token.
    server = await startMatrixServer({ pollMs: 250 });
    tape = await EventTape.open(server.url, kind);
    seenBy[kind] = tape.seen;
    await server.poller.pollOnce();
  });
  afterAll(async () => {
    tape?.close();
    await server?.close();
  });

  it('publishes each write through the service as API; polling sees the sessions open', async () => {
    // An open room is a live session, which no write reports: the next poll does.
    const room = await createRoom(server, { providerKey: kind, name: 'vd-api' });
    await server.poller.pollOnce();
    await tape.next('createRoom, then a poll', [
      ['ROOM_CREATED', 'API', 'vd-api'],
      ['SESSION_STARTED', 'POLL', 'vd-api'],
    ]);
    await succeed(server, 'updateRoom', { id: room.id, displayName: 'Renamed' });
    await tape.next('updateRoom', [['ROOM_UPDATED', 'API', 'vd-api']]);
    await server.poller.pollOnce();

    // Videsk reports no presence: a join and a leave publish nothing.
    const ada = await join(server, kind, room.id, 'ada');
    await server.poller.pollOnce();
    await leave(server, kind, ada);
    await server.poller.pollOnce();

    await succeed(server, 'endRoomSession', { roomId: room.id, lock: true });
    await tape.next('endRoomSession (always locks)', [
      ['SESSION_ENDED', 'API', 'vd-api'],
      ['ROOM_DISABLED', 'API', 'vd-api'],
    ]);
    await server.poller.pollOnce();

    // disableRoom ends the room too; the write reports the room, a poll its session's end.
    const other = await createRoom(server, { providerKey: kind, name: 'vd-disabled' });
    await server.poller.pollOnce();
    await tape.next('another room', [
      ['ROOM_CREATED', 'API', 'vd-disabled'],
      ['SESSION_STARTED', 'POLL', 'vd-disabled'],
    ]);
    await succeed(server, 'disableRoom', { id: other.id });
    await server.poller.pollOnce();
    await tape.next('disableRoom, then a poll', [
      ['ROOM_DISABLED', 'API', 'vd-disabled'],
      ['SESSION_ENDED', 'POLL', 'vd-disabled'],
    ]);

    await refused(server, [
      ['enableRoom', { id: other.id }],
      ['deleteRoom', { id: other.id }],
      ['startRecording', { roomId: other.id }],
    ]);
  });

  it('reports rooms made, changed and ended at Videsk, and their sessions, as POLL', async () => {
    server.poller.start();
    const created = await atProvider(server, kind, 'POST', '/vpaas/rooms', {
      name: 'vd-polled',
      externalId: 'vd-polled',
    });
    expect(created.status).toBe(201);
    await tape.next('a room made at Videsk', [
      ['ROOM_CREATED', 'POLL', 'vd-polled'],
      ['SESSION_STARTED', 'POLL', 'vd-polled'],
    ]);
    const path = `/vpaas/rooms/${created.body.id}`;
    expect((await atProvider(server, kind, 'PATCH', path, { name: 'Polled' })).status).toBe(200);
    await tape.next('changed at Videsk', [['ROOM_UPDATED', 'POLL', 'vd-polled']]);
    expect((await atProvider(server, kind, 'PATCH', path, { ended: true })).status).toBe(200);
    await tape.next('ended at Videsk', [
      ['ROOM_DISABLED', 'POLL', 'vd-polled'],
      ['SESSION_ENDED', 'POLL', 'vd-polled'],
    ]);

    await atProvider(server, kind, 'POST', '/vpaas/rooms', {
      name: 'vd-last',
      externalId: 'vd-last',
    });
    await tape.next('a last room', [
      ['ROOM_CREATED', 'POLL', 'vd-last'],
      ['SESSION_STARTED', 'POLL', 'vd-last'],
    ]);
  });

  coverage(kind);
});

describe('docs/events.md, "Events per provider"', () => {
  it('says what EVENTS_PER_PROVIDER says', () => {
    const text = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    const section = text.slice(text.indexOf('## Events per provider')).split('\n');
    const start = section.findIndex((line) => line.startsWith('|'));
    const end = section.findIndex((line, index) => index > start && !line.startsWith('|'));
    const lines = section.slice(start, end);
    const [header, , ...rows] = lines.map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
    const columns: Record<string, ProviderId> = {
      SignalWire: 'signalwire',
      Netless: 'netless',
      '100ms': 'hms',
      Videsk: 'videsk',
    };
    const documented: Record<string, Record<string, string[]>> = {};
    for (const row of rows ?? []) {
      const type = (row[0] ?? '').replaceAll('`', '');
      header?.slice(1).forEach((name, index) => {
        const provider = columns[name] ?? name;
        // A cell lists sources ("API, POLL"), or "—" with a footnote saying why not.
        const cell = (row[index + 1] ?? '').replace(/\[\^[^\]]*\]/g, '').trim();
        documented[provider] ??= {};
        (documented[provider] as Record<string, string[]>)[type] =
          cell === '—' ? [] : cell.split(/,\s*/);
      });
    }
    expect(documented).toEqual(EVENTS_PER_PROVIDER);
    for (const row of Object.values(EVENTS_PER_PROVIDER)) {
      for (const sources of Object.values(row)) {
        expect(sources.every((source) => EVENT_SOURCES.includes(source))).toBe(true);
      }
    }
  });
});
