import { createHash } from 'node:crypto';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CreateRoomDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Subscriptions over WebSocket (graphql-ws) on the GraphQL endpoint: authenticated like any
 * request, from connectionParams or the upgrade's Authorization header, and held to the same
 * scopes and limits.
 */
const KEYS = {
  events: 'events-key-0123456789abcdef',
  writer: 'writer-key-0123456789abcdef',
  reader: 'reader-key-0123456789abcdef',
};
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    open: false,
    config: {
      maxDepth: 6,
      clientApiKeys: [
        { id: 'events', sha256: sha256(KEYS.events), scopes: ['events:read', 'rooms:read'] },
        { id: 'writer', sha256: sha256(KEYS.writer), scopes: ['rooms:write', 'rooms:read'] },
        { id: 'reader', sha256: sha256(KEYS.reader), scopes: ['rooms:read'] },
      ],
    },
  });
});
afterAll(async () => {
  await server?.close();
});

function client(
  connectionParams: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return createClient({
    url: server.url.replace('http', 'ws'),
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    webSocketImpl: class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers });
      }
    },
  });
}

/** The first result of a subscription, or the error it ended with. */
function first(
  ws: ReturnType<typeof createClient>,
  query: string,
): Promise<
  | {
      data?: Record<string, unknown> | null;
      errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
    }
  | { closed: unknown }
> {
  return new Promise((resolve) => {
    const stop = ws.subscribe(
      { query },
      {
        next: (value) => {
          resolve(value as never);
          // A live stream goes on after its first event; this caller wanted only one.
          queueMicrotask(stop);
        },
        error: (error) => resolve(Array.isArray(error) ? { errors: error } : { closed: error }),
        complete: () => {},
      },
    );
  });
}

const EVENTS = 'subscription { roomEvents(types: [ROOM_CREATED]) { type source room { name } } }';

describe('subscriptions over WebSocket', () => {
  it('delivers room events to a client that authenticated through connectionParams', async () => {
    const ws = client({ authorization: `Bearer ${KEYS.events}` });
    const event = first(ws, EVENTS);
    // Give the subscription a moment to be in place before the write it should see.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const created = await server.execute(
      CreateRoomDocument,
      { input: { providerKey: 'hms', name: 'over-websocket' } },
      { authorization: `Bearer ${KEYS.writer}` },
    );
    expect(created.data?.createRoom.__typename).toBe('CreateRoomSuccess');
    expect(await event).toEqual({
      data: {
        roomEvents: { type: 'ROOM_CREATED', source: 'API', room: { name: 'over-websocket' } },
      },
    });
    await ws.dispose();
  });

  it('takes the credentials of the upgrade request too', async () => {
    const ws = client({}, { authorization: `Bearer ${KEYS.events}` });
    const event = first(ws, EVENTS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.execute(
      CreateRoomDocument,
      { input: { providerKey: 'hms', name: 'upgrade-header' } },
      { authorization: `Bearer ${KEYS.writer}` },
    );
    expect(await event).toMatchObject({
      data: { roomEvents: { room: { name: 'upgrade-header' } } },
    });
    await ws.dispose();
  });

  it('closes a connection without credentials as forbidden', async () => {
    const ws = client();
    const outcome = await first(ws, EVENTS);
    expect(outcome).toMatchObject({ closed: { code: 4403 } });
    await ws.dispose();
  });

  it('refuses roomEvents to a client without events:read, and a query past the depth limit', async () => {
    const ws = client({ authorization: `Bearer ${KEYS.reader}` });
    const forbidden = await first(ws, EVENTS);
    expect(forbidden).toMatchObject({ errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    const deep = await first(
      ws,
      'subscription { roomEvents { room { provider { rooms { edges { node { provider { key } } } } } } } }',
    );
    expect(JSON.stringify(deep)).toMatch(/depth/i);
    await ws.dispose();
  });
});
