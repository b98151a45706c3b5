import { describe, expect, it } from 'vitest';
import type { UpstreamAttempt } from '../../../src/http/upstream-observer.js';
import {
  AppMetrics,
  BoundedLabel,
  OperationNameLabel,
} from '../../../src/observability/metrics.js';

const ATTEMPT: UpstreamAttempt = {
  account: 'signalwire',
  operation: 'getRoom',
  method: 'GET',
  path: '/rooms/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
  status: 503,
  outcome: '5xx',
  startedAt: 0,
  durationMs: 120,
  errorCode: 'UPSTREAM_UNAVAILABLE',
};

/** The value of one series in the text exposition, or undefined when it is absent. */
/** The value of one series, named as `name{label="value",...}` with its labels in any order. */
function sample(text: string, series: string): number | undefined {
  const wanted = seriesKey(series);
  const line = text
    .split('\n')
    .find((candidate) => seriesKey(candidate.slice(0, candidate.lastIndexOf(' '))) === wanted);
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** A series name with its labels sorted, so that two orders of the same labels compare equal. */
function seriesKey(series: string): string {
  const open = series.indexOf('{');
  if (open < 0) {
    return series;
  }
  const labels = series.slice(open + 1, series.lastIndexOf('}')).split(/,(?=\w+=")/);
  return `${series.slice(0, open)}{${labels.sort().join(',')}}`;
}

describe('BoundedLabel', () => {
  it('keeps names of the right shape, and sends the rest to the fallback', () => {
    const label = new BoundedLabel(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 10, 'anonymous', 'other');
    expect(label.of('Rooms')).toBe('Rooms');
    expect(label.of(undefined)).toBe('anonymous');
    expect(label.of('')).toBe('anonymous');
    expect(label.of('has space')).toBe('anonymous');
    expect(label.of('x'.repeat(65))).toBe('anonymous');
  });

  it('stops taking new values at its cap, while the ones it has keep their name', () => {
    const label = new BoundedLabel(/^[a-z0-9]+$/, 3, 'anonymous', 'other');
    expect(['a', 'b', 'c', 'd', 'e', 'a'].map((value) => label.of(value))).toEqual([
      'a',
      'b',
      'c',
      'other',
      'other',
      'a',
    ]);
  });
});

describe('OperationNameLabel', () => {
  it('admits at most its share of new names per client, and shares admitted names with all', () => {
    const label = new OperationNameLabel(5, 2, 'anonymous', 'other');
    const spender = ['A', 'B', 'C', 'D'].map((name) => label.of(name, 'spender'));
    expect(spender).toEqual(['A', 'B', 'other', 'other']);
    expect(label.of('A', 'other-client')).toBe('A');
    expect(label.of('Mine', 'other-client')).toBe('Mine');
    expect(label.of('not a name', 'other-client')).toBe('anonymous');
  });

  it('stops at its overall cap whoever asks', () => {
    const label = new OperationNameLabel(3, 2, 'anonymous', 'other');
    expect([
      label.of('A', 'one'),
      label.of('B', 'one'),
      label.of('C', 'two'),
      label.of('D', 'two'),
      label.of('E', 'three'),
      label.of('B', 'three'),
    ]).toEqual(['A', 'B', 'C', 'other', 'other', 'B']);
  });
});

describe('AppMetrics', () => {
  it('files upstream durations in cumulative buckets, a duration equal to a bound inside it', async () => {
    const metrics = new AppMetrics();
    for (const durationMs of [5, 5.1, 40, 45_000]) {
      metrics.upstreamAttempt({
        ...ATTEMPT,
        status: 200,
        outcome: '2xx',
        durationMs,
        errorCode: null,
      });
    }
    const { body } = await metrics.render();
    const series = (le: string) =>
      sample(
        body,
        `upstream_request_duration_seconds_bucket{provider="signalwire",operation="getRoom",method="GET",le="${le}"}`,
      );

    expect(body).toContain('# TYPE upstream_request_duration_seconds histogram');
    expect(body).toContain('# TYPE upstream_requests_total counter');
    expect([series('0.005'), series('0.01'), series('0.05'), series('30'), series('+Inf')]).toEqual(
      [1, 2, 3, 3, 4],
    );
    expect(
      sample(
        body,
        'upstream_request_duration_seconds_sum{provider="signalwire",operation="getRoom",method="GET"}',
      ),
    ).toBeCloseTo(45.0501);
    // A status class never seen is not a series at all.
    expect(body).not.toContain('status_class="4xx"');
  });

  it('starts every configured account closed and follows its circuit', async () => {
    const metrics = new AppMetrics(['signalwire', 'hms']);
    metrics.circuitState('hms', 'open');
    let { body } = await metrics.render();
    expect(sample(body, 'upstream_circuit_state{provider="signalwire"}')).toBe(0);
    expect(sample(body, 'upstream_circuit_state{provider="hms"}')).toBe(2);
    metrics.circuitState('hms', 'half-open');
    ({ body } = await metrics.render());
    expect(sample(body, 'upstream_circuit_state{provider="hms"}')).toBe(1);
  });

  it('counts attempts by account, operation, method and status class, never by path', async () => {
    const metrics = new AppMetrics();
    metrics.upstreamAttempt(ATTEMPT);
    metrics.upstreamAttempt({ ...ATTEMPT, status: 200, outcome: '2xx', errorCode: null });
    metrics.upstreamRetry({
      ...ATTEMPT,
      attempt: 1,
      delayMs: 50,
      errorCode: 'UPSTREAM_UNAVAILABLE',
    });
    const { body, contentType } = await metrics.render();

    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const labels = 'provider="signalwire",operation="getRoom",method="GET"';
    expect(sample(body, `upstream_requests_total{${labels},status_class="5xx"}`)).toBe(1);
    expect(sample(body, `upstream_requests_total{${labels},status_class="2xx"}`)).toBe(1);
    expect(sample(body, `upstream_request_duration_seconds_count{${labels}}`)).toBe(2);
    expect(sample(body, `upstream_request_duration_seconds_sum{${labels}}`)).toBeCloseTo(0.24);
    expect(sample(body, 'upstream_retries_total{provider="signalwire",operation="getRoom"}')).toBe(
      1,
    );
    expect(body).not.toContain('0b1c2d3e');
  });

  it('labels operations by a bounded name and counts each error by code', async () => {
    const metrics = new AppMetrics();
    metrics.operationFinished({
      type: 'query',
      name: 'Rooms',
      client: 'web',
      durationMs: 40,
      errorCodes: ['UPSTREAM_UNAVAILABLE', 'UPSTREAM_UNAVAILABLE'],
    });
    metrics.operationFinished({
      type: 'mutation',
      name: null,
      client: 'web',
      durationMs: 5,
      errorCodes: [],
    });
    metrics.operationFinished({
      type: 'query',
      name: 'Rooms',
      client: 'web',
      durationMs: 5,
      errorCodes: ['not a code'],
    });
    const { body } = await metrics.render();

    const rooms = 'operation_type="query",operation_name="Rooms"';
    expect(sample(body, `graphql_operation_duration_seconds_count{${rooms}}`)).toBe(2);
    expect(
      sample(
        body,
        'graphql_operation_duration_seconds_count{operation_type="mutation",operation_name="anonymous"}',
      ),
    ).toBe(1);
    expect(
      sample(body, `graphql_operation_errors_total{${rooms},code="UPSTREAM_UNAVAILABLE"}`),
    ).toBe(2);
    expect(sample(body, `graphql_operation_errors_total{${rooms},code="UNKNOWN"}`)).toBe(1);
  });

  it('keeps its own counts apart from another app’s, and adds the process metrics once', async () => {
    const first = new AppMetrics();
    const second = new AppMetrics();
    first.requestRefused(401);
    const [one, two] = await Promise.all([first.render(), second.render()]);
    expect(sample(one.body, 'graphql_requests_refused_total{status="401"}')).toBe(1);
    expect(sample(two.body, 'graphql_requests_refused_total{status="401"}')).toBeUndefined();
    for (const { body } of [one, two]) {
      expect(body).toContain('video_rooms_process_cpu_user_seconds_total');
      expect(body.match(/^# TYPE video_rooms_process_start_time_seconds /gm)).toHaveLength(1);
    }
  });
});
