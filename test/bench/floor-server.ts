import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { Pool } from 'undici';
import type { ProviderConfig } from '../../src/config.js';
import { createManagementTokenSource } from '../../src/providers/hms/hms-auth.js';
import { createNetlessAuth } from '../../src/providers/netless/netless-auth.js';
import { NETLESS_ASSUMPTIONS } from '../../src/providers/netless/netless-schemas.js';
import { signalWireAuthHeaders } from '../../src/providers/signalwire/signalwire-auth.js';
import { videskAuthHeaders } from '../../src/providers/videsk/videsk-auth.js';
import { type BenchSeeds, exitWithParent, type ParentMessage, serveParent } from './protocol.js';
import { YOGA_ALONE_PATH } from './scenarios.js';

// Child process of `npm run bench`: the floor. A minimal `node:http` handler per scenario that
// makes exactly the upstream calls the service makes for it (same paths, same auth headers, over
// undici pools with as many sockets as the service's), parses the JSON and answers JSON, with no
// GraphQL, no validation and no error mapping. Where the service fans out (list20tokens, nodes)
// the floor sends every call of a request at once: that is the least time those calls can take.
// Where the service answers from one call what a request asks for several times (same20,
// lookup20), so does the floor.
//
// The same process also serves graphql-yoga alone at YOGA_ALONE_PATH, for the scenarios that
// compare with it (`Scenario.yogaAlone`).
//
// Run as `node --import tsx test/bench/floor-server.ts`; the parent sends `init-floor` (accounts,
// sockets per origin; the reply is the port) and later `seeds` (the rooms to address).

interface Upstream {
  readonly pool: Pool;
  /** Path prefix of the account's base URL, e.g. `/api/video`, `/v5`, `/v2`, or ''. */
  readonly basePath: string;
  readonly headers: Record<string, string>;
}

interface Account {
  readonly config: ProviderConfig;
  readonly upstream: Upstream;
}

const accounts = new Map<string, Account>();
let seeds: BenchSeeds | null = null;
let signalwire: Account | null = null;

/** The auth headers the adapters send, made by the adapters' own auth modules. */
async function authHeaders(config: ProviderConfig): Promise<Record<string, string>> {
  switch (config.kind) {
    case 'signalwire':
      return signalWireAuthHeaders(config);
    case 'netless': {
      const auth = createNetlessAuth({ ...config, now: Date.now });
      return {
        token: auth.restToken(),
        region: config.region ?? NETLESS_ASSUMPTIONS.defaultRegion,
        'content-type': 'application/json',
      };
    }
    case 'hms': {
      const source = createManagementTokenSource(
        { appAccessKey: config.appAccessKey, appSecret: config.appSecret },
        Date.now,
      );
      return { authorization: `Bearer ${await source.token()}` };
    }
    case 'videsk':
      return videskAuthHeaders(config);
  }
}

async function init(providers: ProviderConfig[], connections: number): Promise<void> {
  for (const config of providers) {
    const base = new URL(config.baseUrl);
    const upstream: Upstream = {
      pool: new Pool(base.origin, { connections, keepAliveTimeout: 10_000 }),
      basePath: base.pathname.replace(/\/$/, ''),
      headers: { accept: 'application/json', ...(await authHeaders(config)) },
    };
    const account = { config, upstream };
    accounts.set(config.key, account);
    if (config.kind === 'signalwire' && signalwire === null) {
      signalwire = account;
    }
  }
}

/**
 * graphql-yoga as it comes: its default plugins and graphql-js, none of ours (no auth, limits,
 * metrics or graphql-jit), over a schema with one field answering the configured account keys.
 */
function createYogaAlone(): YogaServerInstance<Record<string, never>, Record<string, never>> {
  const keys = [...accounts.keys()].map((key) => ({ key }));
  const Provider = new GraphQLObjectType({
    name: 'Provider',
    fields: { key: { type: new GraphQLNonNull(GraphQLString) } },
  });
  const Query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      providers: {
        type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(Provider))),
        resolve: () => keys,
      },
    },
  });
  return createYoga({
    schema: new GraphQLSchema({ query: Query }),
    graphqlEndpoint: YOGA_ALONE_PATH,
    logging: false,
    landingPage: false,
    graphiql: false,
  });
}

let yogaAlone: ReturnType<typeof createYogaAlone> | null = null;

class UpstreamStatusError extends Error {}

