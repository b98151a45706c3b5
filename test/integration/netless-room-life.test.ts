import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Room life at the Agora whiteboard through GraphQL over HTTP, against its emulator
// (agora-whiteboard-room-life.md): a minted token joins and a forged one is refused; the one
// room-life write, endRoomSession, ejects everyone (with lock, until enableRoom); every other
// room-life field and mutation answers UNSUPPORTED_OPERATION with no upstream call.

let server: TestServer;
let emulatorUrl: string;

beforeAll(async () => {
  server = await startTestServer();
  const running = server.fleet.running.find((candidate) => candidate.emulator.name === 'netless');
  if (!running) {
    throw new Error('no netless emulator in the fleet');
  }
  emulatorUrl = running.url;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.emulator('netless').reset();
});

interface Body {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  const response = await server.post(JSON.stringify({ query, variables }));
  return (await response.json()) as Body;
}

/** Upstream requests the Netless emulator has received (admin routes are not counted). */
const upstreamCalls = () => server.emulator('netless').log.count();

/** Creates a room; its global id, and the uuid the emulator knows it by. */
async function createRoom(): Promise<{ id: string; uuid: string }> {
  const body = await graphql(
    /* GraphQL */ `mutation { createRoom(input: { providerKey: "netless", name: "life" }) {
      __typename ... on CreateRoomSuccess { room { id providerRoomId } } } }`,
  );
  const result = body.data?.createRoom as { room?: { id: string; providerRoomId: string } };
  if (!result.room) {
    throw new Error(JSON.stringify(body));
  }
  return { id: result.room.id, uuid: result.room.providerRoomId };
}

async function mintToken(roomId: string): Promise<string> {
  const body = await graphql(
    /* GraphQL */ `mutation($id: ID!) { createRoomToken(input: {
      roomId: $id, role: PARTICIPANT, identity: "ada", ttlSeconds: 600 }) {
      __typename ... on CreateRoomTokenSuccess { roomToken { token providerRole } } } }`,
    { id: roomId },
  );
  const result = body.data?.createRoomToken as { roomToken?: { token: string } };
  if (!result.roomToken) {
    throw new Error(JSON.stringify(body));
  }
  return result.roomToken.token;
}

/** A whiteboard client joining, through the emulator's admin route. */
async function join(token: string, name = 'Ada'): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${emulatorUrl}/__emulator/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name }),
  });
  return { status: response.status, body: await response.json() };
}

/** Who the emulator has in the room: the REST API cannot list members (room-life §2). */
async function members(uuid: string): Promise<string[]> {
  const response = await fetch(`${emulatorUrl}/__emulator/rooms`);
  const { rooms } = (await response.json()) as {
    rooms: { uuid: string; session: { members: { name: string }[] } | null }[];
  };
  return rooms.find((room) => room.uuid === uuid)?.session?.members.map((m) => m.name) ?? [];
}

/** Signs the token's fields again with a key that is not the project's: a forgery. */
function forge(token: string): string {
  const body = token.slice('NETLESSROOM_'.length);
  const fields = new URLSearchParams(Buffer.from(body, 'base64url').toString('utf8'));
  fields.set('sig', 'f'.repeat(64));
  return `NETLESSROOM_${Buffer.from(fields.toString()).toString('base64url')}`;
}

async function endSession(roomId: string, lock: boolean) {
  const body = await graphql(
    /* GraphQL */ `mutation($id: ID!, $lock: Boolean) {
      endRoomSession(input: { roomId: $id, lock: $lock }) {
        __typename ... on EndRoomSessionSuccess { room { status } }
        ... on Error { code } } }`,
    { id: roomId, lock },
  );
  return body.data?.endRoomSession as { __typename: string; room?: { status: string } };
}

