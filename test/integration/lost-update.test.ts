import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  DisableRoomDocument,
  RoomDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Issue 13, class 8: disabling a SignalWire conference reads its display name and PUTs it back
// with join_until (the PUT must carry display_name). An updateRoom landing between that read and
// that PUT must not be undone.

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

async function create(name: string, roomType: 'CONFERENCE' | 'ROOM'): Promise<string> {
  const created = await server.execute(CreateRoomDocument, {
    input: { providerKey: 'signalwire', name, displayName: 'Before', signalwire: { roomType } },
  });
  if (created.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(`create failed: ${JSON.stringify(created)}`);
  }
  return created.data.createRoom.room.id;
}

/** Resolves once the emulator has received `count` PUTs (logged before any injected delay). */
async function putsReceived(count: number): Promise<void> {
  const emulator = server.emulator('signalwire');
  for (let waited = 0; emulator.log.count({ method: 'PUT' }) < count; waited += 5) {
    if (waited > 5_000) {
      throw new Error(`only ${emulator.log.count({ method: 'PUT' })} PUTs arrived`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('a SignalWire conference disabled while it is renamed', () => {
  it('keeps the new name: the rename waits for the disable, then lands', async () => {
    const id = await create('lost_update_conference', 'CONFERENCE');
    const emulator = server.emulator('signalwire');
    emulator.log.clear();
    // The disable's PUT is held 400 ms at the emulator; its GET has already read "Before".
    emulator.faults.add({ method: 'PUT', latencyMs: 400, times: 1 });

    const disabling = server.execute(DisableRoomDocument, { input: { id } });
    await putsReceived(1);
    const renaming = server.execute(UpdateRoomDocument, { input: { id, displayName: 'After' } });
    const [disabled, renamed] = await Promise.all([disabling, renaming]);

    expect(disabled.data?.disableRoom.__typename).toBe('DisableRoomSuccess');
    expect(renamed.data?.updateRoom.__typename).toBe('UpdateRoomSuccess');
    const room = await server.execute(RoomDocument, { id });
    expect(room.data?.room).toMatchObject({ displayName: 'After', status: 'DISABLED' });
    // GET then PUT for the disable, then the rename's PUT, which carries its own name.
    const writes = emulator.log.all().filter((entry) => entry.path.includes('/conferences/'));
    expect(writes.map((entry) => [entry.method, entry.body])).toEqual([
      ['GET', undefined],
      ['PUT', { join_until: expect.any(String), display_name: 'Before' }],
      ['PUT', { display_name: 'After' }],
      ['GET', undefined],
    ]);
  });
});

describe('a SignalWire room (no UI) disabled while it is renamed', () => {
  it('sends only join_until, and the rename, waiting its turn, is kept', async () => {
    const id = await create('lost_update_room', 'ROOM');
    const emulator = server.emulator('signalwire');
    emulator.log.clear();
    emulator.faults.add({ method: 'PUT', latencyMs: 400, times: 1 });

    const disabling = server.execute(DisableRoomDocument, { input: { id } });
    await putsReceived(1);
    const renamed = await server.execute(UpdateRoomDocument, {
      input: { id, displayName: 'After' },
    });
    await disabling;

    const room = await server.execute(RoomDocument, { id });
    expect(room.data?.room).toMatchObject({ displayName: 'After', status: 'DISABLED' });
    expect(renamed.data?.updateRoom.__typename).toBe('UpdateRoomSuccess');
    const puts = emulator.log.all().filter((entry) => entry.method === 'PUT');
    expect(puts.map((entry) => entry.body)).toEqual([
      { join_until: expect.any(String) },
      { display_name: 'After' },
    ]);
  });
});
