import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postChunked } from '../helpers/bad-input-http.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Requests a careless or hostile client might send. Each must get a 4xx or an error that names
// the problem: never a 5xx, never the masked "Unexpected error.", and never a write upstream.

const KINDS = ['signalwire', 'netless', 'hms', 'videsk'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];
/** Large enough for 10 000-item lists to reach the checks meant for them. */
const MAX_REQUEST_BYTES = 1_000_000;

let server: TestServer;
/** A real SignalWire room, so cases that need a valid id have one. */
let roomId: string;

const b64 = (text: string) => Buffer.from(text).toString('base64');
const query = (document: string, variables?: Record<string, unknown>) =>
  JSON.stringify({ query: document, variables });

beforeAll(async () => {
  server = await startTestServer({
    config: { maxRequestBytes: MAX_REQUEST_BYTES },
  });
  const response = await server.post(
    query(
      'mutation { createRoom(input: { providerKey: "signalwire", name: "corpus" }) { ... on CreateRoomSuccess { room { id } } } }',
    ),
  );
  roomId = ((await response.json()) as { data: { createRoom: { room: { id: string } } } }).data
    .createRoom.room.id;
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  for (const kind of KINDS) {
    server.emulator(kind).log.clear();
  }
});

interface Answer {
  readonly status: number;
  readonly headers: Headers | null;
  readonly text: string;
  readonly json: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  } | null;
}

