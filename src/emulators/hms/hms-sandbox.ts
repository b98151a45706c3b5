import { randomBytes } from 'node:crypto';
import { startEmulator } from '../shared/emulator-host.js';
import type { SandboxOptions } from '../shared/sandbox-options.js';
import { createHmsEmulator, HMS_EMULATOR_CREDENTIALS } from './hms-emulator.js';

/** The port of `npm run emulators`. */
const PORT = 4103;

/** The header 100ms lets a workspace add to its webhooks (hms-room-life.md §4); any name works. */
const WEBHOOK_HEADER = 'x-sandbox-webhook-secret';

/**
 * Starts the 100ms emulator, and describes the account (its dev app) on it. Given where the
 * service takes webhooks, the emulator sends its webhooks there with a secret made for this run,
 * and the account expects it, so the sandbox's 100ms events arrive as WEBHOOK, not only by polling.
 */
export async function startHmsSandbox(options: SandboxOptions, accountKey: string) {
  const secret = options.webhookUrl ? randomBytes(24).toString('base64url') : undefined;
  const running = await startEmulator(
    createHmsEmulator({
      webhookTarget:
        options.webhookUrl && secret
          ? { url: options.webhookUrl(accountKey), headers: { [WEBHOOK_HEADER]: secret } }
          : undefined,
    }),
    { port: options.fixedPort ? PORT : 0, host: options.host },
  );
  return {
    running,
    account: {
      displayName: '100ms (emulated)',
      baseUrl: `${running.url}/v2`,
      appAccessKey: HMS_EMULATOR_CREDENTIALS.accessKey,
      appSecret: HMS_EMULATOR_CREDENTIALS.secret,
      ...(secret ? { webhookHeaderName: WEBHOOK_HEADER, webhookSecret: secret } : {}),
    },
  };
}
