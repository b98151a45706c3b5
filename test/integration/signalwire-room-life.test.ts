import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscribe } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Room life at SignalWire through GraphQL over HTTP, against the emulator: a join with a token
 * the service minted, the live session and who is in it, the writes SignalWire keeps to its
 * Realtime SDK answered as unsupported without a call, the session history, and the recording
 * of a room created with recording on, with its download link.
 */
let server: TestServer;
let emulatorUrl: string;

beforeAll(async () => {
  // Polling only when a test asks for a round (pollOnce), never on a timer.
  server = await startTestServer({ config: { pollIntervalMs: 3_600_000 } });
  const running = server.fleet.running.find((entry) => entry.emulator.name === 'signalwire');
  if (!running) {
    throw new Error('no SignalWire emulator in the fleet');
  }
  emulatorUrl = running.url;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.emulator('signalwire').reset();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary GraphQL answers.
type Json = any;

async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<Json> {
  const response = await server.post(JSON.stringify({ query, variables }));
  const body = (await response.json()) as { data?: Json; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data;
}

/** The emulator's admin route: a client joining or leaving, as the Realtime SDK would. */
async function emulatorAdmin(route: 'join' | 'leave', body: unknown) {
  const response = await fetch(`${emulatorUrl}/__emulator/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function createRoom(name: string, recordingEnabled = false): Promise<string> {
  const data = await graphql(
    `mutation ($input: CreateRoomInput!) {
      createRoom(input: $input) { __typename ... on CreateRoomSuccess { room { id } } }
    }`,
    { input: { providerKey: 'signalwire', name, recordingEnabled } },
  );
  expect(data.createRoom.__typename).toBe('CreateRoomSuccess');
  return data.createRoom.room.id;
}

async function mintToken(roomId: string, identity: string): Promise<string> {
  const data = await graphql(
    `mutation ($input: CreateRoomTokenInput!) {
      createRoomToken(input: $input) {
        __typename ... on CreateRoomTokenSuccess { roomToken { token } }
      }
    }`,
    { input: { roomId, role: 'PARTICIPANT', identity } },
  );
  expect(data.createRoomToken.__typename).toBe('CreateRoomTokenSuccess');
  return data.createRoomToken.roomToken.token;
}

const ROOM_LIFE = `query ($id: ID!) {
  room(id: $id) {
    activeSession {
      id status startedAt endedAt participantCount
      participants { edges { node { id identity displayName role providerRole joinedAt leftAt } } }
    }
    sessions(first: 5) {
      edges { node { id status startedAt endedAt participants { edges { node { identity leftAt } } } } }
      pageInfo { hasNextPage }
    }
    recordings(first: 5) {
      edges { node { id status durationSeconds sizeBytes session { id } download { url expiresAt } } }
      pageInfo { hasNextPage }
    }
  }
}`;

describe('SignalWire room life through GraphQL', () => {
  it('follows a join to the live session, its end, its history and its recording', async () => {
    const roomId = await createRoom('life_standup', true);
    const token = await mintToken(roomId, 'ada');

    const joined = await emulatorAdmin('join', { token, name: 'Ada' });
    expect(joined.status).toBe(200);

    const live = (await graphql(ROOM_LIFE, { id: roomId })).room;
    expect(live.activeSession).toMatchObject({
      status: 'LIVE',
      endedAt: null,
      participantCount: null,
    });
    // SignalWire names the member by the token's user_name, which the service set to the
    // identity; it keeps no role.
    const participants = live.activeSession.participants.edges.map((edge: Json) => edge.node);
    expect(participants).toEqual([
      {
        id: expect.any(String),
        identity: 'ada',
        displayName: 'ada',
        role: null,
        providerRole: null,
        joinedAt: expect.any(String),
        leftAt: null,
      },
    ]);
    expect(live.sessions.edges.map((edge: Json) => edge.node.id)).toEqual([live.activeSession.id]);
    // Recording from the first join (record_on_start); no file yet, so no link.
    expect(live.recordings.edges.map((edge: Json) => edge.node)).toEqual([
      expect.objectContaining({ status: 'RECORDING', download: null }),
    ]);

    // The writes SignalWire does only in its Realtime SDK: typed errors, and no upstream call.
    const calls = server.emulator('signalwire').log.count();
    const refused = await graphql(
      `mutation ($room: ID!, $participant: ID!) {
        removeParticipant(input: { roomId: $room, participantId: $participant }) { ...refusal }
        endRoomSession(input: { roomId: $room, lock: true }) { ...refusal }
        startRecording(input: { roomId: $room }) { ...refusal }
        stopRecording(input: { roomId: $room }) { ...refusal }
      }
      fragment refusal on Error {
        __typename code message ... on UnsupportedOperationError { provider operation }
      }`,
      { room: roomId, participant: participants[0].id },
    );
    for (const operation of [
      'removeParticipant',
      'endRoomSession',
      'startRecording',
      'stopRecording',
    ]) {
      expect(refused[operation]).toMatchObject({
        __typename: 'UnsupportedOperationError',
        code: 'UNSUPPORTED_OPERATION',
        provider: 'signalwire',
        operation,
        message: expect.stringContaining('Realtime SDK'),
      });
    }
    expect(server.emulator('signalwire').log.count()).toBe(calls);

    // The person leaves as a client would; the last one out ends the session.
    const participantId = joined.body.participantId;
    expect((await emulatorAdmin('leave', { participantId })).status).toBe(204);

    // The recording is ready a little after the session ends (the emulator's 300 ms).
    let after: Json;
    for (let attempt = 0; attempt < 40; attempt++) {
      after = (await graphql(ROOM_LIFE, { id: roomId })).room;
      if (after.recordings.edges[0]?.node.status === 'READY') {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(after.activeSession).toBeNull();
    const [ended] = after.sessions.edges.map((edge: Json) => edge.node);
    expect(ended).toMatchObject({
      id: live.activeSession.id,
      status: 'ENDED',
      startedAt: live.activeSession.startedAt,
      endedAt: expect.any(String),
      participants: { edges: [{ node: { identity: 'ada', leftAt: expect.any(String) } }] },
    });
    expect(after.sessions.pageInfo.hasNextPage).toBe(false);

    const [recording] = after.recordings.edges.map((edge: Json) => edge.node);
    expect(recording).toMatchObject({
      status: 'READY',
      session: { id: ended.id },
      durationSeconds: expect.any(Number),
      sizeBytes: expect.any(Number),
    });
    // A link SignalWire minted for media_ttl = 900 s, from the read on.
    expect(new URL(recording.download.url).origin).toBe(emulatorUrl);
    const expiresIn = Date.parse(recording.download.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(890_000);
    expect(expiresIn).toBeLessThanOrEqual(900_000);

    // Both come back by their global ids.
    const nodes = await graphql(
      `query ($ids: [ID!]!) {
        nodes(ids: $ids) {
          __typename
          ... on RoomSession { sessionStatus: status room { id } }
          ... on Recording { recordingStatus: status session { status } }
        }
      }`,
      { ids: [ended.id, recording.id] },
    );
    expect(nodes.nodes).toEqual([
      { __typename: 'RoomSession', sessionStatus: 'ENDED', room: { id: roomId } },
      { __typename: 'Recording', recordingStatus: 'READY', session: { status: 'ENDED' } },
    ]);
  });

  it('reads the live sessions of a page of rooms in one upstream call', async () => {
    const ids: string[] = [];
    for (const name of ['page_a', 'page_b', 'page_c', 'page_d']) {
      ids.push(await createRoom(name));
    }
    for (const id of [ids[1], ids[3]] as string[]) {
      expect((await emulatorAdmin('join', { token: await mintToken(id, 'x') })).status).toBe(200);
    }
    const log = server.emulator('signalwire').log;
    log.clear();

    const data = await graphql(`{
      provider(key: "signalwire") {
        rooms(first: 10) { edges { node { name activeSession { status } } } }
      }
    }`);

    expect(
      data.provider.rooms.edges.map((edge: Json) => [edge.node.name, edge.node.activeSession]),
    ).toEqual([
      ['page_a', null],
      ['page_b', { status: 'LIVE' }],
      ['page_c', null],
      ['page_d', { status: 'LIVE' }],
    ]);
    // 3 calls: the listing walks conferences, then rooms (1 + 1: no conference, so the rooms
    // fill the page), and the four rooms' live sessions are one project-wide list of
    // in-progress sessions (1), not one call per room (4).
    expect(log.all().map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'GET /api/video/conferences',
      'GET /api/video/rooms',
      'GET /api/video/room_sessions',
    ]);
    expect(log.all()[2]?.query).toEqual({ status: 'in-progress', page_size: '1000' });
  });

  it('reports the session, who came and went, and the recording, by polling', async () => {
    const roomId = await createRoom('polled', true);
    const subscription = await subscribe<{ data?: { roomEvents: Json } }>(
      server.url,
      `subscription {
        roomEvents(
          providerKeys: ["signalwire"]
          types: [SESSION_STARTED, SESSION_ENDED, PARTICIPANT_JOINED, PARTICIPANT_LEFT,
            RECORDING_STARTED, RECORDING_READY]
        ) { type source roomId participant { identity } recording { status } }
      }`,
    );
    const next = async (count: number) => {
      const events: Json[] = [];
      for (let index = 0; index < count; index++) {
        events.push((await subscription.next(3_000)).data?.roomEvents);
      }
      return events;
    };
    try {
      // Once the subscriber is watching the account, the first round is its baseline: nothing
      // before it is news.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.poller.pollOnce();

      const joined = await emulatorAdmin('join', { token: await mintToken(roomId, 'ada') });
      await server.poller.pollOnce();
      expect(await next(3)).toEqual([
        { type: 'SESSION_STARTED', source: 'POLL', roomId, participant: null, recording: null },
        {
          type: 'PARTICIPANT_JOINED',
          source: 'POLL',
          roomId,
          participant: { identity: 'ada' },
          recording: null,
        },
        // The recording as it is when delivered: still running.
        {
          type: 'RECORDING_STARTED',
          source: 'POLL',
          roomId,
          participant: null,
          recording: { status: 'RECORDING' },
        },
      ]);

      await emulatorAdmin('leave', { participantId: joined.body.participantId });
      await new Promise((resolve) => setTimeout(resolve, 400));
      await server.poller.pollOnce();
      expect((await next(3)).map((event) => [event.type, event.participant?.identity])).toEqual([
        ['PARTICIPANT_LEFT', 'ada'],
        ['SESSION_ENDED', undefined],
        ['RECORDING_READY', undefined],
      ]);
    } finally {
      subscription.close();
    }
  });
});
