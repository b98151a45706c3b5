import { startEmulator } from '../shared/emulator-host.js';
import type { SandboxOptions } from '../shared/sandbox-options.js';
import { createHmsEmulator, HMS_EMULATOR_CREDENTIALS } from './hms-emulator.js';

/** The port of `npm run emulators`. */
const PORT = 4103;

/** Starts the 100ms emulator, and describes the account (its dev app) on it. */
export async function startHmsSandbox(options: SandboxOptions) {
  const running = await startEmulator(createHmsEmulator(), {
    port: options.fixedPort ? PORT : 0,
    host: options.host,
  });
  return {
    running,
    account: {
      displayName: '100ms (emulated)',
      baseUrl: `${running.url}/v2`,
      appAccessKey: HMS_EMULATOR_CREDENTIALS.accessKey,
      appSecret: HMS_EMULATOR_CREDENTIALS.secret,
    },
  };
}
