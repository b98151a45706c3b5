import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCOPES, configSchema } from '../../../src/config.js';
import { ClientAuthenticator, startupRefusal } from '../../../src/server/client-auth.js';

const SECRET = 'unit-test-secret-of-at-least-32-chars!';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

function authenticator(allowAnonymous = false) {
  return new ClientAuthenticator({
    apiKeys: [
      { id: 'ci', sha256: sha256('ci-key'), scopes: ['rooms:read', 'tokens:create'] },
      { id: 'other', sha256: sha256('other-key'), scopes: [] },
    ],
    jwtSecret: SECRET,
    allowAnonymous,
  });
}

const request = (authorization?: string) =>
  new Request('http://localhost/graphql', {
    headers: authorization === undefined ? {} : { authorization },
  });

const jwt = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('svc-1')
    .setExpirationTime('1m')
    .sign(new TextEncoder().encode(SECRET));

describe('ClientAuthenticator', () => {
  it('identifies an API key by its id, with its configured scopes', async () => {
    const auth = authenticator();
    const incoming = request('Bearer ci-key');
    expect(await auth.authenticate(incoming)).toEqual({
      ok: true,
      client: { id: 'ci', kind: 'api-key', scopes: new Set(['rooms:read', 'tokens:create']) },
    });
    expect(auth.clientOf(incoming).id).toBe('ci');
  });

  it('accepts the scheme in any case and surrounding blanks', async () => {
    const outcome = await authenticator().authenticate(request('bearer   ci-key '));
    expect(outcome.ok).toBe(true);
  });

  it('identifies a JWT by its subject and merges its scope and scopes claims', async () => {
    const token = await jwt({ scope: 'rooms:read  rooms:delete', scopes: ['tokens:create', 7] });
    expect(await authenticator().authenticate(request(`Bearer ${token}`))).toEqual({
      ok: true,
      client: { id: 'svc-1', kind: 'jwt', scopes: new Set(['rooms:read', 'tokens:create']) },
    });
  });

  it('refuses a JWT with no subject', async () => {
    const token = await new SignJWT({ scope: 'rooms:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1m')
      .sign(new TextEncoder().encode(SECRET));
    expect(await authenticator().authenticate(request(`Bearer ${token}`))).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('gives a request without credentials every scope only when anonymous access is allowed', async () => {
    expect(await authenticator(false).authenticate(request())).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
    expect(await authenticator(true).authenticate(request())).toEqual({
      ok: true,
      client: {
        id: 'anonymous',
        kind: 'anonymous',
        scopes: new Set(CLIENT_SCOPES),
      },
    });
  });

  it('never lets bad credentials fall back to anonymous', async () => {
    expect(await authenticator(true).authenticate(request('Bearer wrong'))).toEqual({
      ok: false,
      reason: 'unauthenticated',
    });
  });

  it('gives a request it refused no scopes in its context', async () => {
    const auth = authenticator();
    const incoming = request('Bearer wrong');
    await auth.authenticate(incoming);
    expect(auth.clientOf(incoming).scopes.size).toBe(0);
  });

  it('checks each request once, however often it is asked', async () => {
    const auth = authenticator();
    const incoming = request('Bearer ci-key');
    expect(auth.authenticate(incoming)).toBe(auth.authenticate(incoming));
  });
});

describe('startupRefusal', () => {
  const withProviders = (settings: Record<string, unknown>) =>
    configSchema.parse({
      ...settings,
      providers: [
        {
          kind: 'videsk',
          key: 'videsk',
          baseUrl: 'https://api.videsk.io',
          apiToken: 'vk_live_x',
        },
      ],
    });

  it('refuses real providers with no way to authenticate clients', () => {
    expect(startupRefusal(withProviders({}), false)).toMatch(
      /CLIENT_API_KEYS, CLIENT_JWT_SECRET or CLIENT_JWKS_URL, or ALLOW_ANONYMOUS=true/,
    );
  });

  it.each([
    ['client keys', { clientApiKeys: [{ id: 'a', sha256: sha256('a'), scopes: [] }] }],
    ['a JWT secret', { clientJwtSecret: SECRET }],
    ['a JWKS URL', { clientJwksUrl: 'https://auth.example/jwks.json' }],
    ['anonymous access allowed', { allowAnonymous: true }],
  ])('starts with %s', (_case, settings) => {
    expect(startupRefusal(withProviders(settings), false)).toBeNull();
  });

  it('starts the sandbox with nothing configured', () => {
    expect(startupRefusal(configSchema.parse({}), true)).toBeNull();
  });
});
