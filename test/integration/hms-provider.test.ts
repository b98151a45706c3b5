import HMS from '@100mslive/server-sdk';
import type { Pool } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../src/domain/errors.js';
import type { Room } from '../../src/domain/room.js';
import { createHmsEmulator, type HmsEmulator } from '../../src/emulators/hms/hms-emulator.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import {
  createHmsProvider,
  type HmsProviderOptions,
} from '../../src/providers/hms/hms-provider.js';
import type { RoomProvider } from '../../src/providers/room-provider.js';

const NO_RETRY = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };

let emulator: HmsEmulator;
let running: RunningEmulator;
let dispatcher: Pool;

beforeAll(async () => {
  emulator = createHmsEmulator();
  running = await startEmulator(emulator, { port: 0 });
  dispatcher = createDispatcher(running.url);
});

afterAll(async () => {
  await dispatcher.close();
  await running.close();
});

beforeEach(() => {
  emulator.reset();
});

function provider(overrides: Partial<HmsProviderOptions> = {}): RoomProvider {
  return createHmsProvider({
    key: 'hms',
    // A bare origin: the adapter adds the /v2 base path itself.
    baseUrl: running.url,
    dispatcher,
    timeoutMs: 2_000,
    retry: NO_RETRY,
    defaultTokenTtlSeconds: 3_600,
    appAccessKey: emulator.credentials.accessKey,
    appSecret: emulator.credentials.secret,
    ...overrides,
  });
}

async function collectAll(hms: RoomProvider, limit: number): Promise<Room[]> {
  const rooms: Room[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const page = await hms.listRooms({ cursor, limit });
    rooms.push(...page.edges.map((edge) => edge.room));
    if (!page.hasNextPage) {
      return rooms;
    }
    cursor = page.edges.at(-1)?.cursor ?? cursor;
  }
  throw new Error('listing never ended');
}

describe('every operation against the emulator', () => {
  it('creates, reads, lists, updates, disables, enables and mints a token the emulator accepts', async () => {
    const hms = provider();
    const created = await hms.createRoom({
      name: 'weekly-sync',
      description: 'Team sync',
      maxParticipants: 20,
      recordingEnabled: true,
      region: 'eu',
      hms: { maxDurationSeconds: 3_600 },
    });
    expect(created).toMatchObject({
      providerKind: 'HMS',
      name: 'weekly-sync',
      description: 'Team sync',
      status: 'ACTIVE',
      maxParticipants: 20,
      recordingEnabled: true,
      region: 'eu',
      settings: { kind: 'HMS', maxDurationSeconds: 3_600, recordingFollowsTemplate: false },
    });
    expect(created.nativeId).toMatch(/^[0-9a-f]{24}$/);

    const again = await hms.createRoom({ name: 'WEEKLY-SYNC', description: 'Renamed sync' });
    expect(again.nativeId).toBe(created.nativeId);
    expect(again.description).toBe('Renamed sync');

    const missing = '0123456789abcdef01234567';
    const batch = await hms.getRooms([created.nativeId, missing, created.nativeId]);
    expect(batch[0]).toMatchObject({ nativeId: created.nativeId, name: 'weekly-sync' });
    expect(batch[1]).toBeInstanceOf(RoomNotFoundError);
    expect(batch[2]).toMatchObject({ nativeId: created.nativeId });

    const updated = await hms.updateRoom(created.nativeId, {
      description: 'Moved',
      maxParticipants: 30,
      hms: { region: 'us' },
    });
    expect(updated).toMatchObject({ description: 'Moved', maxParticipants: 30, region: 'us' });

    const disabled = await hms.disableRoom(created.nativeId);
    expect(disabled.status).toBe('DISABLED');
    const token = await hms.createRoomToken(created.nativeId, { role: 'HOST', identity: 'ann' });
    // Disabling blocks new joins (§3.6): the emulator's join check refuses the token.
    expect(emulator.verifyAppToken(token.token)).toEqual({ ok: false, reason: 'room is disabled' });

    const enabled = await hms.enableRoom(created.nativeId);
    expect(enabled.status).toBe('ACTIVE');
    for (const role of ['HOST', 'PARTICIPANT', 'VIEWER'] as const) {
      const minted = await hms.createRoomToken(created.nativeId, { role, identity: 'ann' });
      expect(emulator.verifyAppToken(minted.token)).toMatchObject({
        ok: true,
        roomId: created.nativeId,
        role: minted.providerRole,
        userId: 'ann',
      });
    }
  });

  it('lists every room, disabled ones included, and resumes from a middle edge', async () => {
    const hms = provider();
    const names = Array.from({ length: 7 }, (_, i) => `room-${i}`);
    const ids: string[] = [];
    for (const name of names) {
      ids.push((await hms.createRoom({ name })).nativeId);
    }
    await hms.disableRoom(ids[1] as string);
    await hms.disableRoom(ids[4] as string);
    emulator.log.clear();

    const all = await collectAll(hms, 3);
    // Enabled rooms newest first, then disabled ones newest first.
    expect(all.map((room) => room.name)).toEqual([
      'room-6',
      'room-5',
      'room-3',
      'room-2',
      'room-0',
      'room-4',
      'room-1',
    ]);
    expect(all.slice(-2).every((room) => room.status === 'DISABLED')).toBe(true);
    expect(emulator.log.all().every((entry) => entry.method === 'GET')).toBe(true);

    const first = await hms.listRooms({ cursor: null, limit: 3 });
    const resumed = await hms.listRooms({ cursor: first.edges[0]?.cursor ?? null, limit: 3 });
    expect(resumed.edges.map((edge) => edge.room.name)).toEqual(['room-5', 'room-3', 'room-2']);
  });
});

