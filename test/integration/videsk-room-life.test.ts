import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { subscribe } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Room life at Videsk through GraphQL over HTTP, against the Videsk emulator
 * (`docs/room-life.md`, Videsk section). A Videsk room is one session: it is live while its
 * window is open, ends at exp or through endRoomSession, and Videsk tells nothing of who is
 * in it beyond the access grants on the room. Every other room-life operation answers
 * UNSUPPORTED_OPERATION without an upstream call.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { pollIntervalMs: 150 } });
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.emulator('videsk').reset();
});

interface GraphqlBody {
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  data?: any;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await server.post(JSON.stringify({ query, variables }));
  return (await response.json()) as GraphqlBody;
}

/** Upstream calls the Videsk emulator has seen since its log was last cleared. */
const upstream = () => server.emulator('videsk').log.all();
const clearUpstream = () => server.emulator('videsk').log.clear();

async function createRoom(name: string): Promise<string> {
  const result = await graphql(
    `mutation($input: CreateRoomInput!) {
      createRoom(input: $input) { __typename ... on CreateRoomSuccess { room { id } } }
    }`,
    { input: { providerKey: 'videsk', name } },
  );
  expect(result.data?.createRoom.__typename).toBe('CreateRoomSuccess');
  return result.data.createRoom.room.id;
}

async function join(token: string, name: string): Promise<string> {
  const account = server.fleet.providers.find((provider) => provider.kind === 'videsk') as {
    baseUrl: string;
  };
  const response = await fetch(`${account.baseUrl}/__emulator/join`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, name }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { participantId: string }).participantId;
}

const ROOM_LIFE = /* GraphQL */ `
  query($id: ID!) {
    room(id: $id) {
      status
      activeSession { id status startedAt endedAt participantCount }
      sessions(first: 5) { edges { node { id status startedAt endedAt } } }
      settings { ... on VideskRoomSettings { ended authorizations { jti ip } } }
    }
  }
`;

