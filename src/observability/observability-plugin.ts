import { hash, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Span } from '@opentelemetry/api';
import { type GraphQLError, getOperationAST } from 'graphql';
import type { Plugin, YogaServerOptions } from 'graphql-yoga';
import { bearerCredential } from '../server/bearer.js';
import { errorDetail, type Logger } from './logger.js';
import { SHORT_GRAPHQL_NAME } from './metrics.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';
import type { Telemetry } from './telemetry.js';
import { endOperationSpan, parentContext, startOperationSpan } from './tracing.js';

export interface ObservabilityOptions {
  readonly telemetry: Telemetry;
  readonly logger: Logger;
  /** Path of the GraphQL endpoint, to tell refused GraphQL requests from other paths. */
  readonly graphqlEndpoint: string;
  /** The caller's id once authenticated (API key id, JWT subject, `anonymous`); never a credential. */
  readonly clientIdOf: (request: Request) => string;
  /**
   * The caller as one unambiguous string (`clientKey`), whose share of operation-name labels a
   * new name is taken from; when absent, `clientIdOf`.
   */
  readonly clientKeyOf?: (request: Request) => string;
  /** The bearer token `/metrics` asks for; open to anyone who can reach it when absent. */
  readonly metricsToken?: string;
}

const METRICS_PATH = '/metrics';
/** Yoga's own health check. */
const HEALTH_PATH = '/health';

/** One GraphQL operation of a request. */
interface OperationRecord {
  readonly startedAt: number;
  type: string;
  /** The operation name as sent, checked against the GraphQL name rule; null when absent. */
  name: string | null;
  /** `extensions.code` of each error in the result. */
  readonly errorCodes: string[];
  /** The code of each typed error returned as data (a result union member, a listing's errors). */
  readonly resultErrorCodes: string[];
  readonly span: Span | null;
}

/** What is known about one HTTP request being served. */
interface RequestRecord {
  readonly requestId: string;
  readonly startedAt: number;
  readonly operations: OperationRecord[];
  /**
   * The operation running now; it stays after it ends, so a late hook still finds it. Yoga's
   * batching is off, so a request runs one operation.
   */
  operation: OperationRecord | null;
}

/** The plugin, and what the GraphQL context of a request takes from it. */
export interface Observability {
  readonly plugin: Plugin;
  /** The id of a request being served (the caller's, if sane, else a new UUID). */
  requestIdOf(request: Request): string;
  /** The span of the operation a request is running; null when tracing is off. */
  operationSpanOf(request: Request): Span | null;
  /** Counts a typed error returned as data against the operation a request is running. */
  resultErrorReporter(request: Request): (code: string) => void;
}

/**
 * Request ids, the access log, `/metrics`, and the metrics and span of each GraphQL operation.
 *
 * The plugin keeps a record per HTTP request, which its hooks reach through the request each is
 * handed. Nothing past the GraphQL context reads it: the context takes the request's id and
 * operation span from here and hands them down in the call context.
 */
