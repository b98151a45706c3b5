import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import {
  createTracing,
  parentContext,
  recordUpstreamSpan,
  startOperationSpan,
} from '../../../src/observability/tracing.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('parentContext', () => {
  it('continues the caller’s trace from a W3C traceparent', () => {
    const context = parentContext(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(trace.getSpanContext(context)).toMatchObject({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      traceFlags: 1,
      isRemote: true,
    });
  });

  it.each([
    ['absent', null],
    ['malformed', 'not-a-traceparent'],
    ['of another version', `01-${TRACE_ID}-${SPAN_ID}-01`],
    ['with a zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['upper case', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
  ])('starts a new trace when the header is %s', (_, header) => {
    expect(parentContext(header)).toBe(ROOT_CONTEXT);
  });
});

describe('createTracing', () => {
  it('makes no tracer when tracing is off, even with an exporter', () => {
    expect(
      createTracing({ tracing: 'off', exporter: new InMemorySpanExporter() }).tracer,
    ).toBeNull();
  });

  it('exports every string of a span scrubbed, the span itself unchanged', async () => {
    const secret = 'a-credential-value-0123';
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({
      tracing: 'otlp',
      exporter,
      redact: (text) => text.replaceAll(secret, '[redacted]'),
    });
    const span = tracing.tracer!.startSpan(`op ${secret}`, {
      attributes: { 'url.path': `/rooms/${secret}`, codes: [secret, 'OK'], count: 2 },
    });
    span.addEvent(`event ${secret}`, { detail: secret });
    span.setStatus({ code: 2, message: `failed ${secret}` });
    span.end();

    const [exported] = exporter.getFinishedSpans();
    expect(JSON.stringify(exported)).not.toContain(secret);
    expect(exported).toMatchObject({
      name: 'op [redacted]',
      attributes: { 'url.path': '/rooms/[redacted]', codes: ['[redacted]', 'OK'], count: 2 },
      status: { message: 'failed [redacted]' },
    });
    expect(exported?.events[0]).toMatchObject({
      name: 'event [redacted]',
      attributes: { detail: '[redacted]' },
    });
    expect(exported?.spanContext().spanId).toBe(span.spanContext().spanId);
    await tracing.shutdown();
  });

  it('records an upstream attempt as a client span under the operation, timed as it ran', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = createTracing({ tracing: 'otlp', exporter });
    const tracer = tracing.tracer!;
    const operation = startOperationSpan(tracer, ROOT_CONTEXT, { requestId: 'r1', clientId: 'c1' });
    recordUpstreamSpan(
      tracer,
      operation,
      {
        account: 'netless-eu',
        operation: 'getRoom',
        method: 'GET',
        path: '/rooms/a1b2',
        status: 404,
        outcome: '4xx',
        startedAt: 1_700_000_000_000,
        durationMs: 250,
        errorCode: 'ROOM_NOT_FOUND',
      },
      'netless',
    );
    operation.end();

    const [upstream] = exporter.getFinishedSpans();
    expect(upstream?.name).toBe('GET getRoom');
    expect(upstream?.parentSpanContext?.spanId).toBe(operation.spanContext().spanId);
    expect(upstream?.attributes).toEqual({
      'video_rooms.provider.account': 'netless-eu',
      'video_rooms.provider.kind': 'netless',
      'video_rooms.upstream.operation': 'getRoom',
      'http.request.method': 'GET',
      'url.path': '/rooms/a1b2',
      'http.response.status_code': 404,
      'error.type': 'ROOM_NOT_FOUND',
    });
    expect(upstream?.status).toMatchObject({ code: 2, message: 'ROOM_NOT_FOUND' });
    expect(upstream?.startTime).toEqual([1_700_000_000, 0]);
    expect(upstream?.endTime).toEqual([1_700_000_000, 250_000_000]);
    await tracing.shutdown();
  });
});
