import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { paddedBody, postChunked } from '../helpers/bad-input-http.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Every limit is tried at exactly its value and one past it, on a server with small limits.

const LIMITS = {
  // The Relay round trip rooms > edges > node > provider > rooms > edges > node > id is 8 deep.
  maxDepth: 8,
  maxAliases: 3,
  // GraphiQL's own introspection query is 184 tokens, so it still fits.
  maxTokens: 200,
  maxCost: 1_000,
  maxNodesIds: 3,
  maxRequestBytes: 4_096,
  maxPageSize: 100,
};

const KINDS = ['signalwire', 'netless', 'hms', 'videsk'];

let limited: TestServer;
/** Default limits, introspection off. */
let closed: TestServer;

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

async function graphql(
  server: TestServer,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
): Promise<{ status: number; body: GraphQLBody }> {
  const response = await server.post(JSON.stringify({ query, variables }), headers);
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

function upstreamCalls(server: TestServer): number {
  return KINDS.reduce((sum, kind) => sum + server.emulator(kind).log.count(), 0);
}

function expectAnswered(body: GraphQLBody) {
  expect(body.errors).toBeUndefined();
  expect(body.data).toBeTruthy();
}

function expectRefused(body: GraphQLBody, code: string, message: RegExp) {
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  expect(body.errors?.[0]?.message).toMatch(message);
  expect(body.errors?.[0]?.extensions?.code).toBe(code);
}

const providerId = (key: string) => Buffer.from(`Provider:${key}`).toString('base64');

beforeAll(async () => {
  [limited, closed] = await Promise.all([
    startTestServer({ config: LIMITS }),
    startTestServer({ config: { introspection: false } }),
  ]);
  const created = await graphql(
    limited,
    'mutation { createRoom(input: { providerKey: "signalwire", name: "depth_probe" }) { __typename } }',
  );
  expect(created.body.data?.createRoom).toEqual({ __typename: 'CreateRoomSuccess' });
});
afterAll(async () => {
  await Promise.all([limited?.close(), closed?.close()]);
});
beforeEach(() => {
  for (const kind of KINDS) {
    limited.emulator(kind).log.clear();
    closed.emulator(kind).log.clear();
  }
});

describe('depth', () => {
  const roundTrip =
    '{ rooms(first: 2) { edges { node { provider { rooms(first: 2) { edges { node { id } } } } } } } }';

  it('answers the Relay round trip from a room to its provider and back, at the limit (8)', async () => {
    const { body } = await graphql(limited, roundTrip);
    expectAnswered(body);
    const outer = (body.data!.rooms as { edges: { node: { provider: unknown } }[] }).edges;
    expect(outer.map((edge) => edge.node.provider)).toContainEqual({
      rooms: { edges: [{ node: { id: expect.any(String) } }] },
    });
  });

  it('refuses one level more before calling any provider', async () => {
    const { body } = await graphql(limited, roundTrip.replace('{ id }', '{ provider { key } }'));
    expectRefused(body, 'DEPTH_LIMIT_EXCEEDED', /depth limit of 8 exceeded, found 9/);
    expect(upstreamCalls(limited)).toBe(0);
  });

  it('counts fields, not fragments: spreads and inline fragments add no level', async () => {
    const { body } = await graphql(
      limited,
      /* GraphQL */ `
        { rooms(first: 2) { edges { node { ...Back } } } }
        fragment Back on Room { provider { rooms(first: 2) { edges { node { ... on Room { id } } } } } }
      `,
    );
    expectAnswered(body);
  });

  it('allows, by default (12), a room > provider > rooms > settings > authorizations path (10)', async () => {
    const { body } = await graphql(
      closed,
      /* GraphQL */ `{ rooms { edges { node { provider { rooms { edges { node {
        settings { ... on VideskRoomSettings { authorizations { jti } } }
      } } } } } } } }`,
    );
    expectAnswered(body);
  });
});

describe('aliases', () => {
  const aliased = (count: number) =>
    `{ ${Array.from({ length: count }, (_, index) => `a${index}: providers { key }`).join(' ')} }`;

  it('answers 3 aliases', async () => {
    const { body } = await graphql(limited, aliased(3));
    expectAnswered(body);
    expect(Object.keys(body.data ?? {})).toEqual(['a0', 'a1', 'a2']);
  });

  it('refuses 4', async () => {
    const { body } = await graphql(limited, aliased(4));
    expectRefused(body, 'ALIAS_LIMIT_EXCEEDED', /Aliases limit of 3 exceeded, found 4/);
  });
});

describe('tokens', () => {
  // `{`, n times `__typename`, `}`: n + 2 tokens.
  const typenames = (count: number) => `{ ${'__typename '.repeat(count)}}`;

  it('answers a document of exactly 200 tokens', async () => {
    const { body } = await graphql(limited, typenames(198));
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses 201 tokens', async () => {
    const { status, body } = await graphql(limited, typenames(199), undefined, {
      accept: 'application/graphql-response+json',
    });
    expect(status).toBe(400);
    expectRefused(body, 'TOKEN_LIMIT_EXCEEDED', /more than 200 tokens/);
  });
});

describe('cost', () => {
  // Each field costs 1 and `first` multiplies its subtree: rooms(first: n) { edges { cursor
  // node { 7 fields } } } is n * (1 + (1 + 1 + (1 + 7))) = 11 n: 990 at 90, 1001 at 91.
  const page = (first: number | string) =>
    `rooms(first: ${first}) { edges { cursor node { id name displayName description status createdAt updatedAt } } }`;

  it('answers a query costing 990, under 1000', async () => {
    const { body } = await graphql(limited, `{ ${page(90)} }`);
    expectAnswered(body);
  });

  it('refuses one costing 1001', async () => {
    const { body } = await graphql(limited, `{ ${page(91)} }`);
    expectRefused(body, 'COST_LIMIT_EXCEEDED', /Cost limit of 1000 exceeded, found 1001\b/);
    expect(upstreamCalls(limited)).toBe(0);
  });

  it('prices first given as a variable at its value', async () => {
    const query = `query Page($first: Int) { ${page('$first')} }`;
    expectAnswered((await graphql(limited, query, { first: 90 })).body);
    for (const kind of KINDS) {
      limited.emulator(kind).log.clear();
    }
    const { status, body } = await graphql(
      limited,
      query,
      { first: 91 },
      { accept: 'application/graphql-response+json' },
    );
    expect(status).toBe(400);
    expectRefused(body, 'COST_LIMIT_EXCEEDED', /found 1001\b/);
    expect(upstreamCalls(limited)).toBe(0);
  });
  it("prices a variable's default as if the same value were sent", async () => {
    const withDefault = (first: number) =>
      `query Page($first: Int = ${first}) { ${page('$first')} }`;
    expectAnswered((await graphql(limited, withDefault(90))).body);
    const { body } = await graphql(limited, withDefault(91));
    expectRefused(body, 'COST_LIMIT_EXCEEDED', /found 1001\b/);
    // A default read inside a fragment the same way; the spread and the fragment cost 1 each.
    const inFragment = await graphql(
      limited,
      `query Page($first: Int = 91) { ...Page } fragment Page on Query { ${page('$first')} }`,
    );
    expectRefused(inFragment.body, 'COST_LIMIT_EXCEEDED', /found 1003\b/);
  });

  it('prices a connection without first at its default page of 20', async () => {
    // node { id } 2, edges 3, rooms (1 + 3) * 20 = 80, provider 81, node 82, edges 83, and the
    // outer rooms (1 + 83) * 20 = 1680.
    const { body } = await graphql(
      limited,
      '{ rooms { edges { node { provider { rooms { edges { node { id } } } } } } } }',
    );
    expectRefused(body, 'COST_LIMIT_EXCEEDED', /found 1680\b/);
    expect(upstreamCalls(limited)).toBe(0);
  });

  it('lets, by default (5000), a full page of 100 rooms with every field through, but not a page of pages', async () => {
    const everyField = /* GraphQL */ `{ provider(key: "signalwire") { rooms(first: 100) {
      edges { cursor node {
        id providerRoomId name displayName description status createdAt updatedAt notBefore
        expiresAt maxParticipants recordingEnabled region provider { key kind }
        settings { ... on SignalWireRoomSettings { roomType quality layout size enableChat } }
        tokens { token role expiresAt }
      } }
      pageInfo { hasNextPage endCursor }
    } } }`;
    expectAnswered((await graphql(closed, everyField)).body);
    // 100 rooms, each with a page of 100 of its provider's rooms: 100 * (1 + 1 + 1 + 1 + 400).
    const { body } = await graphql(
      closed,
      '{ rooms(first: 100) { edges { node { provider { rooms(first: 100) { edges { node { id } } } } } } } }',
    );
    expectRefused(body, 'COST_LIMIT_EXCEEDED', /Cost limit of 5000 exceeded, found 40400\b/);
  });
});

describe('page size', () => {
  it('answers first: 100, the maximum', async () => {
    const { body } = await graphql(limited, '{ rooms(first: 100) { edges { cursor } } }');
    expectAnswered(body);
  });

  it('refuses first: 101, naming the argument', async () => {
    const { body } = await graphql(limited, '{ rooms(first: 101) { edges { cursor } } }');
    expect(body.errors?.[0]).toMatchObject({
      message: 'first must be between 1 and 100',
      extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
    });
    expect(upstreamCalls(limited)).toBe(0);
  });
});

describe('nodes(ids:)', () => {
  const query = 'query Nodes($ids: [ID!]!) { nodes(ids: $ids) { ... on Provider { key } } }';
  const keys = ['signalwire', 'netless', 'hms', 'videsk'];

  it('answers 3 ids', async () => {
    const { body } = await graphql(limited, query, { ids: keys.slice(0, 3).map(providerId) });
    expect(body).toEqual({
      data: { nodes: [{ key: 'signalwire' }, { key: 'netless' }, { key: 'hms' }] },
    });
  });

  it('refuses 4, naming ids: as a variable, in the document, or inside a fragment', async () => {
    const ids = keys.map(providerId);
    const asVariable = await graphql(limited, query, { ids });
    const inline = await graphql(
      limited,
      `{ nodes(ids: [${ids.map((id) => `"${id}"`).join(', ')}]) { id } }`,
    );
    const inFragment = await graphql(
      limited,
      'query Q($ids: [ID!]!) { ...Lookup } fragment Lookup on Query { nodes(ids: $ids) { id } }',
      { ids },
    );
    for (const { body } of [asVariable, inline, inFragment]) {
      expectRefused(body, 'BAD_USER_INPUT', /nodes\(ids:\) accepts at most 3 ids; got 4/);
      expect(body.errors?.[0]?.extensions?.argument).toBe('ids');
    }
  });

  it("counts a variable's default list as if it were sent", async () => {
    const ids = keys.map(providerId);
    const { body } = await graphql(
      limited,
      `query Nodes($ids: [ID!]! = [${ids.map((id) => `"${id}"`).join(', ')}]) { nodes(ids: $ids) { id } }`,
    );
    expectRefused(body, 'BAD_USER_INPUT', /nodes\(ids:\) accepts at most 3 ids; got 4/);
    expect(upstreamCalls(limited)).toBe(0);
  });

  it('caps the ids of every nodes field of the operation together, aliases and fragments included', async () => {
    const [a, b, c, d] = keys.map((key) => `"${providerId(key)}"`);
    const aliased = await graphql(
      limited,
      `{ one: nodes(ids: [${a}, ${b}]) { id } two: nodes(ids: [${c}, ${d}]) { id } }`,
    );
    const inFragments = await graphql(
      limited,
      `query Q($more: [ID!]! = [${c}, ${d}]) { nodes(ids: [${a}, ${b}]) { id } ...More }
       fragment More on Query { more: nodes(ids: $more) { id } }`,
    );
    for (const { body } of [aliased, inFragments]) {
      expectRefused(body, 'BAD_USER_INPUT', /accepts at most 3 ids; got 4/);
    }
    expect(upstreamCalls(limited)).toBe(0);
  });

  it('counts a field that two fragments repeat once, as it runs once', async () => {
    const { body } = await graphql(
      limited,
      `query Q($ids: [ID!]!) { ...A ...B }
       fragment A on Query { nodes(ids: $ids) { id } }
       fragment B on Query { nodes(ids: $ids) { ... on Provider { key } } }`,
      { ids: keys.slice(0, 3).map(providerId) },
    );
    expectAnswered(body);
  });

  it('caps nodes and _entities together', async () => {
    const { body } = await graphql(
      limited,
      'query E($representations: [_Any!]!, $ids: [ID!]!) { nodes(ids: $ids) { id } _entities(representations: $representations) { __typename } }',
      {
        ids: keys.slice(0, 2).map(providerId),
        representations: keys
          .slice(2)
          .map((key) => ({ __typename: 'Provider', id: providerId(key) })),
      },
    );
    expectRefused(body, 'BAD_USER_INPUT', /accepts at most 3 \w+; got 4/);
  });

  it('caps _entities(representations:), as a federation gateway calls it, the same way', async () => {
    const entities =
      'query E($representations: [_Any!]!) { _entities(representations: $representations) { ... on Provider { key } } }';
    const representations = keys.map((key) => ({ __typename: 'Provider', id: providerId(key) }));
    const three = await graphql(limited, entities, {
      representations: representations.slice(0, 3),
    });
    expect(three.body).toEqual({
      data: { _entities: [{ key: 'signalwire' }, { key: 'netless' }, { key: 'hms' }] },
    });
    const four = await graphql(limited, entities, { representations });
    expectRefused(
      four.body,
      'BAD_USER_INPUT',
      /_entities\(representations:\) accepts at most 3 representations; got 4/,
    );
    expect(four.body.errors?.[0]?.extensions?.argument).toBe('representations');
  });
});

describe('request body size', () => {
  it('answers a body of exactly 4096 bytes', async () => {
    const response = await limited.post(paddedBody(4_096));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses 4097 bytes with 413 and says why', async () => {
    const response = await limited.post(paddedBody(4_097));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: 'Request body is larger than 4096 bytes',
          extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' },
        },
      ],
    });
  });

  it('holds a chunked body with no content-length to the same limit', async () => {
    const atLimit = await postChunked(limited.url, paddedBody(4_096));
    expect(atLimit).toEqual({ status: 200, text: '{"data":{"__typename":"Query"}}' });
    const over = await postChunked(limited.url, paddedBody(4_097));
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).errors[0].extensions.code).toBe('REQUEST_ENTITY_TOO_LARGE');
  });
});

