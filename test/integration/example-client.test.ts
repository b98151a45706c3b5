import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoomAndToken } from '../example-client/create-room-and-token.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const API_KEY = 'example-client-key-0123456789';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    open: false,
    config: {
      clientApiKeys: [
        {
          id: 'example',
          sha256: createHash('sha256').update(API_KEY).digest('hex'),
          scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
        },
      ],
    },
  });
});
afterAll(async () => {
  await server.close();
});

describe('the README client example', () => {
  it('creates a room and mints a token with graphql-request and the generated documents', async () => {
    const { room, token } = await createRoomAndToken(server.url, API_KEY, 'hms', 'example-room');
    expect(room).toMatchObject({ name: 'example-room', status: 'ACTIVE' });
    expect(token.token.split('.')).toHaveLength(3);
    expect(Date.parse(token.expiresAt ?? '')).toBeGreaterThan(Date.now());
  });
});