describe('netless room life through GraphQL', () => {
  it('joins with a minted token, refuses a forged one, and ends the session for everyone', async () => {
    const { id: roomId, uuid } = await createRoom();
    const token = await mintToken(roomId);

    expect(await join(forge(token))).toEqual({
      status: 401,
      body: { message: 'invalid signature of token' },
    });
    expect(await join(token)).toMatchObject({
      status: 200,
      body: { participantId: expect.any(String) },
    });
    expect(await members(uuid)).toEqual(['Ada']);

    // The live session cannot be seen: Netless has no session concept over REST.
    server.emulator('netless').log.clear();
    const seen = await graphql(
      /* GraphQL */ `query($id: ID!) { room(id: $id) { id
        activeSession { participants { edges { node { id identity } } } } } }`,
      { id: roomId },
    );
    expect(seen.data?.room).toEqual({ id: roomId, activeSession: null });
    expect(seen.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
      ['room.activeSession', 'UNSUPPORTED_OPERATION'],
    ]);
    // The room's one GET; the live session costs nothing.
    expect(upstreamCalls()).toBe(1);

    // Nor can one person be removed: refused before the participant id is even read.
    server.emulator('netless').log.clear();
    const removed = await graphql(
      /* GraphQL */ `mutation($id: ID!) { removeParticipant(input: { roomId: $id, participantId: "x" }) {
        __typename ... on UnsupportedOperationError { code provider operation message } } }`,
      { id: roomId },
    );
    expect(removed.data?.removeParticipant).toMatchObject({
      __typename: 'UnsupportedOperationError',
      code: 'UNSUPPORTED_OPERATION',
      provider: 'netless',
      operation: 'removeParticipant',
      message: expect.stringContaining('room-wide ban'),
    });
    expect(upstreamCalls()).toBe(0);

    // Ending the session ejects everyone and lets them back.
    server.emulator('netless').log.clear();
    expect(await endSession(roomId, false)).toEqual({
      __typename: 'EndRoomSessionSuccess',
      room: { status: 'ACTIVE' },
    });
    expect(await members(uuid)).toEqual([]);
    // 1 GET (is the room banned already?) + PATCH isBan=true + PATCH isBan=false, then the
    // mutation's answer reads the room again: 1 GET.
    expect(
      server
        .emulator('netless')
        .log.all()
        .map((entry) => `${entry.method} ${JSON.stringify(entry.body ?? null)}`),
    ).toEqual(['GET null', 'PATCH {"isBan":true}', 'PATCH {"isBan":false}', 'GET null']);
    expect((await join(token)).status).toBe(200);

    // Past sessions and recordings are not there to read either.
    server.emulator('netless').log.clear();
    const history = await graphql(
      /* GraphQL */ `query($id: ID!) { room(id: $id) { id
        sessions(first: 5) { edges { node { id status } } }
        recordings(first: 5) { edges { node { id download { url } } } } } }`,
      { id: roomId },
    );
    expect(history.data?.room).toEqual({ id: roomId, sessions: null, recordings: null });
    expect(history.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual(
      [
        ['room.sessions', 'UNSUPPORTED_OPERATION'],
        ['room.recordings', 'UNSUPPORTED_OPERATION'],
      ],
    );
    expect(upstreamCalls()).toBe(1);
  });

  it('with lock, keeps the room banned (DISABLED) until enableRoom', async () => {
    const { id: roomId, uuid } = await createRoom();
    const token = await mintToken(roomId);
    await join(token);
    expect(await endSession(roomId, true)).toEqual({
      __typename: 'EndRoomSessionSuccess',
      room: { status: 'DISABLED' },
    });
    expect(await members(uuid)).toEqual([]);
    expect(await join(token)).toEqual({ status: 403, body: { message: 'room is banned' } });

    const enabled = await graphql(
      /* GraphQL */ `mutation($id: ID!) { enableRoom(input: { id: $id }) {
        __typename ... on EnableRoomSuccess { room { status } } } }`,
      { id: roomId },
    );
    expect(enabled.data?.enableRoom).toEqual({
      __typename: 'EnableRoomSuccess',
      room: { status: 'ACTIVE' },
    });
    expect((await join(token)).status).toBe(200);
    expect(await members(uuid)).toEqual(['Ada']);
  });

  it.each(['startRecording', 'stopRecording'])(
    'answers %s with UnsupportedOperationError and no upstream call',
    async (operation) => {
      const { id: roomId } = await createRoom();
      server.emulator('netless').log.clear();
      const body = await graphql(
        `mutation($id: ID!) { ${operation}(input: { roomId: $id }) {
          __typename ... on UnsupportedOperationError { code provider operation } } }`,
        { id: roomId },
      );
      expect(body.data?.[operation]).toEqual({
        __typename: 'UnsupportedOperationError',
        code: 'UNSUPPORTED_OPERATION',
        provider: 'netless',
        operation,
      });
      expect(upstreamCalls()).toBe(0);
    },
  );

  it('answers activeSession over a page of rooms with the list call alone', async () => {
    const rooms: string[] = [];
    for (let count = 0; count < 4; count++) {
      rooms.push((await createRoom()).id);
    }
    server.emulator('netless').log.clear();
    const body = await graphql(
      /* GraphQL */ `{ provider(key: "netless") { rooms(first: 10) {
        edges { node { id activeSession { status } } } } } }`,
    );
    const provider = body.data?.provider as { rooms: { edges: { node: { id: string } }[] } };
    const edges = provider.rooms.edges;
    expect(edges.map((edge) => edge.node)).toEqual(
      rooms.map((id) => ({ id, activeSession: null })),
    );
    expect(new Set(body.errors?.map((error) => error.extensions?.code))).toEqual(
      new Set(['UNSUPPORTED_OPERATION']),
    );
    expect(body.errors).toHaveLength(rooms.length);
    // 1 GET /v5/rooms?limit=11 for the page of 4 rooms + 0 for their live sessions, which the
    // loader refuses without a call (getActiveSession is UNSUPPORTED): 1 for any N rooms.
    expect(
      server
        .emulator('netless')
        .log.all()
        .map((entry) => entry.method),
    ).toEqual(['GET']);
  });

  it('tells what each room-life operation does here in Provider.capabilities', async () => {
    const body = await graphql(
      /* GraphQL */ `{ provider(key: "netless") { capabilities { operations {
        operation support note } } } }`,
    );
    const provider = body.data?.provider as {
      capabilities: { operations: { operation: string; support: string; note: string }[] };
    };
    const operations = provider.capabilities.operations;
    const life = Object.fromEntries(
      operations
        .filter((entry) => entry.note !== null)
        .map((entry) => [entry.operation, entry.support]),
    );
    expect(life).toEqual({
      getActiveSession: 'UNSUPPORTED',
      listSessions: 'UNSUPPORTED',
      listParticipants: 'UNSUPPORTED',
      listRecordings: 'UNSUPPORTED',
      getRecordingDownload: 'UNSUPPORTED',
      removeParticipant: 'UNSUPPORTED',
      endRoomSession: 'EMULATED',
      startRecording: 'UNSUPPORTED',
      stopRecording: 'UNSUPPORTED',
    });
    expect(operations.find((entry) => entry.operation === 'endRoomSession')?.note).toMatch(
      /isBan=true.*lock/,
    );
  });
});