describe('findCreatedRoom against the emulator', () => {
  it('finds a created room by name in any case, disabled or not, and null for an unknown one', async () => {
    const hms = provider();
    const created = await hms.createRoom({ name: 'Lost-Answer' });
    emulator.log.clear();
    await expect(hms.findCreatedRoom?.({ name: 'LOST-answer' })).resolves.toMatchObject({
      nativeId: created.nativeId,
      status: 'ACTIVE',
    });
    await hms.disableRoom(created.nativeId);
    await expect(hms.findCreatedRoom?.({ name: 'lost-answer' })).resolves.toMatchObject({
      nativeId: created.nativeId,
      status: 'DISABLED',
    });
    await expect(hms.findCreatedRoom?.({ name: 'never-created' })).resolves.toBeNull();
    // Reads only: one walk for the first find, two for each of the others, the disable between.
    expect(emulator.log.all().map((entry) => entry.method)).toEqual([
      'GET',
      'POST',
      'GET',
      'GET',
      'GET',
      'GET',
    ]);
    expect(emulator.store.size).toBe(1);
  });
});

describe('error paths', () => {
  it('maps an unknown room to RoomNotFoundError on update and disable', async () => {
    const hms = provider();
    const missing = '0123456789abcdef01234567';
    await expect(hms.updateRoom(missing, { description: 'x' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
    await expect(hms.disableRoom(missing)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('passes 100ms’s own validation message through as a rejected input', async () => {
    const hms = provider();
    const error = await hms
      .createRoom({ name: 'crowd', maxParticipants: 3_000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({
      status: 400,
      message: 'Invalid body param: room size greater than 2500, set large_room flag as true',
    });
  });

  it('refuses what 100ms cannot take without calling it', async () => {
    const hms = provider();
    await expect(hms.createRoom({ name: 'r', expiresAt: new Date() })).rejects.toBeInstanceOf(
      InputValidationError,
    );
    expect(emulator.log.count()).toBe(0);
  });

  it('reports bad credentials as an auth error after one retry with a fresh token', async () => {
    const hms = provider({ appSecret: 'not-the-secret' });
    const error = await hms.getRooms(['0123456789abcdef01234567']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ status: 401 });
    expect(String((error as Error).message)).not.toContain('not-the-secret');
    // The cached token was refused, a fresh one was minted and refused too: two calls.
    expect(emulator.log.count()).toBe(2);
  });

  it('reports an injected 500 as unavailable', async () => {
    emulator.faults.add({ status: 500, times: 1 });
    const error = await provider()
      .createRoom({ name: 'r' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ status: 500, message: 'Internal server error' });
  });

  it('gives up at the deadline when 100ms is slower than timeoutMs', async () => {
    emulator.faults.add({ latencyMs: 600, times: 1 });
    const error = await provider({ timeoutMs: 150 })
      .getRooms(['0123456789abcdef01234567'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ providerCode: 'TIMEOUT' });
  });

  it('retries a GET after an injected 503', async () => {
    const hms = provider({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    const { nativeId } = await hms.createRoom({ name: 'flaky' });
    emulator.log.clear();
    emulator.faults.add({ status: 503, times: 1, method: 'GET' });
    const [room] = await hms.getRooms([nativeId]);
    expect(room).toMatchObject({ nativeId, name: 'flaky' });
    // One 503, then one retry that succeeded.
    expect(emulator.log.count()).toBe(2);
  });

  it('throws UnsupportedOperationError for delete and token listing without a call', async () => {
    const hms = provider();
    await expect(hms.deleteRoom('0123456789abcdef01234567')).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
    expect(emulator.log.count()).toBe(0);
    await expect(hms.listRoomTokens('0123456789abcdef01234567')).rejects.toBeInstanceOf(
      UnsupportedOperationError,
    );
    expect(emulator.log.count()).toBe(0);
  });
});

describe('the official @100mslive/server-sdk against the emulator', () => {
  /**
   * The SDK has no base-URL option: `APIService` hard-codes `https://api.100ms.live/v2` (or the
   * nonprod host under HMS_ENV=nonprod) into a private axios instance. Its `baseURL` default is
   * the one seam, so the test moves it; everything else (token minting, headers, paths, query
   * building, paging) is the SDK's own code talking to the emulator over loopback.
   */
  function officialSdk() {
    const sdk = new HMS.SDK(emulator.credentials.accessKey, emulator.credentials.secret);
    sdk.setLogLevel('silent');
    const api = sdk.api as unknown as { axios: { defaults: { baseURL?: string; proxy?: false } } };
    api.axios.defaults.baseURL = `${running.url}/v2`;
    api.axios.defaults.proxy = false;
    return sdk;
  }

  it('creates, lists, disables and retrieves rooms, and sees the adapter’s rooms', async () => {
    const sdk = officialSdk();
    const fromSdk = await sdk.rooms.create({ name: 'sdk-room', description: 'made by the SDK' });
    expect(fromSdk).toMatchObject({
      name: 'sdk-room',
      enabled: true,
      description: 'made by the SDK',
    });
    await provider().createRoom({ name: 'adapter-room' });
    for (let i = 0; i < 10; i++) {
      await sdk.rooms.create({ name: `filler-${i}` });
    }

    const listed: string[] = [];
    for await (const room of sdk.rooms.list()) {
      listed.push(room.name);
    }
    // 12 rooms at the default limit of 10: two pages, the second started from `last`.
    expect(listed).toHaveLength(12);
    expect(listed).toEqual(expect.arrayContaining(['sdk-room', 'adapter-room']));
    const listCalls = emulator.log.all().filter((entry) => entry.method === 'GET');
    expect(listCalls.map((entry) => entry.query.start ?? null)).toEqual([
      null,
      expect.stringMatching(/^[0-9a-f]{24}$/),
    ]);

    const disabled = await sdk.rooms.enableOrDisable(fromSdk.id, false);
    expect(disabled.enabled).toBe(false);
    const [seenByAdapter] = await provider().getRooms([fromSdk.id]);
    expect(seenByAdapter).toMatchObject({ name: 'sdk-room', status: 'DISABLED' });
    const retrieved = await sdk.rooms.retrieveById(fromSdk.id);
    expect(retrieved.created_at).toBeInstanceOf(Date);
  });
});
