import type { Pool } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../src/domain/errors.js';
import type { Room } from '../../src/domain/room.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import {
  createVideskEmulator,
  VIDESK_EMULATOR_API_TOKEN,
  type VideskEmulator,
} from '../../src/emulators/videsk/videsk-emulator.js';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import type { RetryPolicy } from '../../src/http/with-retry.js';
import {
  createVideskProvider,
  type VideskProviderOptions,
} from '../../src/providers/videsk/videsk-provider.js';
import type { VideskRoomSettings } from '../../src/providers/videsk/videsk-room-settings.js';

// The Videsk adapter against its emulator over real loopback HTTP.

const NO_RETRY: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };

let emulator: VideskEmulator;
let running: RunningEmulator;
let dispatcher: Pool;

function provider(overrides: Partial<VideskProviderOptions> = {}) {
  return createVideskProvider({
    key: 'videsk',
    baseUrl: running.url,
    dispatcher,
    timeoutMs: 2_000,
    retry: NO_RETRY,
    defaultTokenTtlSeconds: 3_600,
    apiToken: VIDESK_EMULATOR_API_TOKEN,
    ...overrides,
  });
}

beforeAll(async () => {
  // The documented 20 requests/s would make these back-to-back calls flaky; the limit itself is
  // covered by the emulator's own tests and by the 429 case below.
  emulator = createVideskEmulator({ rateLimitPerSecond: 10_000 });
  running = await startEmulator(emulator, { port: 0 });
  dispatcher = createDispatcher(running.url);
});
afterAll(async () => {
  await dispatcher.close();
  await running.close();
});
beforeEach(() => {
  emulator.reset();
});