describe('Videsk room life through GraphQL', () => {
  it('shows a room as its own session, the grants Videsk records, and ends it for good', async () => {
    const roomId = await createRoom('life-standup');

    // A token minted by the service: Videsk's /join (one GET of the room first, then the POST).
    const minted = await graphql(
      `mutation($id: ID!) {
        createRoomToken(input: { roomId: $id, role: PARTICIPANT, identity: "ada" }) {
          __typename ... on CreateRoomTokenSuccess { roomToken { token providerTokenId } }
        }
      }`,
      { id: roomId },
    );
    const { token, providerTokenId } = minted.data.createRoomToken.roomToken;

    // Ada joins through the emulator with that token, as the Videsk browser SDK would.
    const participantId = await join(token, 'Ada');

    const live = await graphql(ROOM_LIFE, { id: roomId });
    expect(live.errors).toBeUndefined();
    const session = live.data.room.activeSession;
    // The window is open: live, with nobody counted (Videsk reports no presence).
    expect(session).toMatchObject({ status: 'LIVE', endedAt: null, participantCount: null });
    expect(live.data.room.sessions.edges.map((edge: { node: unknown }) => edge.node)).toEqual([
      { id: session.id, status: 'LIVE', startedAt: session.startedAt, endedAt: null },
    ]);
    // What Videsk can tell of who came: the grants on the room, the token's and Ada's access.
    const grants = live.data.room.settings.authorizations as { jti: string; ip: string }[];
    expect(grants.filter((grant) => grant.jti === providerTokenId)).toHaveLength(2);

    // Participants, through the live session: unsupported, and no call made for them.
    clearUpstream();
    const people = await graphql(
      `query($id: ID!) {
        room(id: $id) { activeSession { participants { edges { node { id identity } } } } }
      }`,
      { id: roomId },
    );
    expect(people.data.room.activeSession.participants).toBeNull();
    expect(people.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
      ['room.activeSession.participants', 'UNSUPPORTED_OPERATION'],
    ]);
    expect(people.errors?.[0]?.message).toContain('authorizations');
    // The room (1 GET) and its live session (1 GET): none for the participants.
    expect(upstream()).toHaveLength(2);

    // Removing one person: unsupported, decided before any call.
    clearUpstream();
    const removed = await graphql(
      `mutation($id: ID!) {
        removeParticipant(input: { roomId: $id, participantId: "anyone" }) {
          __typename ... on Error { code } ... on UnsupportedOperationError { operation }
        }
      }`,
      { id: roomId },
    );
    expect(removed.data.removeParticipant).toEqual({
      __typename: 'UnsupportedOperationError',
      code: 'UNSUPPORTED_OPERATION',
      operation: 'removeParticipant',
    });
    expect(upstream()).toEqual([]);

    // Ending without lock: Videsk cannot, since ending its session ends the room for good.
    const unlocked = await graphql(
      `mutation($id: ID!) {
        endRoomSession(input: { roomId: $id }) {
          __typename ... on InputValidationError { issues { path message } }
        }
      }`,
      { id: roomId },
    );
    expect(unlocked.data.endRoomSession).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'lock'] }],
    });
    expect(upstream()).toEqual([]);

    const ended = await graphql(
      `mutation($id: ID!) {
        endRoomSession(input: { roomId: $id, lock: true }) {
          __typename
          ... on EndRoomSessionSuccess {
            room { status activeSession { id } sessions(first: 5) { edges { node { id status endedAt } } } }
          }
        }
      }`,
      { id: roomId },
    );
    expect(ended.errors).toBeUndefined();
    expect(ended.data.endRoomSession).toMatchObject({
      __typename: 'EndRoomSessionSuccess',
      room: {
        status: 'ENDED',
        activeSession: null,
        sessions: { edges: [{ node: { id: session.id, status: 'ENDED' } }] },
      },
    });
    const endedAt = ended.data.endRoomSession.room.sessions.edges[0].node.endedAt;
    expect(Date.parse(endedAt)).toBeGreaterThanOrEqual(Date.parse(session.startedAt));
    // endRoomSession: GET, PATCH {ended: true}; then the room read again (1 GET) and its
    // sessions (1 GET); its activeSession was primed null by the mutation: four calls.
    expect(
      upstream().map((entry) => `${entry.method} ${entry.body ? JSON.stringify(entry.body) : ''}`),
    ).toEqual(['GET ', 'PATCH {"ended":true}', 'GET ', 'GET ']);

    // Videsk cut Ada off when the room ended: her leave finds her gone at that moment.
    const presence = server.emulator('videsk') as unknown as {
      store: { findPresence(id: string): { leftAt: number | null } | undefined };
    };
    expect(presence.store.findPresence(participantId)?.leftAt).toBe(Date.parse(endedAt));

    // The ended session is still found by its id.
    const node = await graphql(
      `query($id: ID!) { node(id: $id) { ... on RoomSession { status endedAt room { status } } } }`,
      { id: session.id },
    );
    expect(node.data.node).toEqual({ status: 'ENDED', endedAt, room: { status: 'ENDED' } });
  });

  it('answers UNSUPPORTED_OPERATION for recordings and their writes, with no upstream call', async () => {
    const roomId = await createRoom('life-recordings');
    clearUpstream();
    const listed = await graphql(
      `query($id: ID!) { room(id: $id) { id recordings(first: 5) { edges { cursor } } } }`,
      { id: roomId },
    );
    expect(listed.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
      ['room.recordings', 'UNSUPPORTED_OPERATION'],
    ]);
    // The room itself is one GET; its recordings cost none.
    expect(upstream()).toHaveLength(1);
    clearUpstream();
    for (const operation of ['startRecording', 'stopRecording']) {
      const answer = await graphql(
        `mutation($id: ID!) {
          ${operation}(input: { roomId: $id }) {
            __typename ... on Error { code } ... on UnsupportedOperationError { operation }
          }
        }`,
        { id: roomId },
      );
      expect(answer.data[operation]).toEqual({
        __typename: 'UnsupportedOperationError',
        code: 'UNSUPPORTED_OPERATION',
        operation,
      });
    }
    expect(upstream()).toEqual([]);
  });

  it('reads the live sessions of a page of rooms in one upstream call', async () => {
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) {
      await createRoom(name);
    }
    clearUpstream();
    const page = await graphql(/* GraphQL */ `
      {
        provider(key: "videsk") {
          rooms(first: 5) { edges { node { name activeSession { status } } } }
        }
      }
    `);
    expect(page.errors).toBeUndefined();
    expect(
      page.data.provider.rooms.edges.map(
        (edge: { node: { name: string; activeSession: { status: string } } }) => [
          edge.node.name,
          edge.node.activeSession.status,
        ],
      ),
    ).toEqual(names.map((name) => [name, 'LIVE']));
    // 1 call lists the 5 rooms, and 1 call lists the rooms not ended, latest exp first, for all
    // 5 live sessions (1 page while the account has at most 100 open rooms): 2 calls, not 1 + 5.
    const calls = upstream();
    expect(calls).toHaveLength(2);
    expect(calls[1]?.query).toEqual({
      $limit: '100',
      $skip: '0',
      ended: 'false',
      '$sort[exp]': '-1',
      '$sort[createdAt]': '1',
    });
  });

  it('publishes a session seen by polling once, whether it ends through the service or not', async () => {
    const subscription = await subscribe<{
      data?: { roomEvents: { id: string; type: string; source: string; session: { id: string } } };
    }>(
      server.url,
      `subscription { roomEvents(providerKeys: ["videsk"], types: [SESSION_STARTED, SESSION_ENDED]) {
        id type source session { id }
      } }`,
    );
    // The first round is the account's baseline; the room comes after it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const roomId = await createRoom('life-events');
    const started = await subscription.next(3_000);
    expect(started.data?.roomEvents).toMatchObject({ type: 'SESSION_STARTED', source: 'POLL' });
    await graphql(
      `mutation($id: ID!) { endRoomSession(input: { roomId: $id, lock: true }) { __typename } }`,
      { id: roomId },
    );
    const ended = await subscription.next(3_000);
    expect(ended.data?.roomEvents).toMatchObject({
      type: 'SESSION_ENDED',
      session: { id: started.data?.roomEvents.session.id },
    });
    // The write publishes it; a poll round that ran between its PATCH and its publish may have
    // seen it first. Either way it is one event.
    expect(['API', 'POLL']).toContain(ended.data?.roomEvents.source);
    // Later rounds see the session gone too: the same event, so nothing new arrives.
    const again = await subscription.next(800).catch(() => null);
    subscription.close();
    expect(again?.data?.roomEvents ?? null).toBeNull();
  });
});