/** One upstream call: the JSON body of a 2xx, or an error the handler answers 502 with. */
async function call(
  upstream: Upstream,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const headers =
    body === undefined
      ? upstream.headers
      : { ...upstream.headers, 'content-type': 'application/json' };
  const response = await upstream.pool.request({
    method,
    path: upstream.basePath + path,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new UpstreamStatusError(`${method} ${path} answered ${response.statusCode}: ${text}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}

type Json = Record<string, unknown>;

const pick = (record: Json) => ({
  id: record.id ?? record.uuid ?? record.roomId,
  name: record.name ?? record.externalId ?? record.uuid,
});

function requireSignalWire(): Upstream {
  if (!signalwire) {
    throw new Error('no SignalWire account');
  }
  return signalwire.upstream;
}

function requireSeeds(): BenchSeeds {
  if (!seeds) {
    throw new Error('the floor has no seeds yet');
  }
  return seeds;
}

/** A GET of one room, by kind: the path each adapter's `getRooms` uses for a single room. */
function roomPath(kind: ProviderConfig['kind'], nativeId: string): string {
  const id = encodeURIComponent(nativeId);
  switch (kind) {
    case 'signalwire':
      return `/conferences/${id}`; // the bench seeds conferences only
    case 'netless':
      return `/rooms/${id}`;
    case 'hms':
      return `/rooms/${id}`;
    case 'videsk':
      return `/vpaas/rooms/${id}`;
  }
}

/** The scenarios, by path. Each makes the calls `scenarios.ts` counts as its minimum. */
const handlers: Record<string, (request: IncomingMessage, body: string) => Promise<unknown>> = {
  // No upstream call: the configured accounts are known.
  async '/trivial'() {
    return { providers: [...accounts.keys()].map((key) => ({ key })) };
  },
  // 1 call: GET /conferences/{id}.
  async '/one'() {
    const first = requireSeeds().conferences[0];
    if (!first) {
      throw new Error('no seeded conference');
    }
    return { room: pick(await call(requireSignalWire(), 'GET', `/conferences/${first.nativeId}`)) };
  },
  // 1 call: GET /conferences?page_size=20.
  async '/list20'() {
    const page = await call(requireSignalWire(), 'GET', '/conferences?page_size=20');
    const data = (page.data as Json[]) ?? [];
    return { rooms: data.map((room) => ({ ...pick(room), provider: 'signalwire' })) };
  },
  // 1 call: GET /conferences/{id} of the one room the 20 aliases ask for.
  async '/same20'() {
    const first = requireSeeds().conferences[0];
    if (!first) {
      throw new Error('no seeded conference');
    }
    const room = pick(await call(requireSignalWire(), 'GET', `/conferences/${first.nativeId}`));
    return { rooms: Array.from({ length: 20 }, () => room) };
  },
  // 1 call: GET /conferences?page_size=20; the 20 lookups are of rooms on that page (any that
  // were not would get a GET of their own).
  async '/lookup20'() {
    const upstream = requireSignalWire();
    const page = await call(upstream, 'GET', '/conferences?page_size=20');
    const data = (page.data as Json[]) ?? [];
    const listed = new Map(data.map((room) => [String(room.id), room]));
    const lookups = await Promise.all(
      requireSeeds()
        .conferences.slice(0, 20)
        .map(
          async (room) =>
            listed.get(room.nativeId) ??
            (await call(upstream, 'GET', `/conferences/${room.nativeId}`)),
        ),
    );
    return {
      rooms: data.map((room) => ({ ...pick(room), provider: 'signalwire' })),
      lookups: lookups.map(pick),
    };
  },
  // 1 + 20 calls: the page, then each conference's tokens, all 20 at once.
  async '/list20tokens'() {
    const upstream = requireSignalWire();
    const page = await call(upstream, 'GET', '/conferences?page_size=20');
    const data = (page.data as Json[]) ?? [];
    const tokens = await Promise.all(
      data.map((room) =>
        call(upstream, 'GET', `/conferences/${String(room.id)}/conference_tokens`),
      ),
    );
    return {
      rooms: data.map((room, index) => ({
        ...pick(room),
        tokens: ((tokens[index]?.data as Json[]) ?? []).map((token) => ({
          token: token.token,
          role: token.type ?? token.name,
        })),
      })),
    };
  },
  // 100 calls: one GET per room, all at once (no provider has a batch read).
  async '/nodes'() {
    const rooms = await Promise.all(
      requireSeeds().nodes.map(async (room) => {
        const account = accounts.get(room.providerKey);
        if (!account) {
          throw new Error(`no account ${room.providerKey}`);
        }
        return pick(await call(account.upstream, 'GET', roomPath(room.kind, room.nativeId)));
      }),
    );
    return { nodes: rooms };
  },
  // 1 call: POST /rooms with the name the client sent.
  async '/createRoom'(_request, body) {
    const { name } = JSON.parse(body) as { name: string };
    return { room: pick(await call(requireSignalWire(), 'POST', '/rooms', { name })) };
  },
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

const server = createServer((request, response) => {
  if (request.url === YOGA_ALONE_PATH && yogaAlone) {
    void yogaAlone(request, response);
    return;
  }
  const handler = handlers[request.url ?? ''];
  if (!handler) {
    send(response, 404, { error: `no floor route ${request.url}` });
    return;
  }
  readBody(request)
    .then((body) => handler(request, body))
    .then(
      (data) => send(response, 200, { data }),
      (error: unknown) =>
        send(response, error instanceof UpstreamStatusError ? 502 : 500, {
          error: error instanceof Error ? error.message : String(error),
        }),
    );
});
server.keepAliveTimeout = 10_000;

let closing = false;
function shutdown(): void {
  if (closing) {
    return;
  }
  closing = true;
  const forced = setTimeout(() => process.exit(0), 2_000);
  forced.unref();
  server.closeAllConnections();
  server.close();
  void Promise.all([...accounts.values()].map((account) => account.upstream.pool.close()))
    .catch(() => {})
    .finally(() => process.exit(0));
}

exitWithParent(shutdown);
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);

serveParent(async (message: ParentMessage) => {
  switch (message.type) {
    case 'init-floor': {
      await init(message.providers, message.connections);
      yogaAlone = createYogaAlone();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      const address = server.address();
      return typeof address === 'object' && address ? address.port : 0;
    }
    case 'seeds':
      seeds = message.seeds;
      return null;
    default:
      throw new Error(`the floor does not handle ${message.type}`);
  }
});
