import type { Attributes } from '@opentelemetry/api';
import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.js';
import type { UpstreamAttempt } from '../http/upstream-observer.js';

export type { Tracer } from '@opentelemetry/api';

export interface Tracing {
  /** Null when tracing is off: then nothing is recorded and no span object is made. */
  readonly tracer: Tracer | null;
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

export interface TracingSetup {
  readonly tracing: Config['tracing'];
  readonly otlpEndpoint?: string;
  /** Replaces the configured exporter (tests pass an in-memory one); ignored when tracing is off. */
  readonly exporter?: SpanExporter;
  /** Scrubs every string of every span (name, attributes, status, events) before export. */
  readonly redact?: (text: string) => string;
}

const TRACER_NAME = 'video-rooms-graphql';

/** SpanExporter's result code for a failed export (ExportResultCode.FAILED). */
const EXPORT_FAILED = 1;

/**
 * The OTLP exporter, imported only when TRACING=otlp asks for it: loading it costs start-up time
 * and tens of MB of memory that every other setting would pay for nothing.
 */
function lazyOtlpExporter(url: string | undefined): SpanExporter {
  const exporter = import('@opentelemetry/exporter-trace-otlp-http').then(
    ({ OTLPTraceExporter }) => new OTLPTraceExporter({ url }),
  );
  return {
    export(spans, done) {
      exporter.then(
        (inner) => inner.export(spans, done),
        (error: unknown) => done({ code: EXPORT_FAILED, error: error as Error }),
      );
    },
    shutdown: () => exporter.then((inner) => inner.shutdown()),
    forceFlush: () => exporter.then((inner) => inner.forceFlush?.()),
  };
}

/**
 * A tracer provider of this app's own, not registered globally, so several apps in one process
 * (tests) export to their own places. Console spans are written as they end; OTLP spans are
 * batched.
 */
export function createTracing(setup: TracingSetup): Tracing {
  if (setup.tracing === 'off') {
    return { tracer: null, shutdown: async () => {} };
  }
  const redact = setup.redact;
  const exporting = (exporter: SpanExporter) =>
    redact ? redactingExporter(exporter, redact) : exporter;
  let processor: SpanProcessor;
  if (setup.exporter) {
    processor = new SimpleSpanProcessor(exporting(setup.exporter));
  } else if (setup.tracing === 'console') {
    processor = new SimpleSpanProcessor(exporting(new ConsoleSpanExporter()));
  } else {
    processor = new BatchSpanProcessor(exporting(lazyOtlpExporter(setup.otlpEndpoint)));
  }
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  return { tracer: provider.getTracer(TRACER_NAME), shutdown: () => provider.shutdown() };
}

/**
 * Hands the exporter copies of the spans with every string scrubbed: the last place a span's
 * text passes before it leaves the process, whoever set it.
 */
function redactingExporter(inner: SpanExporter, redact: (text: string) => string): SpanExporter {
  const attributes = (values: Attributes): Attributes =>
    Object.fromEntries(
      Object.entries(values).map(([name, value]) => [
        name,
        typeof value === 'string'
          ? redact(value)
          : Array.isArray(value)
            ? value.map((item) => (typeof item === 'string' ? redact(item) : item))
            : value,
      ]),
    ) as Attributes;
  const scrubbed = (span: ReadableSpan): ReadableSpan => ({
    name: redact(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status:
      span.status.message === undefined
        ? span.status
        : { ...span.status, message: redact(span.status.message) },
    attributes: attributes(span.attributes),
    links: span.links.map((link) => ({
      ...link,
      attributes: link.attributes && attributes(link.attributes),
    })),
    events: span.events.map((event) => ({
      ...event,
      name: redact(event.name),
      attributes: event.attributes && attributes(event.attributes),
    })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  });
  return {
    export: (spans, done) => inner.export(spans.map(scrubbed), done),
    shutdown: () => inner.shutdown(),
    forceFlush: inner.forceFlush ? () => inner.forceFlush?.() ?? Promise.resolve() : undefined,
  };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The caller's trace, from a W3C `traceparent` header, so a gateway's trace continues here.
 * Anything malformed (or all-zero ids) starts a new trace instead.
 */
export function parentContext(traceparent: string | null): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!match) {
    return ROOT_CONTEXT;
  }
  const [, traceId = '', spanId = '', flags = '00'] = match;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) {
    return ROOT_CONTEXT;
  }
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/** Starts the span of one GraphQL operation; it is named once the operation is known. */
export function startOperationSpan(
  tracer: Tracer,
  parent: Context,
  attributes: { requestId: string; clientId: string },
): Span {
  return tracer.startSpan(
    'graphql.operation',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'video_rooms.request_id': attributes.requestId,
        'enduser.id': attributes.clientId,
      },
    },
    parent,
  );
}

/** Names the operation span `query Rooms` and ends it, marked as failed when errors came back. */
export function endOperationSpan(
  span: Span,
  operation: { type: string; name: string | null; errorCodes: readonly string[] },
): void {
  span.updateName(`${operation.type}${operation.name ? ` ${operation.name}` : ''}`);
  span.setAttribute('graphql.operation.type', operation.type);
  if (operation.name) {
    span.setAttribute('graphql.operation.name', operation.name);
  }
  if (operation.errorCodes.length > 0) {
    span.setAttribute('video_rooms.graphql.error_codes', [...operation.errorCodes]);
    span.setStatus({ code: SpanStatusCode.ERROR, message: operation.errorCodes[0] });
  }
  span.end();
}

/**
 * Records one upstream HTTP attempt as a client span under the operation's span, after the
 * fact, from its start time and duration. Attributes name the account, its kind, the adapter's
 * operation, the method, the path below the base URL and the status: never a header, a body,
 * a host or a query string.
 */
export function recordUpstreamSpan(
  tracer: Tracer,
  parent: Span | null,
  attempt: UpstreamAttempt,
  kind: string | undefined,
): void {
  const span = tracer.startSpan(
    `${attempt.method} ${attempt.operation}`,
    {
      kind: SpanKind.CLIENT,
      startTime: attempt.startedAt,
      attributes: {
        'video_rooms.provider.account': attempt.account,
        'video_rooms.provider.kind': kind ?? 'unknown',
        'video_rooms.upstream.operation': attempt.operation,
        'http.request.method': attempt.method,
        'url.path': attempt.path,
        ...(attempt.status === null ? {} : { 'http.response.status_code': attempt.status }),
        ...(attempt.errorCode === null ? {} : { 'error.type': attempt.errorCode }),
      },
    },
    parent ? trace.setSpan(ROOT_CONTEXT, parent) : ROOT_CONTEXT,
  );
  if (attempt.errorCode !== null) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.errorCode });
  }
  span.end(attempt.startedAt + attempt.durationMs);
}
