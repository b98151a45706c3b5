import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONFIG_ENV_VARIABLES, type ProviderConfig } from '../../src/config.js';
import { freePort } from '../helpers/free-port.js';
import { describeRuntime, startRuntime } from '../helpers/start-script.js';
import {
  type CacheResult,
  cacheFailures,
  cacheFigures,
  cacheTable,
  cacheTargetLine,
  runCachedScenario,
} from './cache-bench.js';
import {
  type Child,
  cpuSeconds,
  killAllChildrenNow,
  procStatusMb,
  REPO_ROOT,
  RssSampler,
  startChild,
  stopAllChildren,
} from './children.js';
import { pooledLoad, runLoad } from './load.js';
import { type BenchOptions, CACHED_SCENARIO, parseOptions, USAGE } from './options.js';
import {
  composePeerSupergraph,
  ensurePeerInstalled,
  PEER_DIR,
  peerVersions,
  startPeer,
} from './peer.js';
import type { BenchSeeds, EmulatorCounts, EmulatorReady, MemoryAfterGc } from './protocol.js';
import {
  figures,
  jsonLine,
  type Measurement,
  peerTable,
  peerTargetLines,
  resultTable,
  type ScenarioResult,
  type SideResult,
  targetLines,
} from './report.js';
import { CLIENT_API_KEY_CONFIG, REQUEST_HEADERS, SCENARIOS, type Scenario } from './scenarios.js';
import { seedConferences, seedRooms, withConferences } from './seed.js';

// `npm run bench`: the emulators (one child process, fixed latency on every request), the
// service (its own child process, compiled `dist/bin/server.js` with a config file), the floor (a third
// child: plain node:http making the same upstream calls) and autocannon in this process, all on
// loopback. For each scenario: ours and the floor at c=1 (p50 difference; in alternating
// slices) and at c=N (throughput), each after a warm-up that is not counted. With --peer, a
// fourth child, GraphQL Mesh + Hive Gateway over the same SignalWire emulator (peer.ts), is
// measured on the scenarios it has, alternating with ours at c=1 and at c=N. Progress goes to
// stderr; the tables, the targets, the conditions and, last, one JSON line go to stdout.

/** The service's settings for the bench: caps high enough that they are not the bottleneck. */
const SERVICE_CAPS = {
  /** Per-account upstream calls in flight (default 8). */
  upstreamConcurrency: 256,
  /** Upstream calls one GraphQL operation may make (default 50; nodes needs 100). */
  maxUpstreamCallsPerOperation: 1000,
  /** Keep-alive sockets per upstream origin (default 16). */
  upstreamConnections: 64,
  /** No retries: a failure must show as a failure. */
  upstreamRetries: 0,
  upstreamTimeoutMs: 10_000,
  maxPageSize: 100,
  /** Per-client requests per window (default 600 a minute): the bench is one client. */
  rateLimitRequests: 1_000_000,
  rateLimitWindowSeconds: 1,
} as const;

/** Slices the c=1 run of each side is measured in, alternating with the other side's. */
const C1_SLICES = 4;
/** Slices the c=N runs of ours and the peer are measured in, alternating (ours, peer, …). */
const PEER_CN_SLICES = 2;

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

let tempDir: string | null = null;
let cleaningUp: Promise<void> | null = null;
/** What else to stop on the way out (the redis-server of list20-cached). */
const cleanups: (() => Promise<void>)[] = [];

function cleanup(): Promise<void> {
  cleaningUp ??= Promise.all([stopAllChildren(), ...cleanups.map((stop) => stop().catch(() => {}))])
    .then(() => {})
    .finally(() => {
      if (tempDir) {
        rmSync(tempDir, { recursive: true, force: true });
        tempDir = null;
      }
    });
  return cleaningUp;
}

