import { createServer } from 'node:http';
import { ConfigError, loadConfig } from '../config.js';
import { createRegistry } from '../providers/create-registry.js';
import { createApp } from '../yoga.js';
import { startEmulatorFleet } from './sandbox.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const sandbox =
    config.providers.length === 0 ? await startEmulatorFleet({ fixedPorts: false }) : null;
  const effective = sandbox ? { ...config, providers: sandbox.providers } : config;
  const { registry, close: closeRegistry } = createRegistry(effective);
  const app = createApp({ config: effective, registry });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
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
    );
  } else {
    lines.push(
      `Providers: ${registry
        .all()
        .map((provider) => `${provider.key} (${provider.kind})`)
        .join(', ')}`,
    );
  }
  console.log(lines.join('\n'));

  const shutdown = () => {
    server.close();
    server.closeAllConnections();
    void Promise.all([closeRegistry(), sandbox?.close()]).then(() => process.exit(0));
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
