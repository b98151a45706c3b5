import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config.js';
import { createLogger } from '../../../src/observability/logger.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import type { RoomProvider } from '../../../src/providers/room-provider.js';
import { createApp } from '../../../src/yoga.js';
import { createFakeProvider } from '../graphql/fake-provider.js';

const CLIENT_KEY = 'ck_live_unit_observability_0123456789';

function app(settings: Record<string, unknown> = {}, open = true, providers: RoomProvider[] = []) {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'trace',
    destination: { write: (line) => lines.push(line) },
  });
  const yoga = createApp({
    config: configSchema.parse(settings),
    registry: new ProviderRegistry(providers),
    logger,
    open,
  });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { yoga, records };
}

const query = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ query: 'query Keys { providers { key } }' }),
});

describe('/metrics', () => {
  it('is served in the Prometheus text format, without client credentials', async () => {
    const { yoga } = app({ clientApiKeys: [] }, false);
    const response = await yoga.fetch('http://localhost/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('# TYPE graphql_operation_duration_seconds histogram');
  });

  it('answers only GET and HEAD', async () => {
    const { yoga } = app();
    const response = await yoga.fetch('http://localhost/metrics', { method: 'POST' });
    expect(response.status).toBe(405);
    const head = await yoga.fetch('http://localhost/metrics', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('asks for METRICS_TOKEN as a bearer token when one is set, and logs no token', async () => {
    const token = 'scrape-token-0123456789abcdef';
    const { yoga, records } = app({ metricsToken: token });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', token]) {
      const response = await yoga.fetch('http://localhost/metrics', {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(await response.text()).toBe('');
    }
    const allowed = await yoga.fetch('http://localhost/metrics', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('# TYPE graphql_operation_duration_seconds histogram');
    expect(JSON.stringify(records())).not.toContain(token);
  });

  it('is not found when metrics are off', async () => {
    const { yoga } = app({ metrics: false });
    expect((await yoga.fetch('http://localhost/metrics')).status).toBe(404);
  });
});

describe('request ids', () => {
  it('echoes a sane x-request-id and logs the request under it', async () => {
    const { yoga, records } = app();
    const response = await yoga.fetch(
      'http://localhost/graphql',
      query({ 'x-request-id': 'gw-42' }),
    );
    expect(response.headers.get('x-request-id')).toBe('gw-42');
    expect(records().find((record) => record.msg === 'graphql request')).toMatchObject({
      requestId: 'gw-42',
      status: 200,
      operationName: 'Keys',
    });
  });

  it('replaces one that is not a plain token, and answers with the one it used', async () => {
    const { yoga, records } = app();
    const response = await yoga.fetch(
      'http://localhost/graphql',
      query({ 'x-request-id': 'x", "level": "fatal' }),
    );
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(records().find((record) => record.msg === 'graphql request')?.requestId).toBe(id);
  });
});

describe('requests refused before any operation', () => {
  it('are counted by status and logged with who was refused, never the credential', async () => {
    const { yoga, records } = app(
      {
        clientApiKeys: [
          {
            id: 'dashboard',
            sha256: createHash('sha256').update(CLIENT_KEY).digest('hex'),
            scopes: ['rooms:read'],
          },
        ],
      },
      false,
    );
    const refused = await yoga.fetch(
      'http://localhost/graphql',
      query({ authorization: 'Bearer wrong-key' }),
    );
    expect(refused.status).toBe(401);
    const allowed = await yoga.fetch(
      'http://localhost/graphql',
      query({ authorization: `Bearer ${CLIENT_KEY}` }),
    );
    expect(allowed.status).toBe(200);

    const metrics = await (await yoga.fetch('http://localhost/metrics')).text();
    expect(metrics).toContain('graphql_requests_refused_total{status="401"} 1');
    const requests = records().filter((record) => record.msg === 'graphql request');
    expect(requests.map((record) => [record.status, record.clientId])).toEqual([
      [401, 'unauthenticated'],
      [200, 'dashboard'],
    ]);
    const all = JSON.stringify(records());
    expect(all).not.toContain(CLIENT_KEY);
    expect(all).not.toContain('wrong-key');
  });
});

describe('errors', () => {
  it('reports an unexpected one once, at error level, under the request id, redacted', async () => {
    const broken = {
      ...createFakeProvider('hms', []),
      listRooms: () =>
        Promise.reject(new Error('GET https://api.100ms.live/v2/rooms failed: Bearer eyJ.abc.def')),
    };
    const { yoga, records } = app({}, true, [broken]);
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bug-1' },
      body: JSON.stringify({
        query: '{ provider(key: "hms") { rooms(first: 1) { edges { cursor } } } }',
      }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toBe('Unexpected error.');

    const errors = records().filter((record) => record.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      requestId: 'bug-1',
      msg: 'Unexpected error while executing a GraphQL operation',
    });
    expect(String(errors[0]?.error)).toContain('failed');
    expect(JSON.stringify(records())).not.toMatch(/api\.100ms\.live|eyJ\.abc/);
  });

  it.each([
    ['graphql-jit', true],
    ['the standard executor', false],
  ])('reports one cause behind several fields once, with %s', async (_name, graphqlJit) => {
    const bug = new Error('listRooms is broken');
    const broken = { ...createFakeProvider('hms', []), listRooms: () => Promise.reject(bug) };
    const { yoga, records } = app({ graphqlJit }, true, [broken]);
    const response = await yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'bug-2' },
      body: JSON.stringify({
        query:
          '{ a: provider(key: "hms") { rooms(first: 1) { edges { cursor } } } b: provider(key: "hms") { rooms(first: 2) { edges { cursor } } } }',
      }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors.map((error) => error.message)).toEqual([
      'Unexpected error.',
      'Unexpected error.',
    ]);
    expect(records().filter((record) => record.level === 'error')).toEqual([
      expect.objectContaining({
        requestId: 'bug-2',
        msg: 'Unexpected error while executing a GraphQL operation',
      }),
    ]);
  });

  it.each([
    ['graphql-jit', true],
    ['the standard executor', false],
  ])(
    'puts a typed error returned as data on the access line, apart from errors (%s)',
    async (_name, graphqlJit) => {
      const { yoga, records } = app({ graphqlJit });
      const response = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query:
            'mutation Make { createRoom(input: { providerKey: "nowhere", name: "r" }) { __typename } }',
        }),
      });
      expect(await response.json()).toEqual({
        data: { createRoom: { __typename: 'ProviderNotFoundError' } },
      });
      const line = records().find((record) => record.msg === 'graphql request');
      expect(line).toMatchObject({
        operationName: 'Make',
        resultErrorCodes: ['PROVIDER_NOT_FOUND'],
      });
      expect(line).not.toHaveProperty('errorCodes');
    },
  );

  it('reports a failing rate-limit store under the request id, and still answers', async () => {
    const lines: string[] = [];
    const yoga = createApp({
      config: configSchema.parse({}),
      registry: new ProviderRegistry([]),
      logger: createLogger({ level: 'info', destination: { write: (line) => lines.push(line) } }),
      open: true,
      rateLimitStore: { hit: () => Promise.reject(new Error('connection refused')) },
    });
    const response = await yoga.fetch(
      'http://localhost/graphql',
      query({ 'x-request-id': 'rl-1' }),
    );
    expect(response.status).toBe(200);
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        level: 'error',
        requestId: 'rl-1',
        msg: 'The rate-limit store failed; this request was not counted',
      }),
    );
  });
});
