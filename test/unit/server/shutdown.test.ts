import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/observability/logger.js';
import type { HttpServer } from '../../../src/server/http-server.js';
import { createShutdown } from '../../../src/server/shutdown.js';

/** An HTTP server whose drain ends when the test says so, cutting `cut` requests. */
function fakeHttp(events: string[]) {
  let finish: (cut: number) => void = () => {};
  const http = {
    draining: false,
    inFlight: 2,
    drain: () => {
      events.push('drain');
      return new Promise<number>((resolve) => {
        finish = resolve;
      });
    },
  } as unknown as HttpServer;
  return { http, finishDrain: (cut: number) => finish(cut) };
}

describe('createShutdown', () => {
  it('runs the drain closers at once, then releases in order once drained, then exits 0', async () => {
    const events: string[] = [];
    const { http, finishDrain } = fakeHttp(events);
    const exits: number[] = [];
    const shutdown = createShutdown({
      http,
      drainTimeoutMs: 1_000,
      logger: silentLogger(),
      release: [
        { name: 'pools', close: async () => void events.push('pools') },
        {
          name: 'redis',
          close: async () => {
            throw new Error('already closed');
          },
        },
        { name: 'telemetry', close: async () => void events.push('telemetry') },
      ],
      exit: (code) => exits.push(code),
    });
    shutdown.onDrain(() => void events.push('subscriptions told to reconnect'));

    const done = shutdown.begin('SIGTERM');
    await Promise.resolve();
    expect(events).toEqual(['drain', 'subscriptions told to reconnect']);
    finishDrain(0);
    await done;
    expect(events).toEqual(['drain', 'subscriptions told to reconnect', 'pools', 'telemetry']);
    expect(exits).toEqual([0]);
  });

  it('exits 1 at once on a second signal during the drain', async () => {
    const { http } = fakeHttp([]);
    const exits: number[] = [];
    const shutdown = createShutdown({
      http,
      drainTimeoutMs: 1_000,
      logger: silentLogger(),
      release: [],
      exit: (code) => exits.push(code),
    });
    void shutdown.begin('SIGINT');
    await shutdown.begin('SIGINT');
    expect(exits).toEqual([1]);
  });
});
