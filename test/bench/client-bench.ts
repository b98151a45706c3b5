import { setMaxListeners } from 'node:events';
import { cpus } from 'node:os';
import { Pool } from 'undici';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { type CallContext, createCallContext } from '../../src/http/call-context.js';
import { createDispatcher, DEFAULT_DISPATCHER_OPTIONS } from '../../src/http/create-dispatcher.js';
import { createUpstreamClient } from '../../src/http/upstream-client.js';
import { DEFAULT_RETRY_POLICY } from '../../src/http/with-retry.js';
import { createLogger } from '../../src/observability/logger.js';
import { createTelemetry } from '../../src/observability/telemetry.js';
import { startChild, stopAllChildren } from './children.js';

// `npm run bench:client`: what one upstream call costs the service's own CPU, next to what the
// same call costs through undici alone (as the floor of `npm run bench` makes it). A request that
// fans out into a hundred calls pays this a hundred times, so it is measured on its own here,
// where the noise of a whole GraphQL service and four emulators does not drown it.
//
// A child process answers every request at once with one small JSON room; this process sends
// rounds of CONCURRENT calls and counts its own CPU time (user + system, all threads) per call.
// The upstream client runs as the service runs it: metrics on, each round an operation's call
// context (signal, deadline, allowance), GET sharing on (every path differs, so nothing is
// shared), a zod schema on the body. Bounded: a fixed number of rounds, about 15 s in all.

const CONCURRENT = 100;
const WARMUP_ROUNDS = 300;
const ROUNDS_PER_SAMPLE = 200;
const SAMPLES = 7;

const roomSchema = z.object({
  id: z.string(),
  name: z.string(),
  display_name: z.string(),
  created_at: z.string(),
  enabled: z.boolean(),
});

/** The fixed upstream in a child process, and its origin once it has printed its port. */
async function startUpstream(): Promise<string> {
  const child = startChild('upstream', './fixed-upstream.ts');
  const port = await child.waitForLine((line) => line.trim() || undefined, 30_000);
  return `http://127.0.0.1:${port}`;
}

type Contender = (index: number, context: CallContext) => Promise<unknown>;

/** The operation deadline the service gives each GraphQL operation by default. */
const OPERATION_TIMEOUT_MS = loadConfig({}).operationTimeoutMs;

async function round(contender: Contender): Promise<void> {
  // One GraphQL request's worth: its own signal, deadline and allowance of calls.
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const context = createCallContext({
    signal: controller.signal,
    timeoutMs: OPERATION_TIMEOUT_MS,
    maxCalls: CONCURRENT,
    requestId: 'bench',
  });
  await Promise.all(Array.from({ length: CONCURRENT }, (_, index) => contender(index, context)));
}

/** CPU microseconds per call over one sample. */
async function sample(contender: Contender): Promise<number> {
  const before = process.cpuUsage();
  for (let index = 0; index < ROUNDS_PER_SAMPLE; index++) {
    await round(contender);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (ROUNDS_PER_SAMPLE * CONCURRENT);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  const origin = await startUpstream();
  const connections = 64;
  const pool = new Pool(origin, { connections, keepAliveTimeout: 10_000 });
  const headers = { accept: 'application/json', authorization: 'Basic YmVuY2g6YmVuY2g=' };
  const undiciAlone: Contender = async (index) => {
    const response = await pool.request({ path: `/rooms/${index}`, method: 'GET', headers });
    return JSON.parse(await response.body.text());
  };

  const config = loadConfig({});
  const logger = createLogger({ level: 'info' });
  const telemetry = createTelemetry({
    config: { ...config, metrics: true, tracing: 'off', providers: [] },
    logger,
  });
  const dispatcher = createDispatcher(origin, { ...DEFAULT_DISPATCHER_OPTIONS, connections });
  const client = createUpstreamClient({
    provider: 'bench',
    baseUrl: `${origin}/api`,
    dispatcher,
    headers: () => ({ authorization: headers.authorization }),
    parseError: (failure) => ({ message: `HTTP ${failure.status}`, providerCode: null }),
    timeoutMs: config.upstreamTimeoutMs,
    retry: DEFAULT_RETRY_POLICY,
    maxInFlight: CONCURRENT,
    observer: telemetry.upstream,
  });
  const ours: Contender = (index, context) =>
    client.send({
      method: 'GET',
      path: `/rooms/${index}`,
      schema: roomSchema,
      operation: 'getRoom',
      context,
    });

  try {
    for (let index = 0; index < WARMUP_ROUNDS; index++) {
      await round(undiciAlone);
      await round(ours);
    }
    const alone: number[] = [];
    const withClient: number[] = [];
    // Interleaved, so a slow patch of the machine weighs on both alike.
    for (let index = 0; index < SAMPLES; index++) {
      alone.push(await sample(undiciAlone));
      withClient.push(await sample(ours));
    }
    const figures = {
      undiciUsPerCall: Number(median(alone).toFixed(1)),
      oursUsPerCall: Number(median(withClient).toFixed(1)),
      ratio: Number((median(withClient) / median(alone)).toFixed(2)),
    };
    console.log('CPU per upstream call (this process, all threads; median of samples):');
    console.log(
      `  undici alone (pool.request, body.text, JSON.parse)   ${figures.undiciUsPerCall} µs`,
    );
    console.log(
      `  our upstream client (deadline, breaker, limit,       ${figures.oursUsPerCall} µs`,
    );
    console.log(`    retry, sharing, allowance, zod, metrics)`);
    console.log(`  ours / undici alone                                  ${figures.ratio}`);
    console.log(
      `Conditions: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ` +
        `${CONCURRENT} calls in flight per round, ${SAMPLES} samples of ${ROUNDS_PER_SAMPLE} rounds each ` +
        `after ${WARMUP_ROUNDS} warm-up rounds, upstream in a child process on loopback answering at once, ` +
        `${connections} sockets`,
    );
    console.log(JSON.stringify(figures));
  } finally {
    await Promise.all([pool.close(), dispatcher.close(), stopAllChildren()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
