import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';

/** How long a client may take and how many connections it may hold (from `Config`). */
export type ConnectionLimits = Pick<
  Config,
  'headersTimeoutMs' | 'requestTimeoutMs' | 'maxConnections' | 'maxConnectionsPerAddress'
>;

export interface HttpServerOptions {
  /** Every request that `probes` does not answer. */
  readonly handler: RequestListener;
  /** Answers the health probes before anything else runs; false lets `handler` have the request. */
  readonly probes?: (request: IncomingMessage, response: ServerResponse) => boolean;
  readonly limits: ConnectionLimits;
  /** Where refused connections are reported, a few lines at most however many there are. */
  readonly logger: Logger;
}

export interface HttpServer {
  readonly server: Server;
  /** True from the start of `drain()`: readiness answers 503. */
  readonly draining: boolean;
  /** Requests whose response has not closed yet. */
  readonly inFlight: number;
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, closes idle keep-alive ones, lets requests in flight finish
   * (each connection closes after its response), and after `timeoutMs` cuts what is left.
   * Resolves with the number of requests cut.
   */
  drain(timeoutMs: number): Promise<number>;
  /** Closes at once, cutting every connection (tests). */
  close(): Promise<void>;
}

/** Refusals are summed into one warning per window, so a flood of connections is one line. */
const REFUSAL_REPORT_MS = 10_000;

/**
 * The service's HTTP/1.1 server: slow clients are cut off (headers and whole-request deadlines,
 * answered 408 by Node), open connections are capped in total and per client address, and a
 * drain lets in-flight requests finish while no new connection is accepted.
 */
export function createHttpServer(options: HttpServerOptions): HttpServer {
  const { limits, logger } = options;
  const responses = new Set<ServerResponse>();
  let draining = false;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node checks both deadlines on this timer (30 s by default): a short deadline needs a
      // short period to mean anything.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4)),
      ),
    },
    (request, response) => {
      responses.add(response);
      response.once('close', () => responses.delete(response));
      if (draining) {
        response.setHeader('connection', 'close');
      }
      if (options.probes?.(request, response)) {
        return;
      }
      options.handler(request, response);
    },
  );
  // Node closes connections past this one before any JavaScript sees them, and says so in `drop`.
  server.maxConnections = limits.maxConnections;
  const refusals = refusalReporter(logger);
  server.on('drop', (data?: { remoteAddress?: string }) => {
    refusals.add('MAX_CONNECTIONS', data?.remoteAddress);
  });

  const perAddress = new Map<string, number>();
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const open = perAddress.get(address) ?? 0;
    if (open >= limits.maxConnectionsPerAddress) {
      refusals.add('MAX_CONNECTIONS_PER_ADDRESS', address);
      socket.destroy();
      return;
    }
    perAddress.set(address, open + 1);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) {
        perAddress.delete(address);
      } else {
        perAddress.set(address, left);
      }
    });
  });

  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  return {
    server,
    get draining() {
      return draining;
    },
    get inFlight() {
      return responses.size;
    },
    listen(port, host) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async drain(timeoutMs) {
      draining = true;
      for (const response of responses) {
        if (!response.headersSent) {
          response.setHeader('connection', 'close');
        }
      }
      server.close();
      server.closeIdleConnections();
      const deadline = Date.now() + timeoutMs;
      // A keep-alive connection whose response went out just before the drain began turns idle
      // only afterwards: look again until nothing is left or time is up.
      while (sockets.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        server.closeIdleConnections();
      }
      const cut = responses.size;
      server.closeAllConnections();
      for (const socket of sockets) {
        socket.destroy();
      }
      await closed;
      return cut;
    },
    async close() {
      draining = true;
      const wasListening = server.listening;
      server.close();
      server.closeAllConnections();
      for (const socket of sockets) {
        socket.destroy();
      }
      if (wasListening) {
        await closed;
      }
    },
  };
}

/** One warning line for the first refusal, then at most one per window with the count. */
function refusalReporter(logger: Logger) {
  let counted = 0;
  let reportedAt = Number.NEGATIVE_INFINITY;
  return {
    add(limit: string, address: string | undefined) {
      counted++;
      const now = Date.now();
      if (now - reportedAt < REFUSAL_REPORT_MS) {
        return;
      }
      logger.warn(
        { limit, address, refused: counted },
        `Connections refused: ${limit} reached (${counted} since the last report)`,
      );
      counted = 0;
      reportedAt = now;
    },
  };
}
