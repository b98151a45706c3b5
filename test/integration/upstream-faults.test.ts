import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  ProviderRoomsDocument,
  RoomDocument,
  RoomsAcrossDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const KEYS = ['signalwire', 'netless', 'hms', 'videsk'] as const;
type Key = (typeof KEYS)[number];

/** SignalWire names take no dashes; the others take them. */
const roomName = (key: Key, label: string) =>
  key === 'signalwire' ? label.replaceAll('-', '_') : label;

/** Deadline of one upstream call, retries included. */
const DEADLINE_MS = 800;
/** "Answers within its deadline": the deadline plus room for GraphQL and loopback HTTP. */
const ANSWER_BOUND_MS = DEADLINE_MS + 400;
/** Longer than the bound, so an answer inside it proves we did not wait for the provider. */
const SLOW_MS = 1_500;
const RETRIES = 2;

interface FaultCase {
  readonly name: string;
  /** Sent as is to the emulator's `POST /__emulator/faults`. */
  readonly fault: Record<string, unknown>;
  /** What the typed error says, as `code` plus the fields that tell the faults apart. */
  readonly error: { code: string; providerCode?: string; status?: number };
  /** The mutation's error type in its result union. */
  readonly typename: 'ProviderError' | 'ProviderRateLimitedError';
  /** A failure a retry could fix, so 100ms's upsert create is retried (§3.2 of its fact sheet). */
  readonly retriedWhenIdempotent: boolean;
  /** The provider still handles the request, late, so the room exists once afterwards. */
  readonly handledLate: boolean;
}

const FAULTS: FaultCase[] = [
  {
    name: 'latency past the deadline',
    fault: { latencyMs: SLOW_MS },
    error: { code: 'UPSTREAM_UNAVAILABLE', providerCode: 'TIMEOUT' },
    typename: 'ProviderError',
    retriedWhenIdempotent: false,
    handledLate: true,
  },
  {
    name: 'a 503 status',
    fault: { status: 503 },
    error: { code: 'UPSTREAM_UNAVAILABLE', status: 503 },
    typename: 'ProviderError',
    retriedWhenIdempotent: true,
    handledLate: false,
  },
  {
    name: 'a 429 whose Retry-After does not fit the deadline',
    fault: { status: 429, retryAfterSeconds: 30 },
    error: { code: 'UPSTREAM_RATE_LIMITED' },
    typename: 'ProviderRateLimitedError',
    retriedWhenIdempotent: false,
    handledLate: false,
  },
  {
    name: 'a connection reset',
    fault: { drop: true },
    error: { code: 'UPSTREAM_UNAVAILABLE', providerCode: 'CONNECTION_FAILED' },
    typename: 'ProviderError',
    retriedWhenIdempotent: true,
    handledLate: false,
  },
  {
    name: 'malformed JSON',
    fault: { malformedJson: true },
    error: { code: 'UPSTREAM_BAD_RESPONSE' },
    typename: 'ProviderError',
    retriedWhenIdempotent: false,
    handledLate: false,
  },
  {
    name: 'a body that stalls past the deadline',
    fault: { stallBodyMs: SLOW_MS },
    error: { code: 'UPSTREAM_UNAVAILABLE', providerCode: 'TIMEOUT' },
    typename: 'ProviderError',
    retriedWhenIdempotent: false,
    handledLate: false,
  },
];

function emulatorUrl(server: TestServer, key: Key): string {
  const running = server.fleet.running.find((candidate) => candidate.emulator.name === key);
  if (!running) {
    throw new Error(`no emulator for ${key}`);
  }
  return running.url;
}

