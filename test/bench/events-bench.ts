import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { startEmulatorFleet } from '../../src/bin/sandbox.js';
import { freePort } from '../helpers/free-port.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { type SseSubscription, subscribe } from '../helpers/sse.js';

// `npm run bench:events`: the room event stream measured end to end, on loopback, bounded:
// - two service instances (compiled, as `npm start` runs it) on one real redis-server;
// - subscribers on both instances, each reconnecting halfway with `after` = its last cursor;
// - events from writes through either instance (API) and from changes made at a provider behind
//   the service's back (POLL), and provider webhooks where an account takes them (WEBHOOK);
// then: every subscriber saw every event once, none twice, each room's events in log order;
// write -> subscriber latency; and how long polling took to see a change.

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WRITES = Number(process.env.BENCH_EVENTS_WRITES ?? 400);
const POLL_INTERVAL_MS = 2_000;
const SUBSCRIBERS_PER_INSTANCE = 2;

const EVENTS = /* GraphQL */ `subscription ($after: String) {
  roomEvents(after: $after) { id cursor type source roomId observedAt }
}`;

interface Seen {
  readonly id: string;
  readonly cursor: string;
  readonly type: string;
  readonly source: string;
  readonly roomId: string;
  readonly receivedAt: number;
}

interface Result {
  data?: { roomEvents: Omit<Seen, 'receivedAt'> };
  errors?: unknown[];
}

/** One subscriber: its events in the order it got them, across a reconnect. */
class Subscriber {
  readonly seen: Seen[] = [];
  #subscription: SseSubscription<Result> | null = null;
  #stopped = false;

  constructor(
    readonly name: string,
    private url: string,
  ) {}

  async start(after: string | null): Promise<void> {
    this.#subscription = await subscribe<Result>(this.url, EVENTS, { after });
    void this.#pump(this.#subscription);
  }

  async #pump(subscription: SseSubscription<Result>): Promise<void> {
    while (!this.#stopped && this.#subscription === subscription) {
      const result = await subscription.next(60_000).catch(() => null);
      if (!result || this.#subscription !== subscription) {
        return;
      }
      if (result.data) {
        this.seen.push({ ...result.data.roomEvents, receivedAt: performance.now() });
      }
    }
  }

  /** Drops the connection and resumes on `url` after the last event it saw. */
  async reconnect(url: string): Promise<void> {
    this.#subscription?.close();
    this.#subscription = null;
    this.url = url;
    await this.start(this.seen.at(-1)?.cursor ?? null);
  }

  stop(): void {
    this.#stopped = true;
    this.#subscription?.close();
  }
}

