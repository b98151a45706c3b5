import { describe, expect, it } from 'vitest';
import { NO_ROOM_LIFE, type ProviderCapabilities } from '../../../src/domain/capabilities.js';
import {
  ProviderAuthError,
  ProviderUnavailableError,
  RoomNotFoundError,
} from '../../../src/domain/errors.js';
import type { Room } from '../../../src/domain/room.js';
import { type CallContext, createCallContext } from '../../../src/http/call-context.js';
import { createLoaders } from '../../../src/loaders/create-loaders.js';
import { loadRooms } from '../../../src/loaders/load-rooms.js';
import { roomKeyString } from '../../../src/loaders/room-key.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import type { RoomProvider } from '../../../src/providers/room-provider.js';

function room(providerKey: string, nativeId: string): Room {
  return {
    providerKey,
    providerKind: 'SIGNALWIRE',
    nativeId,
    providerRoomId: nativeId,
    name: nativeId,
    displayName: null,
    description: null,
    status: 'ACTIVE',
    createdAt: null,
    updatedAt: null,
    notBefore: null,
    expiresAt: null,
    maxParticipants: null,
    recordingEnabled: null,
    region: null,
    settings: null,
  };
}

interface FakeOptions {
  /** Native ids that exist; any other id is a RoomNotFoundError. */
  readonly rooms?: readonly string[];
  readonly maxBatchSize?: number;
  /** When set, every getRooms call rejects with it. */
  readonly failure?: unknown;
}

/** An in-memory provider account that records each getRooms batch. */
function fakeProvider(key: string, options: FakeOptions = {}) {
  const batches: string[][] = [];
  const contexts: (CallContext | undefined)[] = [];
  const known = new Set(options.rooms ?? []);
  const capabilities: ProviderCapabilities = {
    operations: {
      createRoom: 'NATIVE',
      getRoom: 'NATIVE',
      listRooms: 'NATIVE',
      updateRoom: 'NATIVE',
      disableRoom: 'UNSUPPORTED',
      enableRoom: 'UNSUPPORTED',
      deleteRoom: 'NATIVE',
      createRoomToken: 'NATIVE',
      listRoomTokens: 'UNSUPPORTED',
      ...NO_ROOM_LIFE,
    },
    disableEffect: null,
    enableUndoesDisable: false,
    tokenSource: 'LOCAL_SIGNER',
    maxPageSize: 100,
    maxBatchSize: options.maxBatchSize ?? 50,
    notes: [],
  };
  const unused = () => Promise.reject(new Error('not used by the loader'));
  const provider: RoomProvider = {
    kind: 'SIGNALWIRE',
    key,
    displayName: key,
    capabilities,
    async getRooms(nativeIds, callOptions) {
      batches.push([...nativeIds]);
      contexts.push(callOptions?.context);
      if (options.failure !== undefined) {
        throw options.failure;
      }
      return nativeIds.map((id) =>
        known.has(id) ? room(key, id) : new RoomNotFoundError(key, id),
      );
    },
    listRooms: unused,
    createRoom: unused,
    updateRoom: unused,
    disableRoom: unused,
    enableRoom: unused,
    deleteRoom: unused,
    createRoomToken: unused,
    listRoomTokens: unused,
  };
  return { provider, batches, contexts };
}

const key = (providerKey: string, nativeId: string) => roomKeyString({ providerKey, nativeId });
const context = createCallContext({ signal: new AbortController().signal });

