import { print } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  RoomsAcrossDocument,
  type RoomsAcrossQuery,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const KEYS = ['signalwire', 'netless', 'hms', 'videsk'] as const;

async function seed(server: TestServer): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const key of KEYS) {
    for (const index of [1, 2]) {
      const name = key === 'signalwire' ? `across_${index}` : `across-${index}`;
      const result = await server.execute(CreateRoomDocument, {
        input: { providerKey: key, name },
      });
      if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
        throw new Error(JSON.stringify(result));
      }
      names.set(result.data.createRoom.room.id, key);
    }
  }
  return names;
}

function resetAll(server: TestServer) {
  for (const running of server.fleet.running) {
    running.emulator.reset();
  }
}

describe('rooms across providers', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { upstreamTimeoutMs: 300 } });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => resetAll(server));

  it("pages through every account's rooms with one cursor, each room once", async () => {
    const created = await seed(server);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const result: { data?: RoomsAcrossQuery | null } = await server.execute(RoomsAcrossDocument, {
        first: 3,
        after,
      });
      const connection = result.data?.rooms;
      expect(connection?.errors).toEqual([]);
      seen.push(...(connection?.edges.map((edge) => edge.node.id) ?? []));
      if (!connection?.pageInfo.hasNextPage) {
        break;
      }
      after = connection.pageInfo.endCursor ?? null;
    }
    expect(seen).toHaveLength(created.size);
    expect(new Set(seen)).toEqual(new Set(created.keys()));
  });

  it("returns the healthy accounts' rooms and one typed error for an account answering 5xx, with HTTP 200", async () => {
    await seed(server);
    server.emulator('hms').faults.add({ method: 'GET', status: 500 });
    const response = await server.post(
      JSON.stringify({
        query: print(RoomsAcrossDocument),
        variables: { first: 50 },
      }),
    );
    expect(response.status).toBe(200);
    const result = (await server.execute(RoomsAcrossDocument, { first: 50 })).data?.rooms;
    const providers = new Set(result?.edges.map((edge) => edge.node.provider.key));
    expect(providers).toEqual(new Set(['signalwire', 'netless', 'videsk']));
    expect(result?.errors).toEqual([
      expect.objectContaining({
        __typename: 'ProviderError',
        code: 'UPSTREAM_UNAVAILABLE',
        provider: 'hms',
        status: 500,
      }),
    ]);
  });

  it('reports an account that misses the deadline as a timeout, without holding up the others', async () => {
    await seed(server);
    server.emulator('netless').faults.add({ method: 'GET', latencyMs: 2_000 });
    const started = Date.now();
    const result = (await server.execute(RoomsAcrossDocument, { first: 50 })).data?.rooms;
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(result?.edges).toHaveLength(6);
    expect(result?.errors).toEqual([
      expect.objectContaining({
        code: 'UPSTREAM_UNAVAILABLE',
        provider: 'netless',
        providerCode: 'TIMEOUT',
      }),
    ]);
  });

  it('says there is more while a failed account is unread, and resumes only that account', async () => {
    await seed(server);
    server.emulator('videsk').faults.add({ method: 'GET', status: 503, times: 1 });
    const first = (await server.execute(RoomsAcrossDocument, { first: 50 })).data?.rooms;
    expect(first?.errors.map((error) => error.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
    expect(first?.edges).toHaveLength(6);
    expect(first?.pageInfo.hasNextPage).toBe(true);
    for (const running of server.fleet.running) {
      running.emulator.log.clear();
    }
    const again = (
      await server.execute(RoomsAcrossDocument, { first: 50, after: first?.pageInfo.endCursor })
    ).data?.rooms;
    expect(again?.errors).toEqual([]);
    expect(again?.edges.map((edge) => edge.node.provider.key)).toEqual(['videsk', 'videsk']);
    expect(again?.pageInfo.hasNextPage).toBe(false);
    // The accounts the first page read to the end are not asked again.
    for (const key of ['signalwire', 'netless', 'hms']) {
      expect(server.emulator(key).log.count({ method: 'GET' })).toBe(0);
    }
  });

  it('gives a page on which every account failed a cursor to try them all again', async () => {
    await seed(server);
    for (const key of KEYS) {
      server.emulator(key).faults.add({ method: 'GET', status: 503, times: 1 });
    }
    const failed = (await server.execute(RoomsAcrossDocument, { first: 3 })).data?.rooms;
    expect(failed?.edges).toEqual([]);
    expect(failed?.errors).toHaveLength(4);
    expect(failed?.pageInfo.hasNextPage).toBe(true);
    expect(failed?.pageInfo.endCursor).toEqual(expect.any(String));

    const seen: string[] = [];
    let after = failed?.pageInfo.endCursor ?? null;
    for (let page = 0; page < 10 && after !== null; page++) {
      const result: { data?: RoomsAcrossQuery | null } = await server.execute(RoomsAcrossDocument, {
        first: 3,
        after,
      });
      const connection = result.data?.rooms;
      expect(connection?.errors).toEqual([]);
      seen.push(...(connection?.edges.map((edge) => edge.node.provider.key) ?? []));
      after = connection?.pageInfo.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null;
    }
    expect(seen).toEqual(KEYS.flatMap((key) => [key, key]));
  });

  it('answers a cursor an account refuses as BAD_USER_INPUT, not as an account to retry', async () => {
    const forged = Buffer.from(JSON.stringify({ hms: 'not-an-hms-cursor' })).toString('base64url');
    const result = await server.execute(RoomsAcrossDocument, { first: 3, after: forged });
    expect(result.data ?? null).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/after/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('limits the listing to the accounts asked for', async () => {
    await seed(server);
    const result = (
      await server.execute(RoomsAcrossDocument, { first: 50, providerKeys: ['netless'] })
    ).data?.rooms;
    expect(new Set(result?.edges.map((edge) => edge.node.provider.key))).toEqual(
      new Set(['netless']),
    );
    expect(server.emulator('hms').log.count({ method: 'GET' })).toBe(0);
  });
});

describe('rooms across providers with bad credentials at one account', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      providers: (emulated) =>
        emulated.map((provider) =>
          provider.kind === 'videsk' ? { ...provider, apiToken: 'vk_live_wrong' } : provider,
        ),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists the other accounts and names the one whose credentials failed', async () => {
    const result = (await server.execute(RoomsAcrossDocument, { first: 10 })).data?.rooms;
    expect(result?.errors).toEqual([
      expect.objectContaining({
        __typename: 'ProviderError',
        code: 'UPSTREAM_AUTH_FAILED',
        provider: 'videsk',
        status: 401,
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain('vk_live_wrong');
  });
});
