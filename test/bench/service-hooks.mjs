// Preloaded into the bench's service process (`node --expose-gc --import service-hooks.mjs
// dist/bin/server.js`): plain JavaScript, so that process runs the compiled service with no
// TypeScript loader, exactly as `npm start` does. Two additions, neither on the request path:
// when the bench goes away, however it ends, the IPC channel closes and the service gets the
// SIGTERM its own shutdown handles; and between runs the bench can ask for a full garbage
// collection and the memory figures after it (`MemoryAfterGc` in protocol.ts, whose message
// shapes these are), to tell retained memory from garbage not yet collected.

const mb = (bytes) => bytes / 1_048_576;

process.on('disconnect', () => {
  process.kill(process.pid, 'SIGTERM');
});

process.on('message', (message) => {
  if (message?.type !== 'gc' || typeof globalThis.gc !== 'function') {
    process.send?.({
      id: message?.id,
      ok: false,
      error: `the service process does not handle ${message?.type} (gc needs --expose-gc)`,
    });
    return;
  }
  globalThis.gc();
  const usage = process.memoryUsage();
  process.send?.({
    id: message.id,
    ok: true,
    result: {
      rssMb: mb(usage.rss),
      heapUsedMb: mb(usage.heapUsed),
      heapTotalMb: mb(usage.heapTotal),
      externalMb: mb(usage.external),
    },
  });
});

process.send?.({ ready: true });
