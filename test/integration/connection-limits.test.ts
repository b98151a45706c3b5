import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Slow and greedy clients (issue 13): a client that trickles its headers or body is cut off at
// the configured deadline, and connections past the per-address or total cap are closed at once
// while other addresses are still served. Deadlines are short here; the defaults are seconds.

const QUERY = JSON.stringify({ query: '{ providers { key } }' });

/** A raw TCP connection from `localAddress` (every 127.x address is loopback on Linux). */
function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** What the server sent before closing the connection; fails if it is still open after `ms`. */
function closedBy(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    // A connection closed with unread input may end in a reset: that is closing too.
    socket.on('error', () => {});
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** Writes `text` one byte every `everyMs` until it is all sent or the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): { sent: () => number } {
  let sent = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || sent >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text[sent++] ?? '');
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
  return { sent: () => sent };
}

/** POST of a small query over a new connection from `localAddress`; resolves with the status. */
function query(port: number, localAddress: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        path: '/graphql',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', connection: 'close' },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(QUERY);
  });
}

describe('slow clients', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      config: { headersTimeoutMs: 500, requestTimeoutMs: 1_000 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 408 and closes a connection whose headers come a byte at a time', async () => {
    const socket = await open(server.port);
    const headers = `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${QUERY.length}\r\n\r\n`;
    // About 9 s to send them all at this pace.
    const sender = trickle(socket, headers, 100);
    const received = await closedBy(socket, 5_000);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(sender.sent()).toBeLessThan(headers.length);
  });

  it('answers 408 and closes a connection whose body comes a byte at a time', async () => {
    const socket = await open(server.port);
    const body = JSON.stringify({ query: `{ providers { key } } # ${'x'.repeat(150)}` });
    socket.write(
      `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`,
    );
    // About 20 s to send it all at this pace.
    const sender = trickle(socket, body, 100);
    const received = await closedBy(socket, 5_000);
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(sender.sent()).toBeLessThan(body.length);
  });

  it('still serves a client that sends its request at once', async () => {
    const result = await query(server.port, '127.0.0.1');
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body).data.providers).toHaveLength(4);
  });
});

describe('connection caps', () => {
  const held: Socket[] = [];
  afterAll(() => {
    for (const socket of held) {
      socket.destroy();
    }
  });

  it('closes a connection past the per-address cap while another address is served', async () => {
    const warnings: Record<string, unknown>[] = [];
    const server = await startTestServer({
      config: { maxConnectionsPerAddress: 2 },
      logger: createLogger({
        level: 'warn',
        destination: { write: (line) => warnings.push(JSON.parse(line)) },
      }),
    });
    try {
      const [first, second] = [await open(server.port), await open(server.port)];
      held.push(first, second);
      const third = await open(server.port);
      expect(await closedBy(third, 2_000)).toBe('');

      expect((await query(server.port, '127.0.0.2')).status).toBe(200);
      // The two held connections were not touched: one of them still carries a request.
      const answer = new Promise<string>((resolve) =>
        first.once('data', (chunk) => resolve(`${chunk}`)),
      );
      first.write(
        `POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${QUERY.length}\r\n\r\n${QUERY}`,
      );
      expect(await answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(warnings).toContainEqual(
        expect.objectContaining({ level: 'warn', limit: 'MAX_CONNECTIONS_PER_ADDRESS' }),
      );
    } finally {
      await server.close();
    }
  });

  it('closes any connection past the total cap, and serves again once one closes', async () => {
    const server = await startTestServer({ config: { maxConnections: 3 } });
    try {
      const open3 = [
        await open(server.port),
        await open(server.port),
        await open(server.port, '127.0.0.2'),
      ];
      held.push(...open3);
      const fourth = await open(server.port, '127.0.0.3');
      expect(await closedBy(fourth, 2_000)).toBe('');

      open3[0]?.destroy();
      // The server sees that close a moment later; until then a new connection is still refused.
      let result: { status: number } | null = null;
      for (let attempt = 0; attempt < 50 && result === null; attempt++) {
        result = await query(server.port, '127.0.0.3').catch(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return null;
        });
      }
      expect(result?.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
