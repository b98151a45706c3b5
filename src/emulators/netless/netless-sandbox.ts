import { startEmulator } from '../shared/emulator-host.js';
import type { SandboxOptions } from '../shared/sandbox-options.js';
import {
  createNetlessEmulator,
  NETLESS_EMULATOR_ACCESS_KEY,
  NETLESS_EMULATOR_SECRET_KEY,
} from './netless-emulator.js';

/** The port of `npm run emulators`. */
const PORT = 4102;

/** Starts the Netless emulator, and describes the account (its sandbox key pair) on it. */
export async function startNetlessSandbox(options: SandboxOptions) {
  const running = await startEmulator(createNetlessEmulator(), {
    port: options.fixedPort ? PORT : 0,
    host: options.host,
  });
  return {
    running,
    account: {
      displayName: 'Agora whiteboard (emulated)',
      baseUrl: `${running.url}/v5`,
      region: 'us-sv' as const,
      accessKey: NETLESS_EMULATOR_ACCESS_KEY,
      secretKey: NETLESS_EMULATOR_SECRET_KEY,
    },
  };
}
