import type { ProviderConfig } from '../config.js';
import type { RunningEmulator } from '../emulators/shared/emulator-host.js';
import { PROVIDER_MODULES } from '../providers/provider-modules.js';

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
  /**
   * The rate emulators that enforce one allow instead of the documented one, which their accounts
   * then pace themselves to; raised by benchmarks, which measure us, not the limit.
   */
  readonly rateLimitPerSecond?: number;
  /** Where the service takes provider webhooks, for emulators that send them. */
  readonly webhookUrl?: (accountKey: string) => string;
}

/** Starts every provider module's emulator on loopback and describes an account on each. */
export async function startEmulatorFleet(options: FleetOptions): Promise<EmulatorFleet> {
  const sandboxOptions = {
    fixedPort: options.fixedPorts,
    host: options.host ?? '127.0.0.1',
    rateLimitPerSecond: options.rateLimitPerSecond,
    webhookUrl: options.webhookUrl,
  };
  const sandboxes = await Promise.all(
    PROVIDER_MODULES.map((module) => module.startSandbox(sandboxOptions)),
  );
  const running = sandboxes.map((sandbox) => sandbox.running);
  return {
    running,
    providers: sandboxes.map((sandbox): ProviderConfig => sandbox.account),
    close: async () => {
      await Promise.all(running.map((emulator) => emulator.close()));
    },
  };
}
