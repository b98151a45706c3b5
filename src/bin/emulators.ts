import type { ProviderConfig } from '../config.js';
import { providerModule } from '../providers/provider-modules.js';
import { startEmulatorFleet } from './sandbox.js';

/** The environment that points `npm start` at one emulated account, as at a real provider. */
function envFor(provider: ProviderConfig): string {
  const variables = providerModule(provider.kind)?.account.env.variables ?? {};
  const values: Readonly<Record<string, unknown>> = provider;
  return Object.entries(variables)
    .flatMap(([field, variable]) =>
      variable === undefined || values[field] === undefined ? [] : [`${variable}=${values[field]}`],
    )
    .join(' ');
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
