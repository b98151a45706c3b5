import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createTracing } from '../../src/observability/tracing.js';
import { ProvidersDocument, RoomDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const CREATE_FOUR = /* GraphQL */ `
  mutation CreateFour {
    signalwire: createRoom(input: { providerKey: "signalwire", name: "traced_room" }) { ...Created }
    netless: createRoom(input: { providerKey: "netless", name: "traced-room" }) { ...Created }
    hms: createRoom(input: { providerKey: "hms", name: "traced-room" }) { ...Created }
    videsk: createRoom(input: { providerKey: "videsk", name: "traced-room" }) { ...Created }
  }
  fragment Created on CreateRoomResult {
    __typename
    ... on CreateRoomSuccess { room { id } }
  }
`;

const KINDS: Readonly<Record<string, string>> = {
  signalwire: 'signalwire',
  netless: 'netless',
  hms: 'hms',
  videsk: 'videsk',
};

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

const isOperation = (span: ReadableSpan) => span.attributes['graphql.operation.type'] !== undefined;

describe('OpenTelemetry tracing', () => {
  const exporter = new InMemorySpanExporter();
  const lines: string[] = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: { tracing: 'otlp' },
      spanExporter: exporter,
      logger: createLogger({ level: 'info', destination: { write: (line) => lines.push(line) } }),
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    exporter.reset();
    lines.length = 0;
    for (const running of server.fleet.running) {
      await admin(server, running.emulator.name, 'POST', '/reset');
    }
  });

  it('records the operation and, under it, one client span per upstream call at each provider', async () => {
    const response = await server.post(JSON.stringify({ query: CREATE_FOUR }));
    const body = (await response.json()) as { data: Record<string, { __typename: string }> };
    expect(Object.values(body.data).map((result) => result.__typename)).toEqual(
      Array(4).fill('CreateRoomSuccess'),
    );

    const spans = exporter.getFinishedSpans();
    const operation = spans.find(isOperation);
    expect(operation?.name).toBe('mutation CreateFour');
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'mutation',
      'graphql.operation.name': 'CreateFour',
      'video_rooms.request_id': response.headers.get('x-request-id'),
      'enduser.id': 'anonymous',
    });
    const upstream = spans.filter((span) => span !== operation);
    expect(upstream.map((span) => span.attributes['video_rooms.provider.account']).sort()).toEqual([
      'hms',
      'netless',
      'signalwire',
      'videsk',
    ]);
    for (const span of upstream) {
      expect(span.name).toBe('POST createRoom');
      expect(span.spanContext().traceId).toBe(operation?.spanContext().traceId);
      expect(span.parentSpanContext?.spanId).toBe(operation?.spanContext().spanId);
      const account = String(span.attributes['video_rooms.provider.account']);
      expect(span.attributes).toMatchObject({
        'video_rooms.provider.kind': KINDS[account],
        'video_rooms.upstream.operation': 'createRoom',
        'http.request.method': 'POST',
        'http.response.status_code': expect.any(Number),
      });
      expect(String(span.attributes['url.path'])).toMatch(/^\/[^?]*$/);
      // No host, no query, no header: nothing that could carry a credential.
      expect(JSON.stringify(span.attributes)).not.toMatch(/127\.0\.0\.1|https?:|Bearer|Basic/);
      // Ended within the operation it belongs to.
      expect(hrMs(span.startTime)).toBeGreaterThanOrEqual(hrMs(operation!.startTime) - 1);
      expect(hrMs(span.endTime)).toBeLessThanOrEqual(hrMs(operation!.endTime) + 1);
    }
  });

  it('marks a failed upstream call and its operation as errors, with the error code', async () => {
    const created = await server.post(JSON.stringify({ query: CREATE_FOUR }));
    const body = (await created.json()) as { data: { hms: { room: { id: string } } } };
    await admin(server, 'hms', 'POST', '/faults', { method: 'GET', status: 503 });
    exporter.reset();

    const result = await server.execute(RoomDocument, { id: body.data.hms.room.id });

    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const spans = exporter.getFinishedSpans();
    const upstream = spans.find((span) => !isOperation(span));
    expect(upstream?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': 'UPSTREAM_UNAVAILABLE',
    });
    expect(upstream?.status.code).toBe(2);
    const operation = spans.find(isOperation);
    expect(operation?.name).toBe('query Room');
    expect(operation?.status).toMatchObject({ code: 2, message: 'UPSTREAM_UNAVAILABLE' });
    expect(operation?.attributes['video_rooms.graphql.error_codes']).toEqual([
      'UPSTREAM_UNAVAILABLE',
    ]);
  });

  it("continues the caller's trace from its traceparent header, and logs the trace id", async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const parentSpanId = 'b7ad6b7169203331';

    await server.execute(ProvidersDocument, undefined, {
      traceparent: `00-${traceId}-${parentSpanId}-01`,
    });

    const operation = exporter.getFinishedSpans().find(isOperation);
    expect(operation?.spanContext().traceId).toBe(traceId);
    expect(operation?.parentSpanContext?.spanId).toBe(parentSpanId);
    const logged = lines
      .map((line) => JSON.parse(line))
      .find((line) => line.msg === 'graphql request');
    expect(logged?.traceId).toBe(traceId);
  });
});

describe('tracing off (the default)', () => {
  it('records nothing, even with an exporter at hand', async () => {
    const exporter = new InMemorySpanExporter();
    const server = await startTestServer({ spanExporter: exporter });
    try {
      const response = await server.post(JSON.stringify({ query: CREATE_FOUR }));
      expect(response.status).toBe(200);
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

function hrMs([seconds, nanos]: readonly [number, number]): number {
  return seconds * 1000 + nanos / 1e6;
}

describe('tracing=otlp', () => {
  it('sends ended spans as OTLP/HTTP to the configured endpoint', async () => {
    const received: { path: string; body: string }[] = [];
    const collector = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        received.push({ path: request.url ?? '', body });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', () => resolve()));
    const { port } = collector.address() as AddressInfo;
    try {
      const tracing = createTracing({
        tracing: 'otlp',
        otlpEndpoint: `http://127.0.0.1:${port}/v1/traces`,
      });
      tracing.tracer?.startSpan('otlp check').end();
      await tracing.shutdown();
      expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
      expect(received[0]?.body).toContain('otlp check');
    } finally {
      collector.closeAllConnections();
      await new Promise<void>((resolve) => collector.close(() => resolve()));
    }
  });
});