/** Calls an emulator's admin API over HTTP, as an operator scripting a fault would. */
async function admin(server: TestServer, key: Key, method: string, route: string, body?: unknown) {
  const response = await fetch(`${emulatorUrl(server, key)}/__emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(204);
}

async function timed<T>(work: Promise<T>): Promise<{ result: T; elapsedMs: number }> {
  const started = Date.now();
  const result = await work;
  return { result, elapsedMs: Date.now() - started };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function createRoom(server: TestServer, key: Key, label: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, {
    input: { providerKey: key, name: roomName(key, label) },
  });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(`seeding ${key} failed: ${JSON.stringify(result)}`);
  }
  return result.data.createRoom.room.id;
}

async function roomIds(server: TestServer, key: Key): Promise<string[]> {
  const result = await server.execute(ProviderRoomsDocument, { key, first: 10 });
  expect(result.errors).toBeUndefined();
  return result.data?.provider?.rooms.edges.map((edge) => edge.node.id) ?? [];
}

describe('upstream faults injected through the emulator admin API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: {
        upstreamTimeoutMs: DEADLINE_MS,
        upstreamRetries: RETRIES,
        // Each case fails one account several times on purpose; the breaker has its own suite.
        circuitFailureThreshold: 1_000,
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    await Promise.all(KEYS.map((key) => admin(server, key, 'POST', '/reset')));
  });

  describe.each(FAULTS)('$name', (faultCase) => {
    it.each(KEYS)(
      'at %s: a typed error in time, the others unaffected, nothing created twice',
      async (key) => {
        const healthy = KEYS.filter((other) => other !== key);
        const seeded = new Map<Key, string>();
        for (const each of KEYS) {
          seeded.set(each, await createRoom(server, each, 'seeded-room'));
        }
        const emulator = server.emulator(key);
        emulator.log.clear();
        await admin(server, key, 'POST', '/faults', faultCase.fault);

        const writeElsewhere = healthy[0] as Key;
        const [write, listing, read, otherWrite] = await Promise.all([
          timed(
            server.execute(CreateRoomDocument, {
              input: { providerKey: key, name: roomName(key, 'faulted-room') },
            }),
          ),
          timed(server.execute(RoomsAcrossDocument, { first: 10 })),
          timed(server.execute(RoomDocument, { id: seeded.get(key) ?? '' })),
          timed(
            server.execute(CreateRoomDocument, {
              input: {
                providerKey: writeElsewhere,
                name: roomName(writeElsewhere, 'healthy-room'),
              },
            }),
          ),
        ]);

        // The write: its union's typed error, naming the provider.
        expect(write.result.data?.createRoom).toMatchObject({
          __typename: faultCase.typename,
          provider: key,
          ...faultCase.error,
          ...(faultCase.typename === 'ProviderRateLimitedError' ? { retryAfterSeconds: 30 } : {}),
        });
        // The cross-account listing: every healthy account's room, and one error for this one.
        expect(listing.result.data?.rooms.errors).toEqual([
          expect.objectContaining({
            __typename: faultCase.typename,
            provider: key,
            ...faultCase.error,
          }),
        ]);
        const listed = listing.result.data?.rooms.edges.map((edge) => edge.node) ?? [];
        expect(listed.map((room) => room.id)).toEqual(
          expect.arrayContaining(healthy.map((other) => seeded.get(other))),
        );
        expect(listed.filter((room) => room.provider.key === key)).toEqual([]);
        // The read: null, with the code and the provider in the error's extensions.
        expect(read.result.data?.room).toBeNull();
        expect(read.result.errors).toEqual([
          expect.objectContaining({
            path: ['room'],
            extensions: expect.objectContaining({ code: faultCase.error.code, provider: key }),
          }),
        ]);
        // A write to a healthy account in parallel goes through.
        expect(otherWrite.result.data?.createRoom.__typename).toBe('CreateRoomSuccess');
        for (const { elapsedMs } of [write, listing, read]) {
          expect(elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
        }

        await admin(server, key, 'DELETE', '/faults');
        if (faultCase.handledLate) {
          // The delayed POST is still handled after we gave up; wait for it before counting.
          await until(() =>
            emulator.log.all().every((entry) => entry.method !== 'POST' || entry.response !== null),
          );
        }
        // One POST: writes are never retried blindly. 100ms's create is an upsert by name, so a
        // failure a retry could fix is retried: the first try plus RETRIES more, all faulted.
        const retried = key === 'hms' && faultCase.retriedWhenIdempotent;
        expect(emulator.log.count({ method: 'POST' })).toBe(retried ? 1 + RETRIES : 1);
        // The seeded room, plus the faulted one only where the provider handled it late: once.
        expect(await roomIds(server, key)).toHaveLength(faultCase.handledLate ? 2 : 1);
      },
    );
  });
});

describe('retry rules', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: { upstreamTimeoutMs: 3_000, upstreamRetries: RETRIES },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    await Promise.all(KEYS.map((key) => admin(server, key, 'POST', '/reset')));
  });

  it('retries a GET after a 503 and answers with the room, in exactly two requests', async () => {
    const id = await createRoom(server, 'signalwire', 'read-twice');
    const emulator = server.emulator('signalwire');
    emulator.log.clear();
    await admin(server, 'signalwire', 'POST', '/faults', { method: 'GET', status: 503, times: 1 });

    const result = await server.execute(RoomDocument, { id });

    expect(result.errors).toBeUndefined();
    expect(result.data?.room?.id).toBe(id);
    // The 503, then the retry that succeeded.
    expect(emulator.log.all().map((entry) => [entry.method, entry.response?.status])).toEqual([
      ['GET', 503],
      ['GET', 200],
    ]);
  });

  it('does not retry a POST after a 503, and creates nothing', async () => {
    const emulator = server.emulator('videsk');
    await admin(server, 'videsk', 'POST', '/faults', { method: 'POST', status: 503, times: 1 });

    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'videsk', name: 'write-once' },
    });

    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderError',
      code: 'UPSTREAM_UNAVAILABLE',
      provider: 'videsk',
      status: 503,
      retryable: true,
    });
    // The one POST that met the 503; the service did not send it again.
    expect(emulator.log.count({ method: 'POST' })).toBe(1);
    expect(await roomIds(server, 'videsk')).toEqual([]);
  });

  it('retries a 429 whose Retry-After fits the deadline, after waiting, and creates the room once', async () => {
    const emulator = server.emulator('netless');
    await admin(server, 'netless', 'POST', '/faults', {
      method: 'POST',
      status: 429,
      retryAfterSeconds: 1,
      times: 1,
    });

    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'netless', name: 'after-429' },
    });

    expect(result.data?.createRoom.__typename).toBe('CreateRoomSuccess');
    // A 429 was refused before any work, so even a POST is sent again: the 429, then the create.
    const posts = emulator.log.all().filter((entry) => entry.method === 'POST');
    expect(posts.map((entry) => entry.response?.status)).toEqual([429, 201]);
    const [rejected, accepted] = posts;
    // Retry-After: 1 was honoured (a generous lower bound, not a measurement).
    expect((accepted?.at ?? 0) - (rejected?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(await roomIds(server, 'netless')).toHaveLength(1);
  });

  it('answers a 429 whose Retry-After does not fit at once, with retryAfterSeconds', async () => {
    const emulator = server.emulator('hms');
    await admin(server, 'hms', 'POST', '/faults', { status: 429, retryAfterSeconds: 30 });

    const { result, elapsedMs } = await timed(
      server.execute(CreateRoomDocument, { input: { providerKey: 'hms', name: 'too-soon' } }),
    );

    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderRateLimitedError',
      code: 'UPSTREAM_RATE_LIMITED',
      provider: 'hms',
      retryAfterSeconds: 30,
    });
    // Thirty seconds cannot fit in a 3 s deadline, so there is no wait and no second try.
    expect(emulator.log.count()).toBe(1);
    expect(elapsedMs).toBeLessThan(1_000);
  });
});
