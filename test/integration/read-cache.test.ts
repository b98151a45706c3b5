import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomEventId } from '../../src/domain/room-event.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { CreateRoomDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * The optional read cache (CACHE_TTL_MS): repeated room reads of an account are served without
 * an upstream call until a write through the service, or a room event, forgets them.
 */
let server: TestServer;
const log = new MemoryEventLog(60_000);

beforeAll(async () => {
  server = await startTestServer({ config: { cacheTtlMs: 60_000 }, eventLog: log });
});
afterAll(async () => {
  await server?.close();
});

const LIST = JSON.stringify({
  query: '{ provider(key: "hms") { rooms(first: 20) { edges { node { id name status } } } } }',
});

function gets(): number {
  return server.emulator('hms').log.count({ method: 'GET', pathPrefix: '/v2/rooms' });
}

async function list(): Promise<{ name: string; status: string; id: string }[]> {
  const response = await server.post(LIST);
  const body = (await response.json()) as {
    data: {
      provider: { rooms: { edges: { node: { id: string; name: string; status: string } }[] } };
    };
  };
  return body.data.provider.rooms.edges.map((edge) => edge.node);
}

describe('the read cache', () => {
  it('serves a repeated list from the cache, and asks again after a write', async () => {
    await server.execute(CreateRoomDocument, { input: { providerKey: 'hms', name: 'cached-a' } });
    const first = await list();
    const before = gets();
    const second = await list();
    expect(second).toEqual(first);
    expect(gets() - before).toBe(0);

    const room = first.find((entry) => entry.name === 'cached-a');
    await server.post(
      JSON.stringify({
        query: 'mutation($id: ID!) { disableRoom(input: { id: $id }) { __typename } }',
        variables: { id: room?.id },
      }),
    );
    const afterWrite = gets();
    const third = await list();
    expect(gets() - afterWrite).toBeGreaterThan(0);
    expect(third.find((entry) => entry.name === 'cached-a')?.status).toBe('DISABLED');
  });

  it("forgets an account's reads when a room event of that account comes in", async () => {
    await list();
    const before = gets();
    await list();
    expect(gets() - before).toBe(0);
    // A change seen by another source (a webhook, polling, another instance).
    await log.append([
      {
        id: roomEventId('ROOM_UPDATED', 'hms', 'somewhere', 'v2'),
        type: 'ROOM_UPDATED',
        occurredAt: new Date(),
        observedAt: new Date(),
        source: 'WEBHOOK',
        providerKey: 'hms',
        roomNativeId: 'somewhere',
        sessionNativeId: null,
        recordingNativeId: null,
        participant: null,
      },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const afterEvent = gets();
    await list();
    expect(gets() - afterEvent).toBeGreaterThan(0);
  });
});
