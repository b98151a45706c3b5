import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateRoomDocument, RoomDocument, RoomsAcrossDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const THRESHOLD = 3;
const OPEN_MS = 1_000;
const DEADLINE_MS = 1_000;
/** Half the deadline: a generous bound for an answer that waits on nothing. */
const FAIL_FAST_BOUND_MS = 500;

/** A second account on the same Videsk emulator, with its own breaker. */
const SECOND_ACCOUNT = 'videsk-eu';

/** The id the same Videsk room has when reached through another account. */
function throughAccount(globalId: string, accountKey: string): string {
  const decoded = Buffer.from(globalId, 'base64').toString('utf8');
  const nativeId = decoded.split(':').slice(2).join(':');
  return Buffer.from(`Room:${accountKey}:${nativeId}`).toString('base64');
}

async function admin(
  server: TestServer,
  name: string,
  method: string,
  route: string,
  body?: unknown,
) {
  const running = server.fleet.running.find((candidate) => candidate.emulator.name === name);
  const response = await fetch(`${running?.url}/__emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(204);
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function create(server: TestServer, providerKey: string, name: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey, name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(`seeding ${providerKey} failed: ${JSON.stringify(result)}`);
  }
  return result.data.createRoom.room.id;
}

describe('circuit breaker per provider account', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: {
        upstreamTimeoutMs: DEADLINE_MS,
        // No retries, so each failing request is exactly one failure towards the threshold.
        upstreamRetries: 0,
        circuitFailureThreshold: THRESHOLD,
        circuitOpenMs: OPEN_MS,
      },
      providers: (emulated) => {
        const videsk = emulated.find((account) => account.kind === 'videsk');
        return videsk ? [...emulated, { ...videsk, key: SECOND_ACCOUNT }] : emulated;
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    for (const running of server.fleet.running) {
      await admin(server, running.emulator.name, 'POST', '/reset');
    }
  });

  it('fails fast after repeated failures without calling the provider, serves the others, and closes after one probe', async () => {
    const videskRoom = await create(server, 'videsk', 'breaker-room');
    const signalwireRoom = await create(server, 'signalwire', 'breaker_room');
    const videsk = server.emulator('videsk');
    videsk.log.clear();
    await admin(server, 'videsk', 'POST', '/faults', { status: 503 });

    for (let failure = 1; failure <= THRESHOLD; failure++) {
      const result = await server.execute(RoomDocument, { id: videskRoom });
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        provider: 'videsk',
        status: 503,
      });
    }
    // One GET per failing request, none retried.
    expect(videsk.log.count()).toBe(THRESHOLD);

    // Open: the provider is no longer asked, even once it has recovered.
    await admin(server, 'videsk', 'DELETE', '/faults');
    const started = Date.now();
    const refused = await server.execute(RoomDocument, { id: videskRoom });
    expect(Date.now() - started).toBeLessThan(FAIL_FAST_BOUND_MS);
    expect(refused.data?.room).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      provider: 'videsk',
      providerCode: 'CIRCUIT_OPEN',
    });
    const write = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'videsk', name: 'while-open' },
    });
    expect(write.data?.createRoom).toMatchObject({
      __typename: 'ProviderError',
      provider: 'videsk',
      providerCode: 'CIRCUIT_OPEN',
    });
    expect(videsk.log.count()).toBe(THRESHOLD);

    // The other providers, and the other account on the same emulator, keep serving.
    const across = (
      await server.execute(RoomsAcrossDocument, {
        first: 10,
        providerKeys: ['signalwire', 'videsk', SECOND_ACCOUNT],
      })
    ).data?.rooms;
    expect(across?.errors).toEqual([
      expect.objectContaining({ provider: 'videsk', providerCode: 'CIRCUIT_OPEN' }),
    ]);
    expect(across?.edges.map((edge) => edge.node.id)).toEqual(
      expect.arrayContaining([signalwireRoom, throughAccount(videskRoom, SECOND_ACCOUNT)]),
    );
    const viaSecond = await server.execute(RoomDocument, {
      id: throughAccount(videskRoom, SECOND_ACCOUNT),
    });
    expect(viaSecond.errors).toBeUndefined();
    expect(viaSecond.data?.room?.provider.key).toBe(SECOND_ACCOUNT);

    // After the open period, a single probe goes out; while it is in flight, others still fail fast.
    await sleep(OPEN_MS);
    videsk.log.clear();
    await admin(server, 'videsk', 'POST', '/faults', { latencyMs: 500, times: 1 });
    const probe = server.execute(RoomDocument, { id: videskRoom });
    await until(() => videsk.log.count() === 1);
    const duringProbe = await server.execute(RoomsAcrossDocument, {
      first: 10,
      providerKeys: ['videsk'],
    });
    expect(duringProbe.data?.rooms.errors).toEqual([
      expect.objectContaining({ provider: 'videsk', providerCode: 'CIRCUIT_OPEN' }),
    ]);
    const probed = await probe;
    expect(probed.errors).toBeUndefined();
    expect(probed.data?.room?.id).toBe(videskRoom);
    expect(videsk.log.count()).toBe(1);

    // Closed again: calls reach the provider.
    const listing = await server.execute(RoomsAcrossDocument, {
      first: 10,
      providerKeys: ['videsk'],
    });
    expect(listing.data?.rooms.errors).toEqual([]);
    expect(listing.data?.rooms.edges.map((edge) => edge.node.id)).toEqual([videskRoom]);
    expect(videsk.log.count()).toBe(2);
  });

  it('is not opened by answers that show the provider is up, such as 404s', async () => {
    const unknownRoom = Buffer.from('Room:hms:000000000000000000000000').toString('base64');
    for (let request = 0; request <= THRESHOLD; request++) {
      const result = await server.execute(RoomDocument, { id: unknownRoom });
      expect(result).toEqual({ data: { room: null } });
    }
    // Every lookup reached 100ms, including the one past the threshold.
    expect(server.emulator('hms').log.count({ method: 'GET' })).toBe(THRESHOLD + 1);
  });
});
