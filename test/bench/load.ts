import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { REQUEST_HEADERS, type RequestPlan } from './scenarios.js';

// One autocannon run, in this process, stopped gracefully: when the time is up, each connection
// finishes the request it has in flight and sends no more. So nothing is cut off mid-way, every
// upstream call the emulators counted belongs to a request that was answered, and the service
// never sees a client vanish (which it would log as cancelled calls). Latency percentiles are
// computed here from every response's own time (autocannon's histogram keeps whole
// milliseconds, too coarse for a 1 ms target).

export interface LoadResult {
  /** Responses received, the drain after the deadline included. */
  readonly responses: number;
  /** Responses that were not 2xx or failed the body check, connection errors and timeouts. */
  readonly failures: number;
  /** Responses that arrived before the deadline, per second of the run. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Every response's time in ms, sorted: what runs measured in slices are pooled from. */
  readonly latenciesMs: Float64Array;
  /** The measured time, seconds (responses after it are drained but not counted in `rps`). */
  readonly durationS: number;
  /** From start to the last response, drain included. */
  readonly elapsedMs: number;
  /** Stopped by the hard time cap, with requests possibly still in flight. */
  readonly truncated: boolean;
}

export interface LoadOptions {
  /** `http://127.0.0.1:port` */
  readonly origin: string;
  readonly plan: RequestPlan;
  readonly connections: number;
  readonly durationS: number;
  /** Past this, the run is stopped abruptly (a request that never answers must not hang us). */
  readonly hardCapMs: number;
  readonly bodyLooksRight: (body: string) => boolean;
}

/** The parts of autocannon's per-connection client we steer; not in its type definitions. */
interface ClientLimits {
  responseMax: number;
  reqsMade: number;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { plan } = options;
  const latencies: number[] = [];
  let inWindow = 0;
  let lastResponseAt = 0;
  let truncated = false;
  let hardCap: NodeJS.Timeout | undefined;
  const makeBody = typeof plan.body === 'function' ? plan.body : null;

  return new Promise<LoadResult>((resolve, reject) => {
    const started = performance.now();
    const deadline = started + options.durationS * 1000;
    const instance = autocannon(
      {
        url: options.origin + plan.path,
        method: plan.method,
        connections: options.connections,
        pipelining: 1,
        headers: { ...REQUEST_HEADERS },
        body: typeof plan.body === 'string' ? plan.body : undefined,
        requests: makeBody
          ? [{ setupRequest: (request) => ({ ...request, body: makeBody() }) }]
          : undefined,
        // A request budget per connection far beyond reach: no timer cuts the run off, the
        // deadline below lowers each connection's budget to what it has sent.
        amount: options.connections * 1_000_000_000,
        // Results are emitted on the first sample tick after the end.
        sampleInt: 25,
        timeout: 30,
        verifyBody: (body) =>
          options.bodyLooksRight(typeof body === 'string' ? body : (body?.toString() ?? '')),
      },
      (error, result) => {
        clearTimeout(hardCap);
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          responses: latencies.length,
          failures: result.non2xx + result.mismatches + result.errors + result.timeouts,
          rps: inWindow / options.durationS,
          p50Ms: percentile(sorted, 0.5),
          p99Ms: percentile(sorted, 0.99),
          latenciesMs: sorted,
          durationS: options.durationS,
          elapsedMs: (lastResponseAt || performance.now()) - started,
          truncated,
        });
      },
    );
    // Emitted before the connection sends its next request, so lowering the budget here means
    // this connection stops now, with nothing in flight.
    instance.on('response', (client, _statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      lastResponseAt = performance.now();
      if (lastResponseAt <= deadline) {
        inWindow += 1;
      } else {
        const limits = client as unknown as ClientLimits;
        limits.responseMax = limits.reqsMade;
      }
    });
    hardCap = setTimeout(() => {
      truncated = true;
      instance.stop();
    }, options.hardCapMs);
  });
}

/** Several runs of the same load as one: counts added, percentiles over every response. */
export function pooledLoad(runs: readonly LoadResult[]): LoadResult {
  const sorted = Float64Array.from(runs.flatMap((run) => [...run.latenciesMs])).sort();
  const durationS = runs.reduce((sum, run) => sum + run.durationS, 0);
  const inWindow = runs.reduce((sum, run) => sum + run.rps * run.durationS, 0);
  return {
    responses: runs.reduce((sum, run) => sum + run.responses, 0),
    failures: runs.reduce((sum, run) => sum + run.failures, 0),
    rps: durationS > 0 ? inWindow / durationS : 0,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    latenciesMs: sorted,
    durationS,
    elapsedMs: runs.reduce((sum, run) => sum + run.elapsedMs, 0),
    truncated: runs.some((run) => run.truncated),
  };
}

/** Nearest-rank percentile of sorted values; 0 when there are none. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? 0;
}