describe('Videsk adapter against the emulator', () => {
  it('creates a room and reads it back, alone and in a batch with a missing id', async () => {
    const videsk = provider();
    const created = await videsk.createRoom({
      name: 'standup-2024-08-14',
      displayName: 'Team standup meeting',
      maxParticipants: 10,
      recordingEnabled: true,
    });
    expect(created).toMatchObject({
      providerKind: 'VIDESK',
      name: 'standup-2024-08-14',
      displayName: 'Team standup meeting',
      status: 'ACTIVE',
      maxParticipants: 10,
      recordingEnabled: true,
    });
    expect(created.expiresAt!.getTime() - created.notBefore!.getTime()).toBe(3 * 3_600_000);
    emulator.log.clear();
    const [found, missing, again] = await videsk.getRooms([
      created.nativeId,
      '64f1a2b3c4d5e6f7a8b9c0d1',
      created.nativeId,
    ]);
    // The create answer's first token comes only with the create (§3.2).
    const { issuedTokens, ...stored } = created;
    expect(issuedTokens).toHaveLength(1);
    expect(found).toEqual(stored);
    expect(again).toEqual(stored);
    expect(missing).toBeInstanceOf(RoomNotFoundError);
    // One GET per distinct id: the duplicate joins the identical GET already in flight.
    expect(emulator.log.count({ method: 'GET' })).toBe(2);
  });

  it('walks every page with a small limit and resumes from a middle edge', async () => {
    const videsk = provider();
    const names = ['r-0', 'r-1', 'r-2', 'r-3', 'r-4'];
    for (const name of names) {
      await videsk.createRoom({ name });
    }
    const walked: string[] = [];
    const pages: Awaited<ReturnType<typeof videsk.listRooms>>[] = [];
    let cursor: string | null = null;
    do {
      const page = await videsk.listRooms({ cursor, limit: 2 });
      pages.push(page);
      walked.push(...page.edges.map((edge) => edge.room.name));
      cursor = page.hasNextPage ? (page.edges.at(-1)?.cursor ?? null) : null;
    } while (cursor !== null);
    expect(walked).toEqual(names);
    expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
    const middle = pages[1]!.edges[0]!.cursor;
    const resumed = await videsk.listRooms({ cursor: middle, limit: 2 });
    expect(resumed.edges.map((edge) => edge.room.name)).toEqual(['r-3', 'r-4']);
    expect(resumed.hasNextPage).toBe(false);
  });

  it('updates, then ends a room for good', async () => {
    const videsk = provider();
    const created = await videsk.createRoom({ name: 'to-end' });
    const later = new Date(Date.now() + 10 * 3_600_000);
    const updated = await videsk.updateRoom(created.nativeId, {
      displayName: 'Renamed',
      expiresAt: later,
    });
    expect(updated).toMatchObject({ displayName: 'Renamed', expiresAt: later, name: 'to-end' });
    const [reread] = await videsk.getRooms([created.nativeId]);
    expect((reread as Room).displayName).toBe('Renamed');

    const ended = await videsk.disableRoom(created.nativeId);
    expect(ended.status).toBe('ENDED');
    emulator.log.clear();
    // Ending twice is fine: the PATCH answers 404 for an ended room and a GET shows it ended.
    await expect(videsk.disableRoom(created.nativeId)).resolves.toMatchObject({ status: 'ENDED' });
    expect(emulator.log.count()).toBe(2);
    await expect(videsk.updateRoom(created.nativeId, { displayName: 'x' })).rejects.toBeInstanceOf(
      ProviderRejectedError,
    );
    await expect(
      videsk.createRoomToken(created.nativeId, { role: 'PARTICIPANT' }),
    ).rejects.toMatchObject({ code: 'UPSTREAM_REJECTED', message: 'The room has ended.' });
  });

  it('mints a token that the emulator accepts and records as a grant', async () => {
    const videsk = provider();
    const created = await videsk.createRoom({ name: 'with-token' });
    const token = await videsk.createRoomToken(created.nativeId, {
      role: 'PARTICIPANT',
      identity: 'agent-7',
    });
    expect(emulator.store.verifyAccessToken(token.token)).toMatchObject({
      ok: true,
      claims: { room: created.nativeId },
    });
    expect(token).toMatchObject({
      role: 'PARTICIPANT',
      identity: 'agent-7',
      roomNativeId: created.nativeId,
    });
    // The token lasts as long as the room, to the second (JWT times are whole seconds).
    expect(token.expiresAt!.getTime()).toBe(Math.floor(created.expiresAt!.getTime() / 1000) * 1000);
    const [room] = await videsk.getRooms([created.nativeId]);
    const grants = (room as Room).settings as VideskRoomSettings | null;
    expect(grants?.kind === 'VIDESK' && grants.authorizations.map((grant) => grant.jti)).toContain(
      token.providerTokenId,
    );
  });

  it('answers the typed error without a call for each unsupported operation', async () => {
    const videsk = provider();
    const created = await videsk.createRoom({ name: 'kept' });
    emulator.log.clear();
    const unsupported = [
      ['enableRoom', () => videsk.enableRoom(created.nativeId)],
      ['deleteRoom', () => videsk.deleteRoom(created.nativeId)],
      ['listRoomTokens', () => videsk.listRoomTokens(created.nativeId)],
    ] as const;
    for (const [operation, call] of unsupported) {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      expect(error).toMatchObject({ operation, provider: 'videsk' });
    }
    // A role Videsk cannot express is refused the same way, before any call.
    await expect(videsk.createRoomToken(created.nativeId, { role: 'HOST' })).rejects.toBeInstanceOf(
      InputValidationError,
    );
    expect(emulator.log.count()).toBe(0);
  });
});

describe('findCreatedRoom against the emulator', () => {
  it('finds a created room by its externalId, and null for one never created', async () => {
    const videsk = provider();
    const created = await videsk.createRoom({ name: 'ticket-981', displayName: 'Support call' });
    emulator.log.clear();
    await expect(videsk.findCreatedRoom?.({ name: 'ticket-981' })).resolves.toMatchObject({
      nativeId: created.nativeId,
      name: 'ticket-981',
      displayName: 'Support call',
    });
    await expect(videsk.findCreatedRoom?.({ name: 'ticket-982' })).resolves.toBeNull();
    expect(emulator.log.all().map((entry) => `${entry.method} ${entry.path}`)).toEqual([
      'GET /vpaas/rooms/ticket-981',
      'GET /vpaas/rooms/ticket-982',
    ]);
  });
});