function installExitHandlers(hardLimitMs: number): void {
  const bail = (why: string, code: number) => {
    progress(why);
    const forced = setTimeout(() => {
      killAllChildrenNow();
      process.exit(code);
    }, 4_000);
    forced.unref();
    void cleanup().finally(() => process.exit(code));
  };
  process.once('SIGINT', () => bail('interrupted; stopping every process', 130));
  process.once('SIGTERM', () => bail('terminated; stopping every process', 143));
  // Whatever happens, the children do not outlive us.
  process.once('exit', killAllChildrenNow);
  const watchdog = setTimeout(
    () => bail(`gave up after ${Math.round(hardLimitMs / 1000)} s (hard limit)`, 1),
    hardLimitMs,
  );
  watchdog.unref();
}

/** The environment of the service: ours, minus anything that would configure it differently. */
function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!CONFIG_ENV_VARIABLES.has(name)) {
      env[name] = value;
    }
  }
  return { ...env, ...extra };
}

async function waitForService(url: string, service: Child, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (service.exited) {
      throw new Error(`the service exited while starting${service.describeTail()}`);
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: REQUEST_HEADERS,
        body: '{"query":"{ __typename }"}',
        signal: AbortSignal.timeout(1_000),
      });
      if (response.status === 200) {
        await response.text();
        return;
      }
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`the service did not answer within ${timeoutMs} ms${service.describeTail()}`);
}

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

interface Bench {
  readonly options: BenchOptions;
  readonly emulators: Child;
  readonly service: Child;
  readonly floor: Child;
  readonly serviceUrl: string;
  readonly serviceOrigin: string;
  readonly floorOrigin: string;
  /** GraphQL Mesh + Hive Gateway, with --peer. */
  readonly peer: {
    readonly child: Child;
    readonly origin: string;
    readonly rss: RssSampler;
  } | null;
  readonly providers: ProviderConfig[];
  seeds: BenchSeeds;
  /** The SignalWire store was emptied since the conferences were seeded. */
  seedsStale: boolean;
  readonly rss: RssSampler;
}

/** Seeds the SignalWire conferences again after their emulator was emptied. */
async function reseedConferences(bench: Bench): Promise<void> {
  const conferences = await seedConferences(bench.serviceUrl, bench.providers);
  bench.seeds = withConferences(bench.seeds, conferences);
  await bench.floor.request({ type: 'seeds', seeds: bench.seeds });
  bench.seedsStale = false;
}

/**
 * Waits until the emulators' counts stop moving. Runs stop gracefully, so this is needed only
 * after a run was cut off by its time cap, to let the calls of abandoned requests land.
 */
async function quiesce(bench: Bench): Promise<void> {
  const step = Math.max(25, 2 * bench.options.latencyMs + 10);
  const deadline = performance.now() + 3_000;
  let last = -1;
  while (performance.now() < deadline) {
    const total = totalOf(await bench.emulators.request<EmulatorCounts>({ type: 'counts' }));
    if (total === last) {
      return;
    }
    last = total;
    await sleep(step);
  }
}

/** The service, the floor, graphql-yoga alone (in the floor's process), or the peer. */
type Target = 'ours' | 'floor' | 'yogaAlone' | 'peer';

/** CPU seconds used so far by each process of the bench (the load generator is this one). */
function cpuSnapshot(bench: Bench) {
  const usage = process.cpuUsage();
  return {
    service: cpuSeconds(bench.service.pid) ?? 0,
    emulators: cpuSeconds(bench.emulators.pid) ?? 0,
    floor: cpuSeconds(bench.floor.pid) ?? 0,
    peer: bench.peer ? (cpuSeconds(bench.peer.child.pid) ?? 0) : 0,
    loadgen: (usage.user + usage.system) / 1e6,
  };
}

