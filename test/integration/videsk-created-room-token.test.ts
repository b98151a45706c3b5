import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VideskEmulator } from '../../src/emulators/videsk/videsk-emulator.js';
import { CreateRoomWithTokensDocument, RoomWithTokensDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Videsk's create answer carries a first access token (videsk.md §3.2); the room createRoom
// returns shows it in `tokens`, under the scope rule every token secret follows.

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const KEYS = { operator: 'vr_operator_9d8c7b6a5f4e', manager: 'vr_manager_1a2b3c4d5e6f' };
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let server: TestServer;
let videsk: VideskEmulator;

beforeAll(async () => {
  server = await startTestServer({
    open: false,
    config: {
      clientApiKeys: [
        {
          id: 'operator',
          sha256: sha256(KEYS.operator),
          scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
        },
        { id: 'manager', sha256: sha256(KEYS.manager), scopes: ['rooms:read', 'rooms:write'] },
      ],
    },
  });
  videsk = server.emulator('videsk') as VideskEmulator;
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  videsk.reset();
});

describe('the token of a Videsk create answer', () => {
  it('comes back on the created room with its own expiry, and the emulator accepts it', async () => {
    const result = await server.execute(
      CreateRoomWithTokensDocument,
      { input: { providerKey: 'videsk', name: 'with-first-token' } },
      as(KEYS.operator),
    );
    expect(result.errors).toBeUndefined();
    const created = result.data?.createRoom;
    if (created?.__typename !== 'CreateRoomSuccess') {
      throw new Error(JSON.stringify(result));
    }
    const [token] = created.room.tokens ?? [];
    const answered = videsk.log.all()[0]?.response?.body as { accessToken: string };
    expect(token?.token).toBe(answered.accessToken);
    const check = videsk.store.verifyAccessToken(token?.token ?? '');
    if (!check.ok) {
      throw new Error(check.message);
    }
    expect(token).toMatchObject({
      role: 'PARTICIPANT',
      providerRole: null,
      providerTokenId: check.claims.jti,
      expiresAt: new Date((check.claims.exp as number) * 1000).toISOString(),
    });
    expect(created.room.tokens).toHaveLength(1);
    // The room read later: Videsk cannot list tokens, so there is nothing to show.
    const reread = await server.execute(
      RoomWithTokensDocument,
      { id: created.room.id },
      as(KEYS.operator),
    );
    expect(reread).toEqual({
      data: { room: { id: created.room.id, name: 'with-first-token', tokens: null } },
    });
  });

  it('is FORBIDDEN to a client without tokens:create, while the room itself is created', async () => {
    const result = await server.execute(
      CreateRoomWithTokensDocument,
      { input: { providerKey: 'videsk', name: 'no-token-scope' } },
      as(KEYS.manager),
    );
    expect(result.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['createRoom', 'room', 'tokens', 0, 'token'], 'FORBIDDEN'],
    ]);
    expect(JSON.stringify(result)).not.toContain('eyJ');
    expect(videsk.store.list('emulator').map((room) => room.externalId)).toEqual([
      'no-token-scope',
    ]);
  });
});
