import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config.js';
import type { SecretRedactor } from '../http/secret-redactor.js';
import type { UpstreamObserver } from '../http/upstream-observer.js';
import type { Logger } from './logger.js';
import { AppMetrics } from './metrics.js';
import { createTracing, recordUpstreamSpan, type Tracer } from './tracing.js';

/** Metrics and traces of one app, shared by its Yoga plugin and its upstream clients. */
export interface Telemetry {
  /** Null when `metrics` is off: then `/metrics` is not served. */
  readonly metrics: AppMetrics | null;
  /** Null when `tracing` is off. */
  readonly tracer: Tracer | null;
  /** Hand to `createRegistry`, so every account's calls are counted, traced and logged. */
  readonly upstream: UpstreamObserver;
  /** Flushes buffered spans; call once, when the service stops. */
  shutdown(): Promise<void>;
}

export interface TelemetryOptions {
  readonly config: Pick<Config, 'metrics' | 'tracing' | 'otlpEndpoint' | 'providers'>;
  readonly logger: Logger;
  /** Where spans go instead of the configured exporter (tests). */
  readonly spanExporter?: SpanExporter;
  /** Scrubs spans on export and the metrics page of the secret values it knows. */
  readonly redactor?: SecretRedactor;
}

export function createTelemetry(options: TelemetryOptions): Telemetry {
  const { config, logger, redactor } = options;
  const redact = redactor ? (text: string) => redactor.redactValues(text) : undefined;
  const metrics = config.metrics
    ? new AppMetrics(
        config.providers.map((account) => account.key),
        { redact },
      )
    : null;
  const tracing = createTracing({
    tracing: config.tracing,
    otlpEndpoint: config.otlpEndpoint,
    exporter: options.spanExporter,
    redact,
  });
  const tracer = tracing.tracer;
  const kinds = new Map(config.providers.map((account) => [account.key, account.kind]));

  const upstream: UpstreamObserver = {
    attemptFinished(attempt) {
      metrics?.upstreamAttempt(attempt);
      if (tracer) {
        recordUpstreamSpan(
          tracer,
          attempt.context?.span ?? null,
          attempt,
          kinds.get(attempt.account),
        );
      }
      // Down or unreachable is the operator's concern; a 4xx is usually the client's or ours.
      const level =
        attempt.outcome === '5xx' || attempt.outcome === 'timeout' || attempt.outcome === 'network'
          ? 'warn'
          : attempt.outcome === '4xx'
            ? 'info'
            : 'debug';
      if (!logger.isLevelEnabled(level)) {
        return;
      }
      logger[level](
        {
          requestId: attempt.context?.requestId,
          provider: attempt.account,
          operation: attempt.operation,
          method: attempt.method,
          path: attempt.path,
          status: attempt.status,
          outcome: attempt.outcome,
          errorCode: attempt.errorCode,
          durationMs: Math.round(attempt.durationMs),
        },
        'upstream call',
      );
    },
    retried(retry) {
      metrics?.upstreamRetry(retry);
      logger.info(
        {
          requestId: retry.context?.requestId,
          provider: retry.account,
          operation: retry.operation,
          method: retry.method,
          attempt: retry.attempt,
          delayMs: retry.delayMs,
          errorCode: retry.errorCode,
        },
        'upstream call retried',
      );
    },
    circuitChanged(change) {
      metrics?.circuitState(change.account, change.to);
      const fields = { provider: change.account, from: change.from, to: change.to };
      if (change.to === 'open') {
        logger.warn(fields, 'circuit opened: calls to this provider account fail fast');
      } else {
        logger.info(fields, `circuit ${change.to}`);
      }
    },
  };

  return { metrics, tracer, upstream, shutdown: () => tracing.shutdown() };
}
