import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { createHttpServer } from '../../src/server/http-server.js';
import { probeListener } from '../../src/server/probes.js';
import { createStores } from '../../src/store/create-stores.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// /health and /ready as a load balancer and Kubernetes call them: plain GETs, every few seconds,
// with no credentials. They must answer whatever the auth and rate-limit settings, and stay out
// of the access log.

describe('health probes', () => {
  let server: TestServer;
  const records: Record<string, unknown>[] = [];
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        rateLimitRequests: 2,
        clientApiKeys: [
          { id: 'web', sha256: createHash('sha256').update('k').digest('hex'), scopes: [] },
        ],
      },
      logger: createLogger({
        level: 'info',
        destination: { write: (line) => records.push(JSON.parse(line)) },
      }),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers liveness and readiness in JSON, past the rate limit, with no credentials', async () => {
    for (let probe = 0; probe < 5; probe++) {
      const health = await fetch(`${server.origin}/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await health.json()).toEqual({ status: 'ok', draining: false });
      const ready = await fetch(`${server.origin}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { config: 'loaded', redis: 'not configured' },
      });
    }
    // The same client on the GraphQL endpoint is refused: the probes were spared, not the rest.
    expect((await server.post(JSON.stringify({ query: '{ __typename }' }))).status).toBe(401);
  });

  it('writes no access line for a probe', async () => {
    records.length = 0;
    await (await fetch(`${server.origin}/ready`)).text();
    await (await fetch(`${server.origin}/health`)).text();
    await (await server.post(JSON.stringify({ query: '{ __typename }' }))).text();
    expect(records.map((record) => record.path)).toEqual(['/graphql']);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await fetch(`${server.origin}/ready`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${server.origin}/ready`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('readiness with Redis', () => {
  it('is ready while Redis answers and 503 once it is gone', async () => {
    const redis = await startRedisServer();
    const stores = createStores({ redisUrl: redis.url }, { logError: () => {} });
    const http = createHttpServer({
      handler: (_request, response) => response.writeHead(404).end(),
      probes: probeListener({ draining: () => false, redisUp: () => stores.ping() }),
      limits: configSchema.parse({}),
      logger: silentLogger(),
    });
    try {
      await stores.ready();
      const { port } = await http.listen(0, '127.0.0.1');
      const ready = () => fetch(`http://127.0.0.1:${port}/ready`);
      const up = await ready();
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ checks: { redis: 'up' } });

      await redis.stop();
      let down = await ready();
      for (let attempt = 0; attempt < 100 && down.status === 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        down = await ready();
      }
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: 'unavailable',
        checks: { config: 'loaded', redis: 'down' },
      });
    } finally {
      await http.close();
      await stores.close();
      await redis.stop();
    }
  });
});
