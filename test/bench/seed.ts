import type { ProviderConfig } from '../../src/config.js';
import type { BenchSeeds, SeededRoom } from './protocol.js';
import { REQUEST_HEADERS, uniqueRoomName } from './scenarios.js';

// Creates, through the service's own GraphQL API, the rooms the scenarios address: 25 SignalWire
// conferences (list20 and list20tokens need 20 rooms that carry conference tokens, and a full
// page with a `next` link), and 25 rooms at each of the other three providers (nodes over 100 ids
// takes 25 of every kind; the SignalWire 25 are the conferences).

export const ROOMS_PER_PROVIDER = 25;

/** Sends one GraphQL operation and returns `data`; throws on any error. */
export async function graphqlRequest(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: REQUEST_HEADERS,
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: unknown;
  };
  if (response.status !== 200 || json.errors !== undefined || !json.data) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(json)}`);
  }
  return json.data;
}

const CREATE = /* GraphQL */ `mutation Seed($input: CreateRoomInput!) {
  createRoom(input: $input) {
    __typename
    ... on CreateRoomSuccess { room { id providerRoomId name } }
    ... on Error { code message }
  }
}`;

async function createRoom(
  url: string,
  account: ProviderConfig,
  input: Record<string, unknown>,
): Promise<SeededRoom> {
  const data = await graphqlRequest(url, CREATE, { input });
  const result = data.createRoom as {
    __typename: string;
    room?: { id: string; providerRoomId: string };
  };
  if (result.__typename !== 'CreateRoomSuccess' || !result.room) {
    throw new Error(`seeding a room at ${account.key} failed: ${JSON.stringify(result)}`);
  }
  return {
    id: result.room.id,
    providerKey: account.key,
    kind: account.kind,
    nativeId: result.room.providerRoomId,
  };
}

/** Runs `count` creations, a few at a time, keeping their order. */
async function createMany(
  count: number,
  create: (index: number) => Promise<SeededRoom>,
): Promise<SeededRoom[]> {
  const rooms = new Array<SeededRoom>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      rooms[index] = await create(index);
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
  return rooms;
}

function accountOf(providers: readonly ProviderConfig[], kind: ProviderConfig['kind']) {
  const account = providers.find((provider) => provider.kind === kind);
  if (!account) {
    throw new Error(`the emulator fleet has no ${kind} account`);
  }
  return account;
}

/**
 * The SignalWire conferences, one at a time (the listing shows them in creation order; `one`
 * uses the first). Also called again after the bench empties the SignalWire emulator.
 */
export async function seedConferences(
  url: string,
  providers: readonly ProviderConfig[],
): Promise<SeededRoom[]> {
  const signalwire = accountOf(providers, 'signalwire');
  const conferences: SeededRoom[] = [];
  for (let index = 0; index < ROOMS_PER_PROVIDER; index++) {
    conferences.push(
      await createRoom(url, signalwire, {
        providerKey: signalwire.key,
        name: uniqueRoomName('bench_conf'),
        signalwire: { roomType: 'CONFERENCE' },
      }),
    );
  }
  return conferences;
}

/** New seeds with these conferences in place of the SignalWire rooms. */
export function withConferences(seeds: BenchSeeds, conferences: SeededRoom[]): BenchSeeds {
  return {
    conferences,
    nodes: [...conferences, ...seeds.nodes.filter((room) => room.kind !== 'signalwire')],
  };
}

export async function seedRooms(
  url: string,
  providers: readonly ProviderConfig[],
): Promise<BenchSeeds> {
  const others = (['netless', 'hms', 'videsk'] as const).map((kind) => accountOf(providers, kind));
  const [conferences, ...otherRooms] = await Promise.all([
    seedConferences(url, providers),
    ...others.map((account) =>
      createMany(ROOMS_PER_PROVIDER, () =>
        createRoom(url, account, { providerKey: account.key, name: uniqueRoomName('bench') }),
      ),
    ),
  ]);
  return { conferences, nodes: [...conferences, ...otherRooms.flat()] };
}
