import { parseArgs } from 'node:util';
import { PEER_SCENARIO_NAMES, SCENARIO_NAMES, type ScenarioName } from './scenarios.js';

export interface BenchOptions {
  readonly quick: boolean;
  /** Fixed latency every emulator adds to every request, ms. */
  readonly latencyMs: number;
  /** Length of each measured run at concurrency N, seconds. */
  readonly durationS: number;
  /** Length of each measured run at concurrency 1, seconds. */
  readonly durationC1S: number;
  /** Warm-up before each measured run (not counted), seconds, at concurrency N and 1. */
  readonly warmupS: number;
  readonly warmupC1S: number;
  readonly concurrency: number;
  readonly scenarios: readonly ScenarioName[];
  /** Times the whole measurement is repeated in the same service process. */
  readonly runs: number;
  readonly shareInflightGets: boolean;
  /** Directory for a V8 CPU profile of the service (`--cpu-prof`), written when it stops. */
  readonly profileDir: string | null;
  /** Also measure the peer (GraphQL Mesh + Hive Gateway) on the scenarios it has. */
  readonly peer: boolean;
  /** Run the peer with the service's memory settings (npm start's) instead of Node's. */
  readonly peerLikeOurs: boolean;
  /** Measure list20-cached: list20 against services started with CACHE_TTL_MS. */
  readonly cached: boolean;
  /** CACHE_TTL_MS of list20-cached's services. */
  readonly cacheTtlMs: number;
}

/**
 * list20 again, against services started with `CACHE_TTL_MS` (one with the cache in memory, two
 * sharing it in Redis), not the measured service: see cache-bench.ts.
 */
export const CACHED_SCENARIO = 'list20-cached';

/**
 * A TTL a polling client lives with: a room list at most 2 s old, the poll interval of many
 * dashboards. Long enough that repeats within it are answered from the cache.
 */
export const DEFAULT_CACHE_TTL_MS = 2_000;

export const USAGE = `npm run bench -- [options]

  --quick              short runs (2 s at c=32, 1 s at c=1); the whole bench within 60 s
  --latency <ms>       fixed upstream latency of every emulator request (default 5)
  --duration <s>       seconds per measured run (default 10; 2 with --quick; c=1 runs take half
                       of it with --quick)
  --scenario <name>    run only this scenario (repeatable): ${SCENARIO_NAMES.join(', ')},
                       ${CACHED_SCENARIO} (list20 against services started with CACHE_TTL_MS: one
                       with the cache in memory, then two sharing it in Redis; with --peer, the
                       peer on list20 beside it)
  --cache-ttl <ms>     CACHE_TTL_MS of ${CACHED_SCENARIO}'s services (default ${DEFAULT_CACHE_TTL_MS})
  --runs <n>           repeat the whole measurement n times in the same service process and print
                       the service's RSS after each (default 1; 2 shows growth between runs)
  --concurrency <n>    connections for the throughput runs (default 32)
  --no-share-gets      start the service with shareInflightGets: false
  --profile <dir>      write a V8 CPU profile of the service into <dir> (open it in Chrome
                       DevTools or speedscope); profiling slows the service, so not for figures
  --peer               also measure GraphQL Mesh + Hive Gateway over the same SignalWire emulator
                       (installed once into test/bench/.peer/), alternating with ours; without
                       --scenario, only the scenarios it has: ${PEER_SCENARIO_NAMES.join(', ')},
                       ${CACHED_SCENARIO}
  --peer-like-ours     run the peer with the service's memory settings (those of npm start)
                       instead of Node's defaults; implies --peer
  --help`;

function number(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) {
    return fallback;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) {
    throw new Error(`--${name} must be a number ≥ ${min}, got ${value}`);
  }
  return parsed;
}

export function parseOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      latency: { type: 'string' },
      duration: { type: 'string' },
      scenario: { type: 'string', multiple: true },
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      'no-share-gets': { type: 'boolean', default: false },
      profile: { type: 'string' },
      peer: { type: 'boolean', default: false },
      'peer-like-ours': { type: 'boolean', default: false },
      'cache-ttl': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    return 'help';
  }
  const quick = values.quick ?? false;
  const durationS = number(values.duration, 'duration', quick ? 2 : 10, 0.5);
  const peerLikeOurs = values['peer-like-ours'] ?? false;
  const peer = (values.peer ?? false) || peerLikeOurs;
  const everyScenario = peer ? PEER_SCENARIO_NAMES : SCENARIO_NAMES;
  const named = values.scenario ?? [...everyScenario, CACHED_SCENARIO];
  const scenarios = named
    .filter((name) => name !== CACHED_SCENARIO)
    .map((name) => {
      if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
        throw new Error(
          `unknown scenario ${name}; one of ${[...SCENARIO_NAMES, CACHED_SCENARIO].join(', ')}`,
        );
      }
      return name as ScenarioName;
    });
  return {
    quick,
    latencyMs: number(values.latency, 'latency', 5, 0),
    durationS,
    durationC1S: quick ? Math.max(0.5, durationS / 2) : durationS,
    warmupS: quick ? 0.25 : 1,
    warmupC1S: quick ? 0.15 : 0.5,
    concurrency: Math.round(number(values.concurrency, 'concurrency', 32, 1)),
    // Keep the listed order whatever order they were given in; createRoom grows the store, last.
    scenarios: SCENARIO_NAMES.filter((name) => scenarios.includes(name)),
    runs: Math.round(number(values.runs, 'runs', 1, 1)),
    shareInflightGets: !(values['no-share-gets'] ?? false),
    profileDir: values.profile ?? null,
    peer,
    peerLikeOurs,
    cached: named.includes(CACHED_SCENARIO),
    cacheTtlMs: Math.round(number(values['cache-ttl'], 'cache-ttl', DEFAULT_CACHE_TTL_MS, 1)),
  };
}
