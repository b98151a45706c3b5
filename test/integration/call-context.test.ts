import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OperationTimeoutError, ProviderError } from '../../src/domain/errors.js';
import { createCallContext } from '../../src/http/call-context.js';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import { createUpstreamClient } from '../../src/http/upstream-client.js';
import { freePort } from '../helpers/free-port.js';

/**
 * What an upstream call takes from its operation's call context, over real sockets: the
 * client's signal ends reads but not writes already sent, the operation's deadline bounds calls
 * in sequence, and a failure after sending is marked as of unknown outcome.
 */
let server: Server;
let url: string;
/** Requests the upstream has fully received, and the ones it answered. */
let received: string[] = [];
let answered: string[] = [];
/** Milliseconds before each answer; null never answers. */
let delayMs: number | null = 200;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received.push(`${request.method} ${request.url}`);
      if (delayMs === null) {
        return;
      }
      setTimeout(() => {
        answered.push(`${request.method} ${request.url}`);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  answered = [];
  delayMs = 200;
});

const body = z.object({ ok: z.boolean() });

function client(baseUrl = url, timeoutMs = 5_000) {
  const dispatcher = createDispatcher(baseUrl);
  const upstream = createUpstreamClient({
    provider: 'test',
    baseUrl,
    dispatcher,
    headers: () => ({}),
    parseError: (failure) => ({ message: `HTTP ${failure.status}`, providerCode: null }),
    timeoutMs,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
  return { upstream, close: () => dispatcher.close() };
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('the call context of an upstream call', () => {
  it('finishes a write already sent when the client goes away, and reads its answer', async () => {
    const { upstream, close } = client();
    const controller = new AbortController();
    const context = createCallContext({ signal: controller.signal });
    const write = upstream.send({
      method: 'POST',
      path: '/rooms',
      body: { name: 'a' },
      schema: body,
      operation: 'createRoom',
      context,
    });
    await expect.poll(() => received).toEqual(['POST /rooms']);
    controller.abort(new Error('the client went away'));

    await expect(write).resolves.toEqual({ ok: true });
    expect(answered).toEqual(['POST /rooms']);
    await close();
  });

  it('cancels a read when the client goes away', async () => {
    const { upstream, close } = client();
    const controller = new AbortController();
    const read = failureOf(
      upstream.send({
        method: 'GET',
        path: '/rooms/a',
        schema: body,
        operation: 'getRoom',
        context: createCallContext({ signal: controller.signal }),
      }),
    );
    await expect.poll(() => received).toEqual(['GET /rooms/a']);
    controller.abort(new Error('the client went away'));

    expect((await read).providerCode).toBe('CANCELLED');
    await close();
  });

  it('stops calls in sequence at the operation deadline, and the next one sends nothing', async () => {
    const { upstream, close } = client();
    const context = createCallContext({ timeoutMs: 300 });
    const call = (path: string) =>
      upstream.send({ method: 'GET', path, schema: body, operation: 'getRoom', context });

    // Each call takes 200 ms and alone fits its own 5 s timeout; the second one outlives the
    // operation's 300 ms.
    await expect(call('/first')).resolves.toEqual({ ok: true });
    const second = await failureOf(call('/second'));
    expect(second).toBeInstanceOf(OperationTimeoutError);
    expect(second.code).toBe('OPERATION_TIMEOUT');
    const third = await failureOf(call('/third'));
    expect(third).toBeInstanceOf(OperationTimeoutError);

    expect(received).toEqual(['GET /first', 'GET /second']);
    await close();
  });

  it('marks a write that timed out after it was sent as of unknown outcome', async () => {
    delayMs = null;
    const { upstream, close } = client(url, 300);
    const failure = await failureOf(
      upstream.send({
        method: 'POST',
        path: '/rooms',
        body: { name: 'a' },
        schema: body,
        operation: 'createRoom',
      }),
    );

    expect(failure.providerCode).toBe('TIMEOUT');
    expect(failure.outcomeUnknown).toBe(true);
    await close();
  });

  it('marks a write that never reached a listening provider as not carried out', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const { upstream, close } = client(nobody);
    const failure = await failureOf(
      upstream.send({
        method: 'POST',
        path: '/rooms',
        body: { name: 'a' },
        schema: body,
        operation: 'createRoom',
      }),
    );

    expect(failure.providerCode).toBe('CONNECTION_FAILED');
    expect(failure.outcomeUnknown).toBe(false);
    await close();
  });
});
