import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  type AppError,
  ProviderAuthError,
  ProviderError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../../../src/domain/errors.js';
import { createCallContext } from '../../../src/http/call-context.js';
import { CallDeadline } from '../../../src/http/call-deadline.js';
import {
  createUpstreamClient,
  MAX_RESPONSE_BYTES,
  type UpstreamClientOptions,
  type UpstreamFailure,
} from '../../../src/http/upstream-client.js';
import { createMockAgent, header, jsonBody, type MockUpstream } from '../../helpers/mock-agent.js';

const ORIGIN = 'https://acme.signalwire.com';
const HOST = 'acme.signalwire.com';
const CREDENTIAL = Buffer.from('0c97f635-1c13-4fc1:PT-s3cr3t-api-token').toString('base64');
const AUTHORIZATION = `Basic ${CREDENTIAL}`;
const roomSchema = z.object({ id: z.string(), name: z.string() });
const ROOM = { id: 'c22d24f6-5a47-4597-9a23-c7d01e696b92', name: 'my_room' };
const JSON_HEADERS = { 'content-type': 'application/json' };
/** The call most cases make: one room by id. */
const getRoom = {
  method: 'GET',
  path: `/rooms/${ROOM.id}`,
  schema: roomSchema,
  operation: 'getRoom',
} as const;

/** A provider error reader like the real ones: `{message, code}` when it can, else the status. */
function parseError(failure: UpstreamFailure) {
  const body = JSON.parse(failure.bodyText) as { message?: string; code?: string };
  return { message: body.message ?? `HTTP ${failure.status}`, providerCode: body.code ?? null };
}

let mock: MockUpstream;

beforeEach(() => {
  mock = createMockAgent();
});

afterEach(async () => {
  vi.useRealTimers();
  await mock.assertNoPendingAndClose();
});

function client(overrides: Partial<UpstreamClientOptions> = {}) {
  return createUpstreamClient({
    provider: 'signalwire',
    baseUrl: `${ORIGIN}/api/video`,
    dispatcher: mock.agent,
    headers: () => ({ authorization: AUTHORIZATION }),
    parseError,
    timeoutMs: 5_000,
    retry: { maxRetries: 0, baseDelayMs: 100, maxDelayMs: 1_000 },
    requestIdHeader: 'x-request-id',
    now: () => Date.now(),
    ...overrides,
  });
}

const retrying = () => client({ retry: { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1_000 } });

function upstream() {
  return mock.agent.get(ORIGIN);
}

/** Runs a call to its end and returns what it threw. */
async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
}

describe('createUpstreamClient: the request', () => {
  it('sends method, base path, auth, accept, content-type and the JSON body', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(200, ROOM, { headers: JSON_HEADERS });

    const room = await client().send({
      method: 'POST',
      path: '/rooms',
      body: { name: 'my_room' },
      schema: roomSchema,
      operation: 'createRoom',
      extraHeaders: { 'x-extra': 'yes' },
    });

    expect(room).toEqual(ROOM);
    const [call] = mock.calls();
    expect(call?.method).toBe('POST');
    expect(call?.fullUrl).toBe(`${ORIGIN}/api/video/rooms`);
    expect(header(call!, 'authorization')).toBe(AUTHORIZATION);
    expect(header(call!, 'accept')).toBe('application/json');
    expect(header(call!, 'content-type')).toBe('application/json');
    expect(header(call!, 'x-extra')).toBe('yes');
    expect(jsonBody(call!)).toEqual({ name: 'my_room' });
  });

  it('sends no body and no content-type on a GET, keeping the query', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms?page_size=5', method: 'GET' })
      .reply(200, { data: [] }, { headers: JSON_HEADERS });

    await client().send({
      method: 'GET',
      path: '/rooms?page_size=5',
      schema: z.object({ data: z.array(roomSchema) }),
      operation: 'listRooms',
    });

    const [call] = mock.calls();
    expect(call?.searchParams).toEqual({ page_size: '5' });
    expect(call?.body ?? undefined).toBeUndefined();
    expect(header(call!, 'content-type')).toBeUndefined();
  });

  it('resolves a 204 with no body when no schema is expected', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'DELETE' })
      .reply(204, '');
    await expect(
      client().send({
        method: 'DELETE',
        path: `/rooms/${ROOM.id}`,
        schema: null,
        operation: 'deleteRoom',
      }),
    ).resolves.toBeUndefined();
  });

  it('reports each attempt with its route (no query) and status', async () => {
    const attempts: { route: string; status: number | null }[] = [];
    upstream()
      .intercept({ path: '/api/video/rooms?page_token=PAsecret', method: 'GET' })
      .reply(200, { data: [] }, { headers: JSON_HEADERS });
    await client({ onAttempt: ({ route, status }) => attempts.push({ route, status }) }).send({
      method: 'GET',
      path: '/rooms?page_token=PAsecret',
      schema: z.object({ data: z.array(roomSchema) }),
      operation: 'listRooms',
    });
    expect(attempts).toEqual([{ route: 'GET /rooms', status: 200 }]);
  });
});

