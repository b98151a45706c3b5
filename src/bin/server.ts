import { type Config, ConfigError, configFilePath, loadConfig } from '../config.js';
import { createLogger, errorDetail } from '../observability/logger.js';
import { budgetOf } from '../observability/scope.js';
import { createTelemetry } from '../observability/telemetry.js';
import { createRegistry } from '../providers/create-registry.js';
import { startupRefusal } from '../server/client-auth.js';
import { createConfigReloader } from '../server/config-reload.js';
import { createHttpServer } from '../server/http-server.js';
import { LiveRegistry } from '../server/live-registry.js';
import { probeListener } from '../server/probes.js';
import { createShutdown } from '../server/shutdown.js';
import { createStores } from '../store/create-stores.js';
import { createApp } from '../yoga.js';
import { startEmulatorFleet } from './sandbox.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const refusal = startupRefusal(config, config.providers.length === 0);
  if (refusal) {
    throw new ConfigError(`Refusing to start: ${refusal}`);
  }
  const sandbox =
    config.providers.length === 0 ? await startEmulatorFleet({ fixedPorts: false }) : null;
  const effective = sandbox ? { ...config, providers: sandbox.providers } : config;
  // JSON lines on stdout, one logger for the whole process.
  const logger = createLogger({ level: config.logLevel });
  const telemetry = createTelemetry({ config: effective, logger });
  const registryFor = (settings: Config) =>
    createRegistry(settings, { observer: telemetry.upstream, budget: budgetOf });
  const live = new LiveRegistry(effective, registryFor(effective));
  // Idempotency keys and rate-limit counts: in Redis with REDIS_URL (refuses to start without it).
  const stores = createStores(effective, {
    logError: (message, error) => logger.error({ error: errorDetail(error) }, message),
    logInfo: (message) => logger.info(message),
  });
  await stores.ready();
  // The sandbox talks only to emulators on loopback, so it runs open; real accounts never do.
  const app = createApp({
    config: effective,
    registry: live,
    logger,
    telemetry,
    open: sandbox !== null,
    idempotencyStore: stores.idempotency,
    rateLimitStore: stores.rateLimit,
  });
  // Slow clients are cut off and connections capped (HEADERS_TIMEOUT_MS, MAX_CONNECTIONS, ...).
  const http = createHttpServer({
    handler: live.serve(app),
    probes: probeListener({
      draining: () => http.draining,
      redisUp: stores.redis ? () => stores.ping() : undefined,
    }),
    limits: config,
    logger,
  });
  const { port } = await http.listen(config.port, config.host);
  const everyInterface = config.host === '0.0.0.0' || config.host === '::';
  const shownHost = everyInterface ? 'localhost' : config.host;
  const reach = everyInterface ? `this machine on port ${port}` : `${config.host}:${port}`;
  // Each banner line is its own record, so the log stays one JSON object per line. Open access
  // is a warning, where an operator's alerting looks; "listening" comes last, once all is said.
  if (sandbox) {
    logger.info(
      'SANDBOX MODE: no provider credentials are configured, so emulated providers run in-process on loopback:',
    );
    for (const provider of sandbox.providers) {
      logger.info(`  ${provider.key} (${provider.kind}) -> ${provider.baseUrl}`);
    }
    logger.info(
      'Nothing here reaches a real provider. Configure providers (see README) to leave sandbox mode.',
    );
    logger.warn(
      `OPEN ACCESS: no client credentials are needed and any browser origin may call, so anyone who can reach ${reach} can use this API.`,
    );
  } else {
    logger.info(
      `Providers: ${live.registry
        .all()
        .map((provider) => `${provider.key} (${provider.kind})`)
        .join(', ')}`,
    );
    if (config.allowAnonymous) {
      logger.warn(
        'ALLOW_ANONYMOUS is on: requests without credentials get every scope, so anyone who can reach this service can use these accounts.',
      );
    }
  }
  logger.info(`State (idempotency keys, rate-limit counts): ${stores.description}`);
  logger.info(
    `Metrics: ${config.metrics ? `http://${shownHost}:${port}/metrics` : 'off (METRICS=false)'}; tracing: ${config.tracing}`,
  );
  logger.info(
    `Video rooms GraphQL listening on http://${shownHost}:${port}/graphql (GraphiQL in a browser)`,
  );

  const reloader = createConfigReloader({
    live,
    load: () => loadConfig(),
    createRegistry: registryFor,
    sandboxProviders: sandbox?.providers,
    configFile: configFilePath(),
    logger,
  });
  const stopWatching = reloader.watch();
  process.on('SIGHUP', () => reloader.reload('SIGHUP'));

  const shutdown = createShutdown({
    http,
    drainTimeoutMs: config.drainTimeoutMs,
    logger,
    release: [
      { name: 'the upstream pools', close: () => live.close() },
      { name: 'Redis', close: () => stores.close() },
      { name: 'the sandbox emulators', close: async () => sandbox?.close() },
      // Spans still buffered for OTLP are sent before exiting.
      { name: 'telemetry', close: () => telemetry.shutdown() },
    ],
    exit: (code) => process.exit(code),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      stopWatching();
      void shutdown.begin(signal);
    });
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
