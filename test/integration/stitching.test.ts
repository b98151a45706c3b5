import { readFileSync } from 'node:fs';
import { stitchSchemas } from '@graphql-tools/stitch';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { buildSchema, type DocumentNode, type ExecutionResult, graphql, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoomDocument } from '../__generated__/graphql.js';
import { createMeetingsSchema, type Meeting } from '../fixtures/graphs/meetings-schema.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// The gateway knows our API only as a remote one does: the committed SDL and an HTTP endpoint.
const roomsSdl = readFileSync(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');

let server: TestServer;
/** Every operation the gateway sent to the rooms API, as the gateway printed it. */
const sentToRooms: { query: string; variables: Record<string, unknown> | undefined }[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function createRoom(providerKey: string, name: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey, name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

function stitchedGateway(meetings: readonly Meeting[]) {
  return stitchSchemas({
    subschemas: [
      {
        schema: buildSchema(roomsSdl),
        executor: async ({ document, variables }) => {
          const query = print(document as DocumentNode);
          sentToRooms.push({ query, variables: variables as Record<string, unknown> });
          const response = await fetch(server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ query, variables }),
          });
          // The executor's type is generic in a result data type only the gateway knows.
          return response.json() as Promise<ExecutionResult<never>>;
        },
        merge: {
          // Rooms are merged in batches through `nodes(ids:)`: every key the gateway meets in
          // one round goes into one call.
          Room: {
            selectionSet: '{ id }',
            fieldName: 'nodes',
            key: ({ id }: { id: string }) => id,
            argsFromKeys: (ids: readonly string[]) => ({ ids }),
          },
        },
      },
      { schema: createMeetingsSchema(meetings) },
    ],
  });
}

describe('stitching the rooms API with another schema', () => {
  it('resolves the rooms of 5 meetings with exactly one call into the rooms API', async () => {
    const rooms = [
      { provider: 'signalwire', id: await createRoom('signalwire', 'kickoff') },
      { provider: 'hms', id: await createRoom('hms', 'design-review') },
      { provider: 'videsk', id: await createRoom('videsk', 'customer-call') },
      { provider: 'signalwire', id: await createRoom('signalwire', 'retro') },
      { provider: 'hms', id: await createRoom('hms', 'all-hands') },
    ];
    const meetings = rooms.map((room, index) => ({
      id: `meeting-${index + 1}`,
      title: `Meeting ${index + 1}`,
      roomId: room.id,
    }));
    const gateway = stitchedGateway(meetings);
    sentToRooms.length = 0;

    const result = await graphql({
      schema: gateway,
      source: /* GraphQL */ `
        {
          meetings {
            id
            title
            room { id name status provider { key } }
          }
        }
      `,
    });

    expect(result.errors).toBeUndefined();
    expect(result.data?.meetings).toEqual(
      meetings.map((meeting, index) => ({
        id: meeting.id,
        title: meeting.title,
        room: {
          id: meeting.roomId,
          name: ['kickoff', 'design-review', 'customer-call', 'retro', 'all-hands'][index],
          status: 'ACTIVE',
          provider: { key: rooms[index]?.provider },
        },
      })),
    );
    expect(sentToRooms).toHaveLength(1);
    expect(sentToRooms[0]?.query).toContain('nodes(ids:');
    expect(Object.values(sentToRooms[0]?.variables ?? {})).toContainEqual(
      meetings.map((meeting) => meeting.roomId),
    );
  });

  it('nulls only the room that is gone, and still makes one call', async () => {
    const kept = await createRoom('signalwire', 'kept');
    const gone = encodeGlobalID('Room', 'signalwire:room:00000000-0000-4000-8000-000000000000');
    const gateway = stitchedGateway([
      { id: 'm1', title: 'Kept', roomId: kept },
      { id: 'm2', title: 'Gone', roomId: gone },
    ]);
    sentToRooms.length = 0;

    const result = await graphql({
      schema: gateway,
      source: '{ meetings { id room { id name } } }',
    });

    expect(result.data?.meetings).toEqual([
      { id: 'm1', room: { id: kept, name: 'kept' } },
      { id: 'm2', room: null },
    ]);
    // The meetings schema vouched for the room's id, so the gateway reports the missing rest.
    expect(result.errors?.map((error) => error.path)).toEqual([['meetings', 1, 'room', 'name']]);
    expect(sentToRooms).toHaveLength(1);
  });
});
