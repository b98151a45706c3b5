import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoomDocument, NodesDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { maxUpstreamCallsPerOperation: 3 } });
});
afterAll(async () => {
  await server.close();
});

async function create(providerKey: string, name: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey, name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

describe('the cap on upstream calls per operation', () => {
  it('answers the fields within the cap, gives the rest a typed error, and sends nothing past it', async () => {
    const ids = [];
    for (const index of [1, 2, 3, 4, 5]) {
      ids.push(await create('signalwire', `capped_${index}`));
    }
    server.emulator('signalwire').log.clear();
    const result = await server.execute(NodesDocument, { ids });
    const found = result.data?.nodes.filter((node) => node !== null) ?? [];
    expect(found).toHaveLength(3);
    expect(result.errors).toHaveLength(2);
    for (const error of result.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_CALL_LIMIT' });
    }
    // Five distinct rooms, no batch endpoint, a cap of three: three GETs, and no more.
    expect(server.emulator('signalwire').log.count()).toBe(3);
  });

  it("counts every provider's calls, 100ms included", async () => {
    const ids = [];
    for (const index of [1, 2, 3, 4]) {
      ids.push(await create('hms', `capped-hms-${index}`));
    }
    server.emulator('hms').log.clear();
    const result = await server.execute(NodesDocument, { ids });
    expect(result.data?.nodes.filter((node) => node !== null)).toHaveLength(3);
    expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UPSTREAM_CALL_LIMIT']);
    // Four distinct rooms, a cap of three: three GETs reach 100ms.
    expect(server.emulator('hms').log.count({ method: 'GET' })).toBe(3);
  });

  it('gives every operation its own allowance', async () => {
    const id = await create('signalwire', 'fresh_budget');
    const first = await server.execute(NodesDocument, { ids: [id] });
    const second = await server.execute(NodesDocument, { ids: [id] });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
  });
});
