import { type Config, ConfigError, configFilePath, configSecrets, loadConfig } from '../config.js';
import { RedisPollCoordination } from '../events/poller.js';
import { RedisEventLog } from '../events/redis-event-log.js';
import { RedisDeliveryStore } from '../events/webhook-deliveries.js';
import { WebhookSender } from '../events/webhook-sender.js';
import { MemoryReadCache } from '../http/read-cache.js';
import { SecretRedactor } from '../http/secret-redactor.js';
import { createLogger, errorDetail } from '../observability/logger.js';
import { createTelemetry } from '../observability/telemetry.js';
import { createRegistry } from '../providers/create-registry.js';
import { startupRefusal } from '../server/client-auth.js';
import { createConfigReloader } from '../server/config-reload.js';
import { serveGraphqlOverWebSocket } from '../server/graphql-ws.js';
import { createHttpServer } from '../server/http-server.js';
import { LiveRegistry } from '../server/live-registry.js';
import { probeListener } from '../server/probes.js';
import { createShutdown } from '../server/shutdown.js';
import { logBanner } from '../server/startup-banner.js';
import { createStores } from '../store/create-stores.js';
import { RedisReadCache } from '../store/redis-read-cache.js';
import { createAppParts } from '../yoga.js';
import { startEmulatorFleet } from './sandbox.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const refusal = startupRefusal(config, config.providers.length === 0);
  if (refusal) {
    throw new ConfigError(`Refusing to start: ${refusal}`);
  }
  const sandbox =
    config.providers.length === 0
      ? await startEmulatorFleet({
          fixedPorts: false,
          // The emulators reach this service on loopback, whatever address it listens on.
          webhookUrl: (key) =>
            `http://127.0.0.1:${config.port}/webhooks/${encodeURIComponent(key)}`,
        })
      : null;
  const effective = sandbox ? { ...config, providers: sandbox.providers } : config;
  // One redactor for the process: what it knows (the configured secrets, and what adapters
  // derive from them) is scrubbed from errors, log lines, spans and metrics alike.
  const redactor = new SecretRedactor(configSecrets(effective));
  // People at a terminal read lines; anything else (a container, a log shipper) gets JSON.
  const forPeople = process.stdout.isTTY === true;
  const logger = createLogger({ level: config.logLevel, pretty: forPeople, redactor });
  const telemetry = createTelemetry({ config: effective, logger, redactor });
  // Idempotency keys, rate-limit counts, events and the read cache: in Redis with REDIS_URL
  // (which must answer before the service starts).
  const stores = createStores(effective, {
    logError: (message, error) => logger.error({ error: errorDetail(error) }, message),
    logInfo: (message) => logger.info(message),
  });
  await stores.ready();
  // Room reads kept for CACHE_TTL_MS: in Redis with REDIS_URL, so instances share them.
  const readCache = stores.redis ? new RedisReadCache(stores.redis) : new MemoryReadCache();
  const registryFor = (settings: Config) => {
    // A reloaded configuration's secrets (a rotated credential) are scrubbed from then on too.
    redactor.keep(...configSecrets(settings));
    return createRegistry(settings, { observer: telemetry.upstream, redactor, readCache });
  };
  const live = new LiveRegistry(effective, registryFor(effective));
  // The sandbox talks only to emulators on loopback, so it runs open; real accounts never do.
  const parts = createAppParts({
    config: effective,
    registry: live,
    logger,
    telemetry,
    open: sandbox !== null,
    idempotencyStore: stores.idempotency,
    rateLimitStore: stores.rateLimit,
    // With REDIS_URL, every instance writes to and tails one stream: any instance can serve any
    // subscriber and resume any cursor.
    eventLog: stores.redis
      ? new RedisEventLog(stores.redis, effective.eventRetentionSeconds * 1000)
      : undefined,
    deliveryStore: stores.redis
      ? new RedisDeliveryStore(stores.redis, effective.eventRetentionSeconds * 1000)
      : undefined,
    pollCoordination: stores.redis ? new RedisPollCoordination(stores.redis) : undefined,
    readCache,
  });
  const app = parts.yoga;
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
  // Subscriptions over WebSocket share the endpoint; over SSE they need nothing more.
  const webSocket = serveGraphqlOverWebSocket(http.server, parts);
  const { port } = await http.listen(config.port, config.host);

  const everyInterface = config.host === '0.0.0.0' || config.host === '::';
  logBanner(
    {
      origin: `http://${everyInterface ? 'localhost' : config.host}:${port}`,
      reach: everyInterface ? `this machine on port ${port}` : `${config.host}:${port}`,
      sandbox: sandbox?.providers ?? null,
      accounts: live.registry.all().map((provider) => `${provider.key} (${provider.kind})`),
      allowAnonymous: config.allowAnonymous,
      state: stores.description,
      metrics: config.metrics,
      tracing: config.tracing,
    },
    logger,
    forPeople ? (text) => process.stdout.write(text) : undefined,
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
  // Signed room events to the configured webhook targets (WEBHOOK_TARGETS), from the shared log.
  const sender = new WebhookSender({
    targets: effective.webhookTargets,
    log: parts.events.log,
    store: parts.deliveries,
    logError: (message, error) => logger.error({ error: errorDetail(error) }, message),
  });
  sender.start();
  shutdown.onDrain(() => sender.stop());
  // Accounts with subscribers are read for changes no webhook reports (POLL_INTERVAL_MS).
  parts.poller.start();
  shutdown.onDrain(() => parts.poller.stop());
  // Open subscriptions end with "service restart", so their clients resume elsewhere.
  shutdown.onDrain(() => parts.events.closeSubscriptions());
  shutdown.onDrain(() => webSocket.close());
  shutdown.onDrain(() => parts.events.log.close());
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
