import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createUpstreamClient,
  type UpstreamClientOptions,
} from '../../../src/http/upstream-client.js';
import type {
  CircuitChange,
  UpstreamAttempt,
  UpstreamRetry,
} from '../../../src/http/upstream-observer.js';
import { createMockAgent, type MockUpstream } from '../../helpers/mock-agent.js';

const ORIGIN = 'https://api.videsk.io';
const ROOM_ID = '6650f1c2a9b8c7d6e5f40123';
const roomSchema = z.object({ _id: z.string() });

let mock: MockUpstream;
let attempts: UpstreamAttempt[];
let retries: UpstreamRetry[];
let changes: CircuitChange[];

beforeEach(() => {
  mock = createMockAgent();
  attempts = [];
  retries = [];
  changes = [];
});

afterEach(async () => {
  await mock.assertNoPendingAndClose();
});

function client(overrides: Partial<UpstreamClientOptions> = {}) {
  return createUpstreamClient({
    provider: 'videsk-eu',
    baseUrl: ORIGIN,
    dispatcher: mock.agent,
    headers: () => ({ authorization: 'Bearer vk_live_secret_token' }),
    parseError: (failure) => ({ message: `HTTP ${failure.status}`, providerCode: null }),
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
    observer: {
      attemptFinished: (attempt) => attempts.push(attempt),
      retried: (retry) => retries.push(retry),
      circuitChanged: (change) => changes.push(change),
    },
    ...overrides,
  });
}

const getRoom = (upstream: ReturnType<typeof client>) =>
  upstream.send({
    method: 'GET',
    path: `/vpaas/rooms/${ROOM_ID}?populate=authorizations`,
    schema: roomSchema,
    operation: 'getRoom',
  });

describe('the upstream client tells its observer', () => {
  it('of each attempt: account, operation, method, path without query, status class, duration', async () => {
    mock.agent
      .get(ORIGIN)
      .intercept({ path: `/vpaas/rooms/${ROOM_ID}?populate=authorizations`, method: 'GET' })
      .reply(200, { _id: ROOM_ID }, { headers: { 'content-type': 'application/json' } });
    const before = Date.now();

    await getRoom(client());

    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      account: 'videsk-eu',
      operation: 'getRoom',
      method: 'GET',
      path: `/vpaas/rooms/${ROOM_ID}`,
      status: 200,
      outcome: '2xx',
      errorCode: null,
    });
    expect(attempts[0]?.startedAt).toBeGreaterThanOrEqual(before);
    expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(attempts)).not.toContain('vk_live_secret_token');
  });

  it('of a failed attempt with its typed error code, and of the retry that follows', async () => {
    const pool = mock.agent.get(ORIGIN);
    pool
      .intercept({ path: `/vpaas/rooms/${ROOM_ID}?populate=authorizations`, method: 'GET' })
      .reply(503, { message: 'down' });
    pool
      .intercept({ path: `/vpaas/rooms/${ROOM_ID}?populate=authorizations`, method: 'GET' })
      .reply(200, { _id: ROOM_ID }, { headers: { 'content-type': 'application/json' } });

    await getRoom(client({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } }));

    expect(attempts.map((attempt) => [attempt.outcome, attempt.errorCode])).toEqual([
      ['5xx', 'UPSTREAM_UNAVAILABLE'],
      ['2xx', null],
    ]);
    expect(retries).toEqual([
      {
        account: 'videsk-eu',
        operation: 'getRoom',
        method: 'GET',
        attempt: 1,
        delayMs: expect.any(Number),
        errorCode: 'UPSTREAM_UNAVAILABLE',
      },
    ]);
  });

  it('of an attempt that got no answer, by why: a dropped connection is "network"', async () => {
    mock.agent
      .get(ORIGIN)
      .intercept({ path: `/vpaas/rooms/${ROOM_ID}?populate=authorizations`, method: 'GET' })
      .replyWithError(new Error('socket hang up'));

    await expect(getRoom(client())).rejects.toMatchObject({ providerCode: 'CONNECTION_FAILED' });

    expect(attempts).toMatchObject([
      { status: null, outcome: 'network', errorCode: 'CONNECTION_FAILED' },
    ]);
  });

  it('of a 2xx whose body cannot be read, as a 2xx with UPSTREAM_BAD_RESPONSE', async () => {
    mock.agent
      .get(ORIGIN)
      .intercept({ path: `/vpaas/rooms/${ROOM_ID}?populate=authorizations`, method: 'GET' })
      .reply(200, '{"unexpected": true}', { headers: { 'content-type': 'application/json' } });

    await expect(getRoom(client())).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });

    expect(attempts).toMatchObject([
      { status: 200, outcome: '2xx', errorCode: 'UPSTREAM_BAD_RESPONSE' },
    ]);
  });

  it('of each circuit change: open at the threshold, half-open for the probe, closed after it', async () => {
    let clock = 1_000_000;
    const upstream = client({
      circuitFailureThreshold: 2,
      circuitOpenMs: 5_000,
      now: () => clock,
    });
    const pool = mock.agent.get(ORIGIN);
    const path = `/vpaas/rooms/${ROOM_ID}?populate=authorizations`;
    pool.intercept({ path, method: 'GET' }).reply(500, {}).times(2);

    await expect(getRoom(upstream)).rejects.toMatchObject({ status: 500 });
    expect(changes).toEqual([]);
    await expect(getRoom(upstream)).rejects.toMatchObject({ status: 500 });
    expect(changes).toEqual([{ account: 'videsk-eu', from: 'closed', to: 'open' }]);

    // Failing fast while open changes nothing.
    await expect(getRoom(upstream)).rejects.toMatchObject({ providerCode: 'CIRCUIT_OPEN' });
    expect(changes).toHaveLength(1);

    clock += 5_000;
    pool
      .intercept({ path, method: 'GET' })
      .reply(200, { _id: ROOM_ID }, { headers: { 'content-type': 'application/json' } });
    await getRoom(upstream);
    expect(changes.slice(1)).toEqual([
      { account: 'videsk-eu', from: 'open', to: 'half-open' },
      { account: 'videsk-eu', from: 'half-open', to: 'closed' },
    ]);
  });

  it('of a failed probe: half-open back to open', async () => {
    let clock = 1_000_000;
    const upstream = client({ circuitFailureThreshold: 1, circuitOpenMs: 5_000, now: () => clock });
    const path = `/vpaas/rooms/${ROOM_ID}?populate=authorizations`;
    mock.agent.get(ORIGIN).intercept({ path, method: 'GET' }).reply(502, {}).times(2);

    await expect(getRoom(upstream)).rejects.toMatchObject({ status: 502 });
    clock += 5_000;
    await expect(getRoom(upstream)).rejects.toMatchObject({ status: 502 });

    expect(changes.map((change) => `${change.from}->${change.to}`)).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->open',
    ]);
  });
});