function planFor(bench: Bench, scenario: Scenario, target: Target) {
  switch (target) {
    case 'ours':
      return { origin: bench.serviceOrigin, plan: scenario.ours(bench.seeds) };
    case 'floor':
      return { origin: bench.floorOrigin, plan: scenario.floor(bench.seeds) };
    case 'yogaAlone':
      if (!scenario.yogaAlone) {
        throw new Error(`scenario ${scenario.name} has no graphql-yoga alone request`);
      }
      return { origin: bench.floorOrigin, plan: scenario.yogaAlone(bench.seeds) };
    case 'peer':
      if (!bench.peer || !scenario.peer) {
        throw new Error(`scenario ${scenario.name} has no peer request`);
      }
      return { origin: bench.peer.origin, plan: scenario.peer(bench.seeds) };
  }
}

function tailOf(bench: Bench, target: Target): string {
  switch (target) {
    case 'ours':
      return bench.service.describeTail();
    case 'peer':
      return bench.peer?.child.describeTail() ?? '';
    default:
      return bench.floor.describeTail();
  }
}

function check(scenario: Scenario, target: Target, json: unknown, seeds: BenchSeeds) {
  switch (target) {
    case 'floor':
      return scenario.checkFloor(json);
    case 'peer':
      return scenario.checkPeer ? scenario.checkPeer(json, seeds) : 'no check for the peer';
    default:
      return scenario.checkOurs(json, seeds);
  }
}