interface Case {
  readonly name: string;
  readonly send: () => Promise<Answer>;
  readonly status: number;
  readonly check: (answer: Answer) => void;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Answer['json'] = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A body, or a function for one that needs the seeded room's id (known only after setup). */
const post = (body: string | (() => string), headers?: Record<string, string>) => async () =>
  answer(await server.post(typeof body === 'string' ? body : body(), headers));

/** The first GraphQL error names the problem, with this code when one is given. */
const graphQLError =
  (message: RegExp, code?: string) =>
  ({ json }: Answer): void => {
    expect(json?.errors?.[0]?.message).toMatch(message);
    if (code) {
      expect(json?.errors?.[0]?.extensions?.code).toBe(code);
    }
  };

/** A typed result in `data.<field>`, naming the input path that broke a rule. */
const typedError =
  (field: string, typename: string, fields: Record<string, unknown>) =>
  ({ json }: Answer): void => {
    expect(json?.errors).toBeUndefined();
    expect(json?.data?.[field]).toMatchObject({ __typename: typename, ...fields });
  };

const MUTATION_RESULT =
  '__typename ... on Error { code message } ... on InputValidationError { issues { path message } }';

const transport: Case[] = [
  {
    name: 'malformed JSON',
    send: post('{"query": '),
    status: 400,
    check: graphQLError(/POST body sent invalid JSON/, 'BAD_REQUEST'),
  },
  {
    name: 'an empty body',
    send: post(''),
    status: 400,
    check: graphQLError(/invalid JSON/, 'BAD_REQUEST'),
  },
  {
    name: 'a JSON string instead of an object',
    send: post('"{ providers { key } }"'),
    status: 400,
    check: graphQLError(/expected to be object but received string/, 'BAD_REQUEST'),
  },
  {
    name: 'a JSON array (a batch, which is off)',
    send: post(`[${query('{ __typename }')}]`),
    status: 400,
    check: graphQLError(/Batching is not supported/, 'BAD_REQUEST'),
  },
  {
    name: 'no query',
    send: post('{"variables": {}}'),
    status: 200,
    check: graphQLError(/Must provide query string/, 'BAD_REQUEST'),
  },
  {
    name: 'a query that is not a string',
    send: post('{"query": 42}'),
    status: 400,
    check: graphQLError(/"query" param to be a string/, 'BAD_REQUEST'),
  },
  {
    name: 'variables that are not an object',
    send: post('{"query": "{ __typename }", "variables": "first=1"}'),
    status: 400,
    check: graphQLError(/"variables" param to be empty or an object/, 'BAD_REQUEST'),
  },
  {
    name: 'an unsupported content type',
    send: post('<query>providers</query>', { 'content-type': 'application/xml' }),
    status: 415,
    check: () => {},
  },
  {
    name: 'a mutation over GET',
    send: async () => {
      const document = `mutation { deleteRoom(input: { id: "${roomId}" }) { __typename } }`;
      return answer(
        await fetch(`${server.url}?query=${encodeURIComponent(document)}`, {
          headers: { accept: 'application/json' },
        }),
      );
    },
    status: 405,
    check: (reply) => {
      expect(reply.headers?.get('allow')).toBe('POST');
      graphQLError(/Can only perform a mutation operation from a POST request/)(reply);
    },
  },
  {
    name: 'a body over maxRequestBytes',
    send: post(query(`{ __typename }${' '.repeat(MAX_REQUEST_BYTES)}`)),
    status: 413,
    check: graphQLError(/Request body is larger than 1000000 bytes/, 'REQUEST_ENTITY_TOO_LARGE'),
  },
  {
    name: 'a chunked body over maxRequestBytes',
    send: async () => {
      const { status, text } = await postChunked(
        server.url,
        query(`{ __typename }${' '.repeat(MAX_REQUEST_BYTES)}`),
      );
      return { status, headers: null, text, json: JSON.parse(text) };
    },
    status: 413,
    check: graphQLError(/Request body is larger than/, 'REQUEST_ENTITY_TOO_LARGE'),
  },
  {
    name: 'a 100 000-character GET URL',
    send: async () => answer(await fetch(`${server.url}?query=${'a'.repeat(100_000)}`)),
    // Node refuses headers over 16 KiB before the app sees them.
    status: 431,
    check: () => {},
  },
];

const documents: Case[] = [
  {
    name: 'a document that does not parse',
    send: post(query('{ providers { key }')),
    status: 200,
    check: graphQLError(/Syntax Error: Expected Name, found <EOF>/, 'GRAPHQL_PARSE_FAILED'),
  },
  {
    name: 'an illegal character in a field name',
    send: post(query('{ provid€rs { key } }')),
    status: 200,
    check: graphQLError(/Unexpected character: U\+20AC/, 'GRAPHQL_PARSE_FAILED'),
  },
  {
    name: 'a NUL control character in the document',
    send: post(query('{ providers \u0000 { key } }')),
    status: 200,
    check: graphQLError(/Unexpected character: U\+0000/, 'GRAPHQL_PARSE_FAILED'),
  },
  {
    name: 'an unknown field',
    send: post(query('{ providerz { key } }')),
    status: 200,
    check: graphQLError(
      /Cannot query field "providerz" on type "Query"/,
      'GRAPHQL_VALIDATION_FAILED',
    ),
  },
  {
    name: 'an unknown argument',
    send: post(query('{ providers(sort: ASC) { key } }')),
    status: 200,
    check: graphQLError(/Unknown argument "sort" on field "Query.providers"/),
  },
  {
    name: 'a 10 000-character field name',
    send: post(query(`{ ${'a'.repeat(10_000)} }`)),
    status: 200,
    check: graphQLError(/Cannot query field "a{10000}" on type "Query"/),
  },
  {
    name: 'a 10 000-character operation name that is not in the document',
    send: post(JSON.stringify({ query: '{ __typename }', operationName: 'a'.repeat(10_000) })),
    status: 400,
    check: graphQLError(/Could not determine what operation to execute/),
  },
  {
    name: 'a string literal for an Int argument',
    send: post(query('{ rooms(first: "ten") { edges { cursor } } }')),
    status: 200,
    check: graphQLError(/Int cannot represent non-integer value: "ten"/),
  },
  {
    name: 'an Int literal past 32 bits',
    send: post(query('{ rooms(first: 99999999999) { edges { cursor } } }')),
    status: 200,
    check: graphQLError(/Int cannot represent non 32-bit signed integer value: 99999999999/),
  },
  {
    name: 'an unknown field in an input object literal',
    send: post(
      query(
        'mutation { createRoom(input: { providerKey: "signalwire", name: "x", bogus: 1 }) { __typename } }',
      ),
    ),
    status: 200,
    check: graphQLError(/Field "bogus" is not defined by type "CreateRoomInput"/),
  },
  {
    name: 'a required input field left out',
    send: post(query('mutation { createRoom(input: { name: "x" }) { __typename } }')),
    status: 200,
    check: graphQLError(/Field "CreateRoomInput.providerKey" of required type "String!"/),
  },
  {
    name: 'first: 0',
    send: post(query('{ rooms(first: 0) { edges { cursor } } }')),
    status: 200,
    check: graphQLError(/first must be between 1 and 100/, 'BAD_USER_INPUT'),
  },
];

const roomQuery = 'query Room($id: ID!) { room(id: $id) { id } }';
const createRoom = `mutation Create($input: CreateRoomInput!) { createRoom(input: $input) { ${MUTATION_RESULT} } }`;
const createToken = `mutation Token($input: CreateRoomTokenInput!) { createRoomToken(input: $input) { ${MUTATION_RESULT} } }`;

const variables: Case[] = [
  {
    name: 'a string for an Int variable',
    send: post(
      query('query Page($first: Int) { rooms(first: $first) { edges { cursor } } }', {
        first: 'ten',
      }),
    ),
    status: 400,
    check: graphQLError(/Variable "\$first" got invalid value "ten"; Int cannot represent/),
  },
  {
    name: 'an object for an ID variable',
    send: post(query(roomQuery, { id: { id: 'x' } })),
    status: 400,
    check: graphQLError(/Variable "\$id" got invalid value \{ id: "x" \}; ID cannot represent/),
  },
  {
    name: 'an unknown field in an input object variable',
    send: post(query(createRoom, { input: { providerKey: 'signalwire', name: 'x', bogus: 1 } })),
    status: 400,
    check: graphQLError(/Field "bogus" is not defined by type "CreateRoomInput"/),
  },
  {
    name: 'an enum value that does not exist',
    send: post(query(createToken, { input: { roomId: 'x', role: 'ADMIN' } })),
    status: 400,
    check: graphQLError(/Value "ADMIN" does not exist in "RoomTokenRole" enum/),
  },
  {
    name: 'a date that is not RFC 3339',
    send: post(
      query(createRoom, {
        input: { providerKey: 'signalwire', name: 'x', expiresAt: 'tomorrow' },
      }),
    ),
    status: 400,
    check: graphQLError(/at "input.expiresAt"; DateTime must be an RFC 3339 string/),
  },
  {
    name: 'ids nested 5000 lists deep',
    send: post(
      `{"query": "query N($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ${'['.repeat(5_000)}"a"${']'.repeat(5_000)}}}`,
    ),
    status: 400,
    check: graphQLError(/Variable "\$ids" got invalid value .* ID cannot represent value/),
  },
];

const inputRules: Case[] = [
  {
    name: 'a 10 000-character room name',
    send: post(
      query(createRoom, { input: { providerKey: 'signalwire', name: 'a'.repeat(10_000) } }),
    ),
    status: 200,
    check: typedError('createRoom', 'InputValidationError', {
      code: 'BAD_USER_INPUT',
      issues: [{ path: ['input', 'name'], message: 'must be at most 128 characters' }],
    }),
  },
  {
    name: 'a NUL in a room name',
    send: post(query(createRoom, { input: { providerKey: 'signalwire', name: 'a\u0000b' } })),
    status: 200,
    check: typedError('createRoom', 'InputValidationError', {
      issues: [{ path: ['input', 'name'], message: 'must not contain control characters' }],
    }),
  },
  {
    name: 'a BEL in a token identity',
    send: post(() =>
      query(createToken, { input: { roomId, role: 'HOST', identity: 'ada\u0007' } }),
    ),
    status: 200,
    check: typedError('createRoomToken', 'InputValidationError', {
      issues: [{ path: ['input', 'identity'], message: 'must not contain control characters' }],
    }),
  },
  {
    name: 'an unknown provider key',
    send: post(query(createRoom, { input: { providerKey: 'nowhere', name: 'x' } })),
    status: 200,
    check: typedError('createRoom', 'ProviderNotFoundError', { code: 'PROVIDER_NOT_FOUND' }),
  },
];

const notARoomId = {
  issues: [{ path: ['input', 'id'], message: 'is not a Room id issued by this API' }],
};
const roomIdMutation = (field: string, id: string) =>
  post(query(`mutation { ${field}(input: { id: "${id}" }) { ${MUTATION_RESULT} } }`));

const globalIds: Case[] = [
  {
    name: 'an id that is not base64 (updateRoom)',
    send: post(
      query(
        `mutation { updateRoom(input: { id: "!!not base64!!", displayName: "x" }) { ${MUTATION_RESULT} } }`,
      ),
    ),
    status: 200,
    check: typedError('updateRoom', 'InputValidationError', notARoomId),
  },
  {
    name: 'base64 of garbage (deleteRoom)',
    send: roomIdMutation('deleteRoom', b64('garbage')),
    status: 200,
    check: typedError('deleteRoom', 'InputValidationError', notARoomId),
  },
  {
    name: 'a Provider id where a Room id belongs (disableRoom)',
    send: roomIdMutation('disableRoom', b64('Provider:signalwire')),
    status: 200,
    check: typedError('disableRoom', 'InputValidationError', notARoomId),
  },
  {
    name: 'a Room id for an unknown provider key (enableRoom)',
    send: roomIdMutation('enableRoom', b64('Room:nowhere:room:1')),
    status: 200,
    check: typedError('enableRoom', 'ProviderNotFoundError', { code: 'PROVIDER_NOT_FOUND' }),
  },
  {
    name: 'a Room id for an unknown provider key (createRoomToken)',
    send: post(query(createToken, { input: { roomId: b64('Room:nowhere:room:1'), role: 'HOST' } })),
    status: 200,
    check: typedError('createRoomToken', 'ProviderNotFoundError', { code: 'PROVIDER_NOT_FOUND' }),
  },
  {
    name: 'an id that is not base64 (node)',
    send: post(query('{ node(id: "!!not base64!!") { id } }')),
    status: 200,
    check: graphQLError(/^An id is not a global id issued by this API$/, 'BAD_USER_INPUT'),
  },
  {
    name: 'base64 of garbage (nodes)',
    send: post(query(`{ nodes(ids: ["${b64('garbage')}"]) { id } }`)),
    status: 200,
    check: graphQLError(/^An id is not a global id issued by this API$/, 'BAD_USER_INPUT'),
  },
  {
    name: 'a 10 000-character id is not echoed back',
    send: post(query(`{ node(id: "${'x'.repeat(10_000)}") { id } }`)),
    status: 200,
    check: ({ json }: Answer) => {
      expect(json?.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(json).length).toBeLessThan(1_000);
    },
  },
  {
    name: 'two thousand repeats of one provider key (rooms)',
    send: post(
      query(
        'query R($keys: [String!]) { rooms(first: 5, providerKeys: $keys) { edges { cursor } } }',
        {
          keys: Array(2_000).fill('signalwire'),
        },
      ),
    ),
    status: 200,
    // Each account once: no repeated rooms, no error.
    check: ({ json }: Answer) => {
      expect(json?.errors).toBeUndefined();
      const rooms = json?.data?.rooms as { edges: { cursor: string }[] } | undefined;
      const cursors = rooms?.edges.map((edge) => edge.cursor) ?? [];
      expect(new Set(cursors).size).toBe(cursors.length);
    },
  },
  {
    name: 'more distinct provider keys than any deployment has (rooms)',
    send: post(
      query(
        `{ rooms(first: 5, providerKeys: [${Array.from({ length: 60 }, (_, i) => `"k${i}"`).join(',')}]) { edges { cursor } } }`,
      ),
    ),
    status: 200,
    check: graphQLError(/providerKeys accepts at most 50 keys/, 'BAD_USER_INPUT'),
  },
];

const hugeLists: Case[] = [
  {
    name: '10 000 ids in nodes, as a variable',
    send: post(() =>
      query('query N($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
        ids: Array.from({ length: 10_000 }, () => roomId),
      }),
    ),
    status: 200,
    check: (reply) => {
      graphQLError(/nodes\(ids:\) accepts at most 200 ids; got 10000/, 'BAD_USER_INPUT')(reply);
      expect(reply.json?.errors?.[0]?.extensions?.argument).toBe('ids');
    },
  },
  {
    name: '10 000 ids in nodes, written into the document',
    send: post(() =>
      query(`{ nodes(ids: [${Array(10_000).fill(`"${roomId}"`).join(',')}]) { id } }`),
    ),
    status: 200,
    check: graphQLError(/Query has more than 3000 tokens/, 'TOKEN_LIMIT_EXCEEDED'),
  },
  {
    name: '10 000 permissions',
    send: post(() =>
      query(createToken, {
        input: { roomId, role: 'HOST', permissions: Array(10_000).fill('room.self.audio_mute') },
      }),
    ),
    status: 200,
    check: typedError('createRoomToken', 'InputValidationError', {
      issues: [{ path: ['input', 'permissions'], message: 'must list at most 100 permissions' }],
    }),
  },
  {
    name: '10 000 unknown provider keys',
    send: post(
      query('query R($keys: [String!]) { rooms(providerKeys: $keys) { edges { cursor } } }', {
        keys: Array.from({ length: 10_000 }, (_, index) => `nowhere-${index}`),
      }),
    ),
    status: 200,
    check: graphQLError(/^providerKeys accepts at most 50 keys$/, 'BAD_USER_INPUT'),
  },
];

