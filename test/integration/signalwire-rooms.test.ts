import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_ROOM_LIFE } from '../../src/domain/capabilities.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  DeleteRoomDocument,
  DisableRoomDocument,
  EnableRoomDocument,
  NodeDocument,
  ProviderRoomsDocument,
  type ProviderRoomsQuery,
  ProvidersDocument,
  RoomDocument,
  RoomWithTokensDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.emulator('signalwire').reset();
});

async function createRoom(name: string, roomType: 'ROOM' | 'CONFERENCE' = 'ROOM') {
  const result = await server.execute(CreateRoomDocument, {
    input: { providerKey: 'signalwire', name, signalwire: { roomType } },
  });
  const payload = result.data?.createRoom;
  if (payload?.__typename !== 'CreateRoomSuccess') {
    throw new Error(`createRoom failed: ${JSON.stringify(result)}`);
  }
  return payload.room;
}

describe('SignalWire through GraphQL', () => {
  it('lists the provider with capabilities that tell the truth of the design table', async () => {
    const result = await server.execute(ProvidersDocument);
    const provider = result.data?.providers.find((candidate) => candidate.key === 'signalwire');
    expect(provider?.kind).toBe('SIGNALWIRE');
    const support = Object.fromEntries(
      provider!.capabilities.operations.map((entry) => [entry.operation, entry.support]),
    );
    expect(support).toEqual({
      createRoom: 'NATIVE',
      getRoom: 'NATIVE',
      listRooms: 'NATIVE',
      updateRoom: 'NATIVE',
      disableRoom: 'EMULATED',
      enableRoom: 'EMULATED',
      deleteRoom: 'NATIVE',
      createRoomToken: 'NATIVE',
      listRoomTokens: 'NATIVE',
      ...NO_ROOM_LIFE,
      getActiveSession: 'NATIVE',
      listSessions: 'NATIVE',
      listParticipants: 'NATIVE',
      listRecordings: 'NATIVE',
      getRecordingDownload: 'NATIVE',
    });
    expect(provider?.capabilities.disableEffect).toBe('BLOCKS_NEW_JOINS');
    expect(provider?.capabilities.enableUndoesDisable).toBe(true);
  });

  it('creates a conference with its two conference tokens, and a room without UI', async () => {
    const conference = await createRoom('all_hands', 'CONFERENCE');
    expect(conference).toMatchObject({
      name: 'all_hands',
      displayName: 'all_hands',
      status: 'ACTIVE',
      provider: { key: 'signalwire', kind: 'SIGNALWIRE' },
      settings: { roomType: 'CONFERENCE', quality: '720p', size: 'medium', enableChat: true },
      maxParticipants: 50,
    });
    const room = await createRoom('standup');
    expect(room.settings).toMatchObject({ roomType: 'ROOM', size: null });

    const tokens = await server.execute(RoomWithTokensDocument, { id: conference.id });
    const roles = tokens.data?.room?.tokens?.map((token) => token.role);
    expect(roles).toEqual(['HOST', 'PARTICIPANT']);
    expect(tokens.data?.room?.tokens?.[0]?.token).toMatch(/^vpt_[0-9a-f]{32}$/);
    const roomTokens = await server.execute(RoomWithTokensDocument, { id: room.id });
    expect(roomTokens.data?.room?.tokens).toEqual([]);
  });

  it('fetches a room by global id through room and node alike', async () => {
    const created = await createRoom('by_id');
    const byRoom = await server.execute(RoomDocument, { id: created.id });
    expect(byRoom.data?.room).toEqual(created);
    const byNode = await server.execute(NodeDocument, { id: created.id });
    expect(byNode.data?.node).toEqual({ __typename: 'Room', id: created.id, name: 'by_id' });
  });

  it('pages a connection across SignalWire page_token pages, conferences first', async () => {
    await createRoom('conf_a', 'CONFERENCE');
    for (const name of ['r1', 'r2', 'r3', 'r4']) {
      await createRoom(name);
    }
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const result: { data?: ProviderRoomsQuery | null } = await server.execute(
        ProviderRoomsDocument,
        {
          key: 'signalwire',
          first: 2,
          after,
        },
      );
      const connection = result.data?.provider?.rooms;
      names.push(...(connection?.edges.map((edge) => edge.node.name) ?? []));
      after = connection?.pageInfo.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null;
      pages++;
    } while (after && pages < 10);
    expect(names).toEqual(['conf_a', 'r1', 'r2', 'r3', 'r4']);
    const roomLists = server
      .emulator('signalwire')
      .log.all()
      .filter((entry) => entry.method === 'GET' && entry.path === '/api/video/rooms');
    // Later room pages follow SignalWire's links.next, so they carry its page_token.
    expect(roomLists.some((entry) => entry.query.page_token?.startsWith('PA'))).toBe(true);
  });

  it('resumes from a cursor in the middle of a page', async () => {
    for (const name of ['m1', 'm2', 'm3', 'm4']) {
      await createRoom(name);
    }
    const first = await server.execute(ProviderRoomsDocument, { key: 'signalwire', first: 3 });
    const middle = first.data?.provider?.rooms.edges[0]?.cursor;
    const rest = await server.execute(ProviderRoomsDocument, {
      key: 'signalwire',
      first: 10,
      after: middle,
    });
    expect(rest.data?.provider?.rooms.edges.map((edge) => edge.node.name)).toEqual([
      'm2',
      'm3',
      'm4',
    ]);
  });

  it('updates a room and keeps the fields it was not given', async () => {
    const created = await createRoom('to_update');
    const result = await server.execute(UpdateRoomDocument, {
      input: { id: created.id, displayName: 'Renamed', maxParticipants: 12 },
    });
    expect(result.data?.updateRoom).toMatchObject({
      __typename: 'UpdateRoomSuccess',
      room: {
        id: created.id,
        displayName: 'Renamed',
        maxParticipants: 12,
        settings: { quality: '720p' },
      },
    });
    const put = server
      .emulator('signalwire')
      .log.all()
      .find((entry) => entry.method === 'PUT');
    expect(put?.body).toEqual({ display_name: 'Renamed', max_members: 12 });
  });

  it('updates a conference, sending the display_name SignalWire requires on every PUT', async () => {
    const created = await createRoom('conf_update', 'CONFERENCE');
    const result = await server.execute(UpdateRoomDocument, {
      input: { id: created.id, description: 'Weekly', signalwire: { enableChat: false } },
    });
    expect(result.data?.updateRoom).toMatchObject({
      room: { description: 'Weekly', displayName: 'conf_update', settings: { enableChat: false } },
    });
  });

  it('mints a room token with a role, permissions and an expiry it imposes', async () => {
    const created = await createRoom('token_room');
    const result = await server.execute(CreateRoomTokenDocument, {
      input: {
        roomId: created.id,
        role: 'PARTICIPANT',
        identity: 'ada',
        permissions: ['room.self.audio_mute'],
        ttlSeconds: 600,
      },
    });
    const payload = result.data?.createRoomToken;
    if (payload?.__typename !== 'CreateRoomTokenSuccess') {
      throw new Error(JSON.stringify(result));
    }
    const { roomToken } = payload;
    expect(roomToken).toMatchObject({
      role: 'PARTICIPANT',
      providerRole: 'member',
      identity: 'ada',
      room: { id: created.id },
    });
    const lifetime = Date.parse(roomToken.expiresAt!) - Date.parse(roomToken.issuedAt!);
    expect(lifetime).toBe(600_000);
    const claims = decodeJwt(roomToken.token);
    expect(claims).toMatchObject({ r: 'token_room', u: 'ada', s: ['room.self.audio_mute'] });
    expect(claims.ju).toBe(Date.parse(roomToken.expiresAt!) / 1000);
  });

  it('mints a viewer token that joins as audience with no permissions', async () => {
    const created = await createRoom('viewer_room');
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId: created.id, role: 'VIEWER' },
    });
    expect(result.data?.createRoomToken).toMatchObject({
      roomToken: { providerRole: 'audience', permissions: [] },
    });
  });

  it('disables a room by ending joins now, and enables it again', async () => {
    const created = await createRoom('switch', 'CONFERENCE');
    const disabled = await server.execute(DisableRoomDocument, { input: { id: created.id } });
    expect(disabled.data?.disableRoom).toMatchObject({ room: { status: 'DISABLED' } });
    const fetched = await server.execute(RoomDocument, { id: created.id });
    expect(fetched.data?.room?.status).toBe('DISABLED');
    const enabled = await server.execute(EnableRoomDocument, { input: { id: created.id } });
    expect(enabled.data?.enableRoom).toMatchObject({ room: { status: 'ACTIVE', expiresAt: null } });
  });

  it.each(['ROOM', 'CONFERENCE'] as const)(
    'disables a %s scheduled to open later: its window closes now, and enable opens it',
    async (roomType) => {
      const result = await server.execute(CreateRoomDocument, {
        input: {
          providerKey: 'signalwire',
          name: `scheduled_${roomType.toLowerCase()}`,
          notBefore: '2031-01-01T00:00:00Z',
          signalwire: { roomType },
        },
      });
      const id =
        result.data?.createRoom.__typename === 'CreateRoomSuccess'
          ? result.data.createRoom.room.id
          : '';
      const disabled = await server.execute(DisableRoomDocument, { input: { id } });
      expect(disabled.data?.disableRoom).toMatchObject({ room: { status: 'DISABLED' } });
      const enabled = await server.execute(EnableRoomDocument, { input: { id } });
      expect(enabled.data?.enableRoom).toMatchObject({ room: { status: 'ACTIVE' } });
    },
  );

  it('deletes a room, after which it is null and mutations on it are RoomNotFoundError', async () => {
    const created = await createRoom('doomed');
    const deleted = await server.execute(DeleteRoomDocument, { input: { id: created.id } });
    expect(deleted.data?.deleteRoom).toEqual({
      __typename: 'DeleteRoomSuccess',
      deletedRoomId: created.id,
    });
    expect((await server.execute(RoomDocument, { id: created.id })).data?.room).toBeNull();
    const again = await server.execute(DisableRoomDocument, { input: { id: created.id } });
    expect(again.data?.disableRoom).toMatchObject({
      __typename: 'RoomNotFoundError',
      code: 'ROOM_NOT_FOUND',
      provider: 'signalwire',
    });
  });
});
