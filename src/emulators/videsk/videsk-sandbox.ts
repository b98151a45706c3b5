import { startEmulator } from '../shared/emulator-host.js';
import type { SandboxOptions } from '../shared/sandbox-options.js';
import { createVideskEmulator, VIDESK_EMULATOR_API_TOKEN } from './videsk-emulator.js';

/** The port of `npm run emulators`. */
const PORT = 4104;

/** Starts the Videsk emulator, and describes the account on it. */
export async function startVideskSandbox(options: SandboxOptions) {
  const running = await startEmulator(
    createVideskEmulator({ rateLimitPerSecond: options.rateLimitPerSecond }),
    {
      port: options.fixedPort ? PORT : 0,
      host: options.host,
    },
  );
  return {
    running,
    account: {
      displayName: 'Videsk (emulated)',
      baseUrl: running.url,
      apiToken: VIDESK_EMULATOR_API_TOKEN,
    },
  };
}
