import { createServer } from 'node:http';
import { ConfigError, configSecrets, loadConfig } from '../config.js';
import { SecretRedactor } from '../http/secret-redactor.js';
import { createLogger, errorDetail } from '../observability/logger.js';
import { createTelemetry } from '../observability/telemetry.js';
import { createRegistry } from '../providers/create-registry.js';
import { startupRefusal } from '../server/client-auth.js';
import { createStores } from '../store/create-stores.js';
import { createApp } from '../yoga.js';
import { startEmulatorFleet } from './sandbox.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const refusal = startupRefusal(config, config.providers.length === 0);
  if (refusal) {
    throw new ConfigError(refusal);
  }
  const sandbox =
    config.providers.length === 0 ? await startEmulatorFleet({ fixedPorts: false }) : null;
  const effective = sandbox ? { ...config, providers: sandbox.providers } : config;
  // One redactor for the process: what it knows (the configured secrets, and what adapters
  // derive from them) is scrubbed from errors, log lines, spans and metrics alike.
  const redactor = new SecretRedactor(configSecrets(effective));
  // JSON lines on stdout, one logger for the whole process.
  const logger = createLogger({ level: config.logLevel, redactor });
  const telemetry = createTelemetry({ config: effective, logger, redactor });
  const { registry, close: closeRegistry } = createRegistry(effective, {
    observer: telemetry.upstream,
    redactor,
  });
  // Idempotency keys and rate-limit counts: in Redis with REDIS_URL (refuses to start without it).
  const stores = createStores(effective, {
    logError: (message, error) => logger.error({ error: errorDetail(error) }, message),
    logInfo: (message) => logger.info(message),
  });
  await stores.ready();
  // The sandbox talks only to emulators on loopback, so it runs open; real accounts never do.
  const app = createApp({
    config: effective,
    registry,
    logger,
    telemetry,
    open: sandbox !== null,
    idempotencyStore: stores.idempotency,
    rateLimitStore: stores.rateLimit,
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
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
      `Providers: ${registry
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

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([
      closeRegistry(),
      sandbox?.close(),
      stores.close(),
      // Spans still buffered for OTLP are sent before exiting.
      telemetry.shutdown(),
    ]).then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error(`Failed to start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
});
