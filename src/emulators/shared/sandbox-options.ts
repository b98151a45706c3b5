/** How the sandbox (`npm start` without accounts, `npm run emulators`, tests) starts an emulator. */
export interface SandboxOptions {
  /** The emulator's documented port (`npm run emulators`); port 0 otherwise. */
  readonly fixedPort: boolean;
  readonly host: string;
  /**
   * Requests per second an emulator that enforces a rate allows instead of the documented one;
   * benchmarks raise it, to measure the service rather than the limit.
   */
  readonly rateLimitPerSecond?: number;
  /**
   * Where the service that uses the sandbox takes provider webhooks (`POST /webhooks/{key}`),
   * for emulators of providers that send them; absent, they send none.
   */
  readonly webhookUrl?: (accountKey: string) => string;
}
