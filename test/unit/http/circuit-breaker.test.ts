import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  ProviderError,
  ProviderRateLimitedError,
  ProviderRejectedError,
  ProviderResponseError,
  ProviderUnavailableError,
} from '../../../src/domain/errors.js';
import { CIRCUIT_OPEN, CircuitBreaker } from '../../../src/http/circuit-breaker.js';
import {
  createUpstreamClient,
  type UpstreamClientOptions,
} from '../../../src/http/upstream-client.js';
import { createMockAgent, type MockUpstream } from '../../helpers/mock-agent.js';

const details = { provider: 'videsk', operation: 'getRooms' };
const unavailable = (providerCode: string | null = null) =>
  new ProviderUnavailableError('down', { ...details, status: 503, providerCode });

/** A hand-driven clock, so open periods pass without waiting. */
function manualClock(start = 1_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

function breakerWith(clock: { now: () => number }, threshold = 3) {
  return new CircuitBreaker({
    provider: 'videsk',
    failureThreshold: threshold,
    openMs: 10_000,
    now: clock.now,
  });
}

/**
 * Takes a call through the breaker's steps as the upstream client does: admitted, then (when
 * `wait` is given) a wait for a queue slot, then the attempt, whose outcome is recorded.
 */
async function through<T>(
  breaker: CircuitBreaker,
  attempt: () => Promise<T>,
  wait?: () => Promise<void>,
): Promise<T> {
  const ticket = breaker.admit('getRooms');
  if (wait) {
    try {
      await wait();
    } catch (error) {
      breaker.abandon(ticket);
      throw error;
    }
    breaker.confirm(ticket, 'getRooms');
  }
  try {
    const result = await attempt();
    breaker.record(ticket, null);
    return result;
  } catch (error) {
    breaker.record(ticket, error);
    throw error;
  }
}

/** Runs `attempt` through the breaker straight away, with no queue in between. */
function direct<T>(breaker: CircuitBreaker, attempt: () => Promise<T>): Promise<T> {
  return through(breaker, attempt);
}

/** What the breaker threw for a call, or undefined when the call went through. */
async function outcome(breaker: CircuitBreaker, task: () => Promise<unknown>) {
  try {
    await direct(breaker, task);
    return undefined;
  } catch (error) {
    return error;
  }
}

const failWith = (error: Error) => () => Promise.reject(error);
const succeed = () => Promise.resolve('ok');

async function trip(breaker: CircuitBreaker) {
  for (let index = 0; index < breaker.failureThreshold; index++) {
    await outcome(breaker, failWith(unavailable()));
  }
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and opens at it', async () => {
    const breaker = breakerWith(manualClock());
    await outcome(breaker, failWith(unavailable()));
    await outcome(breaker, failWith(unavailable()));
    expect(breaker.state).toBe('closed');
    await outcome(breaker, failWith(unavailable()));
    expect(breaker.state).toBe('open');
  });

  it('fails fast while open, naming the provider, without running the call', async () => {
    const breaker = breakerWith(manualClock());
    await trip(breaker);
    const task = vi.fn(succeed);
    const started = performance.now();
    const error = await outcome(breaker, task);
    expect(performance.now() - started).toBeLessThan(10);
    expect(task).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      provider: 'videsk',
      operation: 'getRooms',
      providerCode: CIRCUIT_OPEN,
      status: null,
      retryable: true,
    });
    expect((error as Error).message).toContain('videsk');
  });

  it('counts timeouts and connection failures like 5xx answers', async () => {
    const breaker = breakerWith(manualClock());
    await outcome(breaker, failWith(unavailable('TIMEOUT')));
    await outcome(breaker, failWith(unavailable('CONNECTION_FAILED')));
    await outcome(breaker, failWith(unavailable()));
    expect(breaker.state).toBe('open');
  });

  it('does not count answers that prove the provider is up, and they reset the count', async () => {
    const breaker = breakerWith(manualClock());
    const answers = [
      new ProviderError('404', { ...details, status: 404 }),
      new ProviderRejectedError('422', { ...details, status: 422 }),
      new ProviderError('401', { ...details, status: 401 }),
      new ProviderRateLimitedError('429', { ...details, status: 429 }),
      new ProviderResponseError('not JSON', details),
    ];
    for (const answer of answers) {
      await outcome(breaker, failWith(unavailable()));
      await outcome(breaker, failWith(unavailable()));
      await outcome(breaker, failWith(answer));
      expect(breaker.failures).toBe(0);
    }
    expect(breaker.state).toBe('closed');
  });

  it('ignores calls cancelled by their caller and errors that are not from the provider', async () => {
    const breaker = breakerWith(manualClock());
    await outcome(breaker, failWith(unavailable()));
    await outcome(breaker, failWith(unavailable('CANCELLED')));
    await outcome(breaker, failWith(new DOMException('gave up in the queue', 'AbortError')));
    expect(breaker.failures).toBe(1);
  });

  it('resets the count on a success, so only failures in a row open it', async () => {
    const breaker = breakerWith(manualClock());
    await outcome(breaker, failWith(unavailable()));
    await outcome(breaker, failWith(unavailable()));
    await outcome(breaker, succeed);
    await outcome(breaker, failWith(unavailable()));
    await outcome(breaker, failWith(unavailable()));
    expect(breaker.state).toBe('closed');
  });

  it('lets exactly one probe through after the open period, failing the others fast meanwhile', async () => {
    const clock = manualClock();
    const breaker = breakerWith(clock);
    await trip(breaker);
    clock.advance(9_999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');

    let answerProbe: (value: string) => void = () => {};
    const probe = vi.fn(
      () =>
        new Promise<string>((resolve) => {
          answerProbe = resolve;
        }),
    );
    const probeResult = direct(breaker, probe);
    const others = vi.fn(succeed);
    const refused = await Promise.all([outcome(breaker, others), outcome(breaker, others)]);
    expect(probe).toHaveBeenCalledTimes(1);
    expect(others).not.toHaveBeenCalled();
    expect(refused).toEqual([
      expect.objectContaining({ providerCode: CIRCUIT_OPEN }),
      expect.objectContaining({ providerCode: CIRCUIT_OPEN }),
    ]);

    answerProbe('ok');
    await expect(probeResult).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(await outcome(breaker, others)).toBeUndefined();
    expect(others).toHaveBeenCalledTimes(1);
  });

  it('closes on a probe answered with a 4xx, since the provider is up', async () => {
    const clock = manualClock();
    const breaker = breakerWith(clock);
    await trip(breaker);
    clock.advance(10_000);
    await outcome(breaker, failWith(new ProviderError('404', { ...details, status: 404 })));
    expect(breaker.state).toBe('closed');
  });

  it('opens again for a whole period when the probe fails', async () => {
    const clock = manualClock();
    const breaker = breakerWith(clock);
    await trip(breaker);
    clock.advance(10_000);
    await outcome(breaker, failWith(unavailable()));
    expect(breaker.state).toBe('open');
    clock.advance(9_999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
  });

  it('lets the next call probe when the probe was cancelled by its caller', async () => {
    const clock = manualClock();
    const breaker = breakerWith(clock);
    await trip(breaker);
    clock.advance(10_000);
    await outcome(breaker, failWith(unavailable('CANCELLED')));
    expect(breaker.state).toBe('half-open');
    const next = vi.fn(succeed);
    await outcome(breaker, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(breaker.state).toBe('closed');
  });

  it('lets the next call probe when the probe gave up while waiting to send', async () => {
    const clock = manualClock();
    const breaker = breakerWith(clock);
    await trip(breaker);
    clock.advance(10_000);
    const waiting = through(breaker, succeed, () =>
      Promise.reject(new DOMException('gave up in the queue', 'AbortError')),
    );
    await expect(waiting).rejects.toThrow('gave up in the queue');
    const next = vi.fn(succeed);
    await outcome(breaker, next);
    expect(next).toHaveBeenCalledTimes(1);
    expect(breaker.state).toBe('closed');
  });

  it('does not let a call that was in flight when it opened close it again', async () => {
    const breaker = breakerWith(manualClock());
    let answerSlowCall: (value: string) => void = () => {};
    const slow = direct(
      breaker,
      () =>
        new Promise<string>((resolve) => {
          answerSlowCall = resolve;
        }),
    );
    await trip(breaker);
    answerSlowCall('late');
    await slow;
    expect(breaker.state).toBe('open');
  });

  it('keeps one state per instance, so one account tripping leaves another closed', async () => {
    const clock = manualClock();
    const tripped = breakerWith(clock);
    const other = new CircuitBreaker({
      provider: 'videsk-eu',
      failureThreshold: 3,
      now: clock.now,
    });
    await trip(tripped);
    expect(tripped.state).toBe('open');
    expect(await outcome(other, succeed)).toBeUndefined();
    expect(other.state).toBe('closed');
  });
});

describe('createUpstreamClient with its circuit breaker', () => {
  const ORIGIN = 'https://api.videsk.io';
  const roomSchema = z.object({ id: z.string() });
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
      provider: 'videsk',
      baseUrl: ORIGIN,
      dispatcher: mock.agent,
      headers: () => ({ authorization: 'Bearer vk_live_secret' }),
      parseError: (failure) => ({ message: `HTTP ${failure.status}`, providerCode: null }),
      timeoutMs: 5_000,
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      circuitFailureThreshold: 2,
      circuitOpenMs: 1_000,
      ...overrides,
    });
  }

  const getRoom = (upstream: ReturnType<typeof client>) =>
    upstream
      .send({ method: 'GET', path: '/vpaas/rooms/r1', schema: roomSchema, operation: 'getRoom' })
      .then(
        () => undefined,
        (error: unknown) => error as ProviderError,
      );

  it('sends nothing once open, lets one probe through after the open period, and closes on its answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const upstream = client();
    mock.agent.get(ORIGIN).intercept({ path: '/vpaas/rooms/r1' }).reply(503, {}).times(2);
    expect((await getRoom(upstream))?.status).toBe(503);
    expect((await getRoom(upstream))?.status).toBe(503);

    const refused = await getRoom(upstream);
    expect(refused).toMatchObject({ providerCode: CIRCUIT_OPEN, provider: 'videsk' });
    // Two 503s went out; the refused call sent nothing.
    expect(mock.calls()).toHaveLength(2);

    vi.setSystemTime(Date.now() + 1_000);
    mock.agent.get(ORIGIN).intercept({ path: '/vpaas/rooms/r1' }).reply(200, { id: 'r1' }).times(2);
    expect(await getRoom(upstream)).toBeUndefined();
    expect(await getRoom(upstream)).toBeUndefined();
    expect(mock.calls()).toHaveLength(4);
  });

  // Sharing is off in the next two tests: two identical GETs would otherwise be one call.
  it('sends nothing for a call that was queued for a slot when the circuit opened', async () => {
    const upstream = client({
      maxInFlight: 1,
      circuitFailureThreshold: 1,
      shareInflightGets: false,
    });
    mock.agent.get(ORIGIN).intercept({ path: '/vpaas/rooms/r1' }).reply(503, {}).delay(50);
    const [first, queued] = await Promise.all([getRoom(upstream), getRoom(upstream)]);
    expect(first?.status).toBe(503);
    expect(queued).toMatchObject({ providerCode: CIRCUIT_OPEN });
    expect(mock.calls()).toHaveLength(1);
  });

  it('refuses other calls at once while the probe holds the only slot, rather than queueing them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const upstream = client({
      maxInFlight: 1,
      circuitFailureThreshold: 1,
      shareInflightGets: false,
    });
    mock.agent.get(ORIGIN).intercept({ path: '/vpaas/rooms/r1' }).reply(503, {});
    await getRoom(upstream);
    vi.setSystemTime(Date.now() + 1_000);
    mock.agent
      .get(ORIGIN)
      .intercept({ path: '/vpaas/rooms/r1' })
      .reply(200, { id: 'r1' })
      .delay(50);

    const probe = getRoom(upstream);
    const other = await getRoom(upstream);
    expect(other).toMatchObject({ providerCode: CIRCUIT_OPEN });
    expect(await probe).toBeUndefined();
    expect(mock.calls()).toHaveLength(2);
  });

  it('stops retrying when the circuit opens mid-call, and reports the last answer instead', async () => {
    const upstream = client({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    mock.agent.get(ORIGIN).intercept({ path: '/vpaas/rooms/r1' }).reply(503, {}).times(2);
    const error = await getRoom(upstream);
    // Threshold 2: the first try and one retry fail, the circuit opens, and the second retry
    // is refused before sending, so the caller sees the provider's 503.
    expect(mock.calls()).toHaveLength(2);
    expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', status: 503, attempts: 2 });
  });

  it('never retries more than twice, whatever the policy asks', async () => {
    const upstream = client({
      retry: { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1 },
      circuitFailureThreshold: 100,
    });
    mock.agent.get(ORIGIN).intercept({ path: '/vpaas/rooms/r1' }).reply(503, {}).times(3);
    const error = await getRoom(upstream);
    // At most three tries of one call: the first and two retries.
    expect(mock.calls()).toHaveLength(3);
    expect(error?.attempts).toBe(3);
  });
});
