import { Counter, Histogram, type Registry } from 'prom-client';
import type { UpstreamAttempt, UpstreamOutcome } from '../http/upstream-observer.js';

type AttemptLabels = 'provider' | 'operation' | 'method';

/** The bound children of one (account, operation, method). */
interface Series {
  readonly byOutcome: Map<UpstreamOutcome, Counter.Internal>;
  readonly duration: Histogram.Internal<AttemptLabels>;
}

/**
 * `upstream_requests_total` (by status class, or timeout, network, cancelled) and
 * `upstream_request_duration_seconds`, per account, operation and method.
 *
 * An upstream attempt is the hottest path of the service (a `nodes` request makes a hundred),
 * and prom-client hashes the label object of every `inc` and `observe`; the children it binds
 * to one set of labels skip that, so they are kept per series here.
 */
export class UpstreamAttemptMetrics {
  readonly #attempts: Counter<AttemptLabels | 'status_class'>;
  readonly #duration: Histogram<AttemptLabels>;
  readonly #series = new Map<string, Series>();

  constructor(registry: Registry, buckets: readonly number[]) {
    this.#attempts = new Counter({
      name: 'upstream_requests_total',
      help: 'HTTP attempts to provider accounts, retries included, by status class (or timeout, network, cancelled).',
      labelNames: ['provider', 'operation', 'method', 'status_class'],
      registers: [registry],
    });
    this.#duration = new Histogram({
      name: 'upstream_request_duration_seconds',
      help: 'Duration of one HTTP attempt to a provider account, body included.',
      labelNames: ['provider', 'operation', 'method'],
      buckets: [...buckets],
      registers: [registry],
    });
  }

  record(attempt: UpstreamAttempt): void {
    const series = this.#seriesOf(attempt);
    let counter = series.byOutcome.get(attempt.outcome);
    if (!counter) {
      counter = this.#attempts.labels({
        provider: attempt.account,
        operation: attempt.operation,
        method: attempt.method,
        status_class: attempt.outcome,
      });
      series.byOutcome.set(attempt.outcome, counter);
    }
    counter.inc();
    series.duration.observe(attempt.durationMs / 1000);
  }

  #seriesOf(attempt: UpstreamAttempt): Series {
    // Account keys and operation names are ours (config and code), methods a handful.
    const key = `${attempt.account} ${attempt.operation} ${attempt.method}`;
    let series = this.#series.get(key);
    if (!series) {
      series = {
        byOutcome: new Map(),
        duration: this.#duration.labels({
          provider: attempt.account,
          operation: attempt.operation,
          method: attempt.method,
        }),
      };
      this.#series.set(key, series);
    }
    return series;
  }
}
