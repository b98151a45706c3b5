import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoomDocument, CreateRoomTokenDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * One deadline per GraphQL operation (`OPERATION_TIMEOUT_MS`) over all its upstream calls: calls
 * made one after another cannot add up past it. Each upstream call here takes 400 ms, well
 * inside the 10 s deadline of one call, and the operation has 700 ms.
 */
let server: TestServer;
let roomId: string;

beforeAll(async () => {
  server = await startTestServer({ config: { operationTimeoutMs: 700 } });
  const created = await server.execute(CreateRoomDocument, {
    input: {
      providerKey: 'signalwire',
      name: 'deadline_room',
      signalwire: { roomType: 'CONFERENCE' },
    },
  });
  if (created.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(`seeding failed: ${JSON.stringify(created)}`);
  }
  roomId = created.data.createRoom.room.id;
  server.emulator('signalwire').faults.add({ latencyMs: 400 });
});
afterAll(async () => {
  await server?.close();
});

describe('the operation deadline', () => {
  it('ends a mutation whose calls in sequence outlive it with a typed timeout', async () => {
    const started = Date.now();
    // Two calls in a row: the room is read first (400 ms), then the token minted (400 ms).
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId, role: 'PARTICIPANT', identity: 'ada' },
    });
    const elapsedMs = Date.now() - started;

    expect(result.data?.createRoomToken).toMatchObject({
      __typename: 'ProviderError',
      code: 'OPERATION_TIMEOUT',
      provider: 'signalwire',
    });
    // Answered at the operation's deadline, not after both calls (a wide margin for CI).
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('answers the fields that finished, and a typed error for the one still waiting', async () => {
    const response = await server.post(
      JSON.stringify({
        query: `query ($id: ID!) { providers { key } slow: room(id: $id) { id } later: room(id: $id) { tokens { role } } }`,
        variables: { id: roomId },
      }),
    );
    const body = (await response.json()) as {
      data: { providers: { key: string }[]; slow: unknown; later: unknown } | null;
      errors?: { path: string[]; extensions: { code: string } }[];
    };

    expect(body.data?.providers.map((provider) => provider.key)).toContain('signalwire');
    // The room (400 ms) arrives; its tokens need a second call, which the deadline stops.
    expect(body.data?.slow).toEqual({ id: roomId });
    expect(body.errors?.map((error) => [error.path.join('.'), error.extensions.code])).toEqual([
      ['later.tokens', 'OPERATION_TIMEOUT'],
    ]);
  });
});