describe('createUpstreamClient: status mapping', () => {
  it.each([
    [400, 'ProviderRejectedError', ProviderRejectedError, 'UPSTREAM_REJECTED'],
    [422, 'ProviderRejectedError', ProviderRejectedError, 'UPSTREAM_REJECTED'],
    [401, 'ProviderAuthError', ProviderAuthError, 'UPSTREAM_AUTH_FAILED'],
    [403, 'ProviderAuthError', ProviderAuthError, 'UPSTREAM_AUTH_FAILED'],
    [429, 'ProviderRateLimitedError', ProviderRateLimitedError, 'UPSTREAM_RATE_LIMITED'],
    [500, 'ProviderUnavailableError', ProviderUnavailableError, 'UPSTREAM_UNAVAILABLE'],
    [503, 'ProviderUnavailableError', ProviderUnavailableError, 'UPSTREAM_UNAVAILABLE'],
  ] as const)('maps %i to %s', async (status, _name, errorClass, code) => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(
        status,
        { message: 'Name must be present', code: 'invalid_parameter' },
        { headers: { ...JSON_HEADERS, 'x-request-id': 'req-42' } },
      );

    const error = await failureOf(
      client().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );

    expect(error).toBeInstanceOf(errorClass);
    expect(error).toMatchObject({
      code,
      status,
      provider: 'signalwire',
      operation: 'createRoom',
      providerCode: 'invalid_parameter',
      requestId: 'req-42',
      message: 'Name must be present',
      attempts: 1,
    });
  });

  it('maps an unlisted status such as 409 to the plain ProviderError', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(409, { message: 'conflict' }, { headers: JSON_HEADERS });
    const error = await failureOf(
      client().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );
    expect(error.constructor).toBe(ProviderError);
    expect(error).toMatchObject({ code: 'UPSTREAM_ERROR', status: 409, retryable: false });
  });

  it('reads Retry-After seconds of a 429 into retryAfterMs', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(429, { message: 'slow down' }, { headers: { ...JSON_HEADERS, 'retry-after': '7' } });
    const error = await failureOf(
      client().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error.retryAfterMs).toBe(7_000);
  });

  it('falls back to the status when the error reader throws', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(500, '<html>oops</html>', { headers: { 'content-type': 'text/html' } });
    const error = await failureOf(
      client().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toBe('HTTP 500');
    expect(error.providerCode).toBeNull();
  });

  it('maps a 2xx body that fails the schema to ProviderResponseError, keeping the zod issues', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, { id: 42 }, { headers: JSON_HEADERS });
    const error = await failureOf(client().send(getRoom));
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', retryable: false });
    expect(error.cause).toBeInstanceOf(z.ZodError);
  });

  it('maps a 2xx body that is not JSON to ProviderResponseError', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, '<html>maintenance</html>', { headers: { 'content-type': 'text/html' } });
    const error = await failureOf(client().send(getRoom));
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toContain('not JSON');
  });

  it('maps a 2xx with an empty body to ProviderResponseError when a body is expected', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, '');
    const error = await failureOf(client().send(getRoom));
    expect(error).toBeInstanceOf(ProviderResponseError);
  });

  it('refuses a body past MAX_RESPONSE_BYTES as ProviderResponseError, without retrying', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, 'x'.repeat(MAX_RESPONSE_BYTES + 1));
    const error = await failureOf(retrying().send(getRoom));
    expect(error).toBeInstanceOf(ProviderResponseError);
    expect(error.message).toBe('Provider signalwire returned a body larger than 8 MB');
    expect(mock.calls()).toHaveLength(1);
  });

  it('maps a connection error to a retryable ProviderUnavailableError', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .replyWithError(new Error(`connect ECONNREFUSED ${HOST}:443`));
    const error = await failureOf(
      client().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({
      providerCode: 'CONNECTION_FAILED',
      retryable: true,
      status: null,
    });
  });
});

