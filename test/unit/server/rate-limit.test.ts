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
