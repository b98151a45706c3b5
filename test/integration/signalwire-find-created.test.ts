import type { Pool } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import { createSignalWireEmulator } from '../../src/emulators/signalwire/signalwire-emulator.js';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import type { RoomProvider } from '../../src/providers/room-provider.js';
import { createSignalWireProvider } from '../../src/providers/signalwire/signalwire-provider.js';

// findCreatedRoom against the emulator over real HTTP: what resolves a create whose answer
// never came (issue 13, class 2). Rooms are found by name in one GET; conferences by walking
// the list, across page_token pages.

const CREDENTIALS = {
  projectId: '2b1c0d9e-8f7a-4b6c-9d5e-4f3a2b1c0d9e',
  apiToken: 'PTfind-created-room-test-token',
};
const emulator = createSignalWireEmulator(CREDENTIALS);
let running: RunningEmulator;
let dispatcher: Pool;
let provider: RoomProvider;

beforeAll(async () => {
  running = await startEmulator(emulator, { port: 0 });
  dispatcher = createDispatcher(running.url);
  provider = createSignalWireProvider({
    key: 'signalwire',
    baseUrl: `${running.url}/api/video`,
    dispatcher,
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    defaultTokenTtlSeconds: 3_600,
    ...CREDENTIALS,
  });
});
afterAll(async () => {
  await dispatcher.close();
  await running.close();
});
beforeEach(() => {
  emulator.reset();
});

describe('SignalWire findCreatedRoom against the emulator', () => {
  it('finds a room made without UI, and only that one, by one GET on its name', async () => {
    const created = await provider.createRoom({ name: 'unknown_outcome' });
    emulator.log.clear();

    const found = await provider.findCreatedRoom?.({ name: 'unknown_outcome' });

    expect(found).toEqual(created);
    expect(emulator.log.all().map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'GET /api/video/rooms/unknown_outcome',
    ]);
    await expect(provider.findCreatedRoom?.({ name: 'never_created' })).resolves.toBeNull();
  });

  it('finds a conference on the second page of the list', async () => {
    // 1000 conferences fill the first page; ours comes after them.
    for (let index = 0; index < 1_000; index++) {
      emulator.store.createConference({ name: `filler_${index}`, display_name: 'Filler' });
    }
    const created = await provider.createRoom({
      name: 'all_hands',
      displayName: 'All hands',
      signalwire: { roomType: 'CONFERENCE' },
    });
    emulator.log.clear();

    const found = await provider.findCreatedRoom?.({
      name: 'all_hands',
      signalwire: { roomType: 'CONFERENCE' },
    });

    expect(found).toEqual(created);
    expect(emulator.log.all().map((entry) => entry.query.page_token ?? 'first page')).toEqual([
      'first page',
      expect.stringMatching(/^PA/),
    ]);
    await expect(
      provider.findCreatedRoom?.({ name: 'not_here', signalwire: { roomType: 'CONFERENCE' } }),
    ).resolves.toBeNull();
  });
});
