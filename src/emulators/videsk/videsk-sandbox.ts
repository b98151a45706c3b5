import { startEmulator } from '../shared/emulator-host.js';
import type { SandboxOptions } from '../shared/sandbox-options.js';
import { createVideskEmulator, VIDESK_EMULATOR_API_TOKEN } from './videsk-emulator.js';

/** The port of `npm run emulators`. */
const PORT = 4104;

/**
 * Starts the Videsk emulator, and describes the account on it. A raised rate (benchmarks) is the
 * account's rate too, so the service paces itself to what the emulator enforces.
 */
export async function startVideskSandbox(options: SandboxOptions) {
  const perSecond = options.rateLimitPerSecond;
  const running = await startEmulator(createVideskEmulator({ rateLimitPerSecond: perSecond }), {
    port: options.fixedPort ? PORT : 0,
    host: options.host,
  });
  return {
    running,
    account: {
      displayName: 'Videsk (emulated)',
      baseUrl: running.url,
      apiToken: VIDESK_EMULATOR_API_TOKEN,
      ...(perSecond === undefined ? {} : { rateLimit: { requestsPerSecond: perSecond } }),
    },
  };
}
