import type { ProviderConfig } from '../config.js';
import { type RunningEmulator, startEmulator } from '../emulators/shared/emulator-host.js';
import { EMULATOR_PORTS } from '../emulators/shared/ports.js';
import { createSignalWireEmulator } from '../emulators/signalwire/signalwire-emulator.js';

/**
 * Credentials the emulators accept. Not secrets: they only open the local emulators, and the
 * README prints them so `npm run emulators` can be used like a real account.
 */
export const EMULATOR_CREDENTIALS = {
  signalwire: {
    projectId: '8f0a5c4e-2b7d-4e21-9d3a-6c1b0e7f4a92',
    apiToken: 'PTemulator-signalwire-token',
  },
} as const;

export interface EmulatorFleet {
  readonly running: readonly RunningEmulator[];
  /** Provider accounts pointing at the emulators, as a config file would list them. */
  readonly providers: ProviderConfig[];
  close(): Promise<void>;
}

/**
 * Starts one emulator per provider kind on loopback: on port 0 for the sandbox and tests, on the
 * documented fixed ports for `npm run emulators`.
 */
export async function startEmulatorFleet(options: {
  fixedPorts: boolean;
  host?: string;
}): Promise<EmulatorFleet> {
  const port = (id: keyof typeof EMULATOR_PORTS) => (options.fixedPorts ? EMULATOR_PORTS[id] : 0);
  const host = options.host ?? '127.0.0.1';
  const signalwire = await startEmulator(
    createSignalWireEmulator(EMULATOR_CREDENTIALS.signalwire),
    {
      port: port('signalwire'),
      host,
    },
  );
  const running = [signalwire];
  return {
    running,
    providers: [
      {
        kind: 'signalwire',
        key: 'signalwire',
        displayName: 'SignalWire (emulated)',
        baseUrl: `${signalwire.url}/api/video`,
        ...EMULATOR_CREDENTIALS.signalwire,
      },
    ],
    close: async () => {
      await Promise.all(running.map((emulator) => emulator.close()));
    },
  };
}
