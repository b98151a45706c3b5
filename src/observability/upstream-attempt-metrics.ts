import type { Registry } from 'prom-client';
import type { UpstreamAttempt, UpstreamOutcome } from '../http/upstream-observer.js';

type SeriesLabels = { provider: string; operation: string; method: string };

const OUTCOMES: readonly UpstreamOutcome[] = [
  '2xx',
  '3xx',
  '4xx',
  '5xx',
  'timeout',
  'network',
  'cancelled',
];

/** A metric as prom-client's registry reads it when it renders the exposition. */
interface ExportedMetric {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  readonly values: {
    readonly metricName?: string;
    readonly labels: Readonly<Record<string, string | number>>;
    readonly value: number;
  }[];
}

/** One (account, operation, method): attempts by outcome and their durations. */
interface Series {
  readonly labels: SeriesLabels;
  readonly byOutcome: number[];
  /** Attempts per bucket (not cumulative), the last one past every bound. */
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * `upstream_requests_total` and `upstream_request_duration_seconds`, kept as plain numbers per
 * account, operation and method, and handed to prom-client's registry as two metrics that it
 * reads, formats and serves when `/metrics` is scraped.
 *
 * An upstream attempt is the hottest path of the service (a `nodes` request makes a hundred),
 * and prom-client's own `inc` and `observe` validate and hash their label object on every call:
 * about 2.5 µs of the 22 µs that one call costs the service (`npm run bench:client`). Here an
 * attempt costs three map lookups and a few additions.
 */
export class UpstreamAttemptMetrics {
  readonly #series = new Map<string, Map<string, Map<string, Series>>>();

  constructor(
    registry: Registry,
    readonly buckets: readonly number[],
  ) {
    // The registry keeps any object with a name and a `get()`, and reads it at scrape time;
    // its type names its own Metric class, hence the casts.
    registry.registerMetric(this.#counter() as never);
    registry.registerMetric(this.#histogram() as never);
  }

  record(attempt: UpstreamAttempt): void {
    const series = this.#seriesOf(attempt.account, attempt.operation, attempt.method);
    const outcome = OUTCOMES.indexOf(attempt.outcome);
    series.byOutcome[outcome] = (series.byOutcome[outcome] ?? 0) + 1;
    const seconds = attempt.durationMs / 1000;
    const buckets = this.buckets;
    let index = 0;
    while (index < buckets.length && seconds > (buckets[index] as number)) {
      index++;
    }
    series.buckets[index] = (series.buckets[index] ?? 0) + 1;
    series.sum += seconds;
    series.count++;
  }

  #seriesOf(provider: string, operation: string, method: string): Series {
    let byOperation = this.#series.get(provider);
    if (!byOperation) {
      byOperation = new Map();
      this.#series.set(provider, byOperation);
    }
    let byMethod = byOperation.get(operation);
    if (!byMethod) {
      byMethod = new Map();
      byOperation.set(operation, byMethod);
    }
    let series = byMethod.get(method);
    if (!series) {
      series = {
        labels: { provider, operation, method },
        byOutcome: OUTCOMES.map(() => 0),
        buckets: new Array<number>(this.buckets.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byMethod.set(method, series);
    }
    return series;
  }

  *#all(): Iterable<Series> {
    for (const byOperation of this.#series.values()) {
      for (const byMethod of byOperation.values()) {
        yield* byMethod.values();
      }
    }
  }

  #counter() {
    return registryView(
      'upstream_requests_total',
      'HTTP attempts to provider accounts, retries included, by status class (or timeout, network, cancelled).',
      'counter',
      () => {
        const values: ExportedMetric['values'] = [];
        for (const series of this.#all()) {
          series.byOutcome.forEach((value, index) => {
            if (value > 0) {
              const status_class = OUTCOMES[index] as string;
              values.push({ labels: { ...series.labels, status_class }, value });
            }
          });
        }
        return values;
      },
    );
  }

  #histogram() {
    const name = 'upstream_request_duration_seconds';
    return registryView(
      name,
      'Duration of one HTTP attempt to a provider account, body included.',
      'histogram',
      () => {
        const values: ExportedMetric['values'] = [];
        for (const series of this.#all()) {
          let cumulative = 0;
          this.buckets.forEach((bound, index) => {
            cumulative += series.buckets[index] as number;
            const labels = { ...series.labels, le: bound };
            values.push({ metricName: `${name}_bucket`, labels, value: cumulative });
          });
          const labels = { ...series.labels, le: '+Inf' };
          values.push(
            { metricName: `${name}_bucket`, labels, value: series.count },
            { metricName: `${name}_sum`, labels: series.labels, value: series.sum },
            { metricName: `${name}_count`, labels: series.labels, value: series.count },
          );
        }
        return values;
      },
    );
  }
}

/** What prom-client's registry asks of a metric: a name, and its values when it renders. */
function registryView(
  name: string,
  help: string,
  type: ExportedMetric['type'],
  values: () => ExportedMetric['values'],
) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async (): Promise<ExportedMetric> => ({
      name,
      help,
      type,
      aggregator: 'sum',
      values: values(),
    }),
  };
}
