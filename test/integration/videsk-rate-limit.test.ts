import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmsEmulator } from '../../src/emulators/hms/hms-emulator.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import {
  createVideskEmulator,
  VIDESK_EMULATOR_API_TOKEN,
} from '../../src/emulators/videsk/videsk-emulator.js';
import { HMS_REQUEST_RATE as HMS_RATE_LIMIT } from '../../src/providers/hms/hms-request-rate.js';
import { VIDESK_REQUEST_RATE as VIDESK_RATE_LIMIT } from '../../src/providers/videsk/videsk-request-rate.js';

/**
 * The published limits the adapters export (for the client-side budget) and what each emulator,
 * written separately from the same fact sheets, does on the wire: the two must tell one story.
 */
const frozen = Date.parse('2026-11-23T10:00:00.250Z');
let videsk: RunningEmulator;

beforeAll(async () => {
  // The documented default: no rateLimitPerSecond given.
  videsk = await startEmulator(createVideskEmulator({ now: () => frozen }), { port: 0 });
});
afterAll(async () => {
  await videsk.close();
});

const get = (token = VIDESK_EMULATOR_API_TOKEN) =>
  fetch(`${videsk.url}/vpaas/rooms`, { headers: { authorization: `Bearer ${token}` } });

describe('VIDESK_RATE_LIMIT against the Videsk emulator', () => {
  it('names the headers the emulator sends, and the rate past which it answers 429', async () => {
    const headers = VIDESK_RATE_LIMIT.headers;
    if (!headers) {
      throw new Error('Videsk documents rate-limit headers (videsk.md §1.1)');
    }
    // The documented rate per second, which covers every method (videsk.md §1.1).
    const [limit] = VIDESK_RATE_LIMIT.limits;
    const requestsPerSecond = ((limit?.requests ?? 0) * 1000) / (limit?.perMs ?? 1000);
    const answers: Response[] = [];
    for (let index = 0; index <= requestsPerSecond; index++) {
      answers.push(await get());
    }
    const [first] = answers;
    expect({
      limit: first?.headers.get(headers.limit),
      remaining: first?.headers.get(headers.remaining),
      reset: first?.headers.get(headers.reset),
      policy: first?.headers.get(headers.policy),
    }).toEqual({
      limit: String(requestsPerSecond),
      remaining: String(requestsPerSecond - 1),
      reset: '1',
      policy: `${requestsPerSecond};w=1`,
    });
    // Every request within the second passes; the one past the rate does not.
    expect(answers.map((answer) => answer.status)).toEqual([
      ...new Array(requestsPerSecond).fill(200),
      429,
    ]);
    expect(answers.at(-1)?.headers.get(headers.remaining)).toBe('0');
    // The budget is the account's: another token (here unknown, so 401) has its own.
    expect((await get('vk_live_someone_else')).status).toBe(401);
  });
});

describe('HMS_RATE_LIMIT against the 100ms emulator', () => {
  it('is null, and the emulator reports no rate-limit headers either', async () => {
    expect(HMS_RATE_LIMIT).toBeNull();
    const hms = await startEmulator(createHmsEmulator(), { port: 0 });
    try {
      const answer = await fetch(`${hms.url}/v2/rooms`);
      expect([...answer.headers.keys()].filter((name) => name.includes('ratelimit'))).toEqual([]);
    } finally {
      await hms.close();
    }
  });
});
