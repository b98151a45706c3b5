import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import { corsPolicy } from '../../../src/server/csrf.js';
import { createApp } from '../../../src/yoga.js';

function app(open: boolean) {
  return createApp({
    config: configSchema.parse({ allowAnonymous: true }),
    registry: new ProviderRegistry([]),
    logging: false,
    logError: () => {},
    open,
  });
}

const post = (contentType: string | null, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
  body: contentType?.includes('urlencoded')
    ? 'query=%7B__typename%7D'
    : JSON.stringify({ query: '{ __typename }' }),
});

describe('corsPolicy', () => {
  it('turns CORS off entirely when no origin is listed outside the sandbox', () => {
    expect(corsPolicy([], false)).toBe(false);
  });

  it('treats * in the list as any origin', async () => {
    const policy = corsPolicy(['*'], false);
    expect(typeof policy).toBe('function');
    const options =
      typeof policy === 'function'
        ? await policy(
            new Request('http://localhost/', { headers: { origin: 'https://a.example' } }),
            {},
          )
        : null;
    expect(options).toMatchObject({ origin: '*', credentials: false });
  });
});

describe('CSRF prevention', () => {
  it.each([
    ['a form', 'application/x-www-form-urlencoded'],
    ['a multipart', 'multipart/form-data; boundary=x'],
    ['a text/plain', 'text/plain;charset=UTF-8'],
    ['an untyped', null],
  ])('refuses %s POST without a preflight header', async (_case, contentType) => {
    const response = await app(true).fetch('http://localhost/graphql', post(contentType));
    expect(response.status).toBe(403);
  });

  it.each([['x-graphql-yoga-csrf'], ['apollo-require-preflight'], ['x-apollo-operation-name']])(
    'lets a form POST through with %s',
    async (header) => {
      const response = await app(true).fetch(
        'http://localhost/graphql',
        post('application/x-www-form-urlencoded', { [header]: '1', accept: 'application/json' }),
      );
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    },
  );

  it.each([['application/json'], ['application/json; charset=utf-8']])(
    'leaves a %s POST alone',
    async (contentType) => {
      const response = await app(false).fetch('http://localhost/graphql', post(contentType));
      expect(response.status).toBe(200);
    },
  );
});
