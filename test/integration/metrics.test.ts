import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  ProviderRoomsDocument,
  RoomDocument,
  RoomsAcrossDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const OPEN_MS = 400;
const THRESHOLD = 3;

/** Every series of the text exposition, by its name and labels as written. */
type Scrape = ReadonlyMap<string, number>;

async function scrape(server: TestServer): Promise<{ text: string; series: Scrape }> {
  const response = await fetch(server.url.replace(/\/graphql$/, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^#\s][^ ]*) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) {
      series.set(match[1], Number(match[2]));
    }
  }
  return { text, series };
}

/** How much a series grew between two scrapes (a series not yet written counts as 0). */
function grew(before: Scrape, after: Scrape, series: string): number {
  return (after.get(series) ?? 0) - (before.get(series) ?? 0);
}

async function admin(
  server: TestServer,
  kind: string,
  method: string,
  route: string,
  body?: unknown,
) {
  const running = server.fleet.running.find((candidate) => candidate.emulator.name === kind);
  const response = await fetch(`${running?.url}/__emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(204);
}

async function create(server: TestServer, providerKey: string, name: string) {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey, name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(`seeding ${providerKey} failed: ${JSON.stringify(result)}`);
  }
  return result.data.createRoom.room;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Prometheus metrics at /metrics', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: {
        upstreamRetries: 1,
        upstreamTimeoutMs: 1_000,
        circuitFailureThreshold: THRESHOLD,
        circuitOpenMs: OPEN_MS,
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

  it('counts upstream attempts per account, operation, method and status class, retries included', async () => {
    const room = await create(server, 'signalwire', 'metrics_room');
    await admin(server, 'signalwire', 'POST', '/faults', { method: 'GET', status: 503, times: 1 });
    const before = (await scrape(server)).series;

    const result = await server.execute(RoomDocument, { id: room.id });

    expect(result.data?.room?.name).toBe('metrics_room');
    const after = (await scrape(server)).series;
    const labels = 'provider="signalwire",operation="getRoom",method="GET"';
    expect(grew(before, after, `upstream_requests_total{${labels},status_class="5xx"}`)).toBe(1);
    expect(grew(before, after, `upstream_requests_total{${labels},status_class="2xx"}`)).toBe(1);
    expect(grew(before, after, `upstream_request_duration_seconds_count{${labels}}`)).toBe(2);
    expect(
      grew(before, after, 'upstream_retries_total{provider="signalwire",operation="getRoom"}'),
    ).toBe(1);
  });

  it('counts an attempt that got no answer in time as a timeout', async () => {
    const room = await create(server, 'videsk', 'metrics-timeout');
    await admin(server, 'videsk', 'POST', '/faults', { method: 'GET', latencyMs: 1_500, times: 1 });
    const before = (await scrape(server)).series;

    const result = await server.execute(RoomDocument, { id: room.id });

    expect(result.errors?.[0]?.extensions).toMatchObject({ providerCode: 'TIMEOUT' });
    const after = (await scrape(server)).series;
    expect(
      grew(
        before,
        after,
        'upstream_requests_total{provider="videsk",operation="getRoom",method="GET",status_class="timeout"}',
      ),
    ).toBe(1);
  });

  it("shows each account's circuit: open after repeated failures, closed again after a good probe", async () => {
    await admin(server, 'videsk', 'POST', '/faults', { method: 'POST', status: 500 });
    for (let failure = 0; failure < THRESHOLD; failure++) {
      const result = await server.execute(CreateRoomDocument, {
        input: { providerKey: 'videsk', name: `failing-${failure}` },
      });
      expect(result.data?.createRoom).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
    }
    const open = (await scrape(server)).series;
    expect(open.get('upstream_circuit_state{provider="videsk"}')).toBe(2);
    expect(open.get('upstream_circuit_state{provider="signalwire"}')).toBe(0);

    await admin(server, 'videsk', 'DELETE', '/faults');
    await sleep(OPEN_MS + 50);
    await create(server, 'videsk', 'probe-room');
    const closed = (await scrape(server)).series;
    expect(closed.get('upstream_circuit_state{provider="videsk"}')).toBe(0);
  });

  it('times GraphQL operations by type and name, and counts their errors by code', async () => {
    await admin(server, 'hms', 'POST', '/faults', { method: 'GET', status: 502 });
    const before = (await scrape(server)).series;

    const ok = await server.execute(ProviderRoomsDocument, { key: 'netless', first: 2 });
    const failed = await server.execute(ProviderRoomsDocument, { key: 'hms', first: 2 });

    expect(ok.errors).toBeUndefined();
    expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const after = (await scrape(server)).series;
    const labels = 'operation_type="query",operation_name="ProviderRooms"';
    expect(grew(before, after, `graphql_operation_duration_seconds_count{${labels}}`)).toBe(2);
    expect(
      grew(before, after, `graphql_operation_errors_total{${labels},code="UPSTREAM_UNAVAILABLE"}`),
    ).toBe(1);
  });

  it('counts the typed errors a client gets as data, by operation and code', async () => {
    // A 4xx, which does not count towards hms's circuit breaker (the next test needs it closed).
    await admin(server, 'hms', 'POST', '/faults', { method: 'GET', status: 400 });
    const before = (await scrape(server)).series;

    const invalid = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'x'.repeat(500) },
    });
    const unknown = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'nowhere', name: 'lost' },
    });
    const across = await server.execute(RoomsAcrossDocument, { first: 5 });

    expect(invalid.data?.createRoom.__typename).toBe('InputValidationError');
    expect(unknown.data?.createRoom.__typename).toBe('ProviderNotFoundError');
    const listingCodes = across.data?.rooms.errors.map((error) => error.code) ?? [];
    expect(listingCodes).toHaveLength(1);
    const after = (await scrape(server)).series;
    const created = 'operation_type="mutation",operation_name="CreateRoom"';
    const listed = 'operation_type="query",operation_name="RoomsAcross"';
    const expected: Record<string, number> = {
      [`graphql_result_errors_total{${created},code="BAD_USER_INPUT"}`]: 1,
      [`graphql_result_errors_total{${created},code="PROVIDER_NOT_FOUND"}`]: 1,
      [`graphql_result_errors_total{${listed},code="${listingCodes[0]}"}`]: 1,
      // Not in the top-level errors list, so not counted there.
      [`graphql_operation_errors_total{${created},code="BAD_USER_INPUT"}`]: 0,
    };
    const growth = Object.keys(expected).map((series) => [series, grew(before, after, series)]);
    expect(Object.fromEntries(growth)).toEqual(expected);
  });

  it('labels an operation whose name is not a short GraphQL name as anonymous', async () => {
    const longName = `Q${'x'.repeat(80)}`;
    const before = (await scrape(server)).series;
    const response = await server.post(
      JSON.stringify({ query: `query ${longName} { providers { key } }`, operationName: longName }),
    );
    expect(response.status).toBe(200);
    const { text, series } = await scrape(server);
    expect(
      grew(
        before,
        series,
        'graphql_operation_duration_seconds_count{operation_type="query",operation_name="anonymous"}',
      ),
    ).toBe(1);
    expect(text).not.toContain(longName);
  });

  it('never labels a series with a path, a room id or a host', async () => {
    const rooms = await Promise.all([
      create(server, 'signalwire', 'labels_room'),
      create(server, 'netless', 'labels-room'),
      create(server, 'hms', 'labels-room'),
      create(server, 'videsk', 'labels-room'),
    ]);
    for (const room of rooms) {
      await server.execute(RoomDocument, { id: room.id });
    }
    const { text } = await scrape(server);
    expect(text).toMatch(/upstream_requests_total\{provider="hms"/);
    for (const room of rooms) {
      expect(text).not.toContain(room.providerRoomId);
      expect(text).not.toContain(room.id);
    }
    expect(text).not.toContain('/rooms');
    expect(text).not.toContain('127.0.0.1');
  });

  it("includes the process's own metrics, prefixed", async () => {
    const { text } = await scrape(server);
    expect(text).toContain('# TYPE video_rooms_process_resident_memory_bytes gauge');
    expect(text).toContain('# TYPE video_rooms_nodejs_eventloop_lag_seconds gauge');
  });
});

describe('operation names in metrics', () => {
  const KEYS = { noisy: 'vr_noisy_0f1e2d3c4b5a', quiet: 'vr_quiet_a5b4c3d2e1f0' };
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        clientApiKeys: [
          { id: 'noisy', sha256: sha256(KEYS.noisy), scopes: ['rooms:read'] },
          { id: 'quiet', sha256: sha256(KEYS.quiet), scopes: ['rooms:read'] },
        ],
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  /** Sends `count` operations named `<prefix><n>` as one client, a few at a time. */
  async function flood(prefix: string, count: number, query: (name: string) => string) {
    for (let start = 0; start < count; start += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, count - start) }, (_, offset) => {
          const operationName = `${prefix}${start + offset}`;
          return server.post(JSON.stringify({ query: query(operationName), operationName }), {
            authorization: `Bearer ${KEYS.noisy}`,
          });
        }),
      );
    }
  }

  async function legitLabel(name: string): Promise<string | undefined> {
    const response = await server.post(JSON.stringify({ query: `query ${name} { __typename }` }), {
      authorization: `Bearer ${KEYS.quiet}`,
    });
    expect(response.status).toBe(200);
    const { series } = await scrape(server);
    const match = [...series.keys()].find(
      (key) =>
        key.startsWith('graphql_operation_duration_seconds_count{operation_type="query"') &&
        key.includes(`operation_name="${name}"`),
    );
    return match;
  }

  it('names no operation that failed validation, so junk names cannot spend the label budget', async () => {
    // 250 names, more than the 200 labels there are: half in documents that do not validate,
    // half naming an operation the document does not hold.
    await flood('Junk', 125, (name) => `query ${name} { noSuchField }`);
    await flood('Stray', 125, () => 'query Real { __typename }');
    const { text } = await scrape(server);
    expect(text).not.toContain('Junk');
    expect(text).not.toContain('Stray');
    expect(await legitLabel('AfterJunk')).toBeDefined();
  });

  it('lets one client bring in only its share of names, so others keep theirs', async () => {
    // 250 valid operations with new names, from one client.
    await flood('Noisy', 250, (name) => `query ${name} { __typename }`);
    const { text } = await scrape(server);
    const noisyNames = new Set(text.match(/operation_name="Noisy\d+"/g));
    expect(noisyNames.size).toBeGreaterThan(0);
    expect(noisyNames.size).toBeLessThanOrEqual(20);
    expect(await legitLabel('AfterNoise')).toBeDefined();
  });
});
