import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config.js';
import type { Participant, Recording, RoomSession } from '../../../src/domain/room-life.js';
import { MemoryEventLog } from '../../../src/events/memory-event-log.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import type { RoomProvider } from '../../../src/providers/room-provider.js';
import { createApp } from '../../../src/yoga.js';
import { createFakeProvider, fakeRoom } from './fake-provider.js';

const roomId = (key: string, nativeId: string) =>
  Buffer.from(`Room:${key}:${nativeId}`).toString('base64');

function participant(roomNativeId: string, nativeId: string, name: string): Participant {
  return {
    providerKey: 'fake',
    roomNativeId,
    sessionNativeId: `s-${roomNativeId}`,
    nativeId,
    identity: name.toLowerCase(),
    displayName: name,
    role: 'PARTICIPANT',
    providerRole: 'guest',
    joinedAt: new Date('2026-12-01T10:00:00Z'),
    leftAt: null,
  };
}

function liveSession(roomNativeId: string, carried: boolean): RoomSession {
  const people = [participant(roomNativeId, 'p1', 'Ada'), participant(roomNativeId, 'p2', 'Grace')];
  return {
    providerKey: 'fake',
    roomNativeId,
    nativeId: `s-${roomNativeId}`,
    status: 'LIVE',
    startedAt: new Date('2026-12-01T10:00:00Z'),
    endedAt: null,
    participantCount: people.length,
    participants: carried ? people : null,
  };
}

const READY: Recording = {
  providerKey: 'fake',
  roomNativeId: 'r1',
  sessionNativeId: null,
  nativeId: 'rec-1',
  status: 'READY',
  startedAt: null,
  endedAt: null,
  durationSeconds: 61,
  sizeBytes: 4_000_000_000,
};

/** A fake account with room life: it counts calls, and carries participants when told to. */
function roomLifeProvider(carried: boolean) {
  const base = createFakeProvider(
    'fake',
    ['r1', 'r2', 'r3'].map((id) => fakeRoom('fake', id, id)),
    {
      getActiveSession: 'NATIVE',
      listParticipants: 'NATIVE',
      listRecordings: 'NATIVE',
      getRecordingDownload: 'NATIVE',
      removeParticipant: 'NATIVE',
    },
  );
  const provider: RoomProvider & { calls: string[] } = {
    ...base,
    async getActiveSessions(nativeIds) {
      base.calls.push(`getActiveSessions:${nativeIds.join(',')}`);
      return nativeIds.map((id) => (id === 'r3' ? null : liveSession(id, carried)));
    },
    async listParticipants(session) {
      base.calls.push(`listParticipants:${session.nativeId}`);
      const people = liveSession(session.roomNativeId, true).participants ?? [];
      return {
        edges: people.map((node, index) => ({ node, cursor: String(index) })),
        hasNextPage: false,
      };
    },
    async listRecordings() {
      base.calls.push('listRecordings');
      return { edges: [{ node: READY, cursor: '0' }], hasNextPage: false };
    },
    async getRecordingDownload() {
      base.calls.push('getRecordingDownload');
      return {
        url: 'https://files.example/rec-1?sig=secret',
        expiresAt: new Date('2026-12-01T11:00:00Z'),
      };
    },
    async removeParticipant(roomNativeId, participantNativeId) {
      base.calls.push(`removeParticipant:${roomNativeId}:${participantNativeId}`);
    },
  };
  return provider;
}

const KEYS = { reader: 'reader-key-0123456789', recordings: 'recordings-key-0123456789' };
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function setup(provider: RoomProvider) {
  const app = createApp({
    config: configSchema.parse({
      clientApiKeys: [
        { id: 'reader', sha256: sha256(KEYS.reader), scopes: ['rooms:read', 'rooms:write'] },
        {
          id: 'recordings',
          sha256: sha256(KEYS.recordings),
          scopes: ['rooms:read', 'recordings:read'],
        },
      ],
    }),
    registry: new ProviderRegistry([provider]),
    logging: false,
    logError: () => {},
  });
  return async (query: string, variables?: Record<string, unknown>, key = KEYS.reader) => {
    const response = await app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[];
    };
  };
}

