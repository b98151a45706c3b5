import { startEmulator } from '../shared/emulator-host.js';
import type { SandboxOptions } from '../shared/sandbox-options.js';
import { createSignalWireEmulator } from './signalwire-emulator.js';

/** The port of `npm run emulators`. */
const PORT = 4101;

/**
 * Credentials the emulator accepts. Not secrets: they only open the local emulator, and the
 * README prints them so `npm run emulators` can be used like a real account.
 */
export const SIGNALWIRE_SANDBOX_CREDENTIALS = {
  projectId: '8f0a5c4e-2b7d-4e21-9d3a-6c1b0e7f4a92',
  apiToken: 'PTemulator-signalwire-token',
} as const;

/** Starts the SignalWire emulator, and describes the account that points at it. */
export async function startSignalWireSandbox(options: SandboxOptions) {
  const running = await startEmulator(createSignalWireEmulator(SIGNALWIRE_SANDBOX_CREDENTIALS), {
    port: options.fixedPort ? PORT : 0,
    host: options.host,
  });
  return {
    running,
    account: {
      displayName: 'SignalWire (emulated)',
      baseUrl: `${running.url}/api/video`,
      ...SIGNALWIRE_SANDBOX_CREDENTIALS,
    },
  };
}
