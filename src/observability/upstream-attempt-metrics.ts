import { Counter, Histogram, type Registry } from 'prom-client';
import type { UpstreamAttempt, UpstreamOutcome } from '../http/upstream-observer.js';

type AttemptLabels = 'provider' | 'operation' | 'method';

/** One (account, operation, method): its duration histogram, and attempts by outcome. */
interface Series {
  readonly labels: Record<AttemptLabels, string>;
  readonly duration: Histogram.Internal<AttemptLabels>;
  readonly byOutcome: Map<UpstreamOutcome, number>;
}

/**
 * `upstream_requests_total` (by status class, or timeout, network, cancelled) and
 * `upstream_request_duration_seconds`, per account, operation and method: prom-client's own
 * Counter and Histogram, registered as any other.
 *
 * An upstream attempt is the hottest path of the service (a `nodes` request makes a hundred),
 * and prom-client validates and hashes the labels of every `inc` and `observe`, even on a child
 * bound to them. The attempt counts are kept as plain numbers and handed to the counter when it
 * is scraped (its `collect` hook), which halves what metrics cost per call (`npm run
 * bench:client`); durations go to the histogram as they come.
 */
export class UpstreamAttemptMetrics {
  readonly #duration: Histogram<AttemptLabels>;
  readonly #series = new Map<string, Series>();

  constructor(registry: Registry, buckets: readonly number[]) {
    const series = this.#series;
    new Counter({
      name: 'upstream_requests_total',
      help: 'HTTP attempts to provider accounts, retries included, by status class (or timeout, network, cancelled).',
      labelNames: ['provider', 'operation', 'method', 'status_class'],
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, byOutcome } of series.values()) {
          for (const [status_class, count] of byOutcome) {
            this.inc({ ...labels, status_class }, count);
          }
        }
      },
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
    series.byOutcome.set(attempt.outcome, (series.byOutcome.get(attempt.outcome) ?? 0) + 1);
    series.duration.observe(attempt.durationMs / 1000);
  }

  #seriesOf(attempt: UpstreamAttempt): Series {
    // Account keys and operation names are ours (config and code), methods a handful.
    const key = `${attempt.account} ${attempt.operation} ${attempt.method}`;
    let series = this.#series.get(key);
    if (!series) {
      const labels = {
        provider: attempt.account,
        operation: attempt.operation,
        method: attempt.method,
      };
      series = { labels, duration: this.#duration.labels(labels), byOutcome: new Map() };
      this.#series.set(key, series);
    }
    return series;
  }
}
