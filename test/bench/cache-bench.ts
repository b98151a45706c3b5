import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';
import type { Child } from './children.js';
import { type LoadResult, pooledLoad, runLoad } from './load.js';
import { type BenchOptions, CACHED_SCENARIO } from './options.js';
import type { BenchSeeds, EmulatorCounts } from './protocol.js';
import { table } from './report.js';
import { REQUEST_HEADERS, type RequestPlan, SCENARIOS } from './scenarios.js';

// `list20-cached` (issue 19): the list20 operation repeated at c=N against services started
// with CACHE_TTL_MS, counting the upstream calls at the emulator. First one service with its
// cache in memory; then two instances sharing the cache in one redis-server (REDIS_URL), the
// load split evenly between them. With --peer, GraphQL Mesh + Hive Gateway (which has no cache)
// runs list20 the same way between the two. A request is served from the cache when it
// makes no upstream call, so the share is 1 - upstream calls / requests. GET sharing is as the
// run has it (on unless --no-share-gets): when an entry expires, the requests that miss at once
// share one call, which counts against the cache all the same.

/**
 * Warm-up of a service started for this scenario, at least: the measured one has served every
 * earlier scenario by then, these start cold (code not yet optimised, pools not yet open).
 */
const FRESH_WARMUP_S = 2;

/** One side of list20-cached: the responses of its measured run and the upstream calls they made. */
export interface CacheSide {
  readonly label: string;
  readonly load: LoadResult;
  readonly upstream: number;
  readonly byRoute: Readonly<Record<string, number>>;
}

export interface CacheResult {
  readonly ttlMs: number;
  readonly memory: CacheSide;
  readonly redis: CacheSide;
  readonly peer: CacheSide | null;
  /** Ours without a cache: list20 as measured above in the same run, when it was. */
  readonly uncached: CacheSide | null;
}

export interface CacheBenchContext {
  readonly options: BenchOptions;
  readonly seeds: BenchSeeds;
  readonly emulators: Child;
  readonly peerOrigin: string | null;
  /**
   * Starts one more service like the measured one (same config file, memory settings and
   * caps), with `env` added to its environment, and resolves once it answers.
   */
  startService(
    name: string,
    env: Record<string, string>,
  ): Promise<{ child: Child; origin: string }>;
  /** Called with each thing to stop should the bench be cut short (redis-server). */
  onCleanup(stop: () => Promise<void>): void;
  progress(message: string): void;
}

const LIST20 = SCENARIOS.find((scenario) => scenario.name === 'list20');

const totalOf = (counts: EmulatorCounts) =>
  Object.values(counts).reduce((sum, count) => sum + count.total, 0);

function routesOf(counts: EmulatorCounts): Record<string, number> {
  const routes: Record<string, number> = {};
  for (const [name, count] of Object.entries(counts)) {
    for (const [route, n] of Object.entries(count.byRoute)) {
      routes[`${name} ${route}`] = n;
    }
  }
  return routes;
}

