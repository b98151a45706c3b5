import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  type CreateRoomMutation,
  ProviderRoomsDocument,
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

const posts = () =>
  server.emulator('signalwire').log.count({ method: 'POST', pathPrefix: '/api/video/rooms' });

function createRoom(name: string, idempotencyKey: string, extra: Record<string, unknown> = {}) {
  return server.execute(CreateRoomDocument, {
    input: { providerKey: 'signalwire', name, idempotencyKey, ...extra },
  });
}

function roomId(result: { data?: CreateRoomMutation | null }): string | null {
  return result.data?.createRoom.__typename === 'CreateRoomSuccess'
    ? result.data.createRoom.room.id
    : null;
}

async function listedNames(): Promise<string[]> {
  const listed = await server.execute(ProviderRoomsDocument, { key: 'signalwire', first: 100 });
  return listed.data?.provider?.rooms.edges.map((edge) => edge.node.name) ?? [];
}

describe('createRoom with an idempotencyKey', () => {
  it('creates one room for the same key sent twice, and returns it both times', async () => {
    const first = await createRoom('idem_once', 'key-sequential-1');
    const second = await createRoom('idem_once', 'key-sequential-1');
    expect(roomId(first)).not.toBeNull();
    expect(roomId(second)).toBe(roomId(first));
    expect(posts()).toBe(1);
  });

  it('creates one room for the same key sent concurrently', async () => {
    server.emulator('signalwire').faults.add({ method: 'POST', latencyMs: 200 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => createRoom('idem_together', 'key-concurrent-1')),
    );
    server.emulator('signalwire').faults.clear();
    const ids = new Set(results.map(roomId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).not.toBeNull();
    expect(posts()).toBe(1);
    expect(await listedNames()).toEqual(['idem_together']);
  });

  it('answers the same key with other input as IdempotencyConflictError, creating nothing', async () => {
    await createRoom('idem_a', 'key-conflict-1');
    const other = await createRoom('idem_b', 'key-conflict-1');
    expect(other.data?.createRoom).toMatchObject({
      __typename: 'IdempotencyConflictError',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(posts()).toBe(1);
    expect(await listedNames()).toEqual(['idem_a']);
  });

  it('treats the same input written in another order as the same request', async () => {
    const first = await createRoom('idem_order', 'key-order-1', {
      displayName: 'A',
      description: 'B',
    });
    const again = await server.execute(CreateRoomDocument, {
      input: {
        description: 'B',
        displayName: 'A',
        idempotencyKey: 'key-order-1',
        name: 'idem_order',
        providerKey: 'signalwire',
      },
    });
    expect(roomId(again)).toBe(roomId(first));
    expect(posts()).toBe(1);
  });

  it('lets a request that failed upstream be tried again with the same key', async () => {
    server.emulator('signalwire').faults.add({ method: 'POST', status: 500, times: 1 });
    const failed = await createRoom('idem_retry', 'key-retry-1');
    expect(failed.data?.createRoom.__typename).toBe('ProviderError');
    const retried = await createRoom('idem_retry', 'key-retry-1');
    expect(roomId(retried)).not.toBeNull();
    expect(await listedNames()).toEqual(['idem_retry']);
  });

  it('keeps keys apart per provider account', async () => {
    const signalwire = await createRoom('idem_accounts', 'key-accounts-1');
    const hms = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'hms', name: 'idem-accounts', idempotencyKey: 'key-accounts-1' },
    });
    expect(roomId(signalwire)).not.toBeNull();
    expect(roomId(hms)).not.toBeNull();
    expect(roomId(hms)).not.toBe(roomId(signalwire));
  });

  it('names the field and rule of a malformed key, and creates nothing', async () => {
    const result = await createRoom('idem_bad', 'no spaces allowed');
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'InputValidationError',
      issues: [
        {
          path: ['input', 'idempotencyKey'],
          message: 'may use only letters, digits, ".", "_", ":" and "-"',
        },
      ],
    });
    expect(posts()).toBe(0);
  });
});

describe('idempotency keys of different clients', () => {
  const SECRET = 'idempotency-scope-test-secret-0123456789';
  const ALL_SCOPES = ['rooms:read', 'rooms:write', 'tokens:create'] as const;
  const API_KEYS = {
    ops: 'vr_ops_3f9a0c1d2e4b',
    colon: 'vr_colon_8e7d6c5b4a3f',
    team: 'vr_team_1a2b3c4d5e6f',
  };
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
  const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
  let scoped: TestServer;

  beforeAll(async () => {
    scoped = await startTestServer({
      open: false,
      config: {
        clientJwtSecret: SECRET,
        clientApiKeys: [
          { id: 'ops', sha256: sha256(API_KEYS.ops), scopes: [...ALL_SCOPES] },
          // An id with a ":" in it, which the old `createRoom:<id>:<account>:<key>` scope
          // could not tell from the id "team" with a key that starts with "videsk:".
          { id: 'team:hms', sha256: sha256(API_KEYS.colon), scopes: [...ALL_SCOPES] },
          { id: 'team', sha256: sha256(API_KEYS.team), scopes: [...ALL_SCOPES] },
        ],
      },
    });
  });
  afterAll(async () => {
    await scoped.close();
  });
  beforeEach(() => {
    for (const running of scoped.fleet.running) {
      running.emulator.reset();
    }
  });

  const create = (
    credential: string,
    input: { providerKey: string; name: string; idempotencyKey: string },
  ) => scoped.execute(CreateRoomDocument, { input }, bearer(credential));

  it('keeps a JWT whose sub equals an API key id apart from that key', async () => {
    const jwt = await new SignJWT({ scope: ALL_SCOPES.join(' ') })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const byKey = await create(API_KEYS.ops, {
      providerKey: 'signalwire',
      name: 'idem_sub_key',
      idempotencyKey: 'key-sub-1',
    });
    const byJwt = await create(jwt, {
      providerKey: 'signalwire',
      name: 'idem_sub_jwt',
      idempotencyKey: 'key-sub-1',
    });
    expect(roomId(byKey)).not.toBeNull();
    // Its own room, not an IdempotencyConflictError for a key only the API key used.
    expect(byJwt.data?.createRoom).toMatchObject({
      __typename: 'CreateRoomSuccess',
      room: { name: 'idem_sub_jwt' },
    });
    expect(
      scoped.emulator('signalwire').log.count({ method: 'POST', pathPrefix: '/api/video/rooms' }),
    ).toBe(2);
  });

  it('keeps ids and keys containing ":" from running into each other', async () => {
    const first = await create(API_KEYS.colon, {
      providerKey: 'videsk',
      name: 'idem-colon-a',
      idempotencyKey: 'key-colon-1',
    });
    const second = await create(API_KEYS.team, {
      providerKey: 'hms',
      name: 'idem-colon-b',
      idempotencyKey: 'videsk:key-colon-1',
    });
    expect(first.data?.createRoom.__typename).toBe('CreateRoomSuccess');
    // Not an IdempotencyConflictError for a key this client never used.
    expect(second.data?.createRoom.__typename).toBe('CreateRoomSuccess');
  });
});
