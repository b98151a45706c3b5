import type { ProviderConfig } from '../config.js';
import { createHmsEmulator, HMS_EMULATOR_CREDENTIALS } from '../emulators/hms/hms-emulator.js';
import {
  createNetlessEmulator,
  NETLESS_EMULATOR_ACCESS_KEY,
  NETLESS_EMULATOR_SECRET_KEY,
} from '../emulators/netless/netless-emulator.js';
import { type RunningEmulator, startEmulator } from '../emulators/shared/emulator-host.js';
import { EMULATOR_PORTS } from '../emulators/shared/ports.js';
import { createSignalWireEmulator } from '../emulators/signalwire/signalwire-emulator.js';
import {
  createVideskEmulator,
  VIDESK_EMULATOR_API_TOKEN,
} from '../emulators/videsk/videsk-emulator.js';

/**
 * Credentials the emulators accept. Not secrets: they only open the local emulators, and the
 * README prints them so `npm run emulators` can be used like a real account.
 */
export const EMULATOR_CREDENTIALS = {
  signalwire: {
    projectId: '8f0a5c4e-2b7d-4e21-9d3a-6c1b0e7f4a92',
    apiToken: 'PTemulator-signalwire-token',
  },
  netless: { accessKey: NETLESS_EMULATOR_ACCESS_KEY, secretKey: NETLESS_EMULATOR_SECRET_KEY },
  hms: {
    appAccessKey: HMS_EMULATOR_CREDENTIALS.accessKey,
    appSecret: HMS_EMULATOR_CREDENTIALS.secret,
  },
  videsk: { apiToken: VIDESK_EMULATOR_API_TOKEN },
} as const;

export interface EmulatorFleet {
  readonly running: readonly RunningEmulator[];
  /** Provider accounts pointing at the emulators, as a config file would list them. */
  readonly providers: ProviderConfig[];
  close(): Promise<void>;
}

export interface FleetOptions {
  /** The documented ports for `npm run emulators`; port 0 for the sandbox and tests. */
  readonly fixedPorts: boolean;
  readonly host?: string;
  /** Videsk's documented 20 requests/s; raised by benchmarks, which measure us, not the limit. */
  readonly videskRateLimitPerSecond?: number;
}

/** Starts one emulator per provider kind on loopback and describes an account on each. */
export async function startEmulatorFleet(options: FleetOptions): Promise<EmulatorFleet> {
  const host = options.host ?? '127.0.0.1';
  const start = (emulator: Parameters<typeof startEmulator>[0], id: keyof typeof EMULATOR_PORTS) =>
    startEmulator(emulator, { port: options.fixedPorts ? EMULATOR_PORTS[id] : 0, host });
  const [signalwire, netless, hms, videsk] = await Promise.all([
    start(createSignalWireEmulator(EMULATOR_CREDENTIALS.signalwire), 'signalwire'),
    start(createNetlessEmulator(), 'netless'),
    start(createHmsEmulator(), 'hms'),
    start(createVideskEmulator({ rateLimitPerSecond: options.videskRateLimitPerSecond }), 'videsk'),
  ]);
  const running = [signalwire, netless, hms, videsk];
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
      {
        kind: 'netless',
        key: 'netless',
        displayName: 'Agora whiteboard (emulated)',
        baseUrl: `${netless.url}/v5`,
        region: 'us-sv',
        ...EMULATOR_CREDENTIALS.netless,
      },
      {
        kind: 'hms',
        key: 'hms',
        displayName: '100ms (emulated)',
        baseUrl: `${hms.url}/v2`,
        ...EMULATOR_CREDENTIALS.hms,
      },
      {
        kind: 'videsk',
        key: 'videsk',
        displayName: 'Videsk (emulated)',
        baseUrl: videsk.url,
        ...EMULATOR_CREDENTIALS.videsk,
      },
    ],
    close: async () => {
      await Promise.all(running.map((emulator) => emulator.close()));
    },
  };
}