describe('introspection', () => {
  it("is on by default, and GraphiQL's introspection query fits the limits", async () => {
    const everything = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const { body } = await graphql(limited, everything);
    expectAnswered(body);
    expect((body.data!.__schema as { queryType: unknown }).queryType).toMatchObject({
      name: 'Query',
    });
  });

  it('keeps "Did you mean" hints while introspection is on', async () => {
    const { body } = await graphql(limited, '{ providerz { key } }');
    expect(body.errors?.[0]?.message).toBe(
      'Cannot query field "providerz" on type "Query". Did you mean "provider" or "providers"?',
    );
  });

  it('refuses __schema, __type and _service when off', async () => {
    for (const query of [
      '{ __schema { queryType { name } } }',
      '{ __type(name: "Room") { name } }',
      // The federation SDL is the whole schema as well.
      '{ _service { sdl } }',
    ]) {
      const { status, body } = await graphql(closed, query, undefined, {
        accept: 'application/graphql-response+json',
      });
      expect(status).toBe(400);
      expect(body.data ?? null).toBeNull();
      expect(body.errors?.[0]).toMatchObject({
        message: 'Introspection is disabled on this server',
        extensions: { code: 'INTROSPECTION_DISABLED' },
      });
    }
  });

  it('still answers __typename when off', async () => {
    const { body } = await graphql(closed, '{ __typename }');
    expect(body).toEqual({ data: { __typename: 'Query' } });
  });

  it('drops "Did you mean" hints when off, so errors do not spell out the schema', async () => {
    const unknownField = await graphql(closed, '{ providerz { key } }');
    expect(unknownField.body.errors?.[0]?.message).toBe(
      'Cannot query field "providerz" on type "Query".',
    );
    const unknownEnum = await graphql(
      closed,
      'mutation T($role: RoomTokenRole!) { createRoomToken(input: { roomId: "x", role: $role }) { __typename } }',
      { role: 'HOTS' },
    );
    expect(unknownEnum.body.errors?.[0]?.message).toBe(
      'Variable "$role" got invalid value "HOTS"; Value "HOTS" does not exist in "RoomTokenRole" enum.',
    );
  });
});