/** One request through the whole stack, checked; also its upstream count, which must be exact. */
async function validate(bench: Bench, scenario: Scenario, target: Target): Promise<number> {
  const { origin, plan } = planFor(bench, scenario, target);
  await bench.emulators.request({ type: 'reset' });
  const response = await fetch(origin + plan.path, {
    method: plan.method,
    headers: REQUEST_HEADERS,
    body: typeof plan.body === 'function' ? plan.body() : (plan.body ?? undefined),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  const problem =
    response.status !== 200
      ? `HTTP ${response.status}: ${text.slice(0, 500)}`
      : check(scenario, target, json, bench.seeds);
  if (problem) {
    throw new Error(
      `scenario ${scenario.name} (${target}) answers wrongly: ${problem}${tailOf(bench, target)}`,
    );
  }
  if (!scenario.bodyLooksRight(text)) {
    throw new Error(
      `scenario ${scenario.name} (${target}): the per-response check rejects ${text.slice(0, 300)}`,
    );
  }
  // The response is complete, so every upstream call made for it has reached an emulator.
  return totalOf(await bench.emulators.request<EmulatorCounts>({ type: 'counts' }));
}

async function measure(
  bench: Bench,
  scenario: Scenario,
  target: Target,
  connections: number,
  durationS = connections === 1 ? bench.options.durationC1S : bench.options.durationS,
  warmupS = connections === 1 ? bench.options.warmupC1S : bench.options.warmupS,
): Promise<Measurement> {
  const { origin, plan } = planFor(bench, scenario, target);
  const common = { origin, plan, connections, bodyLooksRight: scenario.bodyLooksRight };
  const hardCapMs = (s: number) => s * 3_000 + 3_000;
  if (scenario.fillsStoreOf) {
    await bench.emulators.request({ type: 'reset-store', emulator: scenario.fillsStoreOf });
    bench.seedsStale = true;
  }
  // Warm-up: connections opened, code paths compiled. Its upstream calls are not counted.
  const warm = await runLoad({ ...common, durationS: warmupS, hardCapMs: hardCapMs(warmupS) });
  if (warm.failures > 0) {
    progress(
      `  warning: ${warm.failures} failed responses in the warm-up of ${scenario.name} (${target})`,
    );
  }
  if (warm.truncated) {
    await quiesce(bench);
  }
  await bench.emulators.request({ type: 'reset' });
  const cpuBefore = cpuSnapshot(bench);
  const load = await runLoad({ ...common, durationS, hardCapMs: hardCapMs(durationS) });
  const cpuAfter = cpuSnapshot(bench);
  if (load.truncated) {
    progress(`  warning: ${scenario.name} (${target}, c=${connections}) hit its time cap`);
    await quiesce(bench);
  }
  const counts = await bench.emulators.request<EmulatorCounts>({ type: 'counts' });
  const upstream = totalOf(counts);
  return {
    load,
    upstream,
    upstreamPerRequest: load.responses > 0 ? upstream / load.responses : 0,
    byRoute: routesOf(counts),
    cpu: {
      service: cpuAfter.service - cpuBefore.service,
      emulators: cpuAfter.emulators - cpuBefore.emulators,
      floor: cpuAfter.floor - cpuBefore.floor,
      peer: cpuAfter.peer - cpuBefore.peer,
      loadgen: cpuAfter.loadgen - cpuBefore.loadgen,
    },
  };
}

/** Several measurements of one target as one: counts added, percentiles over every response. */
function pooled(slices: readonly Measurement[]): Measurement {
  const load = pooledLoad(slices.map((slice) => slice.load));
  const upstream = slices.reduce((sum, slice) => sum + slice.upstream, 0);
  const byRoute: Record<string, number> = {};
  for (const slice of slices) {
    for (const [route, count] of Object.entries(slice.byRoute)) {
      byRoute[route] = (byRoute[route] ?? 0) + count;
    }
  }
  const cpu = (key: keyof Measurement['cpu']) =>
    slices.reduce((sum, slice) => sum + slice.cpu[key], 0);
  return {
    load,
    upstream,
    upstreamPerRequest: load.responses > 0 ? upstream / load.responses : 0,
    byRoute,
    cpu: {
      service: cpu('service'),
      emulators: cpu('emulators'),
      floor: cpu('floor'),
      peer: cpu('peer'),
      loadgen: cpu('loadgen'),
    },
  };
}

/**
 * Ours and the floor (and the peer, when measured) at c=1, in alternating slices pooled per
 * side. The p50 difference this feeds is judged against 1 ms, while the shared machine (and the
 * emulators' own state) drifts by more than that over a few seconds; alternating gives every
 * side the same conditions.
 */
async function measureC1(bench: Bench, scenario: Scenario, withPeer: boolean) {
  const sliceS = bench.options.durationC1S / C1_SLICES;
  const sides: Target[] = withPeer ? ['ours', 'peer', 'floor'] : ['ours', 'floor'];
  const slices = new Map<Target, Measurement[]>(sides.map((side) => [side, []]));
  for (let slice = 0; slice < C1_SLICES; slice++) {
    // After the first, a slice's warm-up only opens its connection: the code is warm.
    const warmupS = slice === 0 ? bench.options.warmupC1S : bench.options.warmupC1S / 3;
    for (const side of sides) {
      slices.get(side)?.push(await measure(bench, scenario, side, 1, sliceS, warmupS));
    }
  }
  const of = (side: Target) => pooled(slices.get(side) ?? []);
  return { ours: of('ours'), floor: of('floor'), peer: withPeer ? of('peer') : null };
}

/** Ours and the peer at c=N, in alternating slices (ours, peer, ours, peer) pooled per side. */
async function measureCNWithPeer(bench: Bench, scenario: Scenario) {
  const n = bench.options.concurrency;
  const sliceS = bench.options.durationS / PEER_CN_SLICES;
  const ours: Measurement[] = [];
  const peer: Measurement[] = [];
  for (let slice = 0; slice < PEER_CN_SLICES; slice++) {
    // Later slices only reopen their connections and fill the pipes: the code is warm.
    const warmupS = slice === 0 ? bench.options.warmupS : bench.options.warmupS / 2;
    ours.push(await measure(bench, scenario, 'ours', n, sliceS, warmupS));
    peer.push(await measure(bench, scenario, 'peer', n, sliceS, warmupS));
  }
  return { ours: pooled(ours), peer: pooled(peer) };
}

async function runScenario(bench: Bench, scenario: Scenario): Promise<ScenarioResult> {
  const n = bench.options.concurrency;
  if (bench.seedsStale && !scenario.fillsStoreOf) {
    await reseedConferences(bench);
  }
  const peerSide = bench.peer && scenario.peer ? bench.peer : null;
  bench.rss.reset();
  peerSide?.rss.reset();
  const c1 = await measureC1(bench, scenario, peerSide !== null);
  let oursCN: Measurement;
  let peerCN: Measurement | null = null;
  if (peerSide) {
    ({ ours: oursCN, peer: peerCN } = await measureCNWithPeer(bench, scenario));
  } else {
    oursCN = await measure(bench, scenario, 'ours', n);
  }
  const rssMb = bench.rss.peakSince();
  const peer: SideResult | null =
    peerSide && c1.peer && peerCN
      ? { c1: c1.peer, cN: peerCN, rssMb: peerSide.rss.peakSince() }
      : null;
  const floorCN = await measure(bench, scenario, 'floor', n);
  const yogaAloneCN = scenario.yogaAlone ? await measure(bench, scenario, 'yogaAlone', n) : null;
  progress(
    `  ${scenario.name}: ${Math.round(oursCN.load.rps)} rps (floor ${Math.round(floorCN.load.rps)}` +
      `${peer ? `, peer ${Math.round(peer.cN.load.rps)}` : ''}), ` +
      `p50 c=1 ${c1.ours.load.p50Ms.toFixed(2)} ms (floor ${c1.floor.load.p50Ms.toFixed(2)}` +
      `${peer ? `, peer ${peer.c1.load.p50Ms.toFixed(2)}` : ''})`,
  );
  return {
    scenario,
    ours: { c1: c1.ours, cN: oursCN },
    floor: { c1: c1.floor, cN: floorCN },
    yogaAlone: yogaAloneCN,
    rssMb,
    peer,
  };
}

/**
 * The peer: its supergraph composed from SignalWire's spec for the emulator's SignalWire
 * account, then Hive Gateway serving it. Resolves once it is started (not yet listening).
 */
async function startPeerSide(
  providers: readonly ProviderConfig[],
  memory: { readonly env: Record<string, string>; readonly nodeFlags: readonly string[] } | null,
) {
  const account = providers.find((provider) => provider.kind === 'signalwire');
  if (!account || !tempDir) {
    throw new Error('no SignalWire account for the peer');
  }
  const supergraph = join(tempDir, 'peer-supergraph.graphql');
  progress("composing the peer's supergraph (Mesh Compose, SignalWire's OpenAPI spec)");
  await composePeerSupergraph(account, supergraph);
  const port = await freePort();
  progress('starting the peer (Hive Gateway)');
  return { child: startPeer(supergraph, port, memory), origin: `http://127.0.0.1:${port}` };
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const started = performance.now();
  if (options.peer) {
    // Before the watchdog: a first install takes a minute or two and has its own time limit.
    await ensurePeerInstalled(progress);
  }
  // Per scenario and run: ours and the floor at c=N and at c=1 (in slices, each with its own
  // warm-up), and graphql-yoga alone once; the peer like ours, in slices at c=N too.
  const atN = options.durationS + options.warmupS;
  const c1PerSide = options.durationC1S + C1_SLICES * options.warmupC1S;
  const peerS = options.peer ? atN + PEER_CN_SLICES * options.warmupS + c1PerSide : 0;
  const perScenarioS = 2 * atN + 2 * c1PerSide + peerS;
  // list20-cached: three more services started, then ours twice (and the peer) at c=N.
  const cachedS = options.cached ? 30 + (options.peer ? 4 : 2) * atN : 0;
  const plannedS =
    (options.scenarios.length * perScenarioS + atN) * options.runs +
    cachedS +
    (options.peer ? 60 : 30);
  installExitHandlers(Math.max(90_000, plannedS * 2_000));

  progress(`starting the emulators (fixed upstream latency ${options.latencyMs} ms)`);
  const emulators = startChild('emulators', './emulator-process.ts', [String(options.latencyMs)]);
  const ready = await emulators.waitForLine<EmulatorReady>((line) => {
    try {
      const value = JSON.parse(line) as Partial<EmulatorReady>;
      return Array.isArray(value.providers) ? (value as EmulatorReady) : undefined;
    } catch {
      return undefined;
    }
  }, 30_000);

  tempDir = mkdtempSync(join(tmpdir(), 'video-rooms-bench-'));
  const port = await freePort();
  const serviceConfig = {
    host: '127.0.0.1',
    port,
    ...SERVICE_CAPS,
    ...(options.shareInflightGets ? {} : { shareInflightGets: false }),
    clientApiKeys: [CLIENT_API_KEY_CONFIG],
    providers: ready.providers,
  };
  const configFile = join(tempDir, 'config.json');
  writeFileSync(configFile, JSON.stringify(serviceConfig, null, 2));
  const runtime = startRuntime(REPO_ROOT);
  progress('building the service (npm run build, as npm start does first)');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  progress('starting the service and the floor');
  /** The service as `npm start` runs it, on `servicePort`, with `extra` in its environment. */
  const startService = (name: string, servicePort: number, extra: Record<string, string> = {}) =>
    startChild(
      name,
      `../../${runtime.script}`,
      [],
      serviceEnv({
        CONFIG_FILE: configFile,
        PORT: String(servicePort),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        // One access line per request at info would measure the log writer, not the service;
        // warnings and errors still show.
        LOG_LEVEL: 'warn',
        // The memory settings of `npm start` (package.json), so the figures are the service's.
        ...runtime.env,
        ...extra,
      }),
      // --expose-gc only so the bench can ask for a full GC between runs (service-hooks.mjs).
      [
        ...runtime.nodeFlags,
        '--expose-gc',
        '--import',
        new URL('./service-hooks.mjs', import.meta.url).href,
        ...(options.profileDir && name === 'service'
          ? ['--cpu-prof', '--cpu-prof-dir', resolve(options.profileDir)]
          : []),
      ],
      false,
    );
  const service = startService('service', port);
  const floor = startChild('floor', './floor-server.ts');
  const serviceOrigin = `http://127.0.0.1:${port}`;
  const serviceUrl = `${serviceOrigin}/graphql`;
  const peer = options.peer
    ? await startPeerSide(ready.providers, options.peerLikeOurs ? runtime : null)
    : null;
  const [floorPort] = await Promise.all([
    floor.whenReady(30_000).then(() =>
      floor.request<number>({
        type: 'init-floor',
        providers: ready.providers,
        connections: SERVICE_CAPS.upstreamConnections,
      }),
    ),
    waitForService(serviceUrl, service, 30_000),
    peer ? waitForService(`${peer.origin}/graphql`, peer.child, 60_000) : null,
  ]);
  const rss = new RssSampler(service.pid);
  const startRssMb = procStatusMb(service.pid, 'VmRSS') ?? 0;
  const peerStartRssMb = peer ? (procStatusMb(peer.child.pid, 'VmRSS') ?? 0) : 0;
  progress(
    `service listening, RSS ${startRssMb.toFixed(1)} MB` +
      (peer ? `; peer listening, RSS ${peerStartRssMb.toFixed(1)} MB` : ''),
  );

  progress('seeding rooms through the GraphQL API');
  const seeds = await seedRooms(serviceUrl, ready.providers);
  await floor.request({ type: 'seeds', seeds });
  const bench: Bench = {
    options,
    emulators,
    service,
    floor,
    serviceUrl,
    serviceOrigin,
    floorOrigin: `http://127.0.0.1:${floorPort}`,
    peer: peer ? { ...peer, rss: new RssSampler(peer.child.pid) } : null,
    providers: ready.providers,
    seeds,
    seedsStale: false,
    rss,
  };
  const scenarios = SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.name));

  const validation: string[] = [];
  for (const scenario of scenarios) {
    const ours = await validate(bench, scenario, 'ours');
    const theirs = await validate(bench, scenario, 'floor');
    if (scenario.yogaAlone) {
      await validate(bench, scenario, 'yogaAlone');
    }
    const peers = bench.peer && scenario.peer ? `/${await validate(bench, scenario, 'peer')}` : '';
    validation.push(`${scenario.name} ${ours}/${theirs}${peers} (min ${scenario.upstreamMinimum})`);
  }
  progress(
    `validated one request each; upstream calls ours/floor${bench.peer ? '/peer' : ''}: ${validation.join(', ')}`,
  );
  const peerIdleRssMb = bench.peer ? (procStatusMb(bench.peer.child.pid, 'VmRSS') ?? 0) : 0;
  const idleRssMb = procStatusMb(service.pid, 'VmRSS') ?? 0;
  let peakRssMb = rss.peakSince();

  const rssAfterRunsMb: number[] = [];
  const heapAfterGcMb: number[] = [];
  let results: ScenarioResult[] = [];
  // With only list20-cached asked for, there is nothing to run here.
  const runs = scenarios.length > 0 ? options.runs : 0;
  for (let run = 1; run <= runs; run++) {
    progress(`run ${run} of ${runs}`);
    results = [];
    for (const scenario of scenarios) {
      results.push(await runScenario(bench, scenario));
    }
    peakRssMb = Math.max(peakRssMb, ...results.map((result) => result.rssMb));
    await sleep(options.quick ? 300 : 1_000);
    const after = procStatusMb(service.pid, 'VmRSS') ?? 0;
    const memory = await service.request<MemoryAfterGc>({ type: 'gc' });
    rssAfterRunsMb.push(after);
    heapAfterGcMb.push(memory.heapUsedMb);
    console.log(`\nRun ${run} of ${runs}:\n`);
    console.log(resultTable(results, options.concurrency));
    const peers = results.flatMap((result) => (result.peer ? [result] : []));
    if (peers.length > 0) {
      console.log(`\nOurs and the peer (GraphQL Mesh + Hive Gateway), run ${run}:\n`);
      console.log(peerTable(results, options.concurrency));
      const oursPeak = Math.max(...peers.map((result) => result.rssMb));
      const peerPeak = Math.max(...peers.map((result) => result.peer?.rssMb ?? 0));
      console.log(
        `\nPeak RSS over these scenarios: ours ${oursPeak.toFixed(1)} MB, the peer ${peerPeak.toFixed(1)} MB ` +
          `(${(oursPeak / peerPeak).toFixed(2)}×); at start ours ${startRssMb.toFixed(1)}, the peer ${peerStartRssMb.toFixed(1)} MB. ` +
          "A scenario's peak includes what earlier scenarios left in the heap: neither process is restarted between scenarios.",
      );
    }
    console.log(
      `\nservice after run ${run}: RSS ${after.toFixed(1)} MB; after a full GC: heap used ` +
        `${memory.heapUsedMb.toFixed(1)} MB of ${memory.heapTotalMb.toFixed(1)} MB, external ` +
        `${memory.externalMb.toFixed(1)} MB, RSS ${memory.rssMb.toFixed(1)} MB`,
    );
  }
  rss.stop();
  bench.peer?.rss.stop();

  let cached: CacheResult | null = null;
  if (options.cached) {
    if (bench.seedsStale) {
      await reseedConferences(bench);
    }
    const list20 = results.find((result) => result.scenario.name === 'list20');
    cached = await runCachedScenario(
      {
        options,
        seeds: bench.seeds,
        emulators,
        peerOrigin: bench.peer?.origin ?? null,
        startService: async (name, env) => {
          const servicePort = await freePort();
          const child = startService(name, servicePort, env);
          const origin = `http://127.0.0.1:${servicePort}`;
          await waitForService(`${origin}/graphql`, child, 30_000);
          return { child, origin };
        },
        onCleanup: (stop) => cleanups.push(stop),
        progress,
      },
      list20 ? list20.ours.cN : null,
    );
    console.log(
      `\n${CACHED_SCENARIO}: list20 repeated at c=${options.concurrency} for ${options.durationS} s per side, ` +
        `against services started with CACHE_TTL_MS=${cached.ttlMs} (upstream calls counted at the emulator; ` +
        `"no upstream call" = 1 - upstream calls / requests; GET sharing ${options.shareInflightGets ? 'on' : 'off'}, ` +
        'so in the rows without a cache it shows requests that shared a call already in flight):\n',
    );
    console.log(cacheTable(cached, options.concurrency));
  }

  console.log('\nTargets (2 cores, 5 ms upstream latency):');
  if (results.length > 0) {
    for (const line of targetLines({
      results,
      concurrency: options.concurrency,
      rssAfterRunsMb,
      heapAfterGcMb,
      peakRssMb,
    })) {
      console.log(`  ${line}`);
    }
  }
  if (cached) {
    console.log(`  ${cacheTargetLine(cached)}`);
  }
  if (bench.peer) {
    for (const line of peerTargetLines(results, options.concurrency, options.shareInflightGets)) {
      console.log(`  ${line}`);
    }
    if (bench.peer.child.stderrLines > 0) {
      console.log(
        `  note: the peer wrote ${bench.peer.child.stderrLines} lines to stderr; messages: ${[
          ...bench.peer.child.stderrHeadlines,
        ]
          .map(([line, count]) => `${line.slice(0, 160)} ×${count}`)
          .join(' | ')}`,
      );
    }
  }
  if (service.stderrLines > 0) {
    console.log(
      `  note: the service wrote ${service.stderrLines} lines to stderr; messages: ${[
        ...service.stderrHeadlines,
      ]
        .map(([line, count]) => `${line.slice(0, 160)} ×${count}`)
        .join(' | ')}`,
    );
  }
  const cpu = cpus();
  console.log(
    `\nConditions: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ` +
      `upstream latency ${options.latencyMs} ms on every emulator request, concurrency 1 and ${options.concurrency}, ` +
      `measured runs ${options.durationS} s at c=${options.concurrency} and ${options.durationC1S} s at c=1 ` +
      `(c=1 in ${C1_SLICES} slices alternating ours and the floor; each run after an uncounted warm-up of ${options.warmupS} s / ${options.warmupC1S} s), runs ${options.runs}, ` +
      `service caps ${JSON.stringify({ ...SERVICE_CAPS, shareInflightGets: options.shareInflightGets })}, one client with an API key (Authorization: Bearer), ` +
      `NODE_ENV=production, service memory settings from npm start: ${describeRuntime(runtime)}, service RSS at start ${startRssMb.toFixed(1)} MB, idle after seeding ${idleRssMb.toFixed(1)} MB, peak ${peakRssMb.toFixed(1)} MB, ` +
      `wall time ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if (bench.peer) {
    console.log(
      `Peer: GraphQL Mesh + Hive Gateway (${peerVersions()}; installed in ${PEER_DIR}), ` +
        `supergraph composed by Mesh Compose from SignalWire's OpenAPI spec with the SignalWire emulator as endpoint ` +
        `and the account's Basic credential as operation header, served by \`hive-gateway supergraph\` with its defaults ` +
        `(one process, NODE_ENV=production, ${options.peerLikeOurs ? `the service's memory settings: ${describeRuntime(runtime)}` : "Node's default memory settings"}), peer RSS at start ${peerStartRssMb.toFixed(1)} MB, ` +
        `idle after validation ${peerIdleRssMb.toFixed(1)} MB; c=1 slices alternate ours, peer, floor; ` +
        `c=${options.concurrency} runs in ${PEER_CN_SLICES} slices per side alternating ours and the peer`,
    );
  }
  if (options.profileDir) {
    console.log(
      `A CPU profile of the service (slowed by profiling) goes to ${resolve(options.profileDir)} when it stops.`,
    );
  }
  console.log(jsonLine(results, cached ? { [CACHED_SCENARIO]: cacheFigures(cached) } : {}));
  const failed =
    results.some((result) => figures(result).failures > 0) ||
    (cached !== null && cacheFailures(cached) > 0);
  return failed ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanup();
    process.exit(1);
  });
