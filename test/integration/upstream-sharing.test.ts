import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCallContext } from '../../src/http/call-context.js';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import { createUpstreamClient } from '../../src/http/upstream-client.js';

/** A tiny upstream that answers after a delay and remembers how many requests overlapped. */
let server: Server;
let url: string;
let active = 0;
let peak = 0;
let received: string[] = [];
let version = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    active++;
    peak = Math.max(peak, active);
    received.push(`${request.method} ${request.url}`);
    if (request.method !== 'GET') {
      version++;
    }
    const body = JSON.stringify({ version });
    setTimeout(() => {
      active--;
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }, 40);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  active = 0;
  peak = 0;
  received = [];
});

const body = z.object({ version: z.number() });

function client(options: { maxInFlight?: number; shareInflightGets?: boolean } = {}) {
  const dispatcher = createDispatcher(url);
  const upstream = createUpstreamClient({
    provider: 'test',
    baseUrl: url,
    dispatcher,
    headers: () => ({}),
    parseError: (failure) => ({ message: `HTTP ${failure.status}`, providerCode: null }),
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  return { upstream, close: () => dispatcher.close() };
}

describe('upstream client limits and sharing', () => {
  it('keeps at most maxInFlight calls open to one account', async () => {
    const { upstream, close } = client({ maxInFlight: 3 });
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        upstream.send({
          method: 'GET',
          path: `/rooms/${index}`,
          schema: body,
          operation: 'getRoom',
        }),
      ),
    );
    await close();
    expect(received).toHaveLength(10);
    expect(peak).toBe(3);
  });

  it('sends identical GETs in flight at once as one request', async () => {
    const { upstream, close } = client();
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        upstream.send({ method: 'GET', path: '/rooms/a', schema: body, operation: 'getRoom' }),
      ),
    );
    await close();
    expect(received).toEqual(['GET /rooms/a']);
    expect(new Set(results.map((result) => result.version)).size).toBe(1);
  });

  it('sends each GET when sharing is off', async () => {
    const { upstream, close } = client({ shareInflightGets: false });
    await Promise.all(
      Array.from({ length: 3 }, () =>
        upstream.send({ method: 'GET', path: '/rooms/a', schema: body, operation: 'getRoom' }),
      ),
    );
    await close();
    expect(received).toHaveLength(3);
  });

  it('never hands a read that began before a write to a caller reading after it', async () => {
    const { upstream, close } = client();
    const before = upstream.send({
      method: 'GET',
      path: '/rooms/a',
      schema: body,
      operation: 'getRoom',
    });
    await upstream.send({
      method: 'PUT',
      path: '/rooms/a',
      body: {},
      schema: body,
      operation: 'updateRoom',
    });
    const after = await upstream.send({
      method: 'GET',
      path: '/rooms/a',
      schema: body,
      operation: 'getRoom',
    });
    await before;
    await close();
    expect(received).toEqual(['GET /rooms/a', 'PUT /rooms/a', 'GET /rooms/a']);
    expect(after.version).toBe(1);
  });

  it('lets one caller stop waiting on a shared GET without cancelling it for the others', async () => {
    const { upstream, close } = client();
    const controller = new AbortController();
    const leaving = upstream.send({
      method: 'GET',
      path: '/rooms/b',
      schema: body,
      operation: 'getRoom',
      context: createCallContext({ signal: controller.signal }),
    });
    const staying = upstream.send({
      method: 'GET',
      path: '/rooms/b',
      schema: body,
      operation: 'getRoom',
    });
    controller.abort();
    await expect(leaving).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      providerCode: 'CANCELLED',
    });
    await expect(staying).resolves.toMatchObject({ version: expect.any(Number) });
    await close();
    expect(received).toEqual(['GET /rooms/b']);
  });
});
