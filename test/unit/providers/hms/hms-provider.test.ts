import { afterEach, describe, expect, it } from 'vitest';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../../../src/domain/errors.js';
import type { Room } from '../../../../src/domain/room.js';
import { SecretRedactor } from '../../../../src/http/secret-redactor.js';
import { toRoom } from '../../../../src/providers/hms/hms-mappers.js';
import { ACCESS_KEY, createKit, fixture, managementClaims, NOW, ROOM_ID } from './hms-test-kit.js';

type Kit = ReturnType<typeof createKit>;
let kit: Kit;

function setUp(overrides?: Parameters<typeof createKit>[0]): Kit {
  kit = createKit(overrides);
  return kit;
}

afterEach(async () => {
  await kit?.close();
});

/** A page of `count` rooms, newest first, as `GET /v2/rooms` lists them (hms.md §3.3). */
function roomsPage(count: number, first = 0, limit = 10) {
  const data = Array.from({ length: count }, (_, offset) => {
    const n = first + offset;
    return {
      ...fixture('create-room.200.json'),
      id: `65a1b2c3d4e5f6071829${(0xffff - n).toString(16).padStart(4, '0')}`,
      name: `room-${n}`,
    };
  });
  return { limit, data, last: data.at(-1)?.id ?? '' };
}

describe('capabilities', () => {
  it('declare the 100ms row of the operations table', () => {
    const { provider } = setUp();
    expect(provider.kind).toBe('HMS');
    expect(provider.displayName).toBe('100ms');
    expect(provider.capabilities).toMatchObject({
      operations: {
        createRoom: 'NATIVE',
        getRoom: 'NATIVE',
        listRooms: 'NATIVE',
        updateRoom: 'NATIVE',
        disableRoom: 'NATIVE',
        enableRoom: 'NATIVE',
        deleteRoom: 'UNSUPPORTED',
        createRoomToken: 'NATIVE',
        listRoomTokens: 'UNSUPPORTED',
      },
      disableEffect: 'BLOCKS_NEW_JOINS',
      enableUndoesDisable: true,
      tokenSource: 'LOCAL_SIGNER',
      maxPageSize: 100,
    });
  });
});

