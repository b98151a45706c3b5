import { createHash, randomBytes } from 'node:crypto';
import type { BenchSeeds } from './protocol.js';

// The scenarios: what the service is asked (GraphQL over HTTP), what the floor is asked (its
// route for the same upstream calls), how a correct answer looks, and the fewest upstream calls
// that can answer it, worked out from the adapters' code. Some also say what the peer (GraphQL
// Mesh + Hive Gateway over the same SignalWire emulator, `--peer`) is asked for the same data.

export const SCENARIO_NAMES = [
  'trivial',
  'one',
  'list20',
  'same20',
  'lookup20',
  'list20tokens',
  'nodes',
  'createRoom',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * The bench is one client with an API key of every scope, as a production client would be
 * (`Authorization: Bearer`; the service keeps only the key's SHA-256). The floor gets the same
 * header and ignores it.
 */
const CLIENT_KEY = `bench-${randomBytes(24).toString('hex')}`;
export const CLIENT_API_KEY_CONFIG = {
  id: 'bench',
  sha256: createHash('sha256').update(CLIENT_KEY, 'utf8').digest('hex'),
  scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
} as const;

/** Headers of every request the bench sends to the service or the floor. */
export const REQUEST_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json',
  accept: 'application/json',
  authorization: `Bearer ${CLIENT_KEY}`,
};

/** One HTTP request shape for the load generator; `body()` is called once per request. */
export interface RequestPlan {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** A fixed body, or a fresh one per request (unique names for createRoom). */
  readonly body: (() => string) | string | null;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly description: string;
  /** Fewest upstream requests per GraphQL request; the arithmetic is next to each scenario. */
  readonly upstreamMinimum: number;
  ours(seeds: BenchSeeds): RequestPlan;
  floor(seeds: BenchSeeds): RequestPlan;
  /** Null when a parsed GraphQL response is right; otherwise what is wrong. */
  checkOurs(response: unknown, seeds: BenchSeeds): string | null;
  /** Null when a parsed floor response is right. */
  checkFloor(response: unknown): string | null;
  /** A cheap test of every raw response body during measured runs (no parsing). */
  readonly bodyLooksRight: (body: string) => boolean;
  /**
   * The same GraphQL request to graphql-yoga alone, as it comes (its defaults, none of our
   * plugins, graphql-js, a resolver with the same answer), served in the floor's process at c=N:
   * the most the fixed stack can do where no provider is asked. Answers like ours.
   */
  yogaAlone?(seeds: BenchSeeds): RequestPlan;
  /**
   * The same data asked of the peer (GraphQL Mesh + Hive Gateway in front of the same
   * SignalWire emulator), against the schema Mesh generates from SignalWire's OpenAPI spec: its
   * fields are the spec's operationIds, its room ids SignalWire's own. Only with `--peer`.
   */
  peer?(seeds: BenchSeeds): RequestPlan;
  /** Null when a parsed peer response is right. */
  checkPeer?(response: unknown, seeds: BenchSeeds): string | null;
  /**
   * An emulator whose store this scenario fills: emptied before each of its measurements, so
   * every one starts from the same state (the bench seeds what later scenarios need again).
   */
  readonly fillsStoreOf?: 'signalwire';
}

const graphql = (query: string, variables?: Record<string, unknown>): string =>
  JSON.stringify(variables ? { query, variables } : { query });

/** A unique, SignalWire-valid room name (`^[A-Za-z0-9_-]+$`, at most 100 characters). */
let nameCounter = 0;
const runTag = `${process.pid.toString(36)}${Date.now().toString(36)}`;
export function uniqueRoomName(prefix: string): string {
  nameCounter += 1;
  return `${prefix}_${runTag}_${nameCounter.toString(36)}`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Walks `path` into a GraphQL response's `data`, after checking there are no `errors`. */
function dataAt(response: unknown, ...path: string[]): { value: unknown; problem: string | null } {
  if (!isObject(response)) {
    return { value: undefined, problem: 'the response is not a JSON object' };
  }
  if (response.errors !== undefined) {
    return { value: undefined, problem: `errors: ${JSON.stringify(response.errors)}` };
  }
  let value: unknown = response.data;
  for (const key of path) {
    if (!isObject(value)) {
      return { value: undefined, problem: `no ${path.join('.')} in ${JSON.stringify(response)}` };
    }
    value = value[key];
  }
  return { value, problem: null };
}

function floorData(response: unknown, key: string): unknown {
  return isObject(response) && isObject(response.data) ? response.data[key] : undefined;
}

/**
 * The floor gets the very bytes the service gets (it reads the body and ignores it), at its own
 * route, so both sides pay for receiving the same request.
 */
const sameRequest = (path: string, ours: RequestPlan): RequestPlan => ({ ...ours, path });

const noErrors = (body: string) => !body.includes('"errors"') && !body.includes('"error"');

const query = (text: string, variables?: Record<string, unknown>): RequestPlan => ({
  method: 'POST',
  path: '/graphql',
  body: graphql(text, variables),
});

const TRIVIAL = query('{ providers { key } }');
/** Where the floor's process serves graphql-yoga alone (`Scenario.yogaAlone`). */
export const YOGA_ALONE_PATH = '/yoga-alone';

const oneRequest = (seeds: BenchSeeds) =>
  query('query One($id: ID!) { room(id: $id) { id name status } }', {
    id: firstConference(seeds).id,
  });

const nodesRequest = (seeds: BenchSeeds) =>
  query('query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on Room { name status } } }', {
    ids: seeds.nodes.map((room) => room.id),
  });

const LIST20 = query(/* GraphQL */ `query List20 {
  provider(key: "signalwire") {
    rooms(first: 20) { edges { node { id name status provider { key kind } } } }
  }
}`);

const LIST20_TOKENS = query(/* GraphQL */ `query List20Tokens {
  provider(key: "signalwire") {
    rooms(first: 20) {
      edges { node { id name status provider { key kind } tokens { token role } } }
    }
  }
}`);

/** Rooms per page of the list scenarios, and lookups in same20 and lookup20. */
const TWENTY = 20;

/**
 * The first 20 seeded conferences: the first page of SignalWire's conference listing, which
 * shows them in creation order (`seedConferences` creates them one at a time).
 */
function listedConferences(seeds: BenchSeeds) {
  const rooms = seeds.conferences.slice(0, TWENTY);
  if (rooms.length < TWENTY) {
    throw new Error(`expected at least ${TWENTY} seeded conferences, got ${rooms.length}`);
  }
  return rooms;
}

/** `r1: field(id: "…") selection … r20: …`, one alias per id, ids written into the document. */
const aliased = (ids: readonly string[], field: string, selection: string): string =>
  ids
    .map((id, index) => `r${index + 1}: ${field}(id: ${JSON.stringify(id)}) ${selection}`)
    .join('\n  ');

const twentyTimes = (id: string): string[] => Array.from({ length: TWENTY }, () => id);

const same20Request = (seeds: BenchSeeds) =>
  query(
    `query Same20 {\n  ${aliased(twentyTimes(firstConference(seeds).id), 'room', '{ id name }')}\n}`,
  );

const lookup20Request = (seeds: BenchSeeds) =>
  query(`query Lookup20 {
  provider(key: "signalwire") { rooms(first: ${TWENTY}) { edges { node { id name } } } }
  ${aliased(
    listedConferences(seeds).map((room) => room.id),
    'room',
    '{ id name }',
  )}
}`);

// The peer's schema is Mesh's translation of SignalWire's OpenAPI spec: a query field per GET
// operation, named by its operationId, answering a union of the operation's response bodies by
// status code (Conference for a 200 of get_video_conference, ListConferencesResponse for one of
// list_video_conferences).
const PEER_CONFERENCE = '{ ... on Conference { id name } }';
const PEER_LIST_FIELD = `list_video_conferences(page_size: ${TWENTY}) { ... on ListConferencesResponse { data { id name } } }`;
const PEER_LIST20 = query(`query List20 { ${PEER_LIST_FIELD} }`);

const peerSame20Request = (seeds: BenchSeeds) =>
  query(
    `query Same20 {\n  ${aliased(twentyTimes(firstConference(seeds).nativeId), 'get_video_conference', PEER_CONFERENCE)}\n}`,
  );

const peerLookup20Request = (seeds: BenchSeeds) =>
  query(`query Lookup20 {
  ${PEER_LIST_FIELD}
  ${aliased(
    listedConferences(seeds).map((room) => room.nativeId),
    'get_video_conference',
    PEER_CONFERENCE,
  )}
}`);

/** `data.r1` … `data.r20` are rooms with these ids (and a name), in this order. */
function checkAliases(response: unknown, ids: readonly string[]): string | null {
  const { value, problem } = dataAt(response);
  if (problem) {
    return problem;
  }
  if (!isObject(value)) {
    return 'no data';
  }
  for (const [index, id] of ids.entries()) {
    const room = value[`r${index + 1}`];
    if (!isObject(room) || room.id !== id || typeof room.name !== 'string') {
      return `r${index + 1} should be room ${id}, got ${JSON.stringify(room)}`;
    }
  }
  return null;
}

/** A list of exactly the 20 listed rooms (by these ids, in any order), each with a name. */
function checkListed(rooms: unknown, ids: readonly string[]): string | null {
  if (!Array.isArray(rooms) || rooms.length !== ids.length) {
    return `expected ${ids.length} listed rooms, got ${Array.isArray(rooms) ? rooms.length : typeof rooms}`;
  }
  const listed = new Set(rooms.map((room) => (isObject(room) ? room.id : undefined)));
  const missing = ids.filter((id) => !listed.has(id));
  return missing.length === 0 ? null : `the list lacks ${missing.length} of the looked-up rooms`;
}

/** The peer answers a union: a member other than the one selected shows as `{}`. */
const noErrorsNoEmpty = (body: string) => noErrors(body) && !body.includes('{}');

function checkList(response: unknown, withTokens: boolean): string | null {
  const { value, problem } = dataAt(response, 'provider', 'rooms', 'edges');
  if (problem) {
    return problem;
  }
  if (!Array.isArray(value) || value.length !== 20) {
    return `expected 20 edges, got ${Array.isArray(value) ? value.length : typeof value}`;
  }
  for (const edge of value) {
    const node = isObject(edge) ? edge.node : undefined;
    if (!isObject(node) || typeof node.id !== 'string' || !isObject(node.provider)) {
      return `an edge without a node, id or provider: ${JSON.stringify(edge)}`;
    }
    if (node.provider.key !== 'signalwire') {
      return `a room from ${String(node.provider.key)}`;
    }
    if (withTokens && (!Array.isArray(node.tokens) || node.tokens.length === 0)) {
      return `room ${node.id} has no conference tokens (is it a conference?)`;
    }
  }
  return null;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'trivial',
    description: '{ providers { key } }',
    // 0: the configured accounts are known without asking any provider.
    upstreamMinimum: 0,
    ours: () => TRIVIAL,
    floor: () => sameRequest('/trivial', TRIVIAL),
    yogaAlone: () => sameRequest(YOGA_ALONE_PATH, TRIVIAL),
    checkOurs(response) {
      const { value, problem } = dataAt(response, 'providers');
      if (problem) {
        return problem;
      }
      return Array.isArray(value) && value.length === 4 ? null : 'expected 4 providers';
    },
    checkFloor: (response) =>
      Array.isArray(floorData(response, 'providers')) ? null : 'no providers',
    bodyLooksRight: noErrors,
  },
  {
    name: 'one',
    description: 'room(id) of one SignalWire conference',
    // 1: GET /conferences/{id}; the loader's batch holds one id, and SignalWire has no batch read.
    upstreamMinimum: 1,
    ours: oneRequest,
    floor: (seeds) => sameRequest('/one', oneRequest(seeds)),
    checkOurs(response, seeds) {
      const { value, problem } = dataAt(response, 'room');
      if (problem) {
        return problem;
      }
      return isObject(value) && value.id === firstConference(seeds).id
        ? null
        : `expected room ${firstConference(seeds).id}, got ${JSON.stringify(value)}`;
    },
    checkFloor: (response) => (isObject(floorData(response, 'room')) ? null : 'no room'),
    bodyLooksRight: noErrors,
  },
  {
    name: 'list20',
    description: 'provider(key:"signalwire") { rooms(first:20) { ...node, provider } }',
    // 1: GET /conferences?page_size=20. With 25 conferences the page is full and carries a
    // `next` link, so fetchPage returns without topping up from /rooms; Room.provider is the
    // registry's account, not a call.
    upstreamMinimum: 1,
    ours: () => LIST20,
    floor: () => sameRequest('/list20', LIST20),
    peer: () => PEER_LIST20,
    checkOurs: (response) => checkList(response, false),
    checkFloor: (response) => {
      const rooms = floorData(response, 'rooms');
      return Array.isArray(rooms) && rooms.length === 20 ? null : 'expected 20 rooms';
    },
    checkPeer(response, seeds) {
      const { value, problem } = dataAt(response, 'list_video_conferences', 'data');
      return (
        problem ??
        checkListed(
          value,
          listedConferences(seeds).map((room) => room.nativeId),
        )
      );
    },
    bodyLooksRight: noErrors,
  },
  {
    name: 'same20',
    description: 'r1 … r20: room(id) of one and the same SignalWire conference, 20 aliases',
    // 1: GET /conferences/{id}. The loader asks for each key once per operation, so 20 aliases
    // of one room are one lookup.
    upstreamMinimum: 1,
    ours: same20Request,
    floor: (seeds) => sameRequest('/same20', same20Request(seeds)),
    peer: peerSame20Request,
    checkOurs: (response, seeds) => checkAliases(response, twentyTimes(firstConference(seeds).id)),
    checkFloor: (response) => {
      const rooms = floorData(response, 'rooms');
      return Array.isArray(rooms) && rooms.length === TWENTY && rooms.every(isObject)
        ? null
        : `expected ${TWENTY} rooms`;
    },
    checkPeer: (response, seeds) =>
      checkAliases(response, twentyTimes(firstConference(seeds).nativeId)),
    bodyLooksRight: noErrorsNoEmpty,
  },
  {
    name: 'lookup20',
    description: 'list20 of SignalWire and, in the same operation, room(id) of each listed room',
    // 1: GET /conferences?page_size=20 (a full page with a `next` link, so no top-up from
    // /rooms). Lookups of an account whose rooms are being listed in the same operation wait for
    // the list and are answered from it (src/loaders/create-loaders.ts); all 20 are on the page.
    upstreamMinimum: 1,
    ours: lookup20Request,
    floor: (seeds) => sameRequest('/lookup20', lookup20Request(seeds)),
    peer: peerLookup20Request,
    checkOurs(response, seeds) {
      const ids = listedConferences(seeds).map((room) => room.id);
      const { value, problem } = dataAt(response, 'provider', 'rooms', 'edges');
      if (problem) {
        return problem;
      }
      const nodes = Array.isArray(value)
        ? value.map((edge) => (isObject(edge) ? edge.node : undefined))
        : value;
      return checkListed(nodes, ids) ?? checkAliases(response, ids);
    },
    checkFloor: (response) => {
      const rooms = floorData(response, 'rooms');
      const lookups = floorData(response, 'lookups');
      return Array.isArray(rooms) &&
        rooms.length === TWENTY &&
        Array.isArray(lookups) &&
        lookups.length === TWENTY &&
        lookups.every(isObject)
        ? null
        : `expected ${TWENTY} rooms and ${TWENTY} lookups`;
    },
    checkPeer(response, seeds) {
      const ids = listedConferences(seeds).map((room) => room.nativeId);
      const { value, problem } = dataAt(response, 'list_video_conferences', 'data');
      return problem ?? checkListed(value, ids) ?? checkAliases(response, ids);
    },
    bodyLooksRight: noErrorsNoEmpty,
  },
  {
    name: 'list20tokens',
    description: 'list20 plus tokens { token role } of each room',
    // 1 + 20 = 21: the page (1), then GET /conferences/{id}/conference_tokens for each of the
    // 20 conferences (SignalWire lists tokens per conference only; each list fits one page).
    upstreamMinimum: 21,
    ours: () => LIST20_TOKENS,
    floor: () => sameRequest('/list20tokens', LIST20_TOKENS),
    checkOurs: (response) => checkList(response, true),
    checkFloor: (response) => {
      const rooms = floorData(response, 'rooms');
      if (!Array.isArray(rooms) || rooms.length !== 20) {
        return 'expected 20 rooms';
      }
      return rooms.every(
        (room) => isObject(room) && Array.isArray(room.tokens) && room.tokens.length > 0,
      )
        ? null
        : 'a room without tokens';
    },
    bodyLooksRight: noErrors,
  },
  {
    name: 'nodes',
    description: 'nodes(ids) over 100 ids, 25 at each of the four providers',
    // 25 × 4 = 100: one GET per distinct room. None of the four has a batch read (getRooms is
    // getRoomsOneByOne everywhere), and the loader asks for each id once.
    upstreamMinimum: 100,
    ours: nodesRequest,
    floor: (seeds) => sameRequest('/nodes', nodesRequest(seeds)),
    checkOurs(response, seeds) {
      const { value, problem } = dataAt(response, 'nodes');
      if (problem) {
        return problem;
      }
      if (!Array.isArray(value) || value.length !== seeds.nodes.length) {
        return `expected ${seeds.nodes.length} nodes`;
      }
      const wrong = value.findIndex(
        (node, index) => !isObject(node) || node.id !== seeds.nodes[index]?.id,
      );
      return wrong < 0 ? null : `node ${wrong} is ${JSON.stringify(value[wrong])}`;
    },
    checkFloor: (response) => {
      const nodes = floorData(response, 'nodes');
      return Array.isArray(nodes) && nodes.length === 100 ? null : 'expected 100 nodes';
    },
    bodyLooksRight: noErrors,
  },
  {
    name: 'createRoom',
    description: 'createRoom of a SignalWire ROOM with a unique name',
    fillsStoreOf: 'signalwire',
    // 1: POST /rooms. The answer is the created room; nothing is read back.
    upstreamMinimum: 1,
    ours: () => ({
      method: 'POST',
      path: '/graphql',
      body: () =>
        graphql(
          `mutation Create($input: CreateRoomInput!) {
            createRoom(input: $input) {
              __typename
              ... on CreateRoomSuccess { room { id name status } }
              ... on Error { code message }
            }
          }`,
          { input: { providerKey: 'signalwire', name: uniqueRoomName('bench') } },
        ),
    }),
    floor: () => ({
      method: 'POST',
      path: '/createRoom',
      body: () => JSON.stringify({ name: uniqueRoomName('floor') }),
    }),
    checkOurs(response) {
      const { value, problem } = dataAt(response, 'createRoom');
      if (problem) {
        return problem;
      }
      return isObject(value) && value.__typename === 'CreateRoomSuccess'
        ? null
        : `createRoom answered ${JSON.stringify(value)}`;
    },
    checkFloor: (response) => (isObject(floorData(response, 'room')) ? null : 'no room'),
    bodyLooksRight: (body) =>
      (body.includes('CreateRoomSuccess') || body.includes('"room"')) && noErrors(body),
  },
];

function firstConference(seeds: BenchSeeds) {
  const first = seeds.conferences[0];
  if (!first) {
    throw new Error('no seeded conference');
  }
  return first;
}

/** The scenarios the peer has a version of (`Scenario.peer`), in the bench's order. */
export const PEER_SCENARIO_NAMES: readonly ScenarioName[] = SCENARIOS.filter(
  (scenario) => scenario.peer !== undefined,
).map((scenario) => scenario.name);
