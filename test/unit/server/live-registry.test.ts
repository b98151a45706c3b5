import { describe, expect, it } from 'vitest';
import { type Config, configSchema } from '../../../src/config.js';
import type { RegistryHandle } from '../../../src/providers/create-registry.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import { LiveRegistry } from '../../../src/server/live-registry.js';

/** A registry handle that counts how often its pools were closed. */
function fakeHandle(): RegistryHandle & { closes: number } {
  const handle = {
    registry: new ProviderRegistry([]),
    closes: 0,
    async close() {
      handle.closes++;
    },
  };
  return handle;
}

const config: Config = configSchema.parse({});

describe('LiveRegistry', () => {
  it('gives new requests the new registry at once and closes the old one after its last request', async () => {
    const first = fakeHandle();
    const second = fakeHandle();
    const live = new LiveRegistry(config, first);
    const running = live.acquire();

    let closed = false;
    const previousClosed = live.replace(config, second).then(() => {
      closed = true;
    });
    expect(live.acquire().registry).toBe(second.registry);
    expect(running.registry).toBe(first.registry);
    await Promise.resolve();
    expect(first.closes).toBe(0);
    expect(closed).toBe(false);

    running.release();
    running.release();
    await previousClosed;
    expect(first.closes).toBe(1);
    expect(second.closes).toBe(0);
  });

  it('keeps the registry when given only a configuration, and tells its listeners', async () => {
    const only = fakeHandle();
    const live = new LiveRegistry(config, only);
    const seen: Config[] = [];
    live.onReplace((next) => seen.push(next));
    const next = configSchema.parse({ allowAnonymous: true });

    await live.replace(next);
    expect(live.registry).toBe(only.registry);
    expect(live.config).toBe(next);
    expect(seen).toEqual([next]);
    expect(only.closes).toBe(0);
  });

  it('closes every registry still open on shutdown, replaced ones in use included', async () => {
    const first = fakeHandle();
    const second = fakeHandle();
    const live = new LiveRegistry(config, first);
    live.acquire();
    void live.replace(config, second);

    await live.close();
    expect([first.closes, second.closes]).toEqual([1, 1]);
  });
});
