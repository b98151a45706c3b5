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

beforeAll(async () => {
  server = await startTestServer();
  await runScenario(server);
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
      ].sort(),
    );
    const statuses = new Set(log.map((entry) => entry.response?.status));
    expect(statuses).toEqual(new Set([200, 204, 404, 422]));
  });

  it('sent only requests SignalWire documents', () => {
    const violations = server
      .emulator('signalwire')
      .log.all()
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
