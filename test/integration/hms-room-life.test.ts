import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateRoomDocument, CreateRoomTokenDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * 100ms room life end to end, through GraphQL over HTTP against the emulator: a room, a join
 * token minted by this service, joins through the emulator's admin route (the token checked as
 * 100ms checks it), the live session and its participants, a recording, removing a participant,
 * ending the session, the session history and the recording's download link. 100ms supports
 * every room-life operation, so no step here answers UNSUPPORTED_OPERATION (the contract test
 * covers deleteRoom and listRoomTokens, the two it lacks).
 */
let server: TestServer;
let emulatorUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  const running = server.fleet.running.find((candidate) => candidate.emulator.name === 'hms');
  emulatorUrl = running?.url ?? '';
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.emulator('hms').reset();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies, field by field.
type Json = Record<string, any>;

/** A raw operation (room-life fields have no codegen document): data and errors. */
async function graphql<T = Json>(
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{
  data: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
}> {
  const response = await server.post(JSON.stringify({ query, variables }));
  return response.json() as Promise<never>;
}

async function createRoom(name: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey: 'hms', name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

/** Mints a join token through the service, then joins with it through the emulator. */
async function join(roomId: string, identity: string, name: string, role: 'HOST' | 'PARTICIPANT') {
  const minted = await server.execute(CreateRoomTokenDocument, {
    input: { roomId, role, identity },
  });
  if (minted.data?.createRoomToken.__typename !== 'CreateRoomTokenSuccess') {
    throw new Error(JSON.stringify(minted));
  }
  const response = await fetch(`${emulatorUrl}/__emulator/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: minted.data.createRoomToken.roomToken.token, name }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { participantId: string }).participantId;
}

const LIVE = /* GraphQL */ `
  query ($id: ID!) {
    room(id: $id) {
      activeSession {
        id
        status
        participantCount
        participants {
          edges { node { id identity displayName role providerRole leftAt } }
        }
      }
    }
  }
`;

describe('100ms room life through GraphQL', () => {
  it('shows a live session, removes a participant, ends the session and serves its recording', async () => {
    const roomId = await createRoom('life-end-to-end');
    await join(roomId, 'ada', 'Ada', 'HOST');
    await join(roomId, 'grace', 'Grace', 'PARTICIPANT');

    const live = await graphql(LIVE, { id: roomId });
    expect(live.errors).toBeUndefined();
    const session = live.data.room.activeSession;
    expect(session).toMatchObject({ status: 'LIVE', participantCount: 2 });
    const people = session.participants.edges.map(
      (edge: { node: Record<string, unknown> }) => edge.node,
    );
    expect(people).toEqual([
      expect.objectContaining({
        identity: 'ada',
        displayName: 'Ada',
        role: 'HOST',
        providerRole: 'host',
        leftAt: null,
      }),
      expect.objectContaining({
        identity: 'grace',
        displayName: 'Grace',
        role: 'PARTICIPANT',
        providerRole: 'guest',
      }),
    ]);

    // The session is a node: node(id) reads it back.
    const node = await graphql(
      `query ($id: ID!) { node(id: $id) { ... on RoomSession { id status } } }`,
      {
        id: session.id,
      },
    );
    expect(node.data.node).toEqual({ id: session.id, status: 'LIVE' });

    const started = await graphql(
      `mutation ($id: ID!) { startRecording(input: { roomId: $id }) {
        __typename ... on StartRecordingSuccess { recording { id status session { id } } }
        ... on Error { code message } } }`,
      { id: roomId },
    );
    expect(started.data.startRecording).toMatchObject({
      __typename: 'StartRecordingSuccess',
      recording: { status: 'RECORDING', session: { id: session.id } },
    });
    const recordingId = started.data.startRecording.recording.id;

    const removed = await graphql(
      `mutation ($room: ID!, $person: ID!) { removeParticipant(input: { roomId: $room, participantId: $person }) {
        __typename ... on RemoveParticipantSuccess { removedParticipantId } ... on Error { code message } } }`,
      { room: roomId, person: people[0].id },
    );
    expect(removed.data.removeParticipant).toEqual({
      __typename: 'RemoveParticipantSuccess',
      removedParticipantId: people[0].id,
    });
    const after = await graphql(LIVE, { id: roomId });
    expect(after.data.room.activeSession).toMatchObject({ id: session.id, participantCount: 1 });

    const ended = await graphql(
      `mutation ($id: ID!) { endRoomSession(input: { roomId: $id }) {
        __typename ... on EndRoomSessionSuccess { room { status activeSession { id } } } ... on Error { code message } } }`,
      { id: roomId },
    );
    // Ended without a lock: the room stays open, with nobody in it.
    expect(ended.data.endRoomSession).toEqual({
      __typename: 'EndRoomSessionSuccess',
      room: { status: 'ACTIVE', activeSession: null },
    });

    const history = await graphql(
      `query ($id: ID!) { room(id: $id) { sessions(first: 5) { edges { node { id status startedAt endedAt
        participantCount participants { edges { node { identity leftAt } } } } } } } }`,
      { id: roomId },
    );
    const sessions = history.data.room.sessions.edges.map((edge: { node: Json }) => edge.node);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ id: session.id, status: 'ENDED', participantCount: 2 });
    expect(sessions[0].endedAt).toEqual(expect.any(String));
    expect(
      sessions[0].participants.edges.map(
        (edge: { node: { identity: string; leftAt: string | null } }) => [
          edge.node.identity,
          typeof edge.node.leftAt,
        ],
      ),
    ).toEqual([
      ['ada', 'string'],
      ['grace', 'string'],
    ]);

    // The session's end stopped the recording; its file is ready after the emulator's delay.
    const RECORDINGS = `query ($id: ID!) { room(id: $id) { recordings(first: 5) { edges { node {
      id status durationSeconds download { url expiresAt } } } } } }`;
    let recording: Json | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      const listed = await graphql(RECORDINGS, { id: roomId });
      recording = listed.data.room.recordings.edges[0]?.node;
      if (recording?.status === 'READY') {
        expect(listed.errors).toBeUndefined();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(recording).toMatchObject({ id: recordingId, status: 'READY' });
    expect(Date.parse(recording?.download.expiresAt)).toBeGreaterThan(Date.now());
    const file = await fetch(recording?.download.url);
    expect(file.status).toBe(200);

    const byId = await graphql(
      `query ($id: ID!) { node(id: $id) { ... on Recording { status sizeBytes } } }`,
      {
        id: recordingId,
      },
    );
    expect(byId.data.node).toEqual({ status: 'READY', sizeBytes: expect.any(Number) });
  });

  it('reads the live sessions of a page of rooms in one upstream call', async () => {
    const ids = [
      await createRoom('page-a'),
      await createRoom('page-b'),
      await createRoom('page-c'),
    ];
    await join(ids[0] as string, 'ada', 'Ada', 'HOST');
    await join(ids[2] as string, 'grace', 'Grace', 'PARTICIPANT');
    const log = server.emulator('hms').log;
    log.clear();
    const page = await graphql(
      `{ provider(key: "hms") { rooms(first: 10) { edges { node { name activeSession {
        status participants { edges { node { identity } } } } } } } } }`,
    );
    expect(page.errors).toBeUndefined();
    const byName = Object.fromEntries(
      page.data.provider.rooms.edges.map((edge: { node: Json }) => [
        edge.node.name,
        edge.node.activeSession?.participants.edges.map(
          (person: { node: { identity: string } }) => person.node.identity,
        ) ?? null,
      ]),
    );
    expect(byName).toEqual({ 'page-a': ['ada'], 'page-b': null, 'page-c': ['grace'] });
    // 2 calls list the rooms (the enabled walk ends on a short page, then the disabled walk)
    // + 1 call lists the app's live sessions for all three rooms (GET /v2/sessions?active=true)
    // + 0 for participants (each session answer carries its peers) = 3. One per room would be 5.
    const calls = log
      .all()
      .map((entry) => `${entry.method} ${entry.path}?${new URLSearchParams(entry.query)}`);
    expect(calls).toEqual([
      'GET /v2/rooms?limit=10&enabled=true',
      'GET /v2/rooms?limit=10&enabled=false',
      'GET /v2/sessions?active=true&limit=100',
    ]);
  });

  it('refuses a join token the emulator would not take, and lets nobody in', async () => {
    const roomId = await createRoom('refused');
    const minted = await server.execute(CreateRoomTokenDocument, {
      input: { roomId, role: 'HOST', identity: 'ada' },
    });
    const token =
      minted.data?.createRoomToken.__typename === 'CreateRoomTokenSuccess'
        ? minted.data.createRoomToken.roomToken.token
        : '';
    const [head, payload] = token.split('.');
    const response = await fetch(`${emulatorUrl}/__emulator/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: `${head}.${payload}.${'A'.repeat(43)}`, name: 'Eve' }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      code: 401,
      message: 'Token validation error',
      details: ['signature is invalid'],
    });
    expect((await graphql(LIVE, { id: roomId })).data.room.activeSession).toBeNull();
  });
});
