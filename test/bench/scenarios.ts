import { createHash, randomBytes } from 'node:crypto';
import type { BenchSeeds } from './protocol.js';

// The six scenarios: what the service is asked (GraphQL over HTTP), what the floor is asked (its
// route for the same upstream calls), how a correct answer looks, and the fewest upstream calls
// that can answer it, worked out from the adapters' code.

export const SCENARIO_NAMES = [
  'trivial',
  'one',
  'list20',
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
    checkOurs: (response) => checkList(response, false),
    checkFloor: (response) => {
      const rooms = floorData(response, 'rooms');
      return Array.isArray(rooms) && rooms.length === 20 ? null : 'expected 20 rooms';
    },
    bodyLooksRight: noErrors,
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
