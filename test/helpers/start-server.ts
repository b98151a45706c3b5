import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { print } from 'graphql';
import { type EmulatorFleet, startEmulatorFleet } from '../../src/bin/sandbox.js';
import { type Config, configSchema, configSecrets, type ProviderConfig } from '../../src/config.js';
import type { EventLog } from '../../src/events/event-log.js';
import type { Poller } from '../../src/events/poller.js';
import { WebhookSender } from '../../src/events/webhook-sender.js';
import { MemoryReadCache } from '../../src/http/read-cache.js';
import { SecretRedactor } from '../../src/http/secret-redactor.js';
import { type Logger, silentLogger } from '../../src/observability/logger.js';
import { createTelemetry } from '../../src/observability/telemetry.js';
import { createRegistry } from '../../src/providers/create-registry.js';
import { serveGraphqlOverWebSocket } from '../../src/server/graphql-ws.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { LiveRegistry } from '../../src/server/live-registry.js';
import { probeListener } from '../../src/server/probes.js';
import { createAppParts } from '../../src/yoga.js';

export interface TestServer {
  /** `http://127.0.0.1:<port>/graphql` */
  readonly url: string;
  /** `http://127.0.0.1:<port>`, for the probes and raw sockets. */
  readonly origin: string;
  readonly port: number;
  readonly fleet: EmulatorFleet;
  /** The registry requests use, replaceable as a configuration reload does. */
  readonly live: LiveRegistry;
  /** Reads watched accounts for changes; `pollOnce` runs a round now. */
  readonly poller: Poller;
  /** Sends a typed operation as HTTP POST and returns the whole response body. */
  execute<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables?: Variables,
    headers?: Record<string, string>,
  ): Promise<{
    data?: Result | null;
    errors?: {
      message: string;
      path?: (string | number)[];
      extensions?: Record<string, unknown>;
    }[];
  }>;
  /** Sends a raw body, for malformed requests. */
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  /** The emulator of a provider kind, for its request log and faults. */
  emulator(kind: string): EmulatorFleet['running'][number]['emulator'];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Settings over the defaults (timeouts, retries, page size). */
  readonly config?: Partial<Omit<Config, 'providers'>>;
  /** Changes the accounts pointing at the emulators (bad credentials, a second account). */
  readonly providers?: (emulated: ProviderConfig[]) => ProviderConfig[];
  /**
   * Runs open as the sandbox does (requests without credentials get every scope, any origin).
   * Default true, so tests that are not about client auth need no credentials. Give client
   * keys or JWT settings in `config` and `open: false` to test authentication.
   */
  readonly open?: boolean;
  /** Where the app logs; nothing is written anywhere when absent. */
  readonly logger?: Logger;
  /** The room event log; in memory when absent. */
  readonly eventLog?: EventLog;
  /** Waits between webhook attempts; short in tests. */
  readonly webhookRetryScheduleMs?: readonly number[];
  /**
   * Where spans go (with `tracing` set in `config`); tests pass an in-memory exporter and read
   * it before `close()`, which shuts it down and so empties it.
   */
  readonly spanExporter?: SpanExporter;
  /**
   * The redactor the app, its adapters and telemetry share, as `src/bin/server.ts` builds one;
   * it learns the configuration's secrets here. Give the same one to `logger`, to see what the
   * service's log lines would be. A new one when absent.
   */
  readonly redactor?: SecretRedactor;
}

/**
 * The app on port 0, served by the service's own HTTP server (`src/server/http-server.ts`) and
 * pointed over real undici pools at every emulator on port 0. Closing destroys open sockets, so
 * a test file never waits on keep-alive.
 */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const fleet = await startEmulatorFleet({ fixedPorts: false });
  const providers = options.providers ? options.providers(fleet.providers) : fleet.providers;
  // No rate limit to speak of unless a test sets one: suites send many requests from one address.
  const config = configSchema.parse({
    upstreamRetries: 0,
    rateLimitRequests: 1_000_000,
    ...options.config,
    providers,
  });
  // A silent logger rather than none, so the logging code paths run in every test.
  const logger = options.logger ?? silentLogger();
  const redactor = options.redactor ?? new SecretRedactor();
  redactor.keep(...configSecrets(config));
  const telemetry = createTelemetry({
    config,
    logger,
    spanExporter: options.spanExporter,
    redactor,
  });
  const readCache = new MemoryReadCache();
  const live = new LiveRegistry(
    config,
    createRegistry(config, { observer: telemetry.upstream, redactor, readCache }),
  );
  const parts = createAppParts({
    config,
    registry: live,
    logger,
    telemetry,
    open: options.open ?? true,
    eventLog: options.eventLog,
    readCache,
  });
  const app = parts.yoga;
  const http = createHttpServer({
    handler: live.serve(app),
    probes: probeListener({ draining: () => http.draining }),
    limits: config,
    logger,
  });
  const webSocket = serveGraphqlOverWebSocket(http.server, parts);
  const sender = new WebhookSender({
    targets: config.webhookTargets,
    log: parts.events.log,
    store: parts.deliveries,
    logError: () => {},
    retryScheduleMs: options.webhookRetryScheduleMs,
  });
  sender.start();
  parts.poller.start();
  const { port } = await http.listen(0, '127.0.0.1');
  const origin = `http://127.0.0.1:${port}`;
  const url = `${origin}/graphql`;

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body,
    });

  return {
    url,
    origin,
    port,
    fleet,
    live,
    post,
    poller: parts.poller,
    async execute(document, variables, headers) {
      const response = await post(JSON.stringify({ query: print(document), variables }), headers);
      return response.json();
    },
    emulator(kind) {
      const running = fleet.running.find((candidate) => candidate.emulator.name === kind);
      if (!running) {
        throw new Error(`no emulator for ${kind}`);
      }
      return running.emulator;
    },
    async close() {
      parts.poller.stop();
      await sender.stop();
      await webSocket.close();
      await http.close();
      await live.close();
      await fleet.close();
      await telemetry.shutdown();
    },
  };
}
