import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CircuitState } from '../http/circuit-breaker.js';
import type { UpstreamAttempt, UpstreamRetry } from '../http/upstream-observer.js';
import { UpstreamAttemptMetrics } from './upstream-attempt-metrics.js';

/** Prefix of the process metrics prom-client collects (CPU, memory, event loop, GC). */
const PROCESS_METRICS_PREFIX = 'video_rooms_';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** `upstream_circuit_state` values. */
const CIRCUIT_VALUES: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

/** A GraphQL name (the spec's rule), short enough for a label value or a log field. */
export const SHORT_GRAPHQL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** An error code as our code and Yoga write them. */
const LABEL_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * Turns client-chosen text into a label value with bounded cardinality: a value of the right
 * shape is kept until `max` distinct values have been seen, and later new ones share `overflow`.
 * Without the cap, a client sending a fresh operation name with every request would grow the
 * registry without end.
 */
export class BoundedLabel {
  readonly #seen = new Set<string>();

  constructor(
    readonly pattern: RegExp,
    readonly max: number,
    readonly fallback: string,
    readonly overflow: string,
  ) {}

  of(value: string | null | undefined): string {
    if (!value || !this.pattern.test(value)) {
      return this.fallback;
    }
    if (this.#seen.has(value)) {
      return value;
    }
    if (this.#seen.size >= this.max) {
      return this.overflow;
    }
    this.#seen.add(value);
    return value;
  }
}

/**
 * Operation names as label values, with a budget no one client can spend. A name is admitted
 * once an operation carrying it has passed client auth and validation (the plugin names only
 * those); once in, every client's operations use it. Each client may bring in at most
 * `perClient` names, so filling the `max` names takes `max / perClient` clients holding
 * credentials (anonymous callers count as one client), and a client over its share gets
 * `overflow` for its new names while everyone else's keep theirs. The per-client counts live
 * only for clients that admitted a name, so they are bounded by `max` too.
 */
export class OperationNameLabel {
  readonly #seen = new Set<string>();
  readonly #admittedBy = new Map<string, number>();

  constructor(
    readonly max: number,
    readonly perClient: number,
    readonly fallback: string,
    readonly overflow: string,
  ) {}

  /** The label for `name` in an operation of `client` (a `clientKey`). */
  of(name: string | null | undefined, client: string): string {
    if (!name || !SHORT_GRAPHQL_NAME.test(name)) {
      return this.fallback;
    }
    if (this.#seen.has(name)) {
      return name;
    }
    const admitted = this.#admittedBy.get(client) ?? 0;
    if (this.#seen.size >= this.max || admitted >= this.perClient) {
      return this.overflow;
    }
    this.#seen.add(name);
    this.#admittedBy.set(client, admitted + 1);
    return name;
  }
}

/** A finished GraphQL operation, as the metrics see it. */
export interface OperationSample {
  readonly type: string;
  /** Null unless the operation passed auth and validation (see `OperationNameLabel`). */
  readonly name: string | null;
  /** Who ran it (`clientKey`), whose share of operation names a new name is taken from. */
  readonly client: string;
  readonly durationMs: number;
  readonly errorCodes: readonly string[];
  /** Typed errors returned as data: result union members, a listing's per-provider errors. */
  readonly resultErrorCodes?: readonly string[];
}

/**
 * One app's Prometheus metrics, in a registry of its own (never prom-client's global one), so
 * several apps in one process (tests) keep separate counts. Upstream series are labelled by
 * account key, adapter operation, method and status class: values from our config and code,
 * never a path, an id or anything a client typed.
 */
export class AppMetrics {
  readonly registry = new Registry();
  readonly #operationNames = new OperationNameLabel(200, 20, 'anonymous', 'other');
  readonly #errorCodes = new BoundedLabel(LABEL_CODE, 100, 'UNKNOWN', 'OTHER');
  readonly #operationDuration: Histogram<'operation_type' | 'operation_name'>;
  readonly #operationErrors: Counter<'operation_type' | 'operation_name' | 'code'>;
  readonly #resultErrors: Counter<'operation_type' | 'operation_name' | 'code'>;
  readonly #refused: Counter<'status'>;
  readonly #upstreamAttempts: UpstreamAttemptMetrics;
  readonly #upstreamRetries: Counter<'provider' | 'operation'>;
  readonly #circuitState: Gauge<'provider'>;

