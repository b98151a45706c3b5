import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CONFIG_ENV_VARIABLES } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { CreateRoomDocument, RoomDocument } from '../__generated__/graphql.js';
import { freePort } from '../helpers/free-port.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

type LogRecord = Record<string, unknown>;

async function admin(
  server: TestServer,
  kind: string,
  method: string,
  route: string,
  body?: unknown,
) {
  const running = server.fleet.running.find((candidate) => candidate.emulator.name === kind);
  const response = await fetch(`${running?.url}/__emulator${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.status).toBe(204);
}

describe('structured logs', () => {
  const lines: string[] = [];
  const records = (): LogRecord[] => lines.map((line) => JSON.parse(line) as LogRecord);
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      logger: createLogger({ level: 'debug', destination: { write: (line) => lines.push(line) } }),
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    for (const running of server.fleet.running) {
      await admin(server, running.emulator.name, 'POST', '/reset');
    }
    lines.length = 0;
  });

  it('writes one info line per GraphQL request, under the id returned to the client', async () => {
    const response = await server.post(
      JSON.stringify({
        query:
          'mutation Make { createRoom(input: { providerKey: "hms", name: "logged" }) { __typename } }',
      }),
      { 'x-request-id': 'edge-7f3a' },
    );
    expect(response.headers.get('x-request-id')).toBe('edge-7f3a');
    await response.text();

    const requests = records().filter((record) => record.msg === 'graphql request');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      level: 'info',
      requestId: 'edge-7f3a',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationType: 'mutation',
      operationName: 'Make',
      clientId: 'anonymous',
      durationMs: expect.any(Number),
    });
    // Every line the request caused carries its id, the upstream call's included.
    const upstream = records().filter((record) => record.msg === 'upstream call');
    expect(upstream).toMatchObject([
      { level: 'debug', requestId: 'edge-7f3a', provider: 'hms', operation: 'createRoom' },
    ]);
  });

  it('gives a request without an id a fresh one, different each time', async () => {
    const first = await server.post(JSON.stringify({ query: '{ providers { key } }' }));
    const second = await server.post(JSON.stringify({ query: '{ providers { key } }' }));
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[0]);
    expect(
      records()
        .filter((record) => record.msg === 'graphql request')
        .map((record) => record.requestId),
    ).toEqual(ids);
  });

  it('logs an upstream failure as a warning with the request id, and its code on the request line', async () => {
    const created = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'netless', name: 'failing' },
    });
    if (created.data?.createRoom.__typename !== 'CreateRoomSuccess') {
      throw new Error(JSON.stringify(created));
    }
    await admin(server, 'netless', 'POST', '/faults', { method: 'GET', status: 500 });
    lines.length = 0;

    const result = await server.execute(
      RoomDocument,
      { id: created.data.createRoom.room.id },
      {
        'x-request-id': 'failing-1',
      },
    );

    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(records().filter((record) => record.level === 'warn')).toMatchObject([
      {
        msg: 'upstream call',
        requestId: 'failing-1',
        provider: 'netless',
        status: 500,
        outcome: '5xx',
        errorCode: 'UPSTREAM_UNAVAILABLE',
      },
    ]);
    expect(records().find((record) => record.msg === 'graphql request')).toMatchObject({
      requestId: 'failing-1',
      operationName: 'Room',
      errorCodes: ['UPSTREAM_UNAVAILABLE'],
    });
  });
});

describe('the service process', () => {
  it('writes only JSON lines to stdout, at the level LOG_LEVEL sets', async () => {
    const info = await runServer({ LOG_LEVEL: 'info' });
    expect(info.stdout.every((line) => typeof JSON.parse(line) === 'object')).toBe(true);
    const infoRecords = info.stdout.map((line) => JSON.parse(line) as LogRecord);
    expect(infoRecords).toContainEqual(
      expect.objectContaining({ level: 'info', msg: 'graphql request', requestId: 'spawned-1' }),
    );
    expect(infoRecords).toContainEqual(
      expect.objectContaining({ level: 'info', msg: expect.stringMatching(/listening on/) }),
    );

    const warn = await runServer({ LOG_LEVEL: 'warn' });
    const warnRecords = warn.stdout.map((line) => JSON.parse(line) as LogRecord);
    expect(warnRecords.length).toBeGreaterThan(0);
    expect(
      warnRecords.every((record) => ['warn', 'error', 'fatal'].includes(String(record.level))),
    ).toBe(true);
    expect(warnRecords).toContainEqual(
      expect.objectContaining({ msg: expect.stringMatching(/^OPEN ACCESS/) }),
    );
  });
});

/**
 * Runs `src/bin/server.ts` in sandbox mode, sends it one GraphQL request once it answers, then
 * stops it, returning the non-empty lines of its stdout.
 */
async function runServer(env: Record<string, string>): Promise<{ stdout: string[] }> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!CONFIG_ENV_VARIABLES.has(name) && value !== undefined) {
      clean[name] = value;
    }
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/bin/server.ts'], {
    cwd: new URL('../../', import.meta.url),
    env: { ...clean, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Never outlive the test, whatever the child does.
  const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    const url = `http://127.0.0.1:${port}/graphql`;
    for (let tries = 0; ; tries++) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': 'spawned-1' },
          body: JSON.stringify({ query: '{ providers { key } }' }),
        });
        expect(response.status).toBe(200);
        await response.text();
        break;
      } catch (error) {
        if (tries > 100) {
          throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
    clearTimeout(deadline);
  }
  return { stdout: stdout.split('\n').filter((line) => line.trim() !== '') };
}