function writesUpstream(): number {
  return KINDS.reduce(
    (sum, kind) =>
      sum +
      WRITES.reduce((count, method) => count + server.emulator(kind).log.count({ method }), 0),
    0,
  );
}

describe.each([
  ['transport', transport],
  ['documents', documents],
  ['variables', variables],
  ['input rules', inputRules],
  ['global ids', globalIds],
  ['huge lists', hugeLists],
])('bad input: %s', (_group, cases) => {
  it.each(cases)('$name', async ({ send, status, check }) => {
    const reply = await send();
    expect(reply.status).toBeLessThan(500);
    expect(reply.status).toBe(status);
    expect(reply.text).not.toContain('Unexpected error.');
    check(reply);
    // No provider was asked to change anything, so nothing was created, changed or removed.
    expect(writesUpstream()).toBe(0);
  });
});

describe('well-formed ids that name no room', () => {
  it('read as null in room(id:) and node(id:), as Relay expects, without calling a provider', async () => {
    const ids = [b64('Provider:signalwire'), b64('Room:nowhere:room:1'), b64('Room:x')];
    for (const id of ids) {
      const reply = await answer(await server.post(query(roomQuery, { id })));
      expect(reply.json).toEqual({ data: { room: null } });
    }
    const unknownKey = await answer(await server.post(query(`{ node(id: "${ids[1]}") { id } }`)));
    expect(unknownKey.json).toEqual({ data: { node: null } });
    expect(KINDS.reduce((sum, kind) => sum + server.emulator(kind).log.count(), 0)).toBe(0);
  });
});

describe('after the whole corpus', () => {
  it('the seeded room is still there, unchanged', async () => {
    const reply = await answer(
      await server.post(query(`{ room(id: "${roomId}") { name status } }`)),
    );
    expect(reply.json).toEqual({ data: { room: { name: 'corpus', status: 'ACTIVE' } } });
  });
});
