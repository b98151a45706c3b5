import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HmsEmulator } from '../../src/emulators/hms/hms-emulator.js';
import type { VideskEmulator } from '../../src/emulators/videsk/videsk-emulator.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  DisableRoomDocument,
  EnableRoomDocument,
  NodeDocument,
  NodesDocument,
  RoomDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Room handles that an HTTP stack may normalise away or that are not ids at all, sent inside
 * well-formed global ids. `/v2/rooms/.` became `/v2/rooms/` upstream, where a POST (disable,
 * update) created a room; `/vpaas/rooms/.` read the list. Each must be answered as an unknown
 * room with no upstream call at all.
 */
const HOSTILE_HANDLES = [
  '.',
  '..',
  '%2e',
  '%2e%2e',
  'a/b',
  '../rooms',
  '?x=1',
  '#frag',
  ' ',
  'x'.repeat(4_000),
  'é',
  '房间',
  '\u0000',
  // Right length, wrong alphabet or case for a room id (24 lowercase hex digits).
  'ABCDEF0123456789ABCDEF01',
  '65f0a1b2c3d4e5f60123456z',
  '65f0a1b2c3d4e5f601234567 ',
];

let server: TestServer;
let hms: HmsEmulator;
let videsk: VideskEmulator;

beforeAll(async () => {
  server = await startTestServer();
  hms = server.emulator('hms') as HmsEmulator;
  videsk = server.emulator('videsk') as VideskEmulator;
});
afterAll(async () => {
  await server.close();
});

const roomId = (account: string, handle: string) => encodeGlobalID('Room', `${account}:${handle}`);

describe.each([
  {
    account: 'hms',
    roomCount: () => hms.store.size,
    log: () => hms.log,
    change: { description: 'x' },
  },
  {
    account: 'videsk',
    roomCount: () => videsk.store.list('emulator').length,
    log: () => videsk.log,
    change: { displayName: 'x' },
  },
])('$account: a handle that is not a room id', ({ account, roomCount, log, change }) => {
  beforeEach(async () => {
    server.emulator(account).reset();
    // One real room, so a request that slipped through to the collection would show.
    const created = await server.execute(CreateRoomDocument, {
      input: { providerKey: account, name: `${account}-kept` },
    });
    expect(created.data?.createRoom.__typename).toBe('CreateRoomSuccess');
    log().clear();
  });

  it.each(HOSTILE_HANDLES.map((handle) => [JSON.stringify(handle).slice(0, 24), handle]))(
    '%s is an unknown room everywhere, with no upstream call',
    async (_, handle) => {
      const id = roomId(account, handle);
      expect(await server.execute(RoomDocument, { id })).toEqual({ data: { room: null } });
      expect(await server.execute(NodeDocument, { id })).toEqual({ data: { node: null } });
      expect(await server.execute(NodesDocument, { ids: [id] })).toEqual({
        data: { nodes: [null] },
      });
      const outcomes = [
        (await server.execute(UpdateRoomDocument, { input: { id, ...change } })).data?.updateRoom
          .__typename,
        (await server.execute(DisableRoomDocument, { input: { id } })).data?.disableRoom.__typename,
        (
          await server.execute(CreateRoomTokenDocument, {
            input: { roomId: id, role: 'PARTICIPANT' },
          })
        ).data?.createRoomToken.__typename,
      ];
      expect(outcomes).toEqual(['RoomNotFoundError', 'RoomNotFoundError', 'RoomNotFoundError']);
      if (account === 'hms') {
        const enabled = await server.execute(EnableRoomDocument, { input: { id } });
        expect(enabled.data?.enableRoom.__typename).toBe('RoomNotFoundError');
      }
      expect(log().all()).toEqual([]);
      expect(roomCount()).toBe(1);
    },
  );
});
