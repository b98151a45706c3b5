import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoomDocument } from '../__generated__/graphql.js';
import { subscribe } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Writes through the service publish their room events at once (`source: API`), and a
 * subscriber over SSE sees them; with `after` it resumes exactly after the last one it saw.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const EVENTS = /* GraphQL */ `
  subscription ($types: [RoomEventType!], $after: String, $providerKeys: [String!]) {
    roomEvents(types: $types, after: $after, providerKeys: $providerKeys) {
      id cursor type source roomId provider { key } room { id name status }
    }
  }
`;

interface EventResult {
  data?: {
    roomEvents: {
      id: string;
      cursor: string;
      type: string;
      source: string;
      roomId: string;
      provider: { key: string } | null;
      room: { id: string; name: string; status: string } | null;
    };
  };
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function create(providerKey: string, name: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey, name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

async function mutate(query: string, id: string): Promise<void> {
  const response = await server.post(JSON.stringify({ query, variables: { id } }));
  expect(response.status).toBe(200);
}

describe('room events from writes through the service', () => {
  it('delivers ROOM_CREATED, ROOM_DISABLED and ROOM_ENABLED to a live subscriber, with the room resolved', async () => {
    const subscription = await subscribe<EventResult>(server.url, EVENTS, {
      providerKeys: ['hms'],
    });
    const id = await create('hms', 'events-live');
    await mutate(`mutation($id: ID!) { disableRoom(input: { id: $id }) { __typename } }`, id);
    await mutate(`mutation($id: ID!) { enableRoom(input: { id: $id }) { __typename } }`, id);

    const seen = [await subscription.next(), await subscription.next(), await subscription.next()];
    subscription.close();
    expect(seen.map((result) => result.data?.roomEvents.type)).toEqual([
      'ROOM_CREATED',
      'ROOM_DISABLED',
      'ROOM_ENABLED',
    ]);
    expect(seen[0]?.data?.roomEvents).toMatchObject({
      source: 'API',
      roomId: id,
      provider: { key: 'hms' },
      room: { id, name: 'events-live' },
    });
  });

  it('replays what came after a cursor, then goes on live', async () => {
    const first = await subscribe<EventResult>(server.url, EVENTS, {
      types: ['ROOM_CREATED'],
      providerKeys: ['videsk'],
    });
    await create('videsk', 'replay-a');
    const a = await first.next();
    first.close();
    await create('videsk', 'replay-b');
    await create('videsk', 'replay-c');

    const resumed = await subscribe<EventResult>(server.url, EVENTS, {
      types: ['ROOM_CREATED'],
      providerKeys: ['videsk'],
      after: a.data?.roomEvents.cursor,
    });
    const replayed = [await resumed.next(), await resumed.next()];
    await create('videsk', 'replay-d');
    const live = await resumed.next();
    resumed.close();
    expect([...replayed, live].map((result) => result.data?.roomEvents.room?.name)).toEqual([
      'replay-b',
      'replay-c',
      'replay-d',
    ]);
  });

  it('refuses a cursor it did not issue, naming after', async () => {
    const subscription = await subscribe<EventResult>(server.url, EVENTS, { after: 'forged' });
    const result = await subscription.next();
    subscription.close();
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(result.errors?.[0]?.message).toContain('after');
  });
});
