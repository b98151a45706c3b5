import { describe, expect, it } from 'vitest';
import { CONFIG_ENV_VARIABLES, configSchema } from '../../src/config.js';
import { createRegistry } from '../../src/providers/create-registry.js';
import { PROVIDER_MODULES, providerModule } from '../../src/providers/provider-modules.js';

// What the list of modules promises of every provider, checked over the list: a fifth
// provider gets these checks by being listed.

describe.each(PROVIDER_MODULES.map((module) => [module.id]))('the %s module', (id) => {
  const module = providerModule(id);
  if (!module) {
    throw new Error(`no module ${id}`);
  }

  it('starts its emulator with an account that is valid config, served by its adapter', async () => {
    const sandbox = await module.startSandbox({ fixedPort: false, host: '127.0.0.1' });
    try {
      const config = configSchema.parse({ providers: [sandbox.account] });
      const [account] = config.providers;
      if (!account) {
        throw new Error('the account did not parse');
      }
      expect(account).toMatchObject({ kind: id, key: id });
      const handle = createRegistry(config);
      try {
        const [provider] = handle.registry.all();
        expect(provider).toMatchObject({ key: id, kind: module.kind });
        expect(provider?.capabilities).toEqual(module.capabilities(account));
        const page = await provider?.listRooms({ cursor: null, limit: 1 });
        expect(Array.isArray(page?.edges)).toBe(true);
      } finally {
        await handle.close();
      }
    } finally {
      await sandbox.running.close();
    }
  });

  it('names every environment variable it reads among those the service reads', () => {
    const { env } = module.account;
    const variables = [env.key, ...Object.values(env.variables)];
    expect(variables.filter((name) => name && !CONFIG_ENV_VARIABLES.has(name))).toEqual([]);
  });
});