  /** Scrubs the text exposition of secret values (a client may name an operation anything). */
  readonly #redact: (text: string) => string;

  constructor(
    accounts: readonly string[] = [],
    options: { readonly redact?: (text: string) => string } = {},
  ) {
    this.#redact = options.redact ?? ((text) => text);
    const registers = [this.registry];
    this.#operationDuration = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time from reading a GraphQL operation to its result, by operation type and name.',
      labelNames: ['operation_type', 'operation_name'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#operationErrors = new Counter({
      name: 'graphql_operation_errors_total',
      help: 'Errors in GraphQL results (the top-level errors list), by operation and error code.',
      labelNames: ['operation_type', 'operation_name', 'code'],
      registers,
    });
    this.#resultErrors = new Counter({
      name: 'graphql_result_errors_total',
      help: "Typed errors returned as data (a mutation's result union, a listing's per-provider errors), by operation and error code.",
      labelNames: ['operation_type', 'operation_name', 'code'],
      registers,
    });
    this.#refused = new Counter({
      name: 'graphql_requests_refused_total',
      help: 'HTTP requests refused before any operation ran (client auth, CSRF, rate limit, request size), by HTTP status.',
      labelNames: ['status'],
      registers,
    });
    // upstream_requests_total and upstream_request_duration_seconds.
    this.#upstreamAttempts = new UpstreamAttemptMetrics(this.registry, DURATION_BUCKETS);
    this.#upstreamRetries = new Counter({
      name: 'upstream_retries_total',
      help: 'Failed upstream attempts that were tried again.',
      labelNames: ['provider', 'operation'],
      registers,
    });
    this.#circuitState = new Gauge({
      name: 'upstream_circuit_state',
      help: "A provider account's circuit breaker: 0 closed, 1 half-open (one probe in flight), 2 open (failing fast).",
      labelNames: ['provider'],
      registers,
    });
    for (const account of accounts) {
      this.#circuitState.set({ provider: account }, CIRCUIT_VALUES.closed);
    }
  }

  operationFinished(sample: OperationSample): void {
    const labels = {
      operation_type: sample.type,
      operation_name: this.#operationNames.of(sample.name, sample.client),
    };
    this.#operationDuration.observe(labels, sample.durationMs / 1000);
    for (const code of sample.errorCodes) {
      this.#operationErrors.inc({ ...labels, code: this.#errorCodes.of(code) });
    }
    for (const code of sample.resultErrorCodes ?? []) {
      this.#resultErrors.inc({ ...labels, code: this.#errorCodes.of(code) });
    }
  }

  requestRefused(status: number): void {
    this.#refused.inc({ status: String(status) });
  }

  upstreamAttempt(attempt: UpstreamAttempt): void {
    this.#upstreamAttempts.record(attempt);
  }

  upstreamRetry(retry: UpstreamRetry): void {
    this.#upstreamRetries.inc({ provider: retry.account, operation: retry.operation });
  }

  circuitState(account: string, state: CircuitState): void {
    this.#circuitState.set({ provider: account }, CIRCUIT_VALUES[state]);
  }

  /** This app's registry and the process's, merged once: every metric exists by then. */
  #merged: Registry | null = null;

  /** The text exposition: this app's series, then the process's. */
  async render(): Promise<{ readonly contentType: string; readonly body: string }> {
    this.#merged ??= Registry.merge([this.registry, processRegistry()]);
    const body = this.#redact(await this.#merged.metrics());
    return { contentType: Registry.PROMETHEUS_CONTENT_TYPE, body };
  }
}

let processMetrics: Registry | undefined;

/**
 * prom-client's process metrics, collected once per process: each collection starts an event
 * loop monitor and a GC observer that are never stopped, so one per app would leak in tests.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: PROCESS_METRICS_PREFIX });
  }
  return processMetrics;
}