describe('createUpstreamClient: retries', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });

  it('retries a GET after a 503 and returns the 200 (2 requests)', async () => {
    const path = `/api/video/rooms/${ROOM.id}`;
    upstream()
      .intercept({ path, method: 'GET' })
      .reply(503, { message: 'busy' }, { headers: JSON_HEADERS });
    upstream().intercept({ path, method: 'GET' }).reply(200, ROOM, { headers: JSON_HEADERS });

    const result = settle(retrying().send(getRoom));
    await vi.runAllTimersAsync();

    expect(await result).toEqual({ value: ROOM, error: undefined });
    // One 503, then one 200 after a jittered wait.
    expect(mock.calls()).toHaveLength(2);
  });

  it('gives up on a GET after the policy retries and reports 3 attempts', async () => {
    const path = `/api/video/rooms/${ROOM.id}`;
    upstream().intercept({ path, method: 'GET' }).reply(503, { message: 'busy' }).times(3);

    const result = settle(retrying().send(getRoom));
    await vi.runAllTimersAsync();

    const { error } = await result;
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    // maxRetries 2: the first attempt plus two retries.
    expect((error as ProviderError).attempts).toBe(3);
    expect(mock.calls()).toHaveLength(3);
  });

  it('does not retry a POST after a 503', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(503, { message: 'busy' }, { headers: JSON_HEADERS });

    const error = await failureOf(
      retrying().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.attempts).toBe(1);
    expect(mock.calls()).toHaveLength(1);
  });

  it('retries a write the adapter marked idempotent after a 503', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(503, { message: 'busy' });
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(200, ROOM, { headers: JSON_HEADERS });

    const result = settle(
      retrying().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
        idempotent: true,
      }),
    );
    await vi.runAllTimersAsync();

    expect((await result).value).toEqual(ROOM);
    expect(mock.calls()).toHaveLength(2);
  });

  it('never retries a 400, even on a GET', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(400, { message: 'bad' }, { headers: JSON_HEADERS });
    const error = await failureOf(retrying().send(getRoom));
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(mock.calls()).toHaveLength(1);
  });

  it('retries a GET after a connection error', async () => {
    const path = `/api/video/rooms/${ROOM.id}`;
    upstream().intercept({ path, method: 'GET' }).replyWithError(new Error('socket hang up'));
    upstream().intercept({ path, method: 'GET' }).reply(200, ROOM, { headers: JSON_HEADERS });

    const result = settle(retrying().send(getRoom));
    await vi.runAllTimersAsync();

    expect((await result).value).toEqual(ROOM);
    expect(mock.calls()).toHaveLength(2);
  });

  it('retries a 429 POST after Retry-After when it fits before the deadline', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(429, { message: 'slow down' }, { headers: { ...JSON_HEADERS, 'retry-after': '1' } });
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(200, ROOM, { headers: JSON_HEADERS });

    const result = settle(
      retrying().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );
    await vi.advanceTimersByTimeAsync(999);
    expect(mock.calls()).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);

    expect((await result).value).toEqual(ROOM);
    // One 429, then the same POST once Retry-After (1 s) has passed.
    expect(mock.calls()).toHaveLength(2);
  });

  it('fails a 429 POST at once with retryAfterMs when Retry-After passes the deadline', async () => {
    upstream()
      .intercept({ path: '/api/video/rooms', method: 'POST' })
      .reply(429, { message: 'slow down' }, { headers: { ...JSON_HEADERS, 'retry-after': '30' } });

    const error = await failureOf(
      retrying().send({
        method: 'POST',
        path: '/rooms',
        body: {},
        schema: roomSchema,
        operation: 'createRoom',
      }),
    );

    // Retry-After 30 s against a 5 s deadline: no wait, no second request.
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.attempts).toBe(1);
    expect(mock.calls()).toHaveLength(1);
  });
});

