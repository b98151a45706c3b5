import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoomDocument, ProviderRoomsDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * A create whose answer is lost after the provider carried it out: the idempotency key stays
 * in doubt, and a retry with it never makes a second room. Where the provider can be asked
 * (by name or external id), the retry finds the first room; where it cannot (Netless rooms have
 * no name), the retry answers OutcomeUnknownError.
 */
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

const CASES = [
  { key: 'signalwire', name: 'doubt_room', create: '/api/video/rooms' },
  { key: 'hms', name: 'doubt-room', create: '/v2/rooms' },
  { key: 'videsk', name: 'doubt-room', create: '/vpaas/rooms' },
] as const;

async function names(key: string): Promise<string[]> {
  const listed = await server.execute(ProviderRoomsDocument, { key, first: 100 });
  return listed.data?.provider?.rooms.edges.map((edge) => edge.node.name) ?? [];
}

describe('a create of unknown outcome', () => {
  it.each(CASES)(
    'at $key: the retry finds the room the lost answer would have named',
    async (row) => {
      const emulator = server.emulator(row.key);
      emulator.faults.add({ method: 'POST', pathPrefix: row.create, loseAnswer: true, times: 1 });
      const input = { providerKey: row.key, name: row.name, idempotencyKey: `doubt-${row.key}` };

      const first = await server.execute(CreateRoomDocument, { input });
      expect(first.data?.createRoom).toMatchObject({
        __typename: 'OutcomeUnknownError',
        code: 'OUTCOME_UNKNOWN',
      });
      const retry = await server.execute(CreateRoomDocument, { input });
      expect(retry.data?.createRoom).toMatchObject({
        __typename: 'CreateRoomSuccess',
        room: { name: row.name },
      });
      const again = await server.execute(CreateRoomDocument, { input });
      expect(again.data?.createRoom).toMatchObject({ __typename: 'CreateRoomSuccess' });

      // One create reached the provider (the lost one); the room exists once.
      expect(emulator.log.count({ method: 'POST', pathPrefix: row.create })).toBe(1);
      expect((await names(row.key)).filter((name) => name === row.name)).toHaveLength(1);
    },
  );

  it('at netless, which cannot be asked, keeps answering OutcomeUnknownError and creates nothing more', async () => {
    const emulator = server.emulator('netless');
    const before = (await names('netless')).length;
    emulator.faults.add({ method: 'POST', pathPrefix: '/v5/rooms', loseAnswer: true, times: 1 });
    const input = { providerKey: 'netless', name: 'doubt', idempotencyKey: 'doubt-netless' };

    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await server.execute(CreateRoomDocument, { input });
      expect(result.data?.createRoom).toMatchObject({ __typename: 'OutcomeUnknownError' });
    }
    expect(emulator.log.count({ method: 'POST', pathPrefix: '/v5/rooms' })).toBe(1);
    expect((await names('netless')).length).toBe(before + 1);
  });
});