describe('Videsk adapter error paths', () => {
  it('answers RoomNotFoundError for unknown rooms on every room operation', async () => {
    const videsk = provider();
    const unknown = '64f1a2b3c4d5e6f7a8b9c0ff';
    await expect(videsk.updateRoom(unknown, { displayName: 'x' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
    await expect(videsk.disableRoom(unknown)).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(videsk.createRoomToken(unknown, { role: 'PARTICIPANT' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
    // Each reached Videsk and was answered 404 there, the id being well formed: PATCH then the
    // GET that tells "unknown" from "ended" for update and disable, then the join.
    expect(emulator.log.all().map((entry) => `${entry.method} ${entry.response?.status}`)).toEqual([
      'PATCH 404',
      'GET 404',
      'PATCH 404',
      'GET 404',
      'POST 404',
    ]);
  });

  it("passes the provider's validation errors on, naming the field", async () => {
    const videsk = provider();
    const past = await videsk
      .createRoom({ name: 'late', expiresAt: new Date(Date.now() - 60_000) })
      .catch((error: unknown) => error);
    expect(past).toBeInstanceOf(ProviderRejectedError);
    expect(past).toMatchObject({ status: 400, providerCode: 'bad-request' });
    expect((past as Error).message).toContain('"exp" must be a future date');
    await videsk.createRoom({ name: 'taken' });
    const duplicate = await videsk.createRoom({ name: 'taken' }).catch((error: unknown) => error);
    expect(duplicate).toBeInstanceOf(ProviderError);
    expect(duplicate).toMatchObject({
      code: 'UPSTREAM_ERROR',
      status: 409,
      providerCode: 'conflict',
    });
  });

  it('answers ProviderAuthError for a wrong API token, without the token in the message', async () => {
    const wrong = 'vk_live_wrong_token_123';
    const error = await provider({ apiToken: wrong })
      .listRooms({ cursor: null, limit: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ status: 401, providerCode: 'not-authenticated' });
    expect((error as Error).message).not.toContain(wrong);
  });

  it('answers ProviderUnavailableError for an injected 500, with no retry', async () => {
    emulator.faults.add({ status: 500, times: 1 });
    await expect(provider().getRooms(['64f1a2b3c4d5e6f7a8b9c0ff'])).rejects.toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      status: 500,
      providerCode: 'general-error',
    });
    // maxRetries 0: one attempt.
    expect(emulator.log.count()).toBe(1);
  });

  it('times out when the emulator is slower than timeoutMs', async () => {
    emulator.faults.add({ latencyMs: 400, times: 1 });
    const error = await provider({ timeoutMs: 100 })
      .listRooms({ cursor: null, limit: 5 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ providerCode: 'TIMEOUT' });
  });

  it('retries a GET after an injected 503', async () => {
    const created = await provider().createRoom({ name: 'retry-me' });
    emulator.log.clear();
    emulator.faults.add({ method: 'GET', status: 503, times: 1 });
    const videsk = provider({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } });
    const [room] = await videsk.getRooms([created.nativeId]);
    expect((room as Room).nativeId).toBe(created.nativeId);
    // The 503, then the retried GET that succeeded.
    expect(emulator.log.count()).toBe(2);
  });

  it("answers ProviderRateLimitedError past the emulator's own quota", async () => {
    const frozen = Date.now();
    const strict = createVideskEmulator({ rateLimitPerSecond: 1, now: () => frozen });
    const server = await startEmulator(strict, { port: 0 });
    const pool = createDispatcher(server.url);
    try {
      // Retry-After (1 s) does not fit in a 300 ms deadline, so the 429 surfaces at once.
      const videsk = provider({ baseUrl: server.url, dispatcher: pool, timeoutMs: 300 });
      await videsk.listRooms({ cursor: null, limit: 5 });
      const error = await videsk
        .listRooms({ cursor: null, limit: 5 })
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProviderRateLimitedError);
      expect(error).toMatchObject({ retryAfterMs: 1_000, providerCode: 'too-many-requests' });
      expect(strict.log.count()).toBe(2);
    } finally {
      await pool.close();
      await server.close();
    }
  });
});

describe('Videsk answers shaped like its examples: no ended, createdAt or updatedAt (§2)', () => {
  let clock = Date.now();
  let shaped: VideskEmulator;
  let server: RunningEmulator;
  let pool: Pool;

  beforeAll(async () => {
    shaped = createVideskEmulator({
      rateLimitPerSecond: 10_000,
      examplesOnly: true,
      now: () => clock,
    });
    server = await startEmulator(shaped, { port: 0 });
    pool = createDispatcher(server.url);
  });
  afterAll(async () => {
    await pool.close();
    await server.close();
  });

  const shapedProvider = () =>
    provider({ baseUrl: server.url, dispatcher: pool, now: () => clock });

  it('takes the status from exp, and ends a room twice without a RoomNotFoundError', async () => {
    const videsk = shapedProvider();
    const created = await videsk.createRoom({
      name: 'examples-only',
      expiresAt: new Date(clock + 3_600_000),
    });
    expect(shaped.log.all()[0]?.response?.body).not.toHaveProperty('ended');
    expect(created).toMatchObject({ status: 'ACTIVE', createdAt: null, updatedAt: null });

    const ended = await videsk.disableRoom(created.nativeId);
    expect(ended).toMatchObject({ status: 'ENDED', settings: { ended: true } });
    shaped.log.clear();
    // The PATCH answers 404 ("not found or already ended"), the GET finds the room: ended.
    await expect(videsk.disableRoom(created.nativeId)).resolves.toMatchObject({
      status: 'ENDED',
      nativeId: created.nativeId,
    });
    expect(shaped.log.all().map((entry) => `${entry.method} ${entry.response?.status}`)).toEqual([
      'PATCH 404',
      'GET 200',
    ]);
    await expect(
      videsk.updateRoom(created.nativeId, { displayName: 'late' }),
    ).rejects.toBeInstanceOf(ProviderRejectedError);

    const open = await videsk.createRoom({ name: 'runs-out' });
    clock += 3 * 3_600_000;
    const [later] = await videsk.getRooms([open.nativeId]);
    expect(later).toMatchObject({ status: 'EXPIRED' });
  });

  it('tells live sessions from ended rooms without the ended field, one room or many', async () => {
    const videsk = shapedProvider();
    const open = await videsk.createRoom({ name: 'life-open' });
    const closing = await videsk.createRoom({ name: 'life-closing' });
    await expect(videsk.endRoomSession!(closing.nativeId, { lock: true })).resolves.toMatchObject({
      nativeId: closing.nativeId,
      status: 'ENDED',
    });
    shaped.log.clear();
    // Many rooms: the list filters on ended=false, whatever the answers show.
    const many = await videsk.getActiveSessions!([open.nativeId, closing.nativeId]);
    expect(many.map((entry) => (entry && 'status' in entry ? entry.status : entry))).toEqual([
      'LIVE',
      null,
    ]);
    expect(shaped.log.count()).toBe(1);
    // One room: its GET lacks ended, and the documented filters say it has ended.
    shaped.log.clear();
    expect(await videsk.getActiveSessions!([closing.nativeId])).toEqual([null]);
    expect(shaped.log.all().map((entry) => entry.query)).toEqual([
      {},
      { $limit: '1', $skip: '0', ended: 'true', externalId: 'life-closing' },
    ]);
    const { edges } = await videsk.listSessions!(closing.nativeId, { cursor: null, limit: 5 });
    expect(edges.map((edge) => edge.node.status)).toEqual(['ENDED']);
    await expect(videsk.endRoomSession!(closing.nativeId, { lock: true })).resolves.toBeNull();
  });
});