describe('createUpstreamClient: cancellation and deadline', () => {
  it('ends the call with a typed error when the caller aborts', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, ROOM, { headers: JSON_HEADERS })
      .delay(10_000);
    const controller = new AbortController();

    const pending = failureOf(
      retrying().send({
        method: 'GET',
        path: `/rooms/${ROOM.id}`,
        schema: roomSchema,
        operation: 'getRoom',
        context: createCallContext({ signal: controller.signal }),
      }),
    );
    await vi.waitFor(() => expect(mock.calls()).toHaveLength(1));
    controller.abort();
    const error = await pending;

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.providerCode).toBe('CANCELLED');
    // No retry after an abort.
    expect(mock.calls()).toHaveLength(1);
  });

  it('ends the call with ProviderUnavailableError TIMEOUT at the deadline', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, ROOM, { headers: JSON_HEADERS })
      .delay(5_000);
    const started = Date.now();

    const error = await failureOf(
      client({ timeoutMs: 50, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } }).send(
        getRoom,
      ),
    );

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({ providerCode: 'TIMEOUT', retryable: true });
    expect(error.message).toContain('50 ms');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(mock.calls()).toHaveLength(1);
  });
});

describe('createUpstreamClient: a deadline given by the caller', () => {
  function roomAnswers(delayMs?: number) {
    const reply = upstream()
      .intercept({ path: `/api/video/rooms/${ROOM.id}`, method: 'GET' })
      .reply(200, ROOM, { headers: JSON_HEADERS });
    if (delayMs !== undefined) {
      reply.delay(delayMs);
    }
  }

  it('runs the call under it and leaves it to the caller, who can run the next call under it', async () => {
    roomAnswers();
    const caller = new AbortController();
    const deadline = new CallDeadline(5_000, caller.signal);
    const api = client();

    await expect(api.send({ ...getRoom, deadline })).resolves.toEqual(ROOM);
    expect(deadline.aborted).toBe(false);

    caller.abort();
    const error = await failureOf(api.send({ ...getRoom, deadline }));
    deadline.end();

    expect(error).toMatchObject({ providerCode: 'CANCELLED' });
    expect(mock.calls()).toHaveLength(1);
  });

  it('lets a caller waiting on a shared GET leave when its deadline aborts, sparing the others', async () => {
    roomAnswers(200);
    const api = client();
    const caller = new AbortController();
    const deadline = new CallDeadline(5_000, caller.signal);

    const staying = api.send(getRoom);
    const leaving = failureOf(api.send({ ...getRoom, deadline }));
    caller.abort();
    const error = await leaving;
    deadline.end();

    expect(error).toMatchObject({ providerCode: 'CANCELLED' });
    await expect(staying).resolves.toEqual(ROOM);
    expect(mock.calls()).toHaveLength(1);
  });
});

describe('createUpstreamClient: secrets', () => {
  const QUERY = 'page_token=PAsecret-cursor';
  const forbidden = [CREDENTIAL, AUTHORIZATION, HOST, QUERY, '?'];

  function expectClean(error: AppError) {
    for (const secret of forbidden) {
      expect(error.message).not.toContain(secret);
    }
  }

  it('keeps credentials, host and query out of every kind of failure message', async () => {
    const path = `/api/video/rooms?${QUERY}`;
    const list = z.object({ data: z.array(roomSchema) });
    upstream()
      .intercept({ path, method: 'GET' })
      .reply(401, { message: `refused ${AUTHORIZATION}` });
    upstream().intercept({ path, method: 'GET' }).reply(500, 'not json at all');
    upstream().intercept({ path, method: 'GET' }).reply(200, 'not json at all');
    upstream().intercept({ path, method: 'GET' }).reply(200, { data: 'wrong' });
    upstream()
      .intercept({ path, method: 'GET' })
      .replyWithError(new Error(`connect ECONNREFUSED ${ORIGIN}${path} ${AUTHORIZATION}`));

    for (let i = 0; i < 5; i++) {
      const error = await failureOf(
        client().send({
          method: 'GET',
          path: `/rooms?${QUERY}`,
          schema: list,
          operation: 'listRooms',
        }),
      );
      expectClean(error);
    }
  });

  it('keeps the deadline message free of the host and query', async () => {
    upstream()
      .intercept({ path: `/api/video/rooms?${QUERY}`, method: 'GET' })
      .reply(200, { data: [] })
      .delay(5_000);
    const error = await failureOf(
      client({ timeoutMs: 20 }).send({
        method: 'GET',
        path: `/rooms?${QUERY}`,
        schema: z.object({ data: z.array(roomSchema) }),
        operation: 'listRooms',
      }),
    );
    expect(error.providerCode).toBe('TIMEOUT');
    expectClean(error);
  });
});
