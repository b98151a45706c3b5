import { describe, expect, it } from 'vitest';
import {
  type Config,
  ConfigError,
  configSchema,
  type ProviderConfig,
} from '../../../src/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import type { RegistryHandle } from '../../../src/providers/create-registry.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import { createConfigReloader } from '../../../src/server/config-reload.js';
import { LiveRegistry } from '../../../src/server/live-registry.js';

const EMULATED: ProviderConfig = {
  kind: 'videsk',
  key: 'videsk',
  baseUrl: 'http://127.0.0.1:4104',
  apiToken: 'vk_live_emulator_0123456789abcdef',
};
const REAL: ProviderConfig = {
  kind: 'videsk',
  key: 'videsk-prod',
  baseUrl: 'https://api.videsk.io',
  apiToken: 'vk_live_real_9999',
};
const KEY = { id: 'web', sha256: 'a'.repeat(64), scopes: ['rooms:read' as const] };

/** A reloader over `next()`, counting the registries it builds, with its log lines. */
function setup(started: Config, next: () => Config, sandbox?: ProviderConfig[]) {
  const lines: Record<string, unknown>[] = [];
  const handle = (): RegistryHandle => ({
    registry: new ProviderRegistry([]),
    close: async () => {},
  });
  const live = new LiveRegistry(started, handle());
  let built = 0;
  const reloader = createConfigReloader({
    live,
    load: next,
    createRegistry: () => {
      built++;
      return handle();
    },
    sandboxProviders: sandbox,
    logger: createLogger({
      level: 'info',
      destination: { write: (line) => lines.push(JSON.parse(line)) },
    }),
  });
  return { live, reloader, lines, built: () => built };
}

describe('createConfigReloader', () => {
  it('takes new client keys without building a registry when the accounts are the same', () => {
    const started = configSchema.parse({ allowAnonymous: true, providers: [REAL] });
    const { live, reloader, built } = setup(started, () =>
      configSchema.parse({ clientApiKeys: [KEY], providers: [REAL] }),
    );
    reloader.reload('SIGHUP');
    expect(built()).toBe(0);
    expect(live.config.clientApiKeys).toEqual([KEY]);
    expect(live.config.allowAnonymous).toBe(false);
  });

  it('keeps the sandbox accounts, and says leaving sandbox mode needs a restart', () => {
    const started = configSchema.parse({ providers: [EMULATED] });
    const { live, reloader, lines, built } = setup(
      started,
      () => configSchema.parse({ allowAnonymous: true, providers: [REAL] }),
      [EMULATED],
    );
    reloader.reload('SIGHUP');
    expect(built()).toBe(0);
    expect(live.config.providers).toEqual([EMULATED]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'SIGHUP: changed settings that need a restart: provider accounts (to leave sandbox mode)',
      }),
    );
  });

  it('refuses accounts nobody could be kept out of, keeping the current configuration', () => {
    const started = configSchema.parse({ clientApiKeys: [KEY], providers: [REAL] });
    const { live, reloader, lines } = setup(started, () =>
      configSchema.parse({ providers: [REAL] }),
    );
    reloader.reload('SIGHUP');
    expect(live.config).toBe(started);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        msg: expect.stringMatching(/reload refused.*client authentication is not/),
      }),
    ]);
  });

  it('logs a bad configuration in one line, as loadConfig names it', () => {
    const started = configSchema.parse({ allowAnonymous: true, providers: [REAL] });
    const { live, reloader, lines } = setup(started, () => {
      throw new ConfigError(
        'Invalid configuration: MAX_DEPTH: must be a whole number from 1 to 100',
      );
    });
    reloader.reload('SIGHUP');
    expect(live.config).toBe(started);
    expect(lines.map((line) => line.msg)).toEqual([
      'SIGHUP: configuration reload refused, the current one keeps serving. Invalid configuration: MAX_DEPTH: must be a whole number from 1 to 100',
    ]);
  });
});
