import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorFleet, startEmulatorFleet } from '../../src/bin/sandbox.js';
import { type Config, configSchema } from '../../src/config.js';
import { createRegistry } from '../../src/providers/create-registry.js';
import { createRedisClient, waitForRedis } from '../../src/store/create-stores.js';
import { RedisIdempotencyStore } from '../../src/store/redis-idempotency-store.js';
import { RedisRateLimitStore } from '../../src/store/redis-rate-limit-store.js';
import { createApp } from '../../src/yoga.js';
import {
  CreateRoomDocument,
  type CreateRoomMutation,
  type CreateRoomMutationVariables,
  ProviderRoomsDocument,
  ProvidersDocument,
} from '../__generated__/graphql.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

// Two instances of the service behind an imaginary load balancer: one Redis, one set of
// emulators, two apps each with its own Redis connection, provider registry and HTTP server.

interface GraphQLResponse<Result> {
  data?: Result | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

interface Instance {
  readonly url: string;
  execute<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables?: Variables,
  ): Promise<GraphQLResponse<Result>>;
  close(): Promise<void>;
}

let redisServer: RedisServer;
let fleet: EmulatorFleet;
let first: Instance;
let second: Instance;

/** One service instance on port 0, with its own ioredis client on the given Redis. */
async function startInstance(
  redisUrl: string,
  settings: Partial<Omit<Config, 'providers' | 'redisUrl'>> = {},
  options: { rateLimitPrefix?: string; logError?: (message: string) => void } = {},
): Promise<Instance> {
  const redis: Redis = createRedisClient(redisUrl);
  redis.on('error', () => {});
  await waitForRedis(redis, 5_000, redisUrl);
  const config = configSchema.parse({
    upstreamRetries: 0,
    rateLimitRequests: 1_000_000,
    ...settings,
    redisUrl,
    providers: fleet.providers,
  });
  const { registry, close: closeRegistry } = createRegistry(config);
  const app = createApp({
    config,
    registry,
    idempotencyStore: new RedisIdempotencyStore(redis),
    rateLimitStore: new RedisRateLimitStore(redis, {
      prefix: options.rateLimitPrefix ?? `vrg:test:${randomUUID()}:`,
    }),
    logging: false,
    logError: (message) => options.logError?.(message),
    open: true,
  });
  const server: Server = createServer(app);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  return {
    url,
    async execute(document, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return response.json();
    },
    async close() {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await closeRegistry();
      redis.disconnect();
    },
  };
}

beforeAll(async () => {
  [redisServer, fleet] = await Promise.all([
    startRedisServer(),
    startEmulatorFleet({ fixedPorts: false }),
  ]);
  [first, second] = await Promise.all([
    startInstance(redisServer.url),
    startInstance(redisServer.url),
  ]);
});

afterAll(async () => {
  await Promise.all([first?.close(), second?.close()]);
  await Promise.all([fleet?.close(), redisServer?.stop()]);
});

const signalwire = () => {
  const running = fleet.running.find((candidate) => candidate.emulator.name === 'signalwire');
  if (!running) {
    throw new Error('no SignalWire emulator');
  }
  return running.emulator;
};

beforeEach(() => {
  signalwire().reset();
});

const roomPosts = () => signalwire().log.count({ method: 'POST', pathPrefix: '/api/video/rooms' });

function createRoom(instance: Instance, name: string, idempotencyKey: string) {
  const variables: CreateRoomMutationVariables = {
    input: { providerKey: 'signalwire', name, idempotencyKey },
  };
  return instance.execute(CreateRoomDocument, variables);
}

function roomId(result: GraphQLResponse<CreateRoomMutation>): string | null {
  return result.data?.createRoom.__typename === 'CreateRoomSuccess'
    ? result.data.createRoom.room.id
    : null;
}

async function listedNames(instance: Instance): Promise<string[]> {
  const listed = await instance.execute(ProviderRoomsDocument, { key: 'signalwire', first: 100 });
  return listed.data?.provider?.rooms.edges.map((edge) => edge.node.name) ?? [];
}

