import { EMULATOR_CREDENTIALS, startEmulatorFleet } from './sandbox.js';

/** Runs every emulator on its fixed loopback port until interrupted. */
async function main(): Promise<void> {
  const fleet = await startEmulatorFleet({ fixedPorts: true });
  console.log('Provider emulators running on loopback. Point the service at them with, e.g.:');
  for (const provider of fleet.providers) {
    console.log(`  ${provider.kind}: ${provider.baseUrl}`);
  }
  const signalwire = fleet.providers.find((provider) => provider.kind === 'signalwire');
  if (signalwire) {
    console.log(
      `\n  SIGNALWIRE_SPACE_URL=${signalwire.baseUrl} SIGNALWIRE_PROJECT_ID=${EMULATOR_CREDENTIALS.signalwire.projectId} SIGNALWIRE_API_TOKEN=${EMULATOR_CREDENTIALS.signalwire.apiToken} npm start`,
    );
  }
  console.log(
    '\nAdmin: GET/DELETE <emulator>/__emulator/requests, POST/DELETE <emulator>/__emulator/faults, POST <emulator>/__emulator/reset',
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
