import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { composeServices } from '@theguild/federation-composition';
import { buildSchema, isObjectType, parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateRoomDocument, ProvidersDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const committedSubgraph = readFileSync(
  new URL('../../schema/subgraph.graphql', import.meta.url),
  'utf8',
);
const meetingsSubgraph = readFileSync(
  new URL('../fixtures/graphs/meetings-subgraph.graphql', import.meta.url),
  'utf8',
);

// A signalwire room that was never created: the emulator answers 404 for it.
const UNKNOWN_ROOM_ID = encodeGlobalID(
  'Room',
  'signalwire:room:6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
);

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

async function query(
  server: TestServer,
  source: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLBody> {
  const response = await server.post(JSON.stringify({ query: source, variables }), headers);
  return (await response.json()) as GraphQLBody;
}

async function serviceSdl(server: TestServer): Promise<string> {
  const result = await query(server, '{ _service { sdl } }');
  expect(result.errors).toBeUndefined();
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

async function createRoom(server: TestServer, name: string, headers?: Record<string, string>) {
  const result = await server.execute(
    CreateRoomDocument,
    { input: { providerKey: 'signalwire', name } },
    headers,
  );
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Room { id name provider { key } }
      ... on Provider { id key kind }
    }
  }
`;

describe('federation subgraph', () => {
  let server: TestServer;
  const signalwireGets = () => server.emulator('signalwire').log.count({ method: 'GET' });

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    for (const running of server.fleet.running) {
      running.emulator.reset();
    }
  });

  it('serves the committed subgraph SDL, with Room and Provider keyed by id, through _service', async () => {
    const sdl = await serviceSdl(server);
    expect(`${sdl}\n`).toBe(committedSubgraph);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.3"');
    expect(sdl).toContain('type Room implements Node @key(fields: "id")');
    expect(sdl).toContain('type Provider implements Node @key(fields: "id")');
  });

  it('composes with a subgraph that references Room by key, with no errors', async () => {
    const sdl = await serviceSdl(server);
    const composed = composeServices([
      { name: 'rooms', typeDefs: parse(sdl) },
      { name: 'meetings', typeDefs: parse(meetingsSubgraph) },
    ]);
    expect(composed.errors).toBeUndefined();
    // The supergraph's clients see a meeting's room with every field this service gives it.
    const supergraph = buildSchema(composed.publicSdl ?? '');
    const meeting = supergraph.getType('Meeting');
    const room = supergraph.getType('Room');
    expect(isObjectType(meeting) && String(meeting.getFields().room?.type)).toBe('Room');
    expect(isObjectType(room) && Object.keys(room.getFields())).toEqual(
      expect.arrayContaining(['id', 'name', 'provider', 'status', 'tokens']),
    );
    expect(Object.keys(supergraph.getQueryType()?.getFields() ?? {})).toEqual(
      expect.arrayContaining(['meetings', 'rooms', 'nodes']),
    );
  });

  it('loads Rooms and Providers by key in representation order, null for an unknown room', async () => {
    const first = await createRoom(server, 'entity_one');
    const second = await createRoom(server, 'entity_two');
    const providers = await server.execute(ProvidersDocument);
    const hms = providers.data?.providers.find((provider) => provider.key === 'hms');

    const result = await query(server, ENTITIES, {
      representations: [
        { __typename: 'Room', id: second },
        { __typename: 'Provider', id: hms?.id },
        { __typename: 'Room', id: UNKNOWN_ROOM_ID },
        { __typename: 'Room', id: first },
      ],
    });

    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { __typename: 'Room', id: second, name: 'entity_two', provider: { key: 'signalwire' } },
      { __typename: 'Provider', id: hms?.id, key: 'hms', kind: 'HMS' },
      null,
      { __typename: 'Room', id: first, name: 'entity_one', provider: { key: 'signalwire' } },
    ]);
  });

  it('shares the request loader with nodes and room: one upstream GET per distinct room', async () => {
    const ids = [await createRoom(server, 'shared_a'), await createRoom(server, 'shared_b')];
    server.emulator('signalwire').log.clear();

    const result = await query(
      server,
      /* GraphQL */ `
        query Shared($representations: [_Any!]!, $ids: [ID!]!, $id: ID!) {
          _entities(representations: $representations) { ... on Room { name } }
          nodes(ids: $ids) { ... on Room { name } }
          room(id: $id) { name }
        }
      `,
      {
        representations: [...ids, ...ids, ids[0]].map((id) => ({ __typename: 'Room', id })),
        ids,
        id: ids[1],
      },
    );

    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      _entities: [
        { name: 'shared_a' },
        { name: 'shared_b' },
        { name: 'shared_a' },
        { name: 'shared_b' },
        { name: 'shared_a' },
      ],
      nodes: [{ name: 'shared_a' }, { name: 'shared_b' }],
      room: { name: 'shared_b' },
    });
    // Eight lookups of two rooms: two GETs, as `nodes` alone would make.
    expect(signalwireGets()).toBe(2);
  });

  it('reports a bad representation at its own index and still loads the others', async () => {
    const id = await createRoom(server, 'among_bad_ones');
    const roomAsProvider = encodeGlobalID('Provider', 'signalwire');

    const result = await query(server, ENTITIES, {
      representations: [
        { __typename: 'Meeting', id },
        { __typename: 'Room', id },
        { __typename: 'Room', id: 'not-a-global-id' },
        { __typename: 'Room', id: roomAsProvider },
        { __typename: 'Room' },
      ],
    });

    expect(result.data?._entities).toEqual([
      null,
      { __typename: 'Room', id, name: 'among_bad_ones', provider: { key: 'signalwire' } },
      null,
      // A Provider's id sent as a Room is no Room, as an unknown id is none.
      null,
      null,
    ]);
    expect(
      result.errors?.map((error) => ({ path: error.path, code: error.extensions?.code })),
    ).toEqual([
      { path: ['_entities', 0], code: 'BAD_USER_INPUT' },
      { path: ['_entities', 2], code: 'BAD_USER_INPUT' },
      { path: ['_entities', 4], code: 'BAD_USER_INPUT' },
    ]);
    expect(result.errors?.[0]?.message).toBe('__typename is not one of Provider, Room');
  });
});

describe('federation subgraph with client auth', () => {
  const KEYS = { minter: 'vr_minter_5e4d3c2b1a09', operator: 'vr_operator_9a8b7c6d5e4f' };
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        clientApiKeys: [
          { id: 'minter', sha256: sha256(KEYS.minter), scopes: ['tokens:create'] },
          {
            id: 'operator',
            sha256: sha256(KEYS.operator),
            scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses _entities without rooms:read exactly as nodes, before any upstream call', async () => {
    const id = await createRoom(server, 'guarded', bearer(KEYS.operator));
    server.emulator('signalwire').log.clear();

    const entities = await query(
      server,
      ENTITIES,
      { representations: [{ __typename: 'Room', id }] },
      bearer(KEYS.minter),
    );
    const nodes = await query(
      server,
      'query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids: [id] },
      bearer(KEYS.minter),
    );

    expect(entities).toEqual({
      data: null,
      errors: [
        {
          message: 'Not allowed: this client needs the rooms:read scope',
          locations: expect.any(Array),
          path: ['_entities'],
          extensions: { code: 'FORBIDDEN' },
        },
      ],
    });
    expect(entities.errors?.[0]?.extensions).toEqual(nodes.errors?.[0]?.extensions);
    expect(entities.errors?.[0]?.message).toBe(nodes.errors?.[0]?.message);
    expect(server.emulator('signalwire').log.count()).toBe(0);

    const allowed = await query(
      server,
      ENTITIES,
      { representations: [{ __typename: 'Room', id }] },
      bearer(KEYS.operator),
    );
    expect(allowed.data?._entities).toEqual([
      { __typename: 'Room', id, name: 'guarded', provider: { key: 'signalwire' } },
    ]);
  });
});
