import { createServer } from 'node:http';
import { ConfigError, loadConfig } from '../config.js';
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
  const { registry, close: closeRegistry } = createRegistry(effective);
  // Idempotency keys and rate-limit counts: in Redis with REDIS_URL (refuses to start without it).
  const stores = createStores(effective);
  await stores.ready();
  // The sandbox talks only to emulators on loopback, so it runs open; real accounts never do.
  const app = createApp({
    config: effective,
    registry,
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
  const lines = [
    `Video rooms GraphQL listening on http://${shownHost}:${port}/graphql (GraphiQL in a browser)`,
  ];
  if (sandbox) {
    lines.push(
      'SANDBOX MODE: no provider credentials are configured, so emulated providers run in-process on loopback:',
      ...sandbox.providers.map(
        (provider) => `  ${provider.key} (${provider.kind}) -> ${provider.baseUrl}`,
      ),
      'Nothing here reaches a real provider. Configure providers (see README) to leave sandbox mode.',
      `OPEN ACCESS: no client credentials are needed and any browser origin may call, so anyone who can reach ${reach} can use this API.`,
    );
  } else {
    lines.push(
      `Providers: ${registry
        .all()
        .map((provider) => `${provider.key} (${provider.kind})`)
        .join(', ')}`,
    );
    if (config.allowAnonymous) {
      lines.push(
        'ALLOW_ANONYMOUS is on: requests without credentials get every scope, so anyone who can reach this service can use these accounts.',
      );
    }
  }
  lines.push(`State (idempotency keys, rate-limit counts): ${stores.description}`);
  console.log(lines.join('\n'));

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([closeRegistry(), sandbox?.close(), stores.close()]).then(() =>
      process.exit(0),
    );
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
