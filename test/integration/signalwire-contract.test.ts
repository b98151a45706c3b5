import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import { createSignalWireProvider } from '../../src/providers/signalwire/signalwire-provider.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  DeleteRoomDocument,
  DisableRoomDocument,
  EnableRoomDocument,
  ProviderRoomsDocument,
  type ProviderRoomsQuery,
  RoomDocument,
  RoomWithTokensDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { loadOpenApiContract } from '../helpers/openapi-contract.js';
import { SIGNALWIRE_OPENAPI } from '../helpers/shared-dir.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * SignalWire's own OpenAPI document judges both sides: every request our adapter sent and every
 * response our emulator gave in a scenario touching each operation, errors included. Objects
 * are sealed, so neither side can use a key SignalWire never documented.
 */
const contract = loadOpenApiContract(SIGNALWIRE_OPENAPI, {
  basePath: '/api/video',
  sealObjects: true,
});

let server: TestServer;

/** Marks the scenario's own calls to the emulator, which the adapter did not send. */
const PROBE_HEADER = 'x-contract-probe';

beforeAll(async () => {
  server = await startTestServer();
  await runScenario(server);
  await runRoomLifeScenario(server);
});
afterAll(async () => {
  await server.close();
});

async function runScenario(target: TestServer): Promise<void> {
  const ids: string[] = [];
  for (const [name, roomType] of [
    ['contract_conf', 'CONFERENCE'],
    ['contract_conf_2', 'CONFERENCE'],
    ['contract_room', 'ROOM'],
    ['contract_room_2', 'ROOM'],
    ['contract_room_3', 'ROOM'],
  ] as const) {
    const result = await target.execute(CreateRoomDocument, {
      input: {
        providerKey: 'signalwire',
        name,
        displayName: `Display ${name}`,
        description: 'contract scenario',
        notBefore: '2030-01-01T00:00:00Z',
        expiresAt: '2031-01-01T00:00:00Z',
        maxParticipants: 25,
        recordingEnabled: false,
        signalwire: {
          roomType,
          quality: '1080p',
          layout: 'grid-responsive',
          enableRoomPreviews: true,
        },
      },
    });
    if (result.data?.createRoom.__typename === 'CreateRoomSuccess') {
      ids.push(result.data.createRoom.room.id);
    }
  }
  // A duplicate name: SignalWire's 422 body.
  await target.execute(CreateRoomDocument, {
    input: { providerKey: 'signalwire', name: 'contract_room' },
  });
  // Paging across page_token pages.
  let after: string | null | undefined = null;
  for (let page = 0; page < 5; page++) {
    const listed: { data?: ProviderRoomsQuery | null } = await target.execute(
      ProviderRoomsDocument,
      {
        key: 'signalwire',
        first: 1,
        after,
      },
    );
    const info = listed.data?.provider?.rooms.pageInfo;
    if (!info?.hasNextPage) {
      break;
    }
    after = info.endCursor;
  }
  for (const id of ids) {
    await target.execute(RoomDocument, { id });
    await target.execute(RoomWithTokensDocument, { id });
    await target.execute(UpdateRoomDocument, {
      input: { id, displayName: 'Updated', description: 'changed', signalwire: { layout: '2x2' } },
    });
    await target.execute(CreateRoomTokenDocument, {
      input: { roomId: id, role: 'HOST', identity: 'host-1', ttlSeconds: 900 },
    });
    await target.execute(CreateRoomTokenDocument, { input: { roomId: id, role: 'VIEWER' } });
    await target.execute(DisableRoomDocument, { input: { id } });
    await target.execute(EnableRoomDocument, { input: { id } });
  }
  // Resolving a create of unknown outcome: a room by name, a conference by walking the list.
  const account = target.fleet.providers.find((candidate) => candidate.kind === 'signalwire');
  if (account?.kind !== 'signalwire') {
    throw new Error('no SignalWire account in the fleet');
  }
  const dispatcher = createDispatcher(new URL(account.baseUrl).origin);
  try {
    const adapter = createSignalWireProvider({
      ...account,
      dispatcher,
      timeoutMs: 5_000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      defaultTokenTtlSeconds: 3_600,
    });
    await adapter.findCreatedRoom?.({ name: 'contract_room' });
    await adapter.findCreatedRoom?.({ name: 'never_made' });
    await adapter.findCreatedRoom?.({
      name: 'contract_conf_2',
      signalwire: { roomType: 'CONFERENCE' },
    });
  } finally {
    await dispatcher.close();
  }
  for (const id of ids) {
    await target.execute(DeleteRoomDocument, { input: { id } });
  }
  // A 404: the room is gone.
  await target.execute(DisableRoomDocument, { input: { id: ids[0]! } });
}

