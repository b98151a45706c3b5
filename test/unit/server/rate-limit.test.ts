import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import { rateLimitKey } from '../../../src/server/rate-limit.js';
import { createApp } from '../../../src/yoga.js';

const nodeContext = (remoteAddress: string) => ({ req: { socket: { remoteAddress } } });

describe('rateLimitKey', () => {
  it('counts an authenticated client by its identity, wherever it connects from', () => {
    const client = { id: 'ci', kind: 'api-key' as const, scopes: new Set<never>() };
    expect(rateLimitKey(client, nodeContext('10.0.0.1'))).toBe('api-key:ci');
    expect(rateLimitKey(client, nodeContext('10.0.0.2'))).toBe('api-key:ci');
    expect(rateLimitKey({ ...client, id: 'svc', kind: 'jwt' }, null)).toBe('jwt:svc');
  });

  it('counts anonymous and refused requests by the connection address', () => {
    const anonymous = { id: 'anonymous', kind: 'anonymous' as const, scopes: new Set<never>() };
    expect(rateLimitKey(anonymous, nodeContext('10.0.0.1'))).toBe('address:10.0.0.1');
    expect(rateLimitKey(null, nodeContext('10.0.0.1'))).toBe('address:10.0.0.1');
    expect(rateLimitKey(null, {})).toBe('address:unknown');
  });

  it('ignores X-Forwarded-For unless proxies are trusted, and then believes only their entries', () => {
    const proxy = nodeContext('10.0.0.9');
    // Written by the client: "6.6.6.6" is its lie, 203.0.113.7 what the load balancer saw.
    const header = '6.6.6.6, 203.0.113.7';
    expect(rateLimitKey(null, proxy, header)).toBe('address:10.0.0.9');
    expect(rateLimitKey(null, proxy, header, 0)).toBe('address:10.0.0.9');
    expect(rateLimitKey(null, proxy, header, 1)).toBe('address:203.0.113.7');
    // Two proxies (a CDN, then the load balancer): the CDN's entry is second from the right.
    expect(rateLimitKey(null, proxy, '6.6.6.6, 198.51.100.4, 10.0.0.8', 2)).toBe(
      'address:198.51.100.4',
    );
    // Fewer entries than trusted hops: the leftmost one there is.
    expect(rateLimitKey(null, proxy, '198.51.100.4', 3)).toBe('address:198.51.100.4');
    expect(rateLimitKey(null, proxy, null, 1)).toBe('address:10.0.0.9');
    const client = { id: 'ci', kind: 'api-key' as const, scopes: new Set<never>() };
    expect(rateLimitKey(client, proxy, header, 1)).toBe('api-key:ci');
  });
});

describe('anonymous clients behind a trusted proxy', () => {
  it('get a count each by the address their proxy reported', async () => {
    const app = createApp({
      config: configSchema.parse({ rateLimitRequests: 1, trustProxyHops: 1 }),
      registry: new ProviderRegistry([]),
      logging: false,
      open: true,
    });
    const from = (forwardedFor: string) =>
      app.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: '{ providers { key } }' }),
      });
    expect((await from('203.0.113.7')).status).toBe(200);
    expect((await from('203.0.113.8')).status).toBe(200);
    // A different lie in front of the proxy's entry changes nothing.
    expect((await from('1.2.3.4, 203.0.113.7')).status).toBe(429);
  });
});

describe('a failing rate-limit store', () => {
  it('lets the request through without rate-limit headers, and reports the failure', async () => {
    const reported: string[] = [];
    const app = createApp({
      config: configSchema.parse({}),
      registry: new ProviderRegistry([]),
      logging: false,
      logError: (message) => reported.push(message),
      open: true,
      rateLimitStore: { hit: () => Promise.reject(new Error('connection refused')) },
    });
    const response = await app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ providers { key } }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { providers: [] } });
    expect(response.headers.get('ratelimit-limit')).toBeNull();
    expect(reported).toEqual(['The rate-limit store failed; this request was not counted']);
  });
});
