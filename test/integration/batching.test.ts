import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  NodesDocument,
  RoomTwiceByAliasDocument,
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

async function create(name: string, roomType: 'ROOM' | 'CONFERENCE' = 'ROOM'): Promise<string> {
  const result = await server.execute(CreateRoomDocument, {
    input: { providerKey: 'signalwire', name, signalwire: { roomType } },
  });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

function calls(method: string, pathPrefix?: string) {
  return server.emulator('signalwire').log.count({ method, pathPrefix });
}

describe('upstream calls per operation', () => {
  it('answers lookups of listed rooms from the list, in whichever order the fields come', async () => {
    const ids = [await create('l1'), await create('l2'), await create('l3')];
    const lookups = ids.map((id, index) => `r${index}: room(id: "${id}") { id name }`).join(' ');
    for (const query of [
      `{ provider(key: "signalwire") { rooms(first: 20) { edges { node { id } } } } ${lookups} }`,
      `{ ${lookups} provider(key: "signalwire") { rooms(first: 20) { edges { node { id } } } } }`,
      `{ ${lookups} rooms(first: 20, providerKeys: ["signalwire"]) { edges { node { id } } } }`,
    ]) {
      server.emulator('signalwire').log.clear();
      const response = await server.post(JSON.stringify({ query }));
      const body = (await response.json()) as { data: Record<string, { name?: string }> };
      expect([body.data.r0?.name, body.data.r1?.name, body.data.r2?.name]).toEqual([
        'l1',
        'l2',
        'l3',
      ]);
      // The list of rooms (SignalWire: its two collections, conferences then rooms) and
      // nothing for the three lookups it answered.
      expect(calls('GET', '/api/video/rooms/')).toBe(0);
      expect(calls('GET', '/api/video/conferences/')).toBe(0);
    }
  });

  it('still fetches a looked-up room the list did not bring', async () => {
    const ids = [await create('p1'), await create('p2'), await create('p3')];
    server.emulator('signalwire').log.clear();
    const response = await server.post(
      JSON.stringify({
        query: `{ provider(key: "signalwire") { rooms(first: 1) { edges { node { id } } } } last: room(id: "${ids[2]}") { name } }`,
      }),
    );
    const body = (await response.json()) as { data: { last: { name: string } } };
    expect(body.data.last.name).toBe('p3');
    expect(calls('GET', '/api/video/rooms/')).toBe(1);
  });

  it('makes one call for the same room asked for twice by alias and once through node', async () => {
    const id = await create('alias_room');
    server.emulator('signalwire').log.clear();
    const result = await server.execute(RoomTwiceByAliasDocument, { id });
    expect(result.data).toMatchObject({ first: { id }, second: { id }, asNode: { id } });
    // Three fields, one distinct room: one GET.
    expect(calls('GET')).toBe(1);
  });

  it('fetches each distinct room in nodes once, and nothing for repeated ids', async () => {
    const ids = [await create('n1'), await create('n2'), await create('n3', 'CONFERENCE')];
    server.emulator('signalwire').log.clear();
    const result = await server.execute(NodesDocument, { ids: [...ids, ids[0]!, ids[1]!] });
    expect(result.data?.nodes.map((node) => (node && 'name' in node ? node.name : null))).toEqual([
      'n1',
      'n2',
      'n3',
      'n1',
      'n2',
    ]);
    // SignalWire has no batch GET: three distinct rooms are three GETs, the two repeats cost nothing.
    expect(calls('GET')).toBe(3);
  });

  it('counts the minimum for a nested listing with providers and conference tokens', async () => {
    await create('c1', 'CONFERENCE');
    await create('c2', 'CONFERENCE');
    await create('plain');
    server.emulator('signalwire').log.clear();
    const response = await server.post(
      JSON.stringify({
        query: /* GraphQL */ `
          {
            provider(key: "signalwire") {
              rooms(first: 10) {
                edges { node { id name provider { key } tokens { role } } }
              }
            }
          }
        `,
      }),
    );
    const body = (await response.json()) as { data: { provider: { rooms: { edges: unknown[] } } } };
    expect(body.data.provider.rooms.edges).toHaveLength(3);
    // One conferences page (2 of 10, no next link) + one rooms page to fill it = 2 list calls;
    // `provider` is local; tokens: one call per conference (c1, c2), none for the plain room.
    const paths = server
      .emulator('signalwire')
      .log.all()
      .map((entry) => `${entry.method} ${entry.path}`);
    expect(paths.filter((path) => path === 'GET /api/video/conferences')).toHaveLength(1);
    expect(paths.filter((path) => path === 'GET /api/video/rooms')).toHaveLength(1);
    expect(paths.filter((path) => path.endsWith('/conference_tokens'))).toHaveLength(2);
    expect(paths).toHaveLength(4);
  });

  it("mints a token with one room lookup, shared with the token's room field", async () => {
    const id = await create('mint_room');
    server.emulator('signalwire').log.clear();
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId: id, role: 'HOST' },
    });
    expect(result.data?.createRoomToken.__typename).toBe('CreateRoomTokenSuccess');
    // The room (its name goes into the token request), then the token itself.
    expect(calls('GET')).toBe(1);
    expect(calls('POST', '/api/video/room_tokens')).toBe(1);
  });
});

describe('nodes across providers', () => {
  let wide: TestServer;
  beforeAll(async () => {
    wide = await startTestServer();
  });
  afterAll(async () => {
    await wide.close();
  });

  it("fetches each provider's rooms once each, all providers at the same time", async () => {
    const ids: string[] = [];
    for (const key of ['signalwire', 'netless', 'hms', 'videsk']) {
      for (const index of [1, 2]) {
        const name = key === 'signalwire' ? `wide_${index}` : `wide-${index}`;
        const result = await wide.execute(CreateRoomDocument, {
          input: { providerKey: key, name },
        });
        if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
          throw new Error(JSON.stringify(result));
        }
        ids.push(result.data.createRoom.room.id);
      }
    }
    const emulators = ['signalwire', 'netless', 'hms', 'videsk'].map((name) => wide.emulator(name));
    for (const emulator of emulators) {
      emulator.log.clear();
      emulator.faults.add({ method: 'GET', latencyMs: 400 });
    }
    const result = await wide.execute(NodesDocument, { ids: [...ids, ...ids] });
    for (const emulator of emulators) {
      emulator.faults.clear();
    }
    expect(result.data?.nodes.every((node) => node !== null)).toBe(true);
    // Eight distinct rooms, each asked for twice: two GETs per provider, none for the repeats.
    expect(emulators.map((emulator) => emulator.log.count({ method: 'GET' }))).toEqual([
      2, 2, 2, 2,
    ]);
    // Every provider received its requests before any of them could have answered (each waits
    // 400 ms): the providers were asked concurrently, not one after another.
    const arrivals = emulators.flatMap((emulator) => emulator.log.all().map((entry) => entry.at));
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(300);
  });
});
