import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NO_ROOM_LIFE } from '../../src/domain/capabilities.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  DeleteRoomDocument,
  DisableRoomDocument,
  EnableRoomDocument,
  ProviderRoomsDocument,
  type ProviderRoomsQuery,
  ProvidersDocument,
  RoomDocument,
  RoomWithTokensDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * The same cases for every provider kind, through GraphQL over HTTP against the emulators. A new
 * provider is one new row. Support levels and disable semantics are DESIGN.md's table.
 */
interface Row {
  readonly key: string;
  readonly emulator: string;
  readonly support: Record<string, 'NATIVE' | 'EMULATED' | 'UNSUPPORTED'>;
  readonly disableEffect: string;
  readonly enableUndoesDisable: boolean;
  readonly tokenRole: 'HOST' | 'PARTICIPANT' | 'VIEWER';
  /** Room names the provider accepts. */
  readonly name: (index: number) => string;
}

const support = (overrides: Row['support']): Row['support'] => ({
  createRoom: 'NATIVE',
  getRoom: 'NATIVE',
  listRooms: 'NATIVE',
  updateRoom: 'NATIVE',
  disableRoom: 'NATIVE',
  enableRoom: 'NATIVE',
  deleteRoom: 'NATIVE',
  createRoomToken: 'NATIVE',
  listRoomTokens: 'UNSUPPORTED',
  ...NO_ROOM_LIFE,
  ...overrides,
});

/** The Room field behind each room-life operation that is a field, not a mutation. */
const ROOM_LIFE_FIELDS: Record<string, string> = {
  getActiveSession: 'activeSession { status }',
  listSessions: 'sessions { edges { cursor } }',
  listRecordings: 'recordings { edges { cursor } }',
};

const ROWS: Row[] = [
  {
    key: 'signalwire',
    emulator: 'signalwire',
    // Room life is read-only over REST; the writes are Realtime SDK only (UNSUPPORTED).
    support: support({
      disableRoom: 'EMULATED',
      enableRoom: 'EMULATED',
      listRoomTokens: 'NATIVE',
      getActiveSession: 'NATIVE',
      listSessions: 'NATIVE',
      listParticipants: 'NATIVE',
      listRecordings: 'NATIVE',
      getRecordingDownload: 'NATIVE',
    }),
    disableEffect: 'BLOCKS_NEW_JOINS',
    enableUndoesDisable: true,
    tokenRole: 'HOST',
    name: (index) => `contract_${index}`,
  },
  {
    key: 'netless',
    emulator: 'netless',
    support: support({
      updateRoom: 'UNSUPPORTED',
      deleteRoom: 'UNSUPPORTED',
      endRoomSession: 'EMULATED',
    }),
    disableEffect: 'EJECTS_EVERYONE',
    enableUndoesDisable: true,
    tokenRole: 'HOST',
    name: (index) => `contract-${index}`,
  },
  {
    key: 'hms',
    emulator: 'hms',
    // 100ms has the whole of room life over REST (hms-room-life.md).
    support: support({
      deleteRoom: 'UNSUPPORTED',
      getActiveSession: 'NATIVE',
      listSessions: 'NATIVE',
      listParticipants: 'NATIVE',
      listRecordings: 'NATIVE',
      getRecordingDownload: 'NATIVE',
      removeParticipant: 'NATIVE',
      endRoomSession: 'NATIVE',
      startRecording: 'NATIVE',
      stopRecording: 'NATIVE',
    }),
    disableEffect: 'BLOCKS_NEW_JOINS',
    enableUndoesDisable: true,
    tokenRole: 'HOST',
    name: (index) => `contract-${index}`,
  },
  {
    key: 'videsk',
    emulator: 'videsk',
    support: support({
      enableRoom: 'UNSUPPORTED',
      deleteRoom: 'UNSUPPORTED',
      getActiveSession: 'EMULATED',
      listSessions: 'EMULATED',
      endRoomSession: 'NATIVE',
    }),
    disableEffect: 'ENDS_ROOM',
    enableUndoesDisable: false,
    tokenRole: 'PARTICIPANT',
    name: (index) => `contract-${index}`,
  },
];

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  for (const running of server.fleet.running) {
    running.emulator.reset();
  }
});

