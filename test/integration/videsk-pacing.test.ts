import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import {
  createVideskEmulator,
  VIDESK_EMULATOR_API_TOKEN,
  type VideskEmulator,
} from '../../src/emulators/videsk/videsk-emulator.js';
import type { RateLimitOverride } from '../../src/providers/request-rate.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// The Videsk account's upstream client paces itself to the provider's rate: a burst of reads
// through GraphQL reaches the emulator no faster than it allows, and so meets no 429. Videsk's
// documented 20 requests/s by default; lowered on the emulator and the account alike, so a
// short burst spans several windows.

/** A lowered rate, in requests per second. */
const RATE = 3;

let emulator: RunningEmulator | undefined;
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  await emulator?.close();
});

/**
 * The service with one Videsk account on an emulator allowing `perSecond` requests a second
 * (Videsk's 20 when absent), and `reads` rooms in it.
 */
async function start(
  reads: number,
  perSecond: number | undefined,
  rateLimit: RateLimitOverride | null | undefined,
) {
  const videsk = createVideskEmulator({ rateLimitPerSecond: perSecond });
  emulator = await startEmulator(videsk, { port: 0 });
  const baseUrl = emulator.url;
  server = await startTestServer({
    providers: () => [
      { kind: 'videsk', key: 'videsk', baseUrl, apiToken: VIDESK_EMULATOR_API_TOKEN, rateLimit },
    ],
  });
  const ids = Array.from({ length: reads }, (_, index) => {
    const room = videsk.store.create({
      account: 'emulator',
      name: `paced-${index}`,
      externalId: `paced-${index}`,
      exp: Date.now() + 86_400_000,
      nbf: Date.now(),
      settings: null,
    });
    return encodeGlobalID('Room', `videsk:${room.id}`);
  });
  return { videsk, server, ids };
}

/** One GraphQL request per room, all at once. */
async function readAll(target: TestServer, ids: readonly string[]) {
  return Promise.all(
    ids.map(async (id) => {
      const response = await target.post(
        JSON.stringify({ query: 'query ($id: ID!) { room(id: $id) { name } }', variables: { id } }),
      );
      return (await response.json()) as {
        data?: { room: { name: string } | null };
        errors?: { extensions?: { code?: string } }[];
      };
    }),
  );
}

const statuses = (videsk: VideskEmulator) =>
  videsk.log.all().map((entry) => entry.response?.status);

describe('the Videsk request budget', () => {
  it("paces a burst of reads to Videsk's documented rate, with no setting", async () => {
    // One and a half seconds' worth.
    const { videsk, server: target, ids } = await start(30, undefined, undefined);

    const results = await readAll(target, ids);

    expect(results.map((result) => result.errors)).toEqual(ids.map(() => undefined));
    expect(statuses(videsk)).toEqual(ids.map(() => 200));
  });

  it("paces a burst of reads to the account's own rate: no 429, every room read", async () => {
    // Three seconds' worth.
    const {
      videsk,
      server: target,
      ids,
    } = await start(3 * RATE, RATE, {
      requestsPerSecond: RATE,
    });

    const results = await readAll(target, ids);

    expect(results.map((result) => result.errors)).toEqual(ids.map(() => undefined));
    expect(results.map((result) => result.data?.room?.name).sort()).toEqual(
      ids.map((_, index) => `paced-${index}`).sort(),
    );
    expect(statuses(videsk)).toEqual(ids.map(() => 200));
    // Three windows' worth: the last read went out at least two windows after the first.
    const times = videsk.log.all().map((entry) => entry.at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1_000);
  });

  it('meets the emulator’s 429 with the budget turned off (rateLimit: null)', async () => {
    const { videsk, server: target, ids } = await start(3 * RATE, RATE, null);

    const results = await readAll(target, ids);

    expect(statuses(videsk)).toContain(429);
    expect(results.flatMap((result) => result.errors ?? []).length).toBeGreaterThan(0);
  });
});
