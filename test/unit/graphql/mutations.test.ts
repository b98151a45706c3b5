import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import { createApp } from '../../../src/yoga.js';
import { createFakeProvider, fakeRoom } from './fake-provider.js';

const roomId = (key: string, nativeId: string) =>
  Buffer.from(`Room:${key}:${nativeId}`).toString('base64');

function setup(support: Parameters<typeof createFakeProvider>[2] = {}) {
  const provider = createFakeProvider(
    'fake',
    [fakeRoom('fake', 'r1', 'one'), fakeRoom('fake', 'r2', 'two')],
    support,
  );
  const app = createApp({
    config: configSchema.parse({ maxPageSize: 50 }),
    registry: new ProviderRegistry([provider]),
    logging: false,
    logError: () => {},
    open: true,
  });
  const execute = async (query: string, variables?: Record<string, unknown>) => {
    const response = await app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
  };
  return { provider, execute };
}

describe('mutations against a provider without the capability', () => {
  it('answers UnsupportedOperationError without calling the provider', async () => {
    const { provider, execute } = setup({ deleteRoom: 'UNSUPPORTED' });
    const result = await execute(
      /* GraphQL */ `mutation($id: ID!) { deleteRoom(input: { id: $id }) { __typename ... on UnsupportedOperationError { code provider operation message } } }`,
      { id: roomId('fake', 'r1') },
    );
    expect(result).toEqual({
      data: {
        deleteRoom: {
          __typename: 'UnsupportedOperationError',
          code: 'UNSUPPORTED_OPERATION',
          provider: 'fake',
          operation: 'deleteRoom',
          message: 'Provider fake does not support deleteRoom',
        },
      },
    });
    expect(provider.calls).toEqual([]);
  });

  it('returns null tokens where the provider keeps none, without a call', async () => {
    const { provider, execute } = setup();
    const result = await execute(
      /* GraphQL */ `query($id: ID!) { room(id: $id) { name tokens { token } } }`,
      { id: roomId('fake', 'r1') },
    );
    expect(result).toEqual({ data: { room: { name: 'one', tokens: null } } });
    expect(provider.calls).toEqual(['getRooms:r1']);
  });
});

describe('errors that are bugs', () => {
  it('masks an unexpected error as Unexpected error. with no internals', async () => {
    const { execute } = setup();
    const result = await execute(
      /* GraphQL */ `mutation($id: ID!) { enableRoom(input: { id: $id }) { __typename } }`,
      { id: roomId('fake', 'r1') },
    );
    expect(result.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(result)).not.toContain('not scripted');
  });
});

describe('priming', () => {
  it('serves a room from the list it came in, with no further call', async () => {
    const { provider, execute } = setup();
    const result = await execute(
      /* GraphQL */ `{ provider(key: "fake") { rooms(first: 5) { edges { node { id name } } } } }`,
    );
    expect(result.data).toMatchObject({
      provider: { rooms: { edges: [{ node: { name: 'one' } }, { node: { name: 'two' } }] } },
    });
    const disabled = await execute(
      /* GraphQL */ `mutation($id: ID!) { disableRoom(input: { id: $id }) { ... on DisableRoomSuccess { room { status } } } }`,
      { id: roomId('fake', 'r2') },
    );
    expect(disabled.data).toEqual({ disableRoom: { room: { status: 'DISABLED' } } });
    expect(provider.calls).toEqual(['listRooms', 'disableRoom']);
  });

  it('rejects a first past the page-size cap with a clear input error', async () => {
    const { provider, execute } = setup();
    const result = await execute(
      /* GraphQL */ `{ provider(key: "fake") { rooms(first: 51) { edges { cursor } } } }`,
    );
    expect(result.errors?.[0]).toMatchObject({
      message: 'first must be between 1 and 50',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(provider.calls).toEqual([]);
  });
});