/** The SignalWire account of the fleet, to call the emulator as the provider's own clients do. */
function signalWireAccount(target: TestServer) {
  const account = target.fleet.providers.find((candidate) => candidate.kind === 'signalwire');
  if (account?.kind !== 'signalwire') {
    throw new Error('no SignalWire account in the fleet');
  }
  return account;
}

/**
 * Room life: a join, the live session read through GraphQL (one room, and a page of rooms),
 * participants, sessions, recordings, a download link and lookups by id; then the documented
 * endpoints the adapter does not use (events, the project-wide recordings list, a delete, bad
 * parameters), called directly, so every answer the emulator can give is judged too.
 */
async function runRoomLifeScenario(target: TestServer): Promise<void> {
  const account = signalWireAccount(target);
  const running = target.fleet.running.find((entry) => entry.emulator.name === 'signalwire');
  const created = await target.execute(CreateRoomDocument, {
    input: { providerKey: 'signalwire', name: 'contract_life', recordingEnabled: true },
  });
  const conference = await target.execute(CreateRoomDocument, {
    input: {
      providerKey: 'signalwire',
      name: 'contract_life_conf',
      signalwire: { roomType: 'CONFERENCE' },
    },
  });
  if (
    created.data?.createRoom.__typename !== 'CreateRoomSuccess' ||
    conference.data?.createRoom.__typename !== 'CreateRoomSuccess' ||
    !running
  ) {
    throw new Error('the room-life scenario could not start');
  }
  const roomId = created.data.createRoom.room.id;
  const joins: string[] = [];
  for (const id of [roomId, conference.data.createRoom.room.id]) {
    const minted = await target.execute(CreateRoomTokenDocument, {
      input: { roomId: id, role: 'PARTICIPANT', identity: 'ada' },
    });
    if (minted.data?.createRoomToken.__typename !== 'CreateRoomTokenSuccess') {
      throw new Error('no token to join with');
    }
    const joined = await fetch(`${running.url}/__emulator/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: minted.data.createRoomToken.roomToken.token, name: 'Ada' }),
    });
    joins.push(((await joined.json()) as { participantId: string }).participantId);
  }
  const roomLife = `query ($id: ID!) {
    room(id: $id) {
      activeSession { id participants { edges { node { id } } } }
      sessions(first: 5) { edges { node { id participants { edges { node { id } } } } } }
      recordings(first: 5) { edges { node { id recordingStatus: status download { url } } } }
    }
  }`;
  const read = async () =>
    (await (
      await target.post(JSON.stringify({ query: roomLife, variables: { id: roomId } }))
    ).json()) as {
      data: {
        room: {
          sessions: { edges: { node: { id: string } }[] };
          recordings: { edges: { node: { id: string; recordingStatus: string } }[] };
        };
      };
    };
  await read();
  await target.post(
    JSON.stringify({
      query:
        '{ provider(key: "signalwire") { rooms(first: 20) { edges { node { activeSession { id } } } } } }',
    }),
  );
  await fetch(`${running.url}/__emulator/leave`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ participantId: joins[0] }),
  });
  let answer = await read();
  for (
    let attempt = 0;
    attempt < 30 && answer.data.room.recordings.edges[0]?.node.recordingStatus !== 'READY';
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await read();
  }
  const sessionId = answer.data.room.sessions.edges[0]?.node.id;
  const recordingId = answer.data.room.recordings.edges[0]?.node.id;
  if (!sessionId || !recordingId) {
    throw new Error('the room-life scenario found no session or recording');
  }
  await target.post(
    JSON.stringify({
      query: 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      variables: { ids: [sessionId, recordingId] },
    }),
  );

  // What only SignalWire's own clients call, and bad parameters: straight at the emulator, with
  // the account's auth, marked so the request check leaves them out (they are not ours).
  const authorization = `Basic ${Buffer.from(`${account.projectId}:${account.apiToken}`).toString('base64')}`;
  const direct = (method: string, path: string) =>
    fetch(`${account.baseUrl}${path}`, {
      method,
      headers: { authorization, [PROBE_HEADER]: 'direct' },
    }).then((response) => response.text());
  // The native ids, from the adapter's own calls in the log.
  const log = running.emulator.log.all();
  const idAfter = (prefix: string) =>
    log
      .find((entry) => entry.path.startsWith(prefix))
      ?.path.slice(prefix.length)
      .split('/')[0];
  const nativeSession = idAfter('/api/video/room_sessions/');
  const nativeRecording = idAfter('/api/video/room_recordings/');
  await direct('GET', `/room_sessions/${nativeSession}/events`);
  await direct('GET', `/room_sessions/${nativeSession}`);
  await direct('GET', `/room_recordings/${nativeRecording}/events`);
  await direct('GET', '/room_recordings?media_ttl=60&page_size=1');
  await direct('GET', '/room_sessions?room_id=not-a-uuid');
  await direct('GET', '/room_recordings?media_ttl=0');
  await direct('GET', '/rooms?include_active_session=true');
  await direct('GET', '/conferences?include_active_session=true');
  await direct('DELETE', `/room_recordings/${nativeRecording}`);
  await direct('GET', `/room_recordings/${nativeRecording}`);
  await direct('GET', '/room_sessions/c22d24f6-5a47-4597-9a23-c7d01e696b92');
}

describe('SignalWire contract', () => {
  it('exercised every operation of the scenario, successes and errors', () => {
    const log = server.emulator('signalwire').log.all();
    const operations = new Set(
      log.map((entry) => contract.resolveOperation(entry.method, entry.path)?.operationId),
    );
    expect([...operations].sort()).toEqual(
      [
        'create_room',
        'create_room_token',
        'create_video_conference',
        'delete_room',
        'delete_video_conference',
        'get_room',
        'get_room_by_name',
        'get_video_conference',
        'list_conference_tokens',
        'list_rooms',
        'list_video_conferences',
        'update_room',
        'update_video_conference',
        'list_room_sessions',
        'get_room_session',
        'list_room_session_members',
        'list_room_session_recordings',
        'list_room_session_events',
        'list_room_recordings',
        'get_room_recording',
        'delete_room_recording',
        'list_room_recording_events',
      ].sort(),
    );
    const statuses = new Set(log.map((entry) => entry.response?.status));
    expect(statuses).toEqual(new Set([200, 204, 404, 422]));
  });

  it('sent only requests SignalWire documents', () => {
    const violations = server
      .emulator('signalwire')
      .log.all()
      .filter((entry) => entry.headers[PROBE_HEADER] === undefined)
      .flatMap((entry) => contract.validateRequest(entry));
    expect(violations).toEqual([]);
  });

  it('answered only with responses SignalWire documents', () => {
    const violations = server
      .emulator('signalwire')
      .log.all()
      .flatMap((entry) =>
        entry.response
          ? contract.validateResponse({
              method: entry.method,
              path: entry.path,
              status: entry.response.status,
              body: entry.response.body,
            })
          : [`${entry.method} ${entry.path}: no response recorded`],
      );
    expect(violations).toEqual([]);
  });
});
