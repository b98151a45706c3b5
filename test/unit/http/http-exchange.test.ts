import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallDeadline } from '../../../src/http/call-deadline.js';
import {
  exchange,
  type HttpRequest,
  ResponseTooLargeError,
} from '../../../src/http/http-exchange.js';

// The exchange is the lowest layer of the HTTP client, so it is tested against a real server on
// loopback: chunked bodies, sockets torn down and requests queued for a socket are what it is
// about, and a mock dispatcher would not show them.

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let handler: Handler;
let pool: Pool;
/** Paths the server has seen, in order, and the paths whose socket closed before the end. */
let seen: string[];
let closedEarly: string[];
const deadlines: CallDeadline[] = [];

beforeEach(async () => {
  seen = [];
  closedEarly = [];
  handler = (_request, response) => response.end('{}');
  server = createServer((request, response) => {
    seen.push(request.url ?? '');
    response.on('close', () => {
      if (!response.writableFinished) {
        closedEarly.push(request.url ?? '');
      }
    });
    handler(request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
});

afterEach(async () => {
  for (const deadline of deadlines.splice(0)) {
    deadline.end();
  }
  await pool.destroy();
  server.closeAllConnections();
  server.close();
});

function get(path: string): HttpRequest {
  return { origin: origin(), path, method: 'GET', headers: {}, maxResponseBytes: 1_000_000 };
}

function origin(): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function deadline(timeoutMs = 10_000, caller?: AbortSignal): CallDeadline {
  const made = new CallDeadline(timeoutMs, caller);
  deadlines.push(made);
  return made;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('exchange', () => {
  it('returns the status, the headers and the whole body, decoding UTF-8 split across chunks', async () => {
    const text = JSON.stringify({ name: 'Salle de réunion ✓' });
    const bytes = Buffer.from(text, 'utf8');
    // Cut inside the three bytes of ✓, and send the halves apart so they arrive as two chunks.
    const cut = bytes.indexOf(Buffer.from('✓', 'utf8')) + 1;
    handler = (_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'req-1' });
      response.write(bytes.subarray(0, cut));
      setTimeout(() => response.end(bytes.subarray(cut)), 20);
    };

    const response = await exchange(pool, get('/rooms?limit=1'), deadline());

    expect(response.status).toBe(201);
    expect(response.headers['x-request-id']).toBe('req-1');
    expect(response.text).toBe(text);
    expect(seen).toEqual(['/rooms?limit=1']);
  });

  it('sends the method, headers and body it is given', async () => {
    let received = '';
    let headers: IncomingMessage['headers'] = {};
    handler = (request, response) => {
      headers = request.headers;
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        received += chunk;
      });
      request.on('end', () => response.end(''));
    };

    const response = await exchange(
      pool,
      {
        ...get('/rooms'),
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
        body: '{"name":"a"}',
      },
      deadline(),
    );

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(received).toBe('{"name":"a"}');
    expect(headers.authorization).toBe('Bearer t');
  });

  it("rejects with the deadline's reason when it passes mid-response, and drops the socket", async () => {
    handler = (_request, response) => {
      response.writeHead(200);
      response.write('{"partial":');
    };
    const started = Date.now();

    const error = await exchange(pool, get('/slow'), deadline(100)).catch((caught) => caught);

    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect.poll(() => closedEarly).toEqual(['/slow']);
  });

  it('rejects at once when cancelled while waiting for a socket, and never sends it', async () => {
    let finishFirst: () => void = () => {};
    handler = (request, response) => {
      if (request.url === '/first') {
        finishFirst = () => response.end('{}');
        return;
      }
      response.end('{}');
    };
    const first = exchange(pool, get('/first'), deadline());
    await expect.poll(() => seen).toEqual(['/first']);
    // One socket, busy: the second request waits in the pool.
    const caller = new AbortController();
    const second = exchange(pool, get('/second'), deadline(10_000, caller.signal));
    await pause(20);
    caller.abort(new Error('the GraphQL request ended'));

    await expect(second).rejects.toThrow('the GraphQL request ended');
    finishFirst();
    await expect(first).resolves.toMatchObject({ status: 200, text: '{}' });
    // The pool got to the cancelled request after the first one: it must not go out.
    const third = await exchange(pool, get('/third'), deadline());
    expect(third.status).toBe(200);
    expect(seen).toEqual(['/first', '/third']);
  });

  it('sends nothing when the deadline has already passed', async () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));

    await expect(exchange(pool, get('/never'), deadline(10_000, caller.signal))).rejects.toThrow(
      'gone',
    );
    await pause(20);
    expect(seen).toEqual([]);
  });

  it('cuts off a body past its limit with ResponseTooLargeError, and drops the socket', async () => {
    handler = (_request, response) => {
      response.writeHead(200);
      response.write('x'.repeat(600));
      // The rest never comes: the limit must end the exchange, not the end of the body.
      setTimeout(() => response.write('y'.repeat(600)), 20);
    };

    const error = await exchange(
      pool,
      { ...get('/big'), maxResponseBytes: 1_000 },
      deadline(),
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect((error as ResponseTooLargeError).limitBytes).toBe(1_000);
    await expect.poll(() => closedEarly).toEqual(['/big']);
  });

  it('rejects with the connection error when nothing listens', async () => {
    const request = get('/');
    server.close();
    const closed = new Pool(request.origin, { connections: 1 });
    try {
      const error = await exchange(closed, request, deadline()).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await closed.destroy();
    }
  });
});
