import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribe } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Polling, for changes no webhook reports: an account with a subscriber is read every
 * POLL_INTERVAL_MS and what changed is published (source POLL), with the id a write through
 * the service gives the same change, so a change seen both ways arrives once.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { pollIntervalMs: 150 } });
});
afterAll(async () => {
  await server?.close();
});

// Room events only: polling reports the sessions of Videsk rooms too (a room is its own session).
const EVENTS = /* GraphQL */ `
  subscription ($keys: [String!]) {
    roomEvents(
      providerKeys: $keys
      types: [ROOM_CREATED, ROOM_UPDATED, ROOM_DISABLED, ROOM_ENABLED, ROOM_DELETED]
    ) { id type source room { name status } }
  }
`;

interface EventResult {
  data?: {
    roomEvents: {
      id: string;
      type: string;
      source: string;
      room: { name: string; status: string } | null;
    };
  };
}

/** Creates a Videsk room behind the service's back, through the provider's own API. */
async function createAtProvider(name: string): Promise<void> {
  const account = server.fleet.providers.find((provider) => provider.kind === 'videsk') as {
    baseUrl: string;
    apiToken: string;
  };
  const response = await fetch(`${account.baseUrl}/vpaas/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${account.apiToken}` },
    body: JSON.stringify({ name, externalId: name }),
  });
  expect(response.status).toBe(201);
}

describe('room events from polling', () => {
  it('publishes a room created at the provider, found by polling', async () => {
    const subscription = await subscribe<EventResult>(server.url, EVENTS, { keys: ['videsk'] });
    // The first round is the account's baseline; the room comes after it.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await createAtProvider('behind-the-back');
    const event = await subscription.next(3_000);
    subscription.close();
    expect(event.data?.roomEvents).toMatchObject({
      type: 'ROOM_CREATED',
      source: 'POLL',
      room: { name: 'behind-the-back' },
    });
  });

  it('delivers a change made through the service once, though polling sees it too', async () => {
    const subscription = await subscribe<EventResult>(server.url, EVENTS, { keys: ['videsk'] });
    await new Promise((resolve) => setTimeout(resolve, 400));
    await createAtProvider('seen-twice');
    const created = await subscription.next(3_000);
    const roomId = await server
      .post(
        JSON.stringify({
          query: '{ provider(key: "videsk") { rooms(first: 100) { edges { node { id name } } } } }',
        }),
      )
      .then(
        (response) =>
          response.json() as Promise<{
            data: { provider: { rooms: { edges: { node: { id: string; name: string } }[] } } };
          }>,
      )
      .then(
        (body) =>
          body.data.provider.rooms.edges.find((edge) => edge.node.name === 'seen-twice')?.node.id,
      );
    await server.post(
      JSON.stringify({
        query: 'mutation($id: ID!) { disableRoom(input: { id: $id }) { __typename } }',
        variables: { id: roomId },
      }),
    );
    const disabled = await subscription.next(3_000);
    // Several poll rounds pass: none may bring the same change again.
    const again = await subscription.next(800).catch(() => null);
    subscription.close();
    expect(created.data?.roomEvents.type).toBe('ROOM_CREATED');
    expect(disabled.data?.roomEvents).toMatchObject({ source: 'API' });
    expect(again?.data?.roomEvents ?? null).toBeNull();
  });
});
