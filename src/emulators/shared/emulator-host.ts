import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Fault, FaultPlan } from './faults.js';
import { parseJsonLenient, readBody, sendJson } from './http-json.js';
import { RequestLog } from './request-log.js';

/** What a provider emulator's routes see. */
export interface EmulatorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON, the raw text when not JSON, undefined when empty. */
  readonly body: unknown;
  readonly rawBody: string;
  /** `http://host:port` as the client addressed us, for absolute links. */
  readonly origin: string;
}

export interface EmulatorResponse {
  readonly status: number;
  /** Serialised as JSON; undefined sends no body (204). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** What each provider emulator supplies; the host adds logging, faults and admin routes. */
export interface EmulatorDefinition {
  readonly name: string;
  handle(request: EmulatorRequest): EmulatorResponse | Promise<EmulatorResponse>;
  /** The provider's own error body for a status, used by injected faults. */
  errorBody(status: number): unknown;
  /** Empties the store. */
  reset(): void;
  /**
   * The emulator's own admin routes, by `METHOD /path` below `/__emulator` (e.g. `POST /join`
   * and `POST /leave`, which let a test or the sandbox act as a client joining a room): each
   * takes the parsed JSON body and answers a status and a body.
   */
  readonly adminRoutes?: Readonly<
    Record<string, (body: unknown) => [number, unknown] | Promise<[number, unknown]>>
  >;
}

/** An emulator ready to be hosted, with its in-process handle for tests. */
export interface Emulator {
  readonly name: string;
  readonly log: RequestLog;
  readonly faults: FaultPlan;
  /** Empties the store, the log and the fault plan. */
  reset(): void;
  readonly listener: (request: IncomingMessage, response: ServerResponse) => void;
}

export interface RunningEmulator {
  readonly emulator: Emulator;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Admin routes live under this prefix; they are neither logged nor faulted. */
export const ADMIN_PREFIX = '/__emulator';

export function createEmulator(definition: EmulatorDefinition): Emulator {
  const log = new RequestLog();
  const faults = new FaultPlan();

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const rawBody = await readBody(request);
    if (url.pathname.startsWith(ADMIN_PREFIX)) {
      return admin(request.method ?? 'GET', url.pathname, rawBody, response);
    }
    const emulatorRequest: EmulatorRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: parseJsonLenient(rawBody),
      rawBody,
      origin: `http://${request.headers.host ?? 'localhost'}`,
    };
    const entry = {
      method: emulatorRequest.method,
      path: emulatorRequest.path,
      query: emulatorRequest.query,
      headers: emulatorRequest.headers,
      body: emulatorRequest.body,
      at: Date.now(),
      response: null as { status: number; body: unknown; headers: Record<string, string> } | null,
    };
    log.record(entry);
    const fault = headerFault(request.headers['x-emulator-fault']) ?? faults.take(emulatorRequest);
    if (fault?.latencyMs) {
      await delay(fault.latencyMs);
    }
    if (fault?.drop) {
      // An RST, as a crashed or overloaded upstream sends; destroy() alone would close politely.
      request.socket.resetAndDestroy();
      return;
    }
    if (fault?.malformedJson) {
      entry.response = { status: 200, body: '{"truncated":', headers: {} };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"truncated":');
      return;
    }
    if (fault?.stallBodyMs) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{');
      await delay(fault.stallBodyMs);
      if (!response.destroyed) {
        response.end('}');
      }
      entry.response = { status: 200, body: {}, headers: {} };
      return;
    }
    let result: EmulatorResponse;
    if (fault?.status) {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) {
        headers['retry-after'] = String(fault.retryAfterSeconds);
      }
      result = {
        status: fault.status,
        body: fault.body ?? definition.errorBody(fault.status),
        headers,
      };
    } else {
      result = await definition.handle(emulatorRequest);
    }
    if (fault?.loseAnswer) {
      request.socket.resetAndDestroy();
      return;
    }
    entry.response = { status: result.status, body: result.body, headers: result.headers ?? {} };
    sendJson(response, result.status, result.body, result.headers);
  }

  async function admin(method: string, path: string, rawBody: string, response: ServerResponse) {
    const route = `${method.toUpperCase()} ${path.slice(ADMIN_PREFIX.length)}`;
    const own = definition.adminRoutes?.[route];
    const [status, body] = own ? await own(parseJsonLenient(rawBody)) : adminAction(route, rawBody);
    sendJson(response, status, body);
  }

  function adminAction(route: string, rawBody: string): [number, unknown] {
    switch (route) {
      case 'GET /requests':
        return [200, log.all()];
      case 'DELETE /requests':
        log.clear();
        return [204, undefined];
      case 'POST /faults': {
        const fault = parseJsonLenient(rawBody);
        if (typeof fault !== 'object' || fault === null || Array.isArray(fault)) {
          return [400, { error: 'body must be a JSON fault object' }];
        }
        faults.add(fault as Fault);
        return [204, undefined];
      }
      case 'DELETE /faults':
        faults.clear();
        return [204, undefined];
      case 'POST /reset':
        reset();
        return [204, undefined];
      default:
        return [404, { error: `unknown admin route ${route}` }];
    }
  }

  function reset(): void {
    definition.reset();
    log.clear();
    faults.clear();
  }

  return {
    name: definition.name,
    log,
    faults,
    reset,
    listener(request, response) {
      serve(request, response).catch((error: unknown) => {
        if (!response.headersSent) {
          sendJson(response, 500, definition.errorBody(500));
        }
        console.error(`[${definition.name} emulator] handler failed`, error);
      });
    },
  };
}

/** Hosts an emulator on loopback: port 0 (any free port) in tests, a fixed port in development. */
export async function startEmulator(
  emulator: Emulator,
  options: { port?: number; host?: string } = {},
): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer(emulator.listener);
  server.keepAliveTimeout = 5_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    emulator,
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) {
          socket.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

function headerFault(value: string | string[] | undefined): Fault | null {
  if (typeof value !== 'string') {
    return null;
  }
  const parsed = parseJsonLenient(value);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Fault) : null;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
