import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  DisableRoomDocument,
  RoomDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/** A well-formed Room id for a conference SignalWire has never heard of. */
const UNKNOWN_ROOM_ID = Buffer.from(
  'Room:signalwire:conference:5b0a6f0e-1111-4222-8333-944455556666',
).toString('base64');

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ config: { upstreamTimeoutMs: 300 } });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.emulator('signalwire').reset();
});

function upstreamCalls() {
  return server.emulator('signalwire').log.count();
}

describe('bad input', () => {
  it('names the field and rule of a failed check, and calls no provider', async () => {
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: '', displayName: 'x'.repeat(201) },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'InputValidationError',
      code: 'BAD_USER_INPUT',
      issues: [
        { path: ['input', 'name'], message: 'must not be empty' },
        { path: ['input', 'displayName'], message: 'must be at most 200 characters' },
      ],
    });
    expect(upstreamCalls()).toBe(0);
  });

  it('reports expiresAt before notBefore on the expiresAt field', async () => {
    const result = await server.execute(CreateRoomDocument, {
      input: {
        providerKey: 'signalwire',
        name: 'window',
        notBefore: '2030-01-02T00:00:00Z',
        expiresAt: '2030-01-01T00:00:00Z',
      },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'expiresAt'], message: 'expiresAt must be later than notBefore' }],
    });
    expect(upstreamCalls()).toBe(0);
  });

  it("applies SignalWire's own name rule before any call", async () => {
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'has spaces' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'name'] }],
    });
    expect(upstreamCalls()).toBe(0);
  });

  it('rejects a permission SignalWire does not have, before minting anything', async () => {
    const created = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'perm' },
    });
    const id =
      created.data?.createRoom.__typename === 'CreateRoomSuccess'
        ? created.data.createRoom.room.id
        : '';
    server.emulator('signalwire').log.clear();
    const result = await server.execute(CreateRoomTokenDocument, {
      input: { roomId: id, role: 'HOST', permissions: ['room.self.audio_mute', 'room.fly'] },
    });
    expect(result.data?.createRoomToken).toMatchObject({
      __typename: 'InputValidationError',
      issues: [
        { path: ['input', 'permissions', '1'], message: 'room.fly is not a SignalWire permission' },
      ],
    });
    expect(server.emulator('signalwire').log.count({ method: 'POST' })).toBe(0);
  });

  it('treats a string that is not a Room id as an input error on that field', async () => {
    const result = await server.execute(UpdateRoomDocument, {
      input: { id: 'not-a-global-id', displayName: 'x' },
    });
    expect(result.data?.updateRoom).toMatchObject({
      __typename: 'InputValidationError',
      issues: [{ path: ['input', 'id'] }],
    });
    expect(upstreamCalls()).toBe(0);
  });

  it('answers an unknown provider key with ProviderNotFoundError', async () => {
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'nowhere', name: 'x' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderNotFoundError',
      code: 'PROVIDER_NOT_FOUND',
      provider: 'nowhere',
    });
  });
});

describe('upstream failures', () => {
  it('maps a 404 on a room to RoomNotFoundError, and to null in room(id)', async () => {
    const mutation = await server.execute(DisableRoomDocument, { input: { id: UNKNOWN_ROOM_ID } });
    expect(mutation.data?.disableRoom).toMatchObject({
      __typename: 'RoomNotFoundError',
      provider: 'signalwire',
    });
    const query = await server.execute(RoomDocument, { id: UNKNOWN_ROOM_ID });
    expect(query).toEqual({ data: { room: null } });
  });

  it("maps SignalWire's 422 to ProviderError with its code and the attribute it named", async () => {
    await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'twice' },
    });
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'twice' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderError',
      code: 'UPSTREAM_REJECTED',
      provider: 'signalwire',
      status: 422,
      providerCode: 'not_unique_within_project',
      retryable: false,
    });
    expect(
      result.data?.createRoom.__typename === 'ProviderError' && result.data.createRoom.message,
    ).toMatch(/name/);
  });

  it('maps a 500 to a retryable UPSTREAM_UNAVAILABLE and does not retry the POST', async () => {
    server.emulator('signalwire').faults.add({ method: 'POST', status: 500, times: 1 });
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'flaky' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderError',
      code: 'UPSTREAM_UNAVAILABLE',
      status: 500,
      retryable: true,
    });
    expect(upstreamCalls()).toBe(1);
  });

  it('maps a 429 to ProviderRateLimitedError with the seconds SignalWire asked for', async () => {
    server
      .emulator('signalwire')
      .faults.add({ method: 'POST', status: 429, retryAfterSeconds: 30, times: 1 });
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'slow_down' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderRateLimitedError',
      code: 'UPSTREAM_RATE_LIMITED',
      retryAfterSeconds: 30,
    });
  });

  it('gives up at the deadline with a typed timeout', async () => {
    server.emulator('signalwire').faults.add({ latencyMs: 2_000, times: 1 });
    const started = Date.now();
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'late' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderError',
      code: 'UPSTREAM_UNAVAILABLE',
      providerCode: 'TIMEOUT',
      status: null,
    });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('shows a failed read in room(id) as an error with its code and provider, not a masked one', async () => {
    server.emulator('signalwire').faults.add({ method: 'GET', status: 503, times: 1 });
    const result = await server.execute(RoomDocument, { id: UNKNOWN_ROOM_ID });
    expect(result.data?.room).toBeNull();
    expect(result.errors?.[0]).toMatchObject({
      path: ['room'],
      extensions: { code: 'UPSTREAM_UNAVAILABLE', provider: 'signalwire', status: 503 },
    });
    expect(result.errors?.[0]?.message).not.toMatch(/Unexpected error/);
  });
});

describe('bad credentials', () => {
  let badServer: TestServer;
  beforeAll(async () => {
    badServer = await startTestServer({
      providers: (emulated) =>
        emulated.map((provider) => ({ ...provider, apiToken: 'PTwrong-secret-value' })),
    });
  });
  afterAll(async () => {
    await badServer.close();
  });

  it("maps SignalWire's 401 to UPSTREAM_AUTH_FAILED without echoing the credential", async () => {
    const result = await badServer.execute(CreateRoomDocument, {
      input: { providerKey: 'signalwire', name: 'locked_out' },
    });
    expect(result.data?.createRoom).toMatchObject({
      __typename: 'ProviderError',
      code: 'UPSTREAM_AUTH_FAILED',
      status: 401,
      retryable: false,
    });
    expect(JSON.stringify(result)).not.toContain('PTwrong-secret-value');
    expect(JSON.stringify(result)).not.toContain('127.0.0.1');
  });
});