describe('createRoom', () => {
  it('POSTs /v2/rooms with a management token and maps the documented answer', async () => {
    const { provider, reply, seen } = setUp();
    reply('POST', '/v2/rooms', 200, fixture('create-room.200.json'));
    const room = await provider.createRoom({
      name: 'class-9-batch-2',
      description: '9PM English Class Batch 2',
      maxParticipants: 3000,
      recordingEnabled: true,
      region: 'in',
      hms: { templateId: '65a1b2c3d4e5f60718290003', largeRoom: true, maxDurationSeconds: 3600 },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.body).toEqual({
      name: 'class-9-batch-2',
      description: '9PM English Class Batch 2',
      size: 3000,
      recording_info: { enabled: true },
      template_id: '65a1b2c3d4e5f60718290003',
      region: 'in',
      large_room: true,
      max_duration_seconds: 3600,
    });
    expect(seen[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
    });
    const claims = await managementClaims(seen[0]?.headers ?? {});
    expect(claims).toMatchObject({ access_key: ACCESS_KEY, type: 'management', version: 2 });
    expect(room).toEqual<Room>({
      providerKey: 'hms-test',
      providerKind: 'HMS',
      nativeId: '65a1b2c3d4e5f60718293a4b',
      providerRoomId: '65a1b2c3d4e5f60718293a4b',
      name: 'class-9-batch-2',
      displayName: null,
      description: null,
      status: 'ACTIVE',
      createdAt: new Date('2024-01-12T10:00:00.123Z'),
      updatedAt: new Date('2024-01-12T10:00:00.123Z'),
      notBefore: null,
      expiresAt: null,
      maxParticipants: null,
      recordingEnabled: false,
      region: 'in',
      settings: {
        kind: 'HMS',
        templateId: '65a1b2c3d4e5f60718290003',
        templateName: 'my-template',
        largeRoom: false,
        maxDurationSeconds: null,
        recordingFollowsTemplate: true,
      },
    });
  });

  it('sends only the name when nothing else is given', async () => {
    const { provider, reply, seen } = setUp();
    reply('POST', '/v2/rooms', 200, fixture('create-room.200.json'));
    await provider.createRoom({ name: 'class-9-batch-2', description: null, region: null });
    expect(seen[0]?.body).toEqual({ name: 'class-9-batch-2' });
  });

  it('refuses fields 100ms has no place for, naming each, before any request', async () => {
    const { provider } = setUp();
    const error = await provider
      .createRoom({
        name: 'has space',
        displayName: 'Nice name',
        notBefore: new Date(NOW),
        expiresAt: new Date(NOW + 1000),
        maxParticipants: 2.5,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((issue) => issue.path.join('.'))).toEqual([
      'input.displayName',
      'input.notBefore',
      'input.expiresAt',
      'input.name',
      'input.maxParticipants',
    ]);
    expect((error as InputValidationError).issues[0]?.message).toBe('is not supported by 100ms');
  });

  it('turns the documented size 400 into a rejected-input error and does not retry it', async () => {
    const { provider, reply, seen } = setUp({
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reply('POST', '/v2/rooms', 400, fixture('room-size.400.json'));
    const error = await provider
      .createRoom({ name: 'big', maxParticipants: 3000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({
      status: 400,
      providerCode: '400',
      message: 'Invalid body param: room size greater than 2500, set large_room flag as true',
    });
    expect(seen).toHaveLength(1);
  });

  it('reads a message-only 400 body', async () => {
    const { provider, reply } = setUp();
    reply('POST', '/v2/rooms', 400, fixture('region-not-supported.400.json'));
    await expect(provider.createRoom({ name: 'r', region: 'mars' })).rejects.toMatchObject({
      code: 'UPSTREAM_REJECTED',
      message: 'Error: region not supported',
    });
  });

  it('retries a create after a 503, since create is an upsert on the name (§3.2)', async () => {
    const { provider, reply, seen } = setUp({
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reply('POST', '/v2/rooms', 503, { code: 503, message: 'Service unavailable' });
    reply('POST', '/v2/rooms', 200, fixture('create-room.200.json'));
    const room = await provider.createRoom({ name: 'class-9-batch-2' });
    expect(room.nativeId).toBe(ROOM_ID);
    // 503, then the retry that succeeded.
    expect(seen).toHaveLength(2);
  });

  it('maps a 429 to a rate-limit error with its Retry-After', async () => {
    const { provider, agent } = setUp();
    agent
      .get('https://api.100ms.live')
      .intercept({ method: 'POST', path: '/v2/rooms' })
      .reply(429, fixture('rate-limited.429.json'), { headers: { 'retry-after': '45' } });
    const error = await provider.createRoom({ name: 'r' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 45_000, status: 429 });
  });

  it('reports a 2xx body without the room fields as a bad response', async () => {
    const { provider, reply } = setUp();
    reply('POST', '/v2/rooms', 200, { name: 'no id' });
    await expect(provider.createRoom({ name: 'r' })).rejects.toBeInstanceOf(ProviderResponseError);
  });
});

describe('management token', () => {
  it('is cached across calls', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    await provider.getRooms([ROOM_ID]);
    await provider.getRooms([ROOM_ID]);
    expect(seen[0]?.headers.authorization).toBe(seen[1]?.headers.authorization);
  });

  it('is renewed before it expires', async () => {
    const { provider, reply, seen, clock } = setUp();
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    await provider.getRooms([ROOM_ID]);
    const first = await managementClaims(seen[0]?.headers ?? {});
    // Within a minute of expiry, the next call mints a new token.
    clock.now = ((first.exp ?? 0) - 30) * 1000;
    await provider.getRooms([ROOM_ID]);
    const second = await managementClaims(seen[1]?.headers ?? {}, clock.now);
    expect(second.jti).not.toBe(first.jti);
    expect(second.iat).toBeGreaterThan(first.iat ?? 0);
  });

  it('is replaced and the call retried once after a 401, as the official SDK does', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', `/v2/rooms/${ROOM_ID}`, 401, fixture('token-validation.401.json'));
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    const [room] = await provider.getRooms([ROOM_ID]);
    expect(room).toMatchObject({ nativeId: ROOM_ID });
    const tokens = seen.map((request) => request.headers.authorization);
    expect(tokens[1]).not.toBe(tokens[0]);
    // The fresh token replaced the rejected one in the cache.
    await provider.getRooms([ROOM_ID]);
    expect(seen.map((request) => request.headers.authorization)[2]).toBe(tokens[1]);
  });

  it('gives up with an auth error after a second 401 or 403', async () => {
    const { provider, reply, seen } = setUp();
    reply('POST', '/v2/rooms', 403, { code: 403, message: 'Forbidden' });
    reply('POST', '/v2/rooms', 401, fixture('token-validation.401.json'));
    const error = await provider.createRoom({ name: 'r' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({ status: 401, message: 'Token validation error: not found' });
    // One try with the cached token, one with a fresh one.
    expect(seen).toHaveLength(2);
    expect(String(error)).not.toContain(seen[0]?.headers.authorization?.slice(7) ?? 'x');
  });
});

describe('secrets by value (issue 13)', () => {
  it('hands every management token it sends, and every join token it mints, to the redactor', async () => {
    const redactor = new SecretRedactor();
    const { provider, reply, seen, clock } = setUp({ redactor });
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    await provider.getRooms([ROOM_ID]);
    // A renewed token is a new secret, remembered too.
    clock.now += 3_600_000;
    await provider.getRooms([ROOM_ID]);
    const sent = seen.map((request) => request.headers.authorization?.slice('Bearer '.length));
    expect(new Set(sent).size).toBe(2);
    for (const token of sent) {
      expect(redactor.redact(`upstream said: ${token}`)).toBe('upstream said: [redacted]');
    }
    // The room as the caller holds it, with no template to look up: minting asks nothing.
    const room = toRoom({ ...fixture('create-room.200.json'), template_id: '' }, 'hms-test');
    const minted = await provider.createRoomToken(ROOM_ID, { role: 'HOST' }, { room });
    expect(redactor.redactValues(`token=${minted.token}`)).toBe('token=[redacted]');
  });
});

describe('getRooms', () => {
  it('GETs each id and answers in order, a 404 failing only its own id', async () => {
    const { provider, reply, seen } = setUp();
    const missing = '65a1b2c3d4e5f60718290bad';
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    reply('GET', `/v2/rooms/${missing}`, 404, fixture('room-not-found-legacy.404.json'));
    reply('GET', '/v2/rooms/62bc1e5c0e6b6e2e1a8b4f21', 200, fixture('update-room.200.json'));
    const results = await provider.getRooms([ROOM_ID, missing, '62bc1e5c0e6b6e2e1a8b4f21']);
    expect(results[0]).toMatchObject({ nativeId: ROOM_ID, status: 'ACTIVE' });
    expect(results[1]).toBeInstanceOf(RoomNotFoundError);
    expect(results[1]).toMatchObject({ roomId: missing, provider: 'hms-test' });
    expect(results[2]).toMatchObject({ description: '9PM English Class Batch 2' });
    expect(seen.map((request) => request.method)).toEqual(['GET', 'GET', 'GET']);
  });

  it('fails the whole batch on a 500', async () => {
    const { provider, reply } = setUp();
    reply('GET', `/v2/rooms/${ROOM_ID}`, 500, { code: 500, message: 'Internal server error' });
    await expect(provider.getRooms([ROOM_ID])).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('retries a GET after a 503', async () => {
    const { provider, reply, seen } = setUp({
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reply('GET', `/v2/rooms/${ROOM_ID}`, 503, { code: 503, message: 'Service unavailable' });
    reply('GET', `/v2/rooms/${ROOM_ID}`, 200, fixture('create-room.200.json'));
    const [room] = await provider.getRooms([ROOM_ID]);
    expect(room).toMatchObject({ nativeId: ROOM_ID });
    expect(seen).toHaveLength(2);
  });
});

describe('listRooms', () => {
  it('walks enabled rooms, then disabled ones, and maps the documented list', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', '/v2/rooms?limit=10&enabled=true', 200, fixture('list-rooms.200.json'));
    reply('GET', '/v2/rooms?limit=10&enabled=false', 200, fixture('list-rooms-empty.200.json'));
    const page = await provider.listRooms({ cursor: null, limit: 5 });
    expect(seen.map((request) => request.path)).toEqual([
      '/v2/rooms?limit=10&enabled=true',
      '/v2/rooms?limit=10&enabled=false',
    ]);
    expect(page.hasNextPage).toBe(false);
    expect(page.edges.map((edge) => edge.room.name)).toEqual(['test-room-2', 'test-room-1']);
    expect(page.edges[0]?.room).toMatchObject({
      maxParticipants: 10000,
      recordingEnabled: true,
      region: 'us',
      updatedAt: new Date('2022-09-08T14:58:25.629Z'),
      settings: { largeRoom: true, maxDurationSeconds: 3600, recordingFollowsTemplate: null },
    });
    expect(page.edges[1]?.room).toMatchObject({
      status: 'DISABLED',
      recordingEnabled: false,
      createdAt: new Date('2022-05-12T10:17:56.082Z'),
      updatedAt: null,
    });
  });

  it('follows `last` as `start` while pages come back full', async () => {
    const { provider, reply, seen } = setUp();
    const first = roomsPage(10, 0);
    reply('GET', '/v2/rooms?limit=10&enabled=true', 200, first);
    const page = await provider.listRooms({ cursor: null, limit: 10 });
    expect(page.edges).toHaveLength(10);
    expect(page.hasNextPage).toBe(true);
    reply('GET', `/v2/rooms?limit=10&enabled=true&start=${first.last}`, 200, roomsPage(3, 10));
    reply('GET', '/v2/rooms?limit=10&enabled=false', 200, roomsPage(0));
    const next = await provider.listRooms({ cursor: page.edges[9]?.cursor ?? null, limit: 10 });
    expect(next.edges.map((edge) => edge.room.name)).toEqual(['room-10', 'room-11', 'room-12']);
    expect(next.hasNextPage).toBe(false);
    expect(seen).toHaveLength(3);
  });

  it('resumes from a middle edge of a page at the room after it', async () => {
    const { provider, reply } = setUp();
    reply('GET', '/v2/rooms?limit=10&enabled=true', 200, roomsPage(10, 0));
    const page = await provider.listRooms({ cursor: null, limit: 3 });
    expect(page.edges.map((edge) => edge.room.name)).toEqual(['room-0', 'room-1', 'room-2']);
    reply('GET', '/v2/rooms?limit=10&enabled=true', 200, roomsPage(10, 0));
    const resumed = await provider.listRooms({ cursor: page.edges[1]?.cursor ?? null, limit: 3 });
    expect(resumed.edges.map((edge) => edge.room.name)).toEqual(['room-2', 'room-3', 'room-4']);
    expect(resumed.hasNextPage).toBe(true);
  });

  it('asks for at most 100 rooms, the documented maximum, and fills up from disabled ones', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', '/v2/rooms?limit=100&enabled=true', 200, roomsPage(2, 0, 100));
    // 100 wanted, 2 enabled rooms found: 98 more are asked of the disabled walk.
    reply('GET', '/v2/rooms?limit=98&enabled=false', 200, roomsPage(1, 2, 98));
    const page = await provider.listRooms({ cursor: null, limit: 500 });
    expect(page.edges).toHaveLength(3);
    expect(seen).toHaveLength(2);
  });

  it('refuses a cursor it did not issue, before any request', async () => {
    const { provider } = setUp();
    const forged = Buffer.from(JSON.stringify({ p: 'rooms:1', s: 0 })).toString('base64url');
    await expect(provider.listRooms({ cursor: forged, limit: 3 })).rejects.toBeInstanceOf(
      InputValidationError,
    );
  });
});

describe('updateRoom', () => {
  it('POSTs the changed fields to /v2/rooms/{id}', async () => {
    const { provider, reply, seen } = setUp();
    reply('POST', `/v2/rooms/${ROOM_ID}`, 200, fixture('update-room.200.json'));
    const room = await provider.updateRoom(ROOM_ID, {
      description: '9PM English Class Batch 2',
      maxParticipants: 50,
      recordingEnabled: true,
      hms: { region: 'eu', name: 'class-9-batch-2' },
    });
    expect(seen[0]?.body).toEqual({
      description: '9PM English Class Batch 2',
      size: 50,
      recording_info: { enabled: true },
      name: 'class-9-batch-2',
      region: 'eu',
    });
    expect(room).toMatchObject({
      maxParticipants: 50,
      recordingEnabled: true,
      region: 'eu',
      updatedAt: new Date('2024-01-13T08:30:00Z'),
      settings: { recordingFollowsTemplate: false },
    });
  });

  it('is not retried after a 503, since a rename may race another', async () => {
    const { provider, reply, seen } = setUp({
      retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reply('POST', `/v2/rooms/${ROOM_ID}`, 503, { code: 503, message: 'Service unavailable' });
    await expect(provider.updateRoom(ROOM_ID, { description: 'x' })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(seen).toHaveLength(1);
  });

  it('maps a 404 to RoomNotFoundError', async () => {
    const { provider, reply } = setUp();
    reply('POST', `/v2/rooms/${ROOM_ID}`, 404, { code: 404, message: 'Room not found' });
    await expect(provider.updateRoom(ROOM_ID, { description: 'x' })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
  });

  it('refuses a display name and a time window, before any request', async () => {
    const { provider } = setUp();
    await expect(
      provider.updateRoom(ROOM_ID, { displayName: 'x', expiresAt: new Date(NOW) }),
    ).rejects.toMatchObject({
      issues: [
        { path: ['input', 'displayName'], message: 'is not supported by 100ms' },
        { path: ['input', 'expiresAt'], message: 'is not supported by 100ms' },
      ],
    });
  });
});

describe('disableRoom / enableRoom', () => {
  it('POST {enabled:false} and map the documented answer', async () => {
    const { provider, reply, seen } = setUp();
    reply('POST', `/v2/rooms/${ROOM_ID}`, 200, fixture('disable-room.200.json'));
    const room = await provider.disableRoom(ROOM_ID);
    expect(seen[0]?.body).toEqual({ enabled: false });
    expect(room).toMatchObject({
      status: 'DISABLED',
      region: null,
      recordingEnabled: null,
      updatedAt: new Date('2024-01-14T07:00:00.500Z'),
      settings: { templateId: null, templateName: null },
    });
  });

  it('POST {enabled:true}, retried after a 503 since it sets an absolute flag', async () => {
    const { provider, reply, seen } = setUp({
      retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    reply('POST', `/v2/rooms/${ROOM_ID}`, 503, { code: 503, message: 'Service unavailable' });
    reply('POST', `/v2/rooms/${ROOM_ID}`, 200, fixture('update-room.200.json'));
    const room = await provider.enableRoom(ROOM_ID);
    expect(seen.map((request) => request.body)).toEqual([{ enabled: true }, { enabled: true }]);
    expect(room.status).toBe('ACTIVE');
  });

  it('map a 404 to RoomNotFoundError', async () => {
    const { provider, reply } = setUp();
    reply('POST', `/v2/rooms/${ROOM_ID}`, 404, fixture('room-not-found-legacy.404.json'));
    await expect(provider.disableRoom(ROOM_ID)).rejects.toBeInstanceOf(RoomNotFoundError);
  });
});

describe('findCreatedRoom', () => {
  const listed = (name: string) => ({
    limit: 10,
    data: [{ ...fixture<Record<string, unknown>>('create-room.200.json'), name }],
    last: ROOM_ID,
  });

  it('finds the room by the exact-name filter, matching names case-insensitively', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', '/v2/rooms?name=Class-9-Batch-2&enabled=true', 200, listed('class-9-batch-2'));
    const room = await provider.findCreatedRoom?.({ name: 'Class-9-Batch-2' });
    expect(room).toMatchObject({ nativeId: ROOM_ID, name: 'class-9-batch-2', status: 'ACTIVE' });
    expect(seen).toHaveLength(1);
    expect(await managementClaims(seen[0]?.headers ?? {})).toMatchObject({ type: 'management' });
  });

  it('looks among disabled rooms too, and answers null when neither walk has it', async () => {
    const { provider, reply, seen } = setUp();
    reply('GET', '/v2/rooms?name=late&enabled=true', 200, { limit: 10, data: [], last: '' });
    reply('GET', '/v2/rooms?name=late&enabled=false', 200, {
      ...listed('late'),
      data: [{ ...listed('late').data[0], enabled: false }],
    });
    await expect(provider.findCreatedRoom?.({ name: 'late' })).resolves.toMatchObject({
      status: 'DISABLED',
    });
    reply('GET', '/v2/rooms?name=never&enabled=true', 200, fixture('list-rooms-empty.200.json'));
    // A server that matched loosely: another name is not the room.
    reply('GET', '/v2/rooms?name=never&enabled=false', 200, listed('never-ever'));
    await expect(provider.findCreatedRoom?.({ name: 'never' })).resolves.toBeNull();
    expect(seen).toHaveLength(4);
  });

  it('refuses a name the create would refuse, before any request', async () => {
    const { provider } = setUp();
    await expect(provider.findCreatedRoom?.({ name: 'has space' })).rejects.toMatchObject({
      issues: [{ path: ['input', 'name'] }],
    });
  });
});

describe('handles that are not room ids', () => {
  const hostile = ['.', '..', '', '%2e', 'a/b', '?x=1', 'ABCDEF0123456789ABCDEF01', 'é'];

  it.each(hostile)('%j is an unknown room on every operation, with no request', async (handle) => {
    // The MockAgent refuses any request nothing intercepts, so a call would fail otherwise.
    const { provider, seen } = setUp();
    expect(await provider.getRooms([handle])).toEqual([expect.any(RoomNotFoundError)]);
    for (const call of [
      () => provider.updateRoom(handle, { description: 'x' }),
      () => provider.disableRoom(handle),
      () => provider.enableRoom(handle),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(RoomNotFoundError);
    }
    expect(seen).toEqual([]);
  });
});

describe('unsupported operations', () => {
  it('throw before any request', async () => {
    const { provider } = setUp();
    await expect(provider.deleteRoom(ROOM_ID)).rejects.toBeInstanceOf(UnsupportedOperationError);
    await expect(provider.deleteRoom(ROOM_ID)).rejects.toMatchObject({ operation: 'deleteRoom' });
    await expect(provider.listRoomTokens(ROOM_ID)).rejects.toMatchObject({
      code: 'UNSUPPORTED_OPERATION',
      operation: 'listRoomTokens',
    });
  });
});
