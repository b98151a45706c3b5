import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

// A rollout sends SIGTERM to an instance that is serving. What its clients must see: every
// request already running answered in full, readiness 503 at once (so the load balancer stops
// sending), no new connection accepted, and a clean exit. The sandbox's Videsk emulator makes
// each request slow (1.5 s of injected latency upstream) so the signal lands while they run.

/** A listing of `first` rooms: distinct sizes make distinct upstream calls, none shared. */
const list = (first: number) =>
  JSON.stringify({
    query: `{ provider(key: "videsk") { rooms(first: ${first}) { edges { node { id } } } } }`,
  });

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill();
});

/** The sandbox emulator's URL for `kind`, as the banner prints it. */
function emulatorUrl(running: ServerProcess, kind: string): string {
  for (const record of running.records) {
    const match = new RegExp(
      `^\\s+${kind} \\(${kind}\\) -> (http://\\S+?)(/v\\d+|/api/video)?$`,
    ).exec(record.msg ?? '');
    if (match?.[1]) {
      return match[1];
    }
  }
  throw new Error(`no ${kind} emulator in the banner`);
}

/** A request over a connection of its own, so none is borrowed from a keep-alive pool. */
function send(
  origin: string,
  path: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${origin}${path}`,
      {
        method: body === undefined ? 'GET' : 'POST',
        agent: false,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`not so within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('SIGTERM', () => {
  it('finishes the requests in flight, reports not ready, takes no new connection and exits 0', async () => {
    const running = await startServerProcess({ DRAIN_TIMEOUT_MS: '10000' });
    server = running;
    const videsk = emulatorUrl(running, 'videsk');
    const fault = await fetch(`${videsk}/__emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 1_500 }),
    });
    expect(fault.status).toBe(204);

    // A probe whose request line is on its way when the signal comes: its connection is busy,
    // so the drain keeps it, and it is answered once its headers are complete.
    const probe: Socket = connect({ port: running.port, host: '127.0.0.1' });
    await new Promise((resolve) => probe.once('connect', resolve));
    probe.write('GET /ready HTTP/1.1\r\nhost: 127.0.0.1\r\n');

    const slow = [1, 2, 3, 4].map((first) => send(running.origin, '/graphql', list(first)));
    // An open subscription: the drain ends it, so its client resumes elsewhere with `after`.
    const events = await fetch(`${running.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { roomEvents { id } }' }),
    });
    const streamed = events.text();
    // All four have reached the emulator, which holds each for 1.5 s.
    await waitFor(async () => {
      const log = (await (await fetch(`${videsk}/__emulator/requests`)).json()) as unknown[];
      return log.length >= 4 ? true : undefined;
    }, 10_000);

    running.signal('SIGTERM');
    await running.waitForRecord((record) => /^SIGTERM: draining/.test(record.msg ?? ''));

    const answer = new Promise<string>((resolve) => {
      let text = '';
      probe.on('data', (chunk) => {
        text += chunk.toString();
      });
      probe.on('close', () => resolve(text));
    });
    probe.write('\r\n');
    const ready = await answer;
    expect(ready).toMatch(/^HTTP\/1\.1 503 /);
    expect(JSON.parse(ready.slice(ready.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 'draining',
    });
    await expect(send(running.origin, '/health')).rejects.toThrow(/ECONNREFUSED/);

    const answers = await Promise.all(slow);
    for (const response of answers) {
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ data: { provider: { rooms: { edges: [] } } } });
    }
    // The stream ended with the drain (a complete event), not by a cut connection.
    expect(await streamed).toContain('event: complete');
    expect(await running.exited).toBe(0);
    expect(running.records.map((record) => record.msg)).toEqual(
      expect.arrayContaining(['Drained: every request in flight finished', 'Stopped']),
    );
  });
});