export function createObservability(options: ObservabilityOptions): Observability {
  const { telemetry, logger } = options;
  const { metrics, tracer } = telemetry;
  const scrapeToken = options.metricsToken ? bearerCheck(options.metricsToken) : null;
  const records = new WeakMap<Request, RequestRecord>();

  /** The request's record (`instrumentation.request` makes it before any hook runs). */
  function recordOf(request: Request): RequestRecord {
    let record = records.get(request);
    if (!record) {
      record = {
        requestId: requestIdFrom(request.headers.get(REQUEST_ID_HEADER)),
        startedAt: performance.now(),
        operations: [],
        operation: null,
      };
      records.set(request, record);
    }
    return record;
  }

  /** The operation the request is running, seen from a hook that has the request. */
  function operationOf(request: Request | undefined): OperationRecord | null {
    return request ? (records.get(request)?.operation ?? null) : null;
  }

  function finishOperation(operation: OperationRecord, request: Request): void {
    metrics?.operationFinished({
      type: operation.type,
      // Only an operation that reached execution (past client auth, validation and the limits)
      // names its series: any other name is text a caller chose and nothing checked.
      name: operation.type === 'unknown' ? null : operation.name,
      client: (options.clientKeyOf ?? options.clientIdOf)(request),
      durationMs: performance.now() - operation.startedAt,
      errorCodes: operation.errorCodes,
      resultErrorCodes: operation.resultErrorCodes,
    });
    if (operation.span) {
      endOperationSpan(operation.span, operation);
    }
  }

  const plugin: Plugin = {
    instrumentation: {
      request({ request }, wrapped) {
        recordOf(request);
        return wrapped();
      },
      async operation({ request }, wrapped) {
        const record = recordOf(request);
        const span = tracer
          ? startOperationSpan(tracer, parentContext(request.headers.get('traceparent')), {
              requestId: record.requestId,
              clientId: options.clientIdOf(request),
            })
          : null;
        const operation: OperationRecord = {
          startedAt: performance.now(),
          type: 'unknown',
          name: null,
          errorCodes: [],
          resultErrorCodes: [],
          span,
        };
        record.operations.push(operation);
        record.operation = operation;
        try {
          await wrapped();
        } catch (error) {
          operation.errorCodes.push(codeOf(error));
          throw error;
        } finally {
          finishOperation(operation, request);
        }
      },
    },

    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!metrics || url.pathname !== METRICS_PATH) {
        return;
      }
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      if (scrapeToken && !scrapeToken.admits(request.headers.get('authorization'))) {
        endResponse(
          new fetchAPI.Response(null, {
            status: 401,
            headers: { 'www-authenticate': 'Bearer realm="metrics"' },
          }),
        );
        return;
      }
      return metrics.render().then(({ contentType, body }) => {
        endResponse(
          new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
            status: 200,
            headers: { 'content-type': contentType, 'cache-control': 'no-store' },
          }),
        );
      });
    },

    onParams({ params, request }) {
      const operation = operationOf(request);
      if (operation) {
        operation.name = nameOf(params.operationName);
      }
    },

    onExecute({ args }) {
      const operation = operationOf((args.contextValue as { request?: Request }).request);
      const definition = getOperationAST(args.document, args.operationName);
      if (operation && definition) {
        operation.type = definition.operation;
        operation.name = nameOf(definition.name?.value);
      }
    },

    onExecutionResult({ result, request }) {
      const operation = operationOf(request);
      if (!operation || !result || Symbol.asyncIterator in result) {
        return;
      }
      for (const error of result.errors ?? []) {
        operation.errorCodes.push(codeOf(error));
      }
    },

    onResponse({ request, response }) {
      const record = recordOf(request);
      try {
        response.headers.set(REQUEST_ID_HEADER, record.requestId);
      } catch {
        // A response with immutable headers (an error made by the runtime): nothing to add to.
      }
      const path = new URL(request.url, 'http://localhost').pathname;
      const status = response.status;
      if (
        metrics &&
        path === options.graphqlEndpoint &&
        record.operations.length === 0 &&
        status >= 400
      ) {
        metrics.requestRefused(status);
      }
      // Scrapes and health probes come every few seconds and say nothing about clients.
      const routine = path === METRICS_PATH || path === HEALTH_PATH;
      const level = routine ? 'debug' : status >= 500 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) {
        return;
      }
      const operations = record.operations;
      const traceId = operations[0]?.span?.spanContext().traceId;
      logger[level](
        {
          requestId: record.requestId,
          method: request.method,
          path: path.slice(0, 100),
          status,
          durationMs: Math.round(performance.now() - record.startedAt),
          clientId: options.clientIdOf(request).slice(0, 100),
          ...(operations.length > 0
            ? {
                operationType: operations.map((operation) => operation.type).join(','),
                operationName: operations.map((operation) => operation.name ?? '').join(','),
              }
            : {}),
          ...(operations.some((operation) => operation.errorCodes.length > 0)
            ? { errorCodes: operations.flatMap((operation) => operation.errorCodes) }
            : {}),
          ...(operations.some((operation) => operation.resultErrorCodes.length > 0)
            ? { resultErrorCodes: operations.flatMap((operation) => operation.resultErrorCodes) }
            : {}),
          ...(traceId ? { traceId } : {}),
        },
        path === options.graphqlEndpoint ? 'graphql request' : 'http request',
      );
    },
  };

  return {
    plugin,
    requestIdOf: (request) => recordOf(request).requestId,
    operationSpanOf: (request) => operationOf(request)?.span ?? null,
    resultErrorReporter: (request) => (code) => {
      operationOf(request)?.resultErrorCodes.push(code);
    },
  };
}

/**
 * Checks an Authorization header against one bearer token, comparing SHA-256 digests in
 * constant time, so neither the token's length nor its first differing byte shows in timing.
 */
function bearerCheck(token: string): { admits(header: string | null): boolean } {
  const expected = hash('sha256', token, 'buffer');
  return {
    admits(header) {
      const presented = bearerCredential(header);
      return presented !== null && timingSafeEqual(hash('sha256', presented, 'buffer'), expected);
    },
  };
}

function nameOf(value: string | null | undefined): string | null {
  return value && SHORT_GRAPHQL_NAME.test(value) ? value : null;
}

/** The `extensions.code` of a GraphQL error; an error without one is Yoga's or a bug. */
function codeOf(error: unknown): string {
  const code = (error as Partial<GraphQLError> | null)?.extensions?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

type YogaLogger = Exclude<
  NonNullable<YogaServerOptions<Record<string, never>, object>['logging']>,
  boolean | string
>;

/**
 * Yoga's own logging, through pino. Yoga reports at `error` every error our `maskError`
 * rewrote, which includes each typed error a client gets back (a room not found), and the
 * unexpected ones are already reported through `logError` with their request id; so Yoga's
 * errors go to `debug`, not `error`, where they would bury the real ones. Yoga hands its
 * logger no request, so these lines carry no request id.
 */
export function yogaLogger(logger: Logger): YogaLogger {
  const write =
    (level: 'debug' | 'info' | 'warn') =>
    (...args: unknown[]) => {
      if (!logger.isLevelEnabled(level)) {
        return;
      }
      logger[level]({ source: 'yoga' }, args.map((arg) => errorDetail(arg)).join(' '));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('debug') };
}
