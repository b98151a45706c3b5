import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  NodesDocument,
  RoomsAcrossDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * A bounded soak: 60 s of mixed traffic on loopback while every emulator misbehaves now and then.
 * It stops by itself after SOAK_MS; heap is compared between the two halves after a full GC.
 */
const SOAK_MS = 60_000;
const CLIENTS = 8;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

let server: TestServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  server = await startTestServer({
    config: { upstreamTimeoutMs: 400, upstreamRetries: 1, circuitOpenMs: 1_000 },
  });
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server.close();
});

/** Each emulator in turn gets a fault of each kind for a short while. */
const FAULTS = [
  { status: 500, times: 3 },
  { status: 429, retryAfterSeconds: 1, times: 2 },
  { drop: true, times: 2 },
  { malformedJson: true, method: 'GET', times: 2 },
  { latencyMs: 600, times: 2 },
  { stallBodyMs: 600, method: 'GET', times: 1 },
];

describe('soak', () => {
  it('serves 60 s of mixed traffic under faults with no unhandled rejection and no heap growth', {
    timeout: SOAK_MS + 30_000,
  }, async () => {
    const ids: string[] = [];
    for (const key of ['signalwire', 'netless', 'hms', 'videsk']) {
      for (const index of [1, 2, 3]) {
        const name = key === 'signalwire' ? `soak_${index}` : `soak-${index}`;
        const created = await server.execute(CreateRoomDocument, {
          input: { providerKey: key, name },
        });
        if (created.data?.createRoom.__typename === 'CreateRoomSuccess') {
          ids.push(created.data.createRoom.room.id);
        }
      }
    }
    expect(ids).toHaveLength(12);

    const started = Date.now();
    const halfway = started + SOAK_MS / 2;
    const end = started + SOAK_MS;
    let requests = 0;
    let clean = 0;
    let serverErrors = 0;
    let firstHalfHeap: number | null = null;
    let sequence = 0;

    const injector = (async () => {
      let turn = 0;
      while (Date.now() < end) {
        const running = server.fleet.running[turn % server.fleet.running.length]!;
        running.emulator.faults.add(FAULTS[turn % FAULTS.length]!);
        turn++;
        // The emulators share this process and keep every request they get; clearing their
        // logs keeps the heap figures about the service.
        for (const each of server.fleet.running) {
          each.emulator.log.clear();
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    const client = async (index: number) => {
      while (Date.now() < end) {
        const pick = (sequence++ + index) % 3;
        const response =
          pick === 0
            ? await server.post(
                JSON.stringify({
                  query: print(RoomsAcrossDocument),
                  variables: { first: 10 },
                }),
              )
            : pick === 1
              ? await server.post(
                  JSON.stringify({ query: print(NodesDocument), variables: { ids } }),
                )
              : await server.post(
                  JSON.stringify({
                    query: print(CreateRoomDocument),
                    // 100ms creates by name as an upsert, so the emulator's store does not grow either.
                    variables: {
                      input: { providerKey: 'hms', name: `soak-upsert-${sequence % 4}` },
                    },
                  }),
                );
        const body = (await response.json()) as {
          errors?: unknown[];
          data?: Record<string, { __typename?: string; errors?: unknown[] } | null>;
        };
        requests++;
        const value = body.data ? Object.values(body.data)[0] : null;
        const failed =
          body.errors !== undefined ||
          (value?.__typename !== undefined && value.__typename !== 'CreateRoomSuccess') ||
          (value?.errors?.length ?? 0) > 0;
        if (!failed) {
          clean++;
        }
        if (response.status >= 500) {
          serverErrors++;
        }
        if (firstHalfHeap === null && Date.now() >= halfway) {
          firstHalfHeap = heapAfterGc();
        }
      }
    };

    const baseline = heapAfterGc();
    await Promise.all([injector, ...Array.from({ length: CLIENTS }, (_, index) => client(index))]);
    for (const running of server.fleet.running) {
      running.emulator.faults.clear();
    }
    const secondHalfHeap = heapAfterGc();

    expect(unhandled).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(requests).toBeGreaterThan(200);
    // Each request spans up to four providers while a fault moves between them every 250 ms and
    // circuit breakers open and close, so many requests carry one provider's typed error; a
    // quarter or more still succeed whole. A service failing everything would be near zero.
    expect(clean / requests).toBeGreaterThan(0.25);
    // The emulators keep what they are sent (hms rooms and request logs), so allow for that,
    // and look for growth in the service: the second half may not grow past the first by more
    // than a few MB.
    for (const running of server.fleet.running) {
      running.emulator.log.clear();
    }
    const growthMb = (secondHalfHeap - (firstHalfHeap ?? baseline)) / 1024 / 1024;
    console.log(
      `soak: ${requests} requests (${clean} without any error) in ${Math.round((Date.now() - started) / 1000)} s; heap ${Math.round(baseline / 1048576)} MB at start, ${Math.round((firstHalfHeap ?? 0) / 1048576)} MB at half, ${Math.round(secondHalfHeap / 1048576)} MB at end`,
    );
    expect(growthMb).toBeLessThan(8);
  });
});