describe.each(ROWS)('provider $key', (row) => {
  const calls = () => server.emulator(row.emulator).log.count();

  async function create(index: number): Promise<string> {
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: row.key, name: row.name(index) },
    });
    if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
      throw new Error(JSON.stringify(result));
    }
    return result.data.createRoom.room.id;
  }

  it('declares the capabilities of the design table', async () => {
    const result = await server.execute(ProvidersDocument);
    const provider = result.data?.providers.find((candidate) => candidate.key === row.key);
    const declared = Object.fromEntries(
      provider!.capabilities.operations.map((entry) => [entry.operation, entry.support]),
    );
    expect(declared).toEqual(row.support);
    expect(provider?.capabilities.disableEffect).toBe(row.disableEffect);
    expect(provider?.capabilities.enableUndoesDisable).toBe(row.enableUndoesDisable);
  });

  it('creates a room and fetches it back by id', async () => {
    const id = await create(1);
    const fetched = await server.execute(RoomDocument, { id });
    expect(fetched.data?.room).toMatchObject({ id, status: 'ACTIVE', provider: { key: row.key } });
  });

  it('lists every room to the end, one small page at a time', async () => {
    const ids = [await create(1), await create(2), await create(3)];
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: { data?: ProviderRoomsQuery | null } = await server.execute(
        ProviderRoomsDocument,
        {
          key: row.key,
          first: 2,
          after,
        },
      );
      const connection = result.data?.provider?.rooms;
      seen.push(...(connection?.edges.map((edge) => edge.node.id) ?? []));
      if (!connection?.pageInfo.hasNextPage) {
        break;
      }
      after = connection.pageInfo.endCursor ?? null;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('mints a join token with an expiry', async () => {
    const id = await create(1);
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId: id, role: row.tokenRole, identity: 'user-1' },
    });
    const payload = result.data?.createRoomToken;
    if (payload?.__typename !== 'CreateRoomTokenSuccess') {
      throw new Error(JSON.stringify(result));
    }
    expect(payload.roomToken.token.length).toBeGreaterThan(20);
    expect(payload.roomToken.room?.id).toBe(id);
    expect(Date.parse(payload.roomToken.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it('disables as declared, and enables again where it can', async () => {
    const id = await create(1);
    const disabled = await server.execute(DisableRoomDocument, { input: { id } });
    const expected = row.disableEffect === 'ENDS_ROOM' ? 'ENDED' : 'DISABLED';
    expect(disabled.data?.disableRoom).toMatchObject({
      __typename: 'DisableRoomSuccess',
      room: { status: expected },
    });
    if (row.enableUndoesDisable) {
      const enabled = await server.execute(EnableRoomDocument, { input: { id } });
      expect(enabled.data?.enableRoom).toMatchObject({
        __typename: 'EnableRoomSuccess',
        room: { status: 'ACTIVE' },
      });
    }
  });

  const unsupported = Object.entries(row.support)
    .filter(([, level]) => level === 'UNSUPPORTED')
    .map(([operation]) => operation);

  it.each(unsupported)(
    'answers %s with UnsupportedOperationError and no upstream request',
    async (operation) => {
      const id = await create(1);
      const before = calls();
      let payload: unknown;
      switch (operation) {
        case 'updateRoom':
          payload = (await server.execute(UpdateRoomDocument, { input: { id, displayName: 'x' } }))
            .data?.updateRoom;
          break;
        case 'enableRoom':
          payload = (await server.execute(EnableRoomDocument, { input: { id } })).data?.enableRoom;
          break;
        case 'deleteRoom':
          payload = (await server.execute(DeleteRoomDocument, { input: { id } })).data?.deleteRoom;
          break;
        case 'listRoomTokens':
          // Not a mutation: Room.tokens is null where the provider keeps no tokens. The room
          // itself is one GET; the tokens cost nothing.
          payload = (await server.execute(RoomWithTokensDocument, { id })).data?.room?.tokens;
          expect(payload).toBeNull();
          expect(calls() - before).toBe(1);
          return;
        case 'getActiveSession':
        case 'listSessions':
        case 'listRecordings': {
          // Fields, not mutations: null with UNSUPPORTED_OPERATION in the error's extensions,
          // after the one GET of the room itself.
          const field = ROOM_LIFE_FIELDS[operation] as string;
          const response = await server.post(
            JSON.stringify({
              query: `query($id: ID!) { room(id: $id) { id ${field} } }`,
              variables: { id },
            }),
          );
          const body = (await response.json()) as {
            data: { room: Record<string, unknown> };
            errors: { path: string[]; extensions: { code: string } }[];
          };
          expect(body.data.room[field.split(' ')[0] as string]).toBeNull();
          expect(body.errors.map((error) => [error.path.join('.'), error.extensions.code])).toEqual(
            [[`room.${field.split(' ')[0]}`, 'UNSUPPORTED_OPERATION']],
          );
          expect(calls() - before).toBe(1);
          return;
        }
        case 'listParticipants':
        case 'getRecordingDownload': {
          if (operation === 'listParticipants' && row.support.getActiveSession !== 'UNSUPPORTED') {
            // Through the live session (a fresh room has one where a session is the room's own
            // window): the participants cost no call beyond the room and its live session.
            const read = async (fields: string) => {
              const start = calls();
              const response = await server.post(
                JSON.stringify({
                  query: `query($id: ID!) { room(id: $id) { activeSession { ${fields} } } }`,
                  variables: { id },
                }),
              );
              const body = (await response.json()) as {
                errors?: { path: string[]; extensions: { code: string } }[];
              };
              return { body, calls: calls() - start };
            };
            const session = await read('id');
            const people = await read('id participants { edges { cursor } }');
            expect(
              people.body.errors?.map((error) => [error.path.join('.'), error.extensions.code]),
            ).toEqual([['room.activeSession.participants', 'UNSUPPORTED_OPERATION']]);
            expect(people.calls).toBe(session.calls);
            return;
          }
          // Reached only through a session or a recording: with their parents unsupported
          // too, no query can get to them.
          const parents =
            operation === 'listParticipants'
              ? [row.support.getActiveSession, row.support.listSessions]
              : [row.support.listRecordings];
          expect(parents.every((level) => level === 'UNSUPPORTED')).toBe(true);
          return;
        }
        case 'removeParticipant':
          payload = (
            await server
              .post(
                JSON.stringify({
                  query: `mutation($id: ID!) { removeParticipant(input: { roomId: $id, participantId: "x" }) { __typename ... on Error { code } ... on UnsupportedOperationError { provider operation } } }`,
                  variables: { id },
                }),
              )
              .then((response) => response.json() as Promise<{ data: Record<string, unknown> }>)
          ).data.removeParticipant;
          break;
        case 'endRoomSession':
        case 'startRecording':
        case 'stopRecording': {
          const input =
            operation === 'endRoomSession' ? '{ roomId: $id, lock: true }' : '{ roomId: $id }';
          payload = (
            await server
              .post(
                JSON.stringify({
                  query: `mutation($id: ID!) { ${operation}(input: ${input}) { __typename ... on Error { code } ... on UnsupportedOperationError { provider operation } } }`,
                  variables: { id },
                }),
              )
              .then((response) => response.json() as Promise<{ data: Record<string, unknown> }>)
          ).data[operation];
          break;
        }
      }
      expect(payload).toMatchObject({
        __typename: 'UnsupportedOperationError',
        code: 'UNSUPPORTED_OPERATION',
        provider: row.key,
        operation,
      });
      expect(calls()).toBe(before);
    },
  );
});
