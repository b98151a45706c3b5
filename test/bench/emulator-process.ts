import { startEmulatorFleet } from '../../src/bin/sandbox.js';
import type { RunningEmulator } from '../../src/emulators/shared/emulator-host.js';
import {
  type EmulatorCounts,
  type EmulatorReady,
  exitWithParent,
  type ParentMessage,
  serveParent,
} from './protocol.js';

// Child process of `npm run bench`: the four emulators on loopback with a fixed latency on every
// request. Prints the provider accounts as one JSON line on stdout, then answers `counts` and
// `reset` over IPC. Run as `node --import tsx test/bench/emulator-process.ts <latencyMs>`.

const latencyMs = Number(process.argv[2] ?? '5');
if (!Number.isFinite(latencyMs) || latencyMs < 0) {
  throw new Error(`latency must be a number of milliseconds, got ${process.argv[2]}`);
}

// Videsk's emulator enforces the documented 20 requests/s; the bench measures us, not that.
const fleet = await startEmulatorFleet({ fixedPorts: false, rateLimitPerSecond: 1_000_000 });
for (const running of fleet.running) {
  if (latencyMs > 0) {
    // No `times`: every request to this emulator waits latencyMs before it is answered.
    running.emulator.faults.add({ latencyMs });
  }
}

/** Counts by emulator, then by route. */
const counts = new Map<string, Map<string, number>>(
  fleet.running.map((running) => [running.emulator.name, new Map()]),
);

/**
 * Moves the emulators' request logs into the counters and empties them. The logs keep every
 * request with its headers and body, which under load would grow by hundreds of megabytes a run;
 * draining every 100 ms keeps this process small. A request is logged when it arrives, so an
 * upstream call in flight already counts.
 */
function drain(): void {
  for (const running of fleet.running) {
    drainOne(running);
  }
}

function drainOne(running: RunningEmulator): void {
  const entries = running.emulator.log.all();
  running.emulator.log.clear();
  const byRoute = counts.get(running.emulator.name);
  if (!byRoute) {
    return;
  }
  for (const entry of entries) {
    const route = `${entry.method} ${routeOf(entry.path)}`;
    byRoute.set(route, (byRoute.get(route) ?? 0) + 1);
  }
}

/** `/api/video/conferences/3f2a…/conference_tokens` -> `/api/video/conferences/:id/conference_tokens`. */
function routeOf(path: string): string {
  return path
    .split('/')
    .map((segment) => (/\d/.test(segment) && segment.length >= 8 ? ':id' : segment))
    .join('/');
}

function snapshot(): EmulatorCounts {
  drain();
  const result: Record<string, { total: number; byRoute: Record<string, number> }> = {};
  for (const [name, byRoute] of counts) {
    const routes = Object.fromEntries(byRoute);
    result[name] = {
      total: Object.values(routes).reduce((sum, n) => sum + n, 0),
      byRoute: routes,
    };
  }
  return result;
}

const drainTimer = setInterval(drain, 100);

let closing = false;
function shutdown(): void {
  if (closing) {
    return;
  }
  closing = true;
  clearInterval(drainTimer);
  const forced = setTimeout(() => process.exit(0), 2_000);
  forced.unref();
  void fleet.close().finally(() => process.exit(0));
}

exitWithParent(shutdown);
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

serveParent((message: ParentMessage) => {
  switch (message.type) {
    case 'counts':
      return snapshot();
    case 'reset':
      drain();
      for (const byRoute of counts.values()) {
        byRoute.clear();
      }
      return null;
    case 'reset-store': {
      // The SignalWire emulator finds a name clash by scanning every room, so thousands of
      // rooms from createRoom runs would make it, not us, the bottleneck; the bench empties it
      // before each createRoom measurement. reset() also drops the faults: put the latency back.
      const running = fleet.running.find(
        (candidate) => candidate.emulator.name === message.emulator,
      );
      if (!running) {
        throw new Error(`no emulator ${message.emulator}`);
      }
      drainOne(running);
      running.emulator.reset();
      if (latencyMs > 0) {
        running.emulator.faults.add({ latencyMs });
      }
      return null;
    }
    default:
      throw new Error(`the emulator process does not handle ${message.type}`);
  }
});

const ready: EmulatorReady = {
  providers: fleet.providers,
  emulators: fleet.running.map((running) => ({ name: running.emulator.name, url: running.url })),
  latencyMs,
};
process.stdout.write(`${JSON.stringify(ready)}\n`);