/** One request, checked as list20 checks its answers; throws when it is wrong. */
async function validate(
  origin: string,
  plan: RequestPlan,
  check: (json: unknown) => string | null,
) {
  const response = await fetch(origin + plan.path, {
    method: plan.method,
    headers: REQUEST_HEADERS,
    body: typeof plan.body === 'function' ? plan.body() : (plan.body ?? undefined),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // kept as text for the message
  }
  const problem = response.status === 200 ? check(json) : `HTTP ${response.status}`;
  if (problem) {
    throw new Error(`${CACHED_SCENARIO} at ${origin} answers wrongly: ${problem}`);
  }
}

/**
 * The same load on every origin at once, `connections` split evenly between them, after a
 * warm-up (which also fills the cache) whose upstream calls are not counted.
 */
async function measure(
  context: CacheBenchContext,
  label: string,
  origins: readonly string[],
  plan: RequestPlan,
  durationS: number,
  warmupS: number,
): Promise<CacheSide> {
  const scenario = LIST20;
  if (!scenario) {
    throw new Error('no list20 scenario');
  }
  const connections = Math.max(1, Math.floor(context.options.concurrency / origins.length));
  const run = (seconds: number) =>
    Promise.all(
      origins.map((origin) =>
        runLoad({
          origin,
          plan,
          connections,
          durationS: seconds,
          hardCapMs: seconds * 3_000 + 3_000,
          bodyLooksRight: scenario.bodyLooksRight,
        }),
      ),
    );
  await run(warmupS);
  await context.emulators.request({ type: 'reset' });
  const loads = await run(durationS);
  const counts = await context.emulators.request<EmulatorCounts>({ type: 'counts' });
  if (loads.some((load) => load.truncated)) {
    context.progress(`  warning: ${label} hit its time cap`);
  }
  // Runs side by side: their requests/s add up (pooledLoad is for runs one after the other).
  const load = { ...pooledLoad(loads), rps: loads.reduce((sum, one) => sum + one.rps, 0) };
  return {
    label,
    load: { ...load, durationS },
    upstream: totalOf(counts),
    byRoute: routesOf(counts),
  };
}

export async function runCachedScenario(
  context: CacheBenchContext,
  uncached: {
    readonly load: LoadResult;
    readonly upstream: number;
    readonly byRoute: Readonly<Record<string, number>>;
  } | null,
): Promise<CacheResult> {
  const { options, progress } = context;
  const scenario = LIST20;
  if (!scenario?.peer) {
    throw new Error('no list20 scenario');
  }
  const ours = scenario.ours(context.seeds);
  const checkOurs = (json: unknown) => scenario.checkOurs(json, context.seeds);
  const ttl = { CACHE_TTL_MS: String(options.cacheTtlMs) };

  progress(`${CACHED_SCENARIO}: starting a service with CACHE_TTL_MS=${options.cacheTtlMs}`);
  const memory = await context.startService('service-cached', ttl);
  let memorySide: CacheSide;
  try {
    await validate(memory.origin, ours, checkOurs);
    memorySide = await measure(
      context,
      'ours, cache in memory',
      [memory.origin],
      ours,
      options.durationS,
      Math.max(options.warmupS, FRESH_WARMUP_S),
    );
  } finally {
    await memory.child.stop();
  }
  // The peer right after, in one run like ours: measured in slices, each after an uncounted
  // warm-up, ours would have its entries refilled in the warm-ups, out of the count.
  let peerSide: CacheSide | null = null;
  if (context.peerOrigin) {
    const peerPlan = scenario.peer(context.seeds);
    await validate(
      context.peerOrigin,
      peerPlan,
      (json) => scenario.checkPeer?.(json, context.seeds) ?? null,
    );
    peerSide = await measure(
      context,
      'the peer (no cache)',
      [context.peerOrigin],
      peerPlan,
      options.durationS,
      options.warmupS,
    );
  }

  progress(`${CACHED_SCENARIO}: two services sharing the cache in a redis-server (REDIS_URL)`);
  const redis: RedisServer = await startRedisServer();
  context.onCleanup(() => redis.stop());
  const shared = { ...ttl, REDIS_URL: redis.url };
  const instances = await Promise.all([
    context.startService('service-cached-redis-1', shared),
    context.startService('service-cached-redis-2', shared),
  ]);
  let redisSide: CacheSide;
  try {
    for (const instance of instances) {
      await validate(instance.origin, ours, checkOurs);
    }
    redisSide = await measure(
      context,
      'ours, 2 instances, cache in Redis',
      instances.map((instance) => instance.origin),
      ours,
      options.durationS,
      Math.max(options.warmupS, FRESH_WARMUP_S),
    );
  } finally {
    await Promise.all(instances.map((instance) => instance.child.stop()));
    await redis.stop();
  }
  return {
    ttlMs: options.cacheTtlMs,
    memory: memorySide,
    redis: redisSide,
    peer: peerSide,
    uncached: uncached && { label: 'ours, no cache (list20 above)', ...uncached },
  };
}

/** The share of requests that made no upstream call, 0..1. */
export function fromCache(side: CacheSide): number {
  return side.load.responses > 0 ? 1 - side.upstream / side.load.responses : 0;
}

export function cacheTable(result: CacheResult, concurrency: number): string {
  const sides = [result.memory, result.redis, result.uncached, result.peer].flatMap((side) =>
    side ? [side] : [],
  );
  return table(
    [
      `${CACHED_SCENARIO}, c=${concurrency}`,
      'requests',
      'upstream calls',
      'no upstream call',
      'rps',
      'p50 ms',
      'p99 ms',
      'fail',
    ],
    sides.map((side) => [
      side.label,
      String(side.load.responses),
      String(side.upstream),
      `${(fromCache(side) * 100).toFixed(2)} %`,
      side.load.rps.toFixed(0),
      side.load.p50Ms.toFixed(2),
      side.load.p99Ms.toFixed(2),
      String(side.load.failures),
    ]),
  );
}

/** The target, one line: ≥ 90 % of repeated list20s served from the cache. */
export function cacheTargetLine(result: CacheResult): string {
  const ok = fromCache(result.memory) >= 0.9 && fromCache(result.redis) >= 0.9;
  const pct = (side: CacheSide) => `${(fromCache(side) * 100).toFixed(2)} %`;
  return `${ok ? 'PASS' : 'MISS'} ${CACHED_SCENARIO} served ≥ 90 % from the cache (CACHE_TTL_MS=${result.ttlMs}): in memory ${pct(result.memory)}, 2 instances on Redis ${pct(result.redis)}`;
}

export function cacheFailures(result: CacheResult): number {
  return [result.memory, result.redis, result.peer].reduce(
    (sum, side) => sum + (side?.load.failures ?? 0),
    0,
  );
}

/** For the JSON line. */
export function cacheFigures(result: CacheResult) {
  const of = (side: CacheSide | null) =>
    side && {
      requests: side.load.responses,
      upstream: side.upstream,
      fromCache: Math.round(fromCache(side) * 10_000) / 10_000,
      rps: Math.round(side.load.rps),
      p50Ms: Math.round(side.load.p50Ms * 100) / 100,
      p99Ms: Math.round(side.load.p99Ms * 100) / 100,
      failures: side.load.failures,
    };
  return {
    cacheTtlMs: result.ttlMs,
    memory: of(result.memory),
    redis: of(result.redis),
    uncached: of(result.uncached),
    peer: of(result.peer),
  };
}