describe('room life through the schema', () => {
  it("asks for the live sessions of a page's rooms in one call per account", async () => {
    const provider = roomLifeProvider(true);
    const execute = setup(provider);
    const result = await execute(/* GraphQL */ `{
      provider(key: "fake") { rooms(first: 3) { edges { node { name activeSession { status participantCount } } } } }
    }`);

    expect(result.errors).toBeUndefined();
    const names = (result.data!.provider as { rooms: { edges: { node: unknown }[] } }).rooms.edges;
    expect(names.map((edge) => edge.node)).toEqual([
      { name: 'r1', activeSession: { status: 'LIVE', participantCount: 2 } },
      { name: 'r2', activeSession: { status: 'LIVE', participantCount: 2 } },
      { name: 'r3', activeSession: null },
    ]);
    expect(provider.calls).toEqual(['listRooms', 'getActiveSessions:r1,r2,r3']);
  });

  it('pages participants the session answer carried without another call', async () => {
    const provider = roomLifeProvider(true);
    const execute = setup(provider);
    const query = /* GraphQL */ `query($id: ID!, $after: String) {
      room(id: $id) { activeSession { participants(first: 1, after: $after) {
        edges { cursor node { identity displayName role providerRole leftAt } } pageInfo { hasNextPage endCursor }
      } } }
    }`;
    const first = await execute(query, { id: roomId('fake', 'r1') });
    const page = (
      first.data!.room as { activeSession: { participants: { pageInfo: { endCursor: string } } } }
    ).activeSession.participants;
    const second = await execute(query, {
      id: roomId('fake', 'r1'),
      after: page.pageInfo.endCursor,
    });

    expect(first.data).toMatchObject({
      room: {
        activeSession: {
          participants: {
            edges: [
              {
                node: { identity: 'ada', role: 'PARTICIPANT', providerRole: 'guest', leftAt: null },
              },
            ],
            pageInfo: { hasNextPage: true },
          },
        },
      },
    });
    expect(second.data).toMatchObject({
      room: {
        activeSession: {
          participants: {
            edges: [{ node: { identity: 'grace' } }],
            pageInfo: { hasNextPage: false },
          },
        },
      },
    });
    expect(provider.calls.filter((call) => call.startsWith('listParticipants'))).toEqual([]);
  });

  it('asks for participants when the session answer did not carry them', async () => {
    const provider = roomLifeProvider(false);
    const execute = setup(provider);
    const result = await execute(
      /* GraphQL */ `query($id: ID!) { room(id: $id) { activeSession { participants { edges { node { identity } } } } } }`,
      { id: roomId('fake', 'r1') },
    );
    expect(result.errors).toBeUndefined();
    expect(provider.calls).toContain('listParticipants:s-r1');
  });

  it('answers a field the account cannot answer with UNSUPPORTED_OPERATION, calling nothing', async () => {
    const provider = createFakeProvider('fake', [fakeRoom('fake', 'r1', 'r1')]);
    const execute = setup(provider);
    const result = await execute(
      /* GraphQL */ `query($id: ID!) { room(id: $id) { name activeSession { status } sessions { edges { cursor } } } }`,
      { id: roomId('fake', 'r1') },
    );
    expect(result.data).toEqual({ room: { name: 'r1', activeSession: null, sessions: null } });
    const errors = result.errors?.map((error) => [error.path?.join('.'), error.extensions?.code]);
    expect(errors?.sort()).toEqual([
      ['room.activeSession', 'UNSUPPORTED_OPERATION'],
      ['room.sessions', 'UNSUPPORTED_OPERATION'],
    ]);
    expect(provider.calls).toEqual(['getRooms:r1']);
  });

  it('mints a recording download only for a client with recordings:read', async () => {
    const provider = roomLifeProvider(true);
    const execute = setup(provider);
    const query = /* GraphQL */ `query($id: ID!) { room(id: $id) { recordings { edges { node { status sizeBytes download { url expiresAt } } } } } }`;

    const without = await execute(query, { id: roomId('fake', 'r1') }, KEYS.reader);
    expect(without.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(provider.calls).not.toContain('getRecordingDownload');

    const withScope = await execute(query, { id: roomId('fake', 'r1') }, KEYS.recordings);
    expect(withScope.data).toEqual({
      room: {
        recordings: {
          edges: [
            {
              node: {
                status: 'READY',
                sizeBytes: 4_000_000_000,
                download: {
                  url: 'https://files.example/rec-1?sig=secret',
                  expiresAt: '2026-12-01T11:00:00.000Z',
                },
              },
            },
          ],
        },
      },
    });
  });

  it('removes a participant by the id it was listed with, and refuses one from another room', async () => {
    const provider = roomLifeProvider(true);
    const execute = setup(provider);
    const listed = await execute(
      /* GraphQL */ `query($id: ID!) { room(id: $id) { activeSession { participants { edges { node { id } } } } } }`,
      { id: roomId('fake', 'r1') },
    );
    const edges = (
      listed.data!.room as {
        activeSession: { participants: { edges: { node: { id: string } }[] } };
      }
    ).activeSession.participants.edges;
    const participantId = edges[1]?.node.id;
    const remove = /* GraphQL */ `mutation($room: ID!, $participant: ID!) {
      removeParticipant(input: { roomId: $room, participantId: $participant }) {
        __typename ... on RemoveParticipantSuccess { removedParticipantId } ... on InputValidationError { issues { path message } }
      }
    }`;

    const elsewhere = await execute(remove, {
      room: roomId('fake', 'r2'),
      participant: participantId,
    });
    expect(elsewhere.data).toEqual({
      removeParticipant: {
        __typename: 'InputValidationError',
        issues: [
          { path: ['input', 'participantId'], message: 'is not a Participant id of this room' },
        ],
      },
    });
    const removed = await execute(remove, {
      room: roomId('fake', 'r1'),
      participant: participantId,
    });
    expect(removed.data).toEqual({
      removeParticipant: {
        __typename: 'RemoveParticipantSuccess',
        removedParticipantId: participantId,
      },
    });
    expect(provider.calls.filter((call) => call.startsWith('removeParticipant'))).toEqual([
      'removeParticipant:r1:p2',
    ]);
  });

  it('publishes the lock of endRoomSession as ROOM_DISABLED, and says why activeSession is missing', async () => {
    const rooms = [fakeRoom('fake', 'r1', 'r1')];
    const base = createFakeProvider('fake', rooms, {
      endRoomSession: 'EMULATED',
      getActiveSession: 'UNSUPPORTED',
    });
    const provider: RoomProvider = {
      ...base,
      capabilities: {
        ...base.capabilities,
        operationNotes: { getActiveSession: 'the provider shows presence to its SDK only' },
      },
      async endRoomSession(nativeId, input) {
        if (input.lock) {
          const at = rooms.findIndex((room) => room.nativeId === nativeId);
          rooms[at] = { ...(rooms[at] as (typeof rooms)[number]), status: 'DISABLED' };
        }
        return null;
      },
    };
    const log = new MemoryEventLog(60_000);
    const app = createApp({
      config: configSchema.parse({}),
      registry: new ProviderRegistry([provider]),
      logging: false,
      logError: () => {},
      open: true,
      eventLog: log,
    });
    const post = async (query: string) => {
      const response = await app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables: { id: roomId('fake', 'r1') } }),
      });
      return (await response.json()) as { data: unknown; errors?: { message: string }[] };
    };

    const ended = await post(
      'mutation($id: ID!) { endRoomSession(input: { roomId: $id, lock: true }) { __typename ... on EndRoomSessionSuccess { room { status } } } }',
    );
    expect(ended.data).toEqual({
      endRoomSession: { __typename: 'EndRoomSessionSuccess', room: { status: 'DISABLED' } },
    });
    expect((await log.read(null, 10)).map((event) => [event.type, event.source])).toEqual([
      ['ROOM_DISABLED', 'API'],
    ]);
    const live = await post('query($id: ID!) { room(id: $id) { activeSession { status } } }');
    expect(live.errors?.[0]?.message).toBe(
      'Provider fake does not support getActiveSession: the provider shows presence to its SDK only',
    );
  });
});
