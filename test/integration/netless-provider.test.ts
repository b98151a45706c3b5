import type { Pool } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderRejectedError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../src/domain/errors.js';
import type { Room } from '../../src/domain/room.js';
import { createNetlessEmulator } from '../../src/emulators/netless/netless-emulator.js';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import { createDispatcher } from '../../src/http/create-dispatcher.js';
import type { RetryPolicy } from '../../src/http/with-retry.js';
import {
  createNetlessProvider,
  type NetlessCredentials,
} from '../../src/providers/netless/netless-provider.js';

const AK = 'integrationAK001';
const SK = 'integration-secret';
const NO_RETRY: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };

const emulator = createNetlessEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
let running: RunningEmulator;
let dispatcher: Pool;

beforeAll(async () => {
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

function provider(
  overrides: Partial<NetlessCredentials> & { retry?: RetryPolicy; timeoutMs?: number } = {},
) {
  const { retry, timeoutMs, ...credentials } = overrides;
  return createNetlessProvider({
    key: 'netless',
    baseUrl: `${running.url}/v5`,
    dispatcher,
    timeoutMs: timeoutMs ?? 5_000,
    retry: retry ?? NO_RETRY,
    defaultTokenTtlSeconds: 3_600,
    accessKey: AK,
    secretKey: SK,
    ...credentials,
  });
}

/** Calls the emulator directly with a token, as a whiteboard client would. */
async function asClient(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(`${running.url}${path}`, {
    method,
    headers: { token, region: 'us-sv', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

async function createRooms(count: number): Promise<Room[]> {
  const rooms: Room[] = [];
  for (let index = 0; index < count; index++) {
    rooms.push(await provider().createRoom({ name: `room ${index}` }));
  }
  return rooms;
}

describe('netless adapter against its emulator', () => {
  it('creates a room and reads it back, one missing id among present ones', async () => {
    const created = await provider().createRoom({
      name: 'lobby',
      recordingEnabled: true,
      maxParticipants: 4,
      region: 'us-sv',
    });
    expect(created).toMatchObject({
      providerKind: 'AGORA_WHITEBOARD',
      status: 'ACTIVE',
      maxParticipants: 4,
      recordingEnabled: true,
      region: 'us-sv',
      settings: { kind: 'AGORA_WHITEBOARD', limit: 4 },
    });
    const other = await provider().createRoom({ name: 'other' });
    emulator.log.clear();
    const results = await provider().getRooms([created.nativeId, 'f'.repeat(32), other.nativeId]);
    expect(results[0]).toEqual(created);
    expect(results[1]).toBeInstanceOf(RoomNotFoundError);
    expect(results[2]).toEqual(other);
    // One GET per id: there is no batch endpoint.
    expect(emulator.log.count({ method: 'GET' })).toBe(3);
  });

  it('walks every page with a small limit and resumes from a middle edge', async () => {
    const made = await createRooms(5);
    const seen: string[] = [];
    const cursors: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await provider().listRooms({ cursor, limit: 2 });
      seen.push(...page.edges.map((edge) => edge.room.nativeId));
      cursors.push(...page.edges.map((edge) => edge.cursor));
      if (!page.hasNextPage) {
        break;
      }
      cursor = page.edges.at(-1)?.cursor ?? null;
    }
    expect(seen).toEqual(made.map((room) => room.nativeId));
    // Resuming after the third room (the first edge of page two) gives the fourth and fifth.
    const resumed = await provider().listRooms({ cursor: cursors[2] ?? null, limit: 2 });
    expect(resumed.edges.map((edge) => edge.room.nativeId)).toEqual(
      made.slice(3).map((room) => room.nativeId),
    );
    expect(resumed.hasNextPage).toBe(false);
  });

  it('disables by banning and enables by lifting the ban', async () => {
    const [room] = await createRooms(1);
    const id = room?.nativeId ?? '';
    expect((await provider().disableRoom(id)).status).toBe('DISABLED');
    expect(emulator.store.get('us-sv', id)?.isBan).toBe(true);
    expect((await provider().enableRoom(id)).status).toBe('ACTIVE');
    expect(emulator.store.get('us-sv', id)?.isBan).toBe(false);
  });

  it.each([
    ['updateRoom', (p: ReturnType<typeof provider>) => p.updateRoom('x', { displayName: 'y' })],
    ['deleteRoom', (p: ReturnType<typeof provider>) => p.deleteRoom('x')],
    ['listRoomTokens', (p: ReturnType<typeof provider>) => p.listRoomTokens('x')],
  ] as const)('refuses %s without calling upstream', async (operation, call) => {
    await expect(call(provider())).rejects.toMatchObject({
      constructor: UnsupportedOperationError,
      operation,
    });
    expect(emulator.log.count()).toBe(0);
  });

  it('signs room tokens locally that the emulator accepts with the mapped role', async () => {
    const [room] = await createRooms(1);
    const id = room?.nativeId ?? '';
    emulator.log.clear();
    const host = await provider().createRoomToken(id, { role: 'HOST', identity: 'ada' });
    const participant = await provider().createRoomToken(id, { role: 'PARTICIPANT' });
    const viewer = await provider().createRoomToken(id, { role: 'VIEWER', ttlSeconds: 30 });
    // Local signing makes no upstream call.
    expect(emulator.log.count()).toBe(0);
    expect(host).toMatchObject({ providerRole: 'admin', identity: 'ada' });
    expect(Number(viewer.expiresAt) - Number(viewer.issuedAt)).toBe(30_000);
    expect((await asClient('GET', `/v5/rooms/${id}`, participant.token)).status).toBe(200);
    expect(await asClient('GET', `/v5/rooms/${id}`, viewer.token)).toEqual({
      status: 403,
      body: { message: 'token access role reader forbidden' },
    });
    expect((await asClient('PATCH', `/v5/rooms/${id}`, host.token, { isBan: true })).status).toBe(
      201,
    );
  });

  it('mints room tokens through the token API with a configured SDK token', async () => {
    const [room] = await createRooms(1);
    const id = room?.nativeId ?? '';
    const issued = await fetch(`${running.url}/v5/tokens/teams`, {
      method: 'POST',
      headers: { region: 'us-sv', 'content-type': 'application/json' },
      body: JSON.stringify({
        accessKey: AK,
        secretAccessKey: SK,
        lifespan: 600_000,
        role: 'writer',
      }),
    });
    const sdkToken = (await issued.json()) as string;
    const viaApi = provider({ accessKey: undefined, secretKey: undefined, sdkToken });
    expect(viaApi.capabilities.tokenSource).toBe('PROVIDER_API');
    emulator.log.clear();
    const token = await viaApi.createRoomToken(id, { role: 'PARTICIPANT' });
    expect(emulator.log.count({ method: 'POST', pathPrefix: '/v5/tokens/rooms/' })).toBe(1);
    expect((await asClient('GET', `/v5/rooms/${id}`, token.token)).status).toBe(200);
    // A writer SDK token cannot mint an admin room token.
    await expect(viaApi.createRoomToken(id, { role: 'HOST' })).rejects.toMatchObject({
      constructor: ProviderAuthError,
      status: 403,
      providerCode: 'token access role writer forbidden',
    });
    await expect(viaApi.createRoomToken('f'.repeat(32), { role: 'VIEWER' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
  });
});

describe('netless endRoomSession against the emulator', () => {
  /** Joins as a whiteboard client would, through the emulator's admin route. */
  async function join(token: string, name: string) {
    const response = await fetch(`${running.url}/__emulator/join`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name }),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  const members = (uuid: string) =>
    emulator.store
      .presence()
      .find((room) => room.uuid === uuid)
      ?.session?.members.map((member) => member.name) ?? [];

  it('removes everyone and lets them join again, in three calls', async () => {
    const [room] = await createRooms(1);
    const id = room?.nativeId ?? '';
    const token = await provider().createRoomToken(id, { role: 'PARTICIPANT', identity: 'ada' });
    expect((await join(token.token, 'Ada')).status).toBe(200);
    expect((await join(token.token, 'Bo')).status).toBe(200);
    expect(members(id)).toEqual(['Ada', 'Bo']);
    emulator.log.clear();
    await expect(provider().endRoomSession?.(id, { lock: false })).resolves.toBeNull();
    expect(members(id)).toEqual([]);
    // GET (is it banned already?), PATCH isBan=true (ejects), PATCH isBan=false (lets in).
    expect(emulator.log.all().map((entry) => [entry.method, entry.body])).toEqual([
      ['GET', undefined],
      ['PATCH', { isBan: true }],
      ['PATCH', { isBan: false }],
    ]);
    expect(emulator.store.get('us-sv', id)?.isBan).toBe(false);
    expect((await join(token.token, 'Ada')).status).toBe(200);
  });

  it('with lock, leaves the room banned until enableRoom', async () => {
    const [room] = await createRooms(1);
    const id = room?.nativeId ?? '';
    const token = await provider().createRoomToken(id, { role: 'HOST' });
    await join(token.token, 'Ada');
    await provider().endRoomSession?.(id, { lock: true });
    expect(members(id)).toEqual([]);
    expect(await join(token.token, 'Ada')).toEqual({
      status: 403,
      body: { message: 'room is banned' },
    });
    const [locked] = await provider().getRooms([id]);
    expect(locked).toMatchObject({ status: 'DISABLED' });
    await provider().enableRoom(id);
    expect((await join(token.token, 'Ada')).status).toBe(200);
  });

  it('leaves a disabled room disabled, with one read', async () => {
    const [room] = await createRooms(1);
    const id = room?.nativeId ?? '';
    await provider().disableRoom(id);
    emulator.log.clear();
    await provider().endRoomSession?.(id, { lock: false });
    expect(emulator.log.count()).toBe(1);
    expect(emulator.store.get('us-sv', id)?.isBan).toBe(true);
  });

  it('maps an unknown room to RoomNotFoundError', async () => {
    await expect(
      provider().endRoomSession?.('f'.repeat(32), { lock: false }),
    ).rejects.toBeInstanceOf(RoomNotFoundError);
  });
});

describe('netless adapter error paths', () => {
  it('maps an unknown room to RoomNotFoundError', async () => {
    await expect(provider().disableRoom('f'.repeat(32))).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(provider().enableRoom('f'.repeat(32))).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('refuses our own invalid input before calling upstream', async () => {
    await expect(provider().createRoom({ name: 'x', displayName: 'y' })).rejects.toBeInstanceOf(
      InputValidationError,
    );
    expect(emulator.log.count()).toBe(0);
  });

  it('maps a provider validation error body to ProviderRejectedError', async () => {
    // The adapter never sends a body the emulator refuses, so the 400 is scripted; its body is
    // still the emulator's own `{ message }`.
    emulator.faults.add({ status: 400, times: 1 });
    await expect(provider().createRoom({ name: 'x' })).rejects.toMatchObject({
      constructor: ProviderRejectedError,
      status: 400,
      message: 'Netless: bad request',
    });
  });

  it('maps refused credentials to ProviderAuthError', async () => {
    await expect(provider({ secretKey: 'wrong' }).createRoom({ name: 'x' })).rejects.toMatchObject({
      constructor: ProviderAuthError,
      status: 401,
      providerCode: 'invalid signature of token',
    });
  });

  it('maps an injected 500 to ProviderUnavailableError after one attempt', async () => {
    emulator.faults.add({ status: 500 });
    await expect(provider().createRoom({ name: 'x' })).rejects.toMatchObject({
      constructor: ProviderUnavailableError,
      message: 'Netless: unknown error',
    });
    // A POST is never retried after a 5xx: one attempt.
    expect(emulator.log.count()).toBe(1);
  });

  it('times out when the emulator answers later than timeoutMs', async () => {
    emulator.faults.add({ latencyMs: 1_000, times: 1 });
    await expect(provider({ timeoutMs: 100 }).getRooms(['f'.repeat(32)])).rejects.toMatchObject({
      constructor: ProviderUnavailableError,
      providerCode: 'TIMEOUT',
    });
  });

  it('retries a GET after an injected 503', async () => {
    const [room] = await createRooms(1);
    emulator.log.clear();
    emulator.faults.add({ method: 'GET', status: 503, times: 1 });
    const [result] = await provider({
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    }).getRooms([room?.nativeId ?? '']);
    expect(result).toEqual(room);
    // The 503, then the retry that succeeded.
    expect(emulator.log.count({ method: 'GET' })).toBe(2);
  });
});