/** A Room's global id, as the service issues it. */
function globalRoomId(providerKey: string, nativeId: string): string {
  return Buffer.from(`Room:${providerKey}:${nativeId}`, 'utf8').toString('base64');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function waitReady(origin: string, child: ChildProcess): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null) {
      throw new Error(`an instance exited with ${child.exitCode}`);
    }
    const ready = await fetch(`${origin}/ready`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ready) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${origin} was not ready in time`);
}

async function graphql(origin: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
}

async function main(): Promise<void> {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: REPO, stdio: 'inherit' });
  const redis = await startRedisServer();
  const fleet = await startEmulatorFleet({ fixedPorts: false });
  const dir = mkdtempSync(join(tmpdir(), 'events-bench-'));
  const configFile = join(dir, 'config.json');
  writeFileSync(configFile, JSON.stringify({ providers: fleet.providers }));
  const instances: { origin: string; child: ChildProcess }[] = [];
  try {
    for (let index = 0; index < 2; index++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['dist/bin/server.js'], {
        cwd: REPO,
        env: {
          ...process.env,
          CONFIG_FILE: configFile,
          PORT: String(port),
          HOST: '127.0.0.1',
          REDIS_URL: redis.url,
          ALLOW_ANONYMOUS: 'true',
          POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
          RATE_LIMIT_REQUESTS: '1000000',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      instances.push({ origin: `http://127.0.0.1:${port}`, child });
    }
    await Promise.all(instances.map(({ origin, child }) => waitReady(origin, child)));
    const [a, b] = instances.map((instance) => instance.origin) as [string, string];

    const subscribers: Subscriber[] = [];
    for (const origin of [a, b]) {
      for (let index = 0; index < SUBSCRIBERS_PER_INSTANCE; index++) {
        const subscriber = new Subscriber(`${origin}#${index}`, `${origin}/graphql`);
        await subscriber.start(null);
        subscribers.push(subscriber);
      }
    }
    // Polling starts once accounts have subscribers: let it take its baseline.
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS * 1.5));

    // Writes through both instances, alternating: create, then disable / enable repeatedly.
    const writeLatency: number[] = [];
    const sentAt = new Map<string, number>();
    const ids: string[] = [];
    for (let index = 0; index < WRITES; index++) {
      const origin = index % 2 === 0 ? a : b;
      if (index === Math.floor(WRITES / 2)) {
        // Halfway: every subscriber drops its connection and resumes on the other instance.
        await Promise.all(
          subscribers.map((subscriber, at) => subscriber.reconnect(`${at % 2 ? a : b}/graphql`)),
        );
      }
      const room = ids.length < 20 || index % 5 === 0 ? null : ids[index % ids.length];
      const started = performance.now();
      if (room === null || room === undefined) {
        const created = await graphql(
          origin,
          'mutation($name: String!) { createRoom(input: { providerKey: "hms", name: $name }) { ... on CreateRoomSuccess { room { id } } } }',
          { name: `bench-${index}` },
        );
        const id = (created.data?.createRoom as { room?: { id: string } } | undefined)?.room?.id;
        if (id) {
          ids.push(id);
          sentAt.set(`ROOM_CREATED:${id}`, started);
        }
      } else {
        const disable = index % 2 === 0;
        await graphql(
          origin,
          `mutation($id: ID!) { ${disable ? 'disableRoom' : 'enableRoom'}(input: { id: $id }) { __typename } }`,
          { id: room },
        );
      }
    }

    // Behind the service's back: rooms created at Videsk directly, which only polling can see.
    const videsk = fleet.providers.find((provider) => provider.kind === 'videsk') as {
      key: string;
      baseUrl: string;
      apiToken: string;
    };
    const behind = new Map<string, number>();
    for (let index = 0; index < 5; index++) {
      const at = performance.now();
      const response = await fetch(`${videsk.baseUrl}/vpaas/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${videsk.apiToken}` },
        body: JSON.stringify({ name: `behind-${index}`, externalId: `behind-${index}` }),
      });
      const created = (await response.json()) as { id: string };
      behind.set(globalRoomId(videsk.key, created.id), at);
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS + 1_500));
    for (const subscriber of subscribers) {
      subscriber.stop();
    }

    // The log itself, as Redis keeps it, from its start.
    const reader = new Redis(redis.url);
    const entries = await reader.xrange('vrg:{events}:log', '-', '+');
    reader.disconnect();
    const all = entries.map(([, fields]) => {
      const event = JSON.parse(fields[fields.indexOf('e') + 1] ?? '{}') as {
        id: string;
        type: string;
        source: string;
        providerKey: string;
        roomNativeId: string;
      };
      return { ...event, roomId: globalRoomId(event.providerKey, event.roomNativeId) };
    });

    const logIds = all.map((event) => event.id);
    const position = new Map(logIds.map((id, index) => [id, index]));
    const report = subscribers.map((subscriber) => {
      const seenIds = subscriber.seen.map((event) => event.id);
      const first = position.get(seenIds[0] ?? '') ?? logIds.length;
      const expected = logIds.slice(first);
      const seenSet = new Set(seenIds);
      const duplicates = seenIds.length - seenSet.size;
      const lost = expected.filter((id) => !seenSet.has(id)).length;
      const lastByRoom = new Map<string, number>();
      let outOfOrder = 0;
      for (const event of subscriber.seen) {
        const at = position.get(event.id) ?? -1;
        if (at < (lastByRoom.get(event.roomId) ?? -1)) {
          outOfOrder++;
        }
        lastByRoom.set(event.roomId, at);
      }
      return { subscriber: subscriber.name, events: seenIds.length, lost, duplicates, outOfOrder };
    });
    for (const subscriber of subscribers) {
      for (const event of subscriber.seen) {
        const at = sentAt.get(`${event.type}:${event.roomId}`);
        if (at !== undefined && event.source === 'API') {
          writeLatency.push(event.receivedAt - at);
        }
      }
    }
    const pollLatency = [...behind].map(([roomId, at]) => {
      const seen = subscribers[0]?.seen.find(
        (event) => event.roomId === roomId && event.type === 'ROOM_CREATED',
      );
      return seen ? seen.receivedAt - at : Number.POSITIVE_INFINITY;
    });
    const figures = {
      instances: 2,
      writes: WRITES,
      logEvents: all.length,
      bySource: Object.fromEntries(
        ['API', 'POLL', 'WEBHOOK'].map((source) => [
          source,
          all.filter((event) => event.source === source).length,
        ]),
      ),
      subscribers: report,
      writeToSubscriberMs: { p50: percentile(writeLatency, 50), p99: percentile(writeLatency, 99) },
      pollIntervalMs: POLL_INTERVAL_MS,
      pollDetectionMs: { max: Math.max(...pollLatency), limit: POLL_INTERVAL_MS + 1_000 },
    };
    console.log(JSON.stringify(figures, null, 2));
    const clean = report.every(
      (entry) => entry.lost === 0 && entry.duplicates === 0 && entry.outOfOrder === 0,
    );
    process.exitCode = clean ? 0 : 1;
  } finally {
    for (const { child } of instances) {
      child.kill('SIGTERM');
    }
    await fleet.close();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