describe('two instances on one Redis', () => {
  it('create one room for one idempotencyKey sent to both at once, and both answer with it', async () => {
    const key = `multi-${randomUUID()}`;
    // Slow creation down so the requests to both instances overlap.
    signalwire().faults.add({ method: 'POST', pathPrefix: '/api/video/rooms', latencyMs: 300 });
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        createRoom(index % 2 ? second : first, 'multi_together', key),
      ),
    );
    signalwire().faults.clear();
    const ids = new Set(results.map(roomId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).not.toBeNull();
    expect(roomPosts()).toBe(1);
    expect(await listedNames(first)).toEqual(['multi_together']);
    expect(await listedNames(second)).toEqual(['multi_together']);
  });

  it('create one room for one idempotencyKey sent to one, then the other, then again', async () => {
    const key = `multi-${randomUUID()}`;
    const fromFirst = await createRoom(first, 'multi_sequential', key);
    const fromSecond = await createRoom(second, 'multi_sequential', key);
    const again = await createRoom(first, 'multi_sequential', key);
    expect(roomId(fromFirst)).not.toBeNull();
    expect(roomId(fromSecond)).toBe(roomId(fromFirst));
    expect(roomId(again)).toBe(roomId(fromFirst));
    expect(roomPosts()).toBe(1);
    expect(await listedNames(second)).toEqual(['multi_sequential']);
  });

  it('answer the key with other input at the other instance as IdempotencyConflictError', async () => {
    const key = `multi-${randomUUID()}`;
    const created = await createRoom(first, 'multi_a', key);
    expect(roomId(created)).not.toBeNull();
    const other = await createRoom(second, 'multi_b', key);
    expect(other.data?.createRoom).toMatchObject({
      __typename: 'IdempotencyConflictError',
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect(roomPosts()).toBe(1);
    expect(await listedNames(second)).toEqual(['multi_a']);
  });

  it('share one rate-limit budget per client', async () => {
    const prefix = `vrg:test:${randomUUID()}:`;
    const settings = { rateLimitRequests: 4, rateLimitWindowSeconds: 60 };
    const [left, right] = await Promise.all([
      startInstance(redisServer.url, settings, { rateLimitPrefix: prefix }),
      startInstance(redisServer.url, settings, { rateLimitPrefix: prefix }),
    ]);
    try {
      const send = (instance: Instance) =>
        fetch(instance.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ query: print(ProvidersDocument) }),
        });
      const statuses: number[] = [];
      for (const instance of [left, right, left, right, left, right]) {
        const response = await send(instance);
        await response.arrayBuffer();
        statuses.push(response.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    } finally {
      await Promise.all([left.close(), right.close()]);
    }
  });
});

describe('an instance whose Redis goes away', () => {
  it('refuses createRoom with an idempotencyKey as STATE_STORE_UNAVAILABLE, creating nothing, and serves the rest', async () => {
    const doomed = await startRedisServer();
    const logged: string[] = [];
    const instance = await startInstance(doomed.url, {}, { logError: (m) => logged.push(m) });
    try {
      await doomed.stop();
      await new Promise((resolve) => setTimeout(resolve, 100));

      const keyed = await createRoom(instance, 'multi_no_redis', `multi-${randomUUID()}`);
      expect(keyed.errors).toBeUndefined();
      expect(keyed.data?.createRoom).toMatchObject({
        __typename: 'StateStoreUnavailableError',
        code: 'STATE_STORE_UNAVAILABLE',
        message: expect.stringContaining('shared state store is unavailable'),
      });
      expect(roomPosts()).toBe(0);

      // Without a key nothing needs Redis; the rate limit lets requests through and logs.
      const unkeyed = await instance.execute(CreateRoomDocument, {
        input: { providerKey: 'signalwire', name: 'multi_no_key' },
      });
      expect(roomId(unkeyed)).not.toBeNull();
      expect(roomPosts()).toBe(1);
      expect(logged).toContain('The rate-limit store failed; this request was not counted');
    } finally {
      await instance.close();
      await doomed.stop();
    }
  });
});