describe('loadRooms', () => {
  it('makes one getRooms call per account: three rooms from two accounts make two calls', async () => {
    const eu = fakeProvider('signalwire-eu', { rooms: ['room:a', 'room:b'] });
    const us = fakeProvider('signalwire-us', { rooms: ['room:c'] });
    const registry = new ProviderRegistry([eu.provider, us.provider]);

    const results = await loadRooms(
      registry,
      [
        key('signalwire-eu', 'room:a'),
        key('signalwire-us', 'room:c'),
        key('signalwire-eu', 'room:b'),
      ],
      context,
    );

    expect(results.map((result) => (result as Room).nativeId)).toEqual([
      'room:a',
      'room:c',
      'room:b',
    ]);
    expect(results.map((result) => (result as Room).providerKey)).toEqual([
      'signalwire-eu',
      'signalwire-us',
      'signalwire-eu',
    ]);
    expect(eu.batches).toEqual([['room:a', 'room:b']]);
    expect(us.batches).toEqual([['room:c']]);
  });

  it('splits an account batch into chunks of its maxBatchSize', async () => {
    const ids = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const fake = fakeProvider('hms', { rooms: ids, maxBatchSize: 2 });
    const results = await loadRooms(
      new ProviderRegistry([fake.provider]),
      ids.map((id) => key('hms', id)),
      context,
    );
    expect(fake.batches).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5']]);
    expect(results.map((result) => (result as Room).nativeId)).toEqual(ids);
  });

  it('answers a missing room with null for its own key only', async () => {
    const fake = fakeProvider('signalwire', { rooms: ['room:a', 'room:c'] });
    const results = await loadRooms(
      new ProviderRegistry([fake.provider]),
      [key('signalwire', 'room:a'), key('signalwire', 'room:b'), key('signalwire', 'room:c')],
      context,
    );
    expect(results[0]).toMatchObject({ nativeId: 'room:a' });
    expect(results[1]).toBeNull();
    expect(results[2]).toMatchObject({ nativeId: 'room:c' });
  });

  it('fails only the keys of the failing account, with its typed error', async () => {
    const outage = new ProviderUnavailableError('SignalWire answered HTTP 503', {
      provider: 'signalwire-us',
      operation: 'getRoom',
      status: 503,
    });
    const eu = fakeProvider('signalwire-eu', { rooms: ['room:a'] });
    const us = fakeProvider('signalwire-us', { failure: outage });
    const results = await loadRooms(
      new ProviderRegistry([eu.provider, us.provider]),
      [
        key('signalwire-us', 'room:x'),
        key('signalwire-eu', 'room:a'),
        key('signalwire-us', 'room:y'),
      ],
      context,
    );
    expect(results[0]).toBe(outage);
    expect(results[1]).toMatchObject({ nativeId: 'room:a' });
    expect(results[2]).toBe(outage);
  });

  it('fails only the failing chunk of an account', async () => {
    let calls = 0;
    const fake = fakeProvider('hms', { rooms: ['r1', 'r2', 'r3'], maxBatchSize: 2 });
    const auth = new ProviderAuthError('bad key', { provider: 'hms', operation: 'getRoom' });
    const original = fake.provider.getRooms.bind(fake.provider);
    const flaky: RoomProvider = {
      ...fake.provider,
      getRooms: (ids, options) => (++calls === 2 ? Promise.reject(auth) : original(ids, options)),
    };
    const results = await loadRooms(
      new ProviderRegistry([flaky]),
      ['r1', 'r2', 'r3'].map((id) => key('hms', id)),
      context,
    );
    expect(results.map((result) => (result instanceof Error ? result.name : 'room'))).toEqual([
      'room',
      'room',
      'ProviderAuthError',
    ]);
  });

  it('wraps a failure that is not an AppError, keeping the cause out of the message', async () => {
    const bug = new TypeError('cannot read properties of undefined (https://acme.signalwire.com)');
    const fake = fakeProvider('signalwire', { failure: bug });
    const [result] = await loadRooms(
      new ProviderRegistry([fake.provider]),
      [key('signalwire', 'room:a')],
      context,
    );
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toBe('Loading rooms failed');
    expect((result as Error).cause).toBe(bug);
  });

  it('answers an unknown account key or a malformed key with null and no call', async () => {
    const fake = fakeProvider('signalwire', { rooms: ['room:a'] });
    const results = await loadRooms(
      new ProviderRegistry([fake.provider]),
      [key('nowhere', 'room:a'), 'no-separator', 'signalwire:', key('signalwire', 'room:a')],
      context,
    );
    expect(results.slice(0, 3)).toEqual([null, null, null]);
    expect(results[3]).toMatchObject({ nativeId: 'room:a' });
    expect(fake.batches).toEqual([['room:a']]);
  });

  it('hands the request signal to the provider', async () => {
    const fake = fakeProvider('signalwire', { rooms: ['room:a'] });
    await loadRooms(new ProviderRegistry([fake.provider]), [key('signalwire', 'room:a')], context);
    expect(fake.contexts).toEqual([context]);
  });
});

describe('createLoaders', () => {
  it('batches loads made in the same tick into one call per account', async () => {
    const eu = fakeProvider('signalwire-eu', { rooms: ['room:a', 'room:b'] });
    const us = fakeProvider('signalwire-us', { rooms: ['room:c'] });
    const loaders = createLoaders(new ProviderRegistry([eu.provider, us.provider]), context);

    const rooms = await Promise.all([
      loaders.room.load(key('signalwire-eu', 'room:a')),
      loaders.room.load(key('signalwire-us', 'room:c')),
      loaders.room.load(key('signalwire-eu', 'room:b')),
      loaders.room.load(key('signalwire-us', 'room:gone')),
    ]);

    expect(rooms.map((loaded) => loaded?.nativeId ?? null)).toEqual([
      'room:a',
      'room:c',
      'room:b',
      null,
    ]);
    expect(eu.batches).toHaveLength(1);
    expect(us.batches).toEqual([['room:c', 'room:gone']]);
  });

  it('serves a primed room without a call', async () => {
    const fake = fakeProvider('signalwire', { rooms: [] });
    const loaders = createLoaders(new ProviderRegistry([fake.provider]), context);
    const primed = room('signalwire', 'room:listed');

    loaders.prime(primed);

    await expect(loaders.room.load(key('signalwire', 'room:listed'))).resolves.toBe(primed);
    expect(fake.batches).toEqual([]);
  });
});
