import { exitWithParent, type MemoryAfterGc, type ParentMessage, serveParent } from './protocol.js';

// Child process of `npm run bench`: the service itself, `src/bin/server.ts` unchanged, loaded in
// this same process (`node --expose-gc --import tsx test/bench/service-process.ts`, so the pid
// the bench samples for RSS is the one that listens). Two additions, neither on the request path:
// when the bench goes away, however it ends, the IPC channel closes and the service gets the
// SIGTERM its own shutdown handles; and between runs the bench can ask for a full garbage
// collection and the memory figures after it, to tell retained memory from garbage not yet
// collected. Configuration comes from the environment the bench sets (CONFIG_FILE, PORT, HOST).

exitWithParent(() => {
  process.kill(process.pid, 'SIGTERM');
});

const mb = (bytes: number) => bytes / 1_048_576;

serveParent((message: ParentMessage) => {
  if (message.type !== 'gc') {
    throw new Error(`the service process does not handle ${message.type}`);
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    throw new Error('start the service with --expose-gc');
  }
  gc();
  const usage = process.memoryUsage();
  return {
    rssMb: mb(usage.rss),
    heapUsedMb: mb(usage.heapUsed),
    heapTotalMb: mb(usage.heapTotal),
    externalMb: mb(usage.external),
  } satisfies MemoryAfterGc;
});

await import('../../src/bin/server.js');
