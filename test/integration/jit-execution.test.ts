import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// graphql-jit must be invisible to clients: the same document gets the same status and the same
// body, errors (messages, codes, locations, paths) included, with the JIT on as with it off.

let jit: TestServer;
let standard: TestServer;

const b64 = (text: string) => Buffer.from(text).toString('base64');
const MISSING_ROOM = b64('Room:signalwire:00000000-0000-4000-8000-000000000000');

beforeAll(async () => {
  [jit, standard] = await Promise.all([
    startTestServer({ config: { graphqlJit: true } }),
    startTestServer({ config: { graphqlJit: false } }),
  ]);
});

afterAll(async () => {
  await Promise.all([jit?.close(), standard?.close()]);
});

async function answer(server: TestServer, query: string, variables?: Record<string, unknown>) {
  const response = await server.post(JSON.stringify({ query, variables }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs twice on each server: the JIT compiles on the first run and reuses it on the second. */
async function expectSameAnswer(query: string, variables?: Record<string, unknown>) {
  const expected = await answer(standard, query, variables);
  for (let run = 0; run < 2; run++) {
    expect(await answer(jit, query, variables)).toEqual(expected);
  }
  return expected;
}

describe('graphql-jit execution', () => {
  it('answers introspection exactly as the standard executor does', async () => {
    const { status, body } = await expectSameAnswer(getIntrospectionQuery());
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('answers providers and their capabilities the same', async () => {
    const { body } = await expectSameAnswer(/* GraphQL */ `
      {
        providers {
          key
          kind
          capabilities { operations { operation support } disableEffect notes }
        }
      }
    `);
    expect(body.errors).toBeUndefined();
  });

  it('places a field error at the same line, column and path, whatever the line breaks', async () => {
    for (const lineBreak of ['\n', '\r\n', '\r']) {
      const query = [
        'query Missing($id: ID!) {',
        '  first: node(id: "x") { id }',
        '    second: room(id: $id) {',
        '      id',
        '    }',
        '}',
      ].join(lineBreak);
      const { body } = await expectSameAnswer(query, { id: MISSING_ROOM });
      const errors = body.errors as { locations?: unknown; path?: unknown }[];
      expect(errors.length).toBeGreaterThan(0);
      for (const error of errors) {
        expect(error.locations).toEqual([expect.objectContaining({ line: expect.any(Number) })]);
        expect(error.path).toEqual(expect.any(Array));
      }
    }
  });

  it('refuses a bad variable with the same message and HTTP status', async () => {
    const { status, body } = await expectSameAnswer(
      'query ($first: Int) { rooms(first: $first) { edges { node { id } } } }',
      { first: 'twenty' },
    );
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('$first') }),
    ]);
  });

  it('returns a typed error from a mutation the same', async () => {
    const { body } = await expectSameAnswer(
      /* GraphQL */ `
        mutation ($input: CreateRoomInput!) {
          createRoom(input: $input) {
            __typename
            ... on InputValidationError { code message issues { path message } }
          }
        }
      `,
      { input: { providerKey: 'signalwire', name: 'x'.repeat(500) } },
    );
    expect(body).toMatchObject({ data: { createRoom: { __typename: 'InputValidationError' } } });
  });
});
