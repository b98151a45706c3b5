import type { ProviderConfig } from '../config.js';
import { startEmulatorFleet } from './sandbox.js';

/** The environment that points `npm start` at one emulated account, as at a real provider. */
function envFor(provider: ProviderConfig): string {
  switch (provider.kind) {
    case 'signalwire':
      return `SIGNALWIRE_SPACE_URL=${provider.baseUrl} SIGNALWIRE_PROJECT_ID=${provider.projectId} SIGNALWIRE_API_TOKEN=${provider.apiToken}`;
    case 'netless':
      return `NETLESS_BASE_URL=${provider.baseUrl} NETLESS_REGION=${provider.region ?? 'us-sv'} NETLESS_ACCESS_KEY=${provider.accessKey ?? ''} NETLESS_SECRET_KEY=${provider.secretKey ?? ''}`;
    case 'hms':
      return `HMS_BASE_URL=${provider.baseUrl} HMS_APP_ACCESS_KEY=${provider.appAccessKey} HMS_APP_SECRET=${provider.appSecret}`;
    case 'videsk':
      return `VIDESK_BASE_URL=${provider.baseUrl} VIDESK_API_TOKEN=${provider.apiToken}`;
  }
}

/**
 * `--host <address>`: where to listen, loopback by default. A container needs `0.0.0.0` for
 * the service in another container to reach it (compose.yaml).
 */
function hostArgument(args: readonly string[]): string {
  const index = args.indexOf('--host');
  return index >= 0 ? (args[index + 1] ?? '127.0.0.1') : '127.0.0.1';
}

/** Runs every emulator on its fixed port until interrupted. */
async function main(): Promise<void> {
  const host = hostArgument(process.argv.slice(2));
  const fleet = await startEmulatorFleet({ fixedPorts: true, host });
  console.log(
    host === '127.0.0.1'
      ? 'Provider emulators running on loopback:'
      : `Provider emulators listening on ${host}: anyone who can reach this machine can use them:`,
  );
  for (const provider of fleet.providers) {
    console.log(`  ${provider.kind.padEnd(10)} ${provider.baseUrl}`);
  }
  console.log(
    '\nPoint the service at them as at real providers (these credentials open only the emulators):\n',
  );
  console.log(`  ${fleet.providers.map(envFor).join(' \\\n  ')} \\\n  npm start`);
  console.log(
    '\nAdmin on each emulator: GET/DELETE /__emulator/requests, POST/DELETE /__emulator/faults, POST /__emulator/reset',
  );
  const stop = () => void fleet.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(
    `Failed to start the emulators: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
