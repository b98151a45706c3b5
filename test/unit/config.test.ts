import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createRegistry } from '../../src/providers/create-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'room-layer-config-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let fileCount = 0;
function configFile(contents: unknown): string {
  const path = join(dir, `config-${++fileCount}.json`);
  writeFileSync(path, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return path;
}

const PROJECT_ID = '0c97f635-1c13-4fc1-86f7-bb2be859d8b9';
const TOKEN_EU = 'PT-eu-4f1c2a9d8e7b6c5a';
const TOKEN_US = 'PT-us-9a8b7c6d5e4f3a2b';

function account(key: string, apiToken: string, overrides: Record<string, unknown> = {}) {
  return {
    kind: 'signalwire',
    key,
    baseUrl: `https://${key}.signalwire.com/api/video`,
    projectId: PROJECT_ID,
    apiToken,
    ...overrides,
  };
}

/** The ConfigError a bad environment gives. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      host: '0.0.0.0',
      upstreamTimeoutMs: 10_000,
      operationTimeoutMs: 15_000,
      eventRetentionSeconds: 86_400,
      pollIntervalMs: 10_000,
      webhookTargets: [],
      defaultTokenTtlSeconds: 3_600,
      maxPageSize: 100,
      upstreamRetries: 2,
      upstreamConnections: 64,
      maxUpstreamCallsPerOperation: 50,
      cacheTtlMs: 0,
      shareInflightGets: true,
      maxDepth: 12,
      maxAliases: 30,
      maxTokens: 3_000,
      maxCost: 5_000,
      maxRequestBytes: 100_000,
      maxNodesIds: 200,
      introspection: true,
      graphqlJit: true,
      clientApiKeys: [],
      allowAnonymous: false,
      rateLimitRequests: 600,
      rateLimitWindowSeconds: 60,
      trustProxyHops: 0,
      corsOrigins: [],
      logLevel: 'info',
      metrics: true,
      tracing: 'off',
      idempotencyTtlSeconds: 86_400,
      circuitFailureThreshold: 5,
      circuitOpenMs: 10_000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      maxConnections: 1_024,
      maxConnectionsPerAddress: 256,
      drainTimeoutMs: 15_000,
      providers: [],
    });
  });

  it('refuses a request deadline shorter than the headers deadline, naming both', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '20000', REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      'Invalid configuration: REQUEST_TIMEOUT_MS: must be at least HEADERS_TIMEOUT_MS',
    );
  });

  it('reads a JSON list of client API keys and a comma list of CORS origins', () => {
    const sha256 = 'a'.repeat(64);
    const config = loadConfig({
      CLIENT_API_KEYS: JSON.stringify([{ id: 'web', sha256, scopes: ['rooms:read'] }]),
      CORS_ORIGINS: 'https://app.example, https://admin.example',
    });
    expect(config.clientApiKeys).toEqual([{ id: 'web', sha256, scopes: ['rooms:read'] }]);
    expect(config.corsOrigins).toEqual(['https://app.example', 'https://admin.example']);
  });

  it('names the element and the rule of a bad client API key', () => {
    expect(() =>
      loadConfig({ CLIENT_API_KEYS: '[{"id":"web","sha256":"nope","scopes":[]}]' }),
    ).toThrow(
      'Invalid configuration: CLIENT_API_KEYS[0].sha256: must be the hex SHA-256 of the key',
    );
  });

  it('reads every top-level setting from its environment variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '127.0.0.1',
        UPSTREAM_TIMEOUT_MS: '2500',
        DEFAULT_TOKEN_TTL_SECONDS: '600',
        MAX_PAGE_SIZE: '25',
        UPSTREAM_RETRIES: '0',
        UPSTREAM_CONNECTIONS: '4',
      }),
    ).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      upstreamTimeoutMs: 2_500,
      defaultTokenTtlSeconds: 600,
      maxPageSize: 25,
      upstreamRetries: 0,
      upstreamConnections: 4,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(4000);
  });

  it('lets the environment win over CONFIG_FILE for top-level settings', () => {
    const path = configFile({ port: 5000, maxPageSize: 20 });
    expect(loadConfig({ CONFIG_FILE: path, PORT: '6000' })).toMatchObject({
      port: 6000,
      maxPageSize: 20,
    });
  });

  it('builds one SignalWire account from SIGNALWIRE_* with the video base path', () => {
    const config = loadConfig({
      SIGNALWIRE_SPACE_URL: 'acme.signalwire.com',
      SIGNALWIRE_PROJECT_ID: PROJECT_ID,
      SIGNALWIRE_API_TOKEN: TOKEN_US,
    });
    expect(config.providers).toEqual([
      {
        kind: 'signalwire',
        key: 'signalwire',
        baseUrl: 'https://acme.signalwire.com/api/video',
        projectId: PROJECT_ID,
        apiToken: TOKEN_US,
      },
    ]);
  });

  it('keeps the scheme of a full space URL and takes the account key from SIGNALWIRE_KEY', () => {
    const config = loadConfig({
      SIGNALWIRE_SPACE_URL: 'http://127.0.0.1:9101/',
      SIGNALWIRE_PROJECT_ID: PROJECT_ID,
      SIGNALWIRE_API_TOKEN: TOKEN_US,
      SIGNALWIRE_KEY: 'signalwire-dev',
    });
    expect(config.providers[0]).toMatchObject({
      key: 'signalwire-dev',
      baseUrl: 'http://127.0.0.1:9101/api/video',
    });
    expect(
      loadConfig({
        SIGNALWIRE_SPACE_URL: 'https://acme.signalwire.com/api/video',
        SIGNALWIRE_PROJECT_ID: PROJECT_ID,
        SIGNALWIRE_API_TOKEN: TOKEN_US,
      }).providers[0]?.baseUrl,
    ).toBe('https://acme.signalwire.com/api/video');
  });

  it('builds two providers from a CONFIG_FILE with two SignalWire accounts', async () => {
    const path = configFile({
      providers: [
        account('signalwire-eu', TOKEN_EU, { displayName: 'SignalWire EU' }),
        account('signalwire-us', TOKEN_US),
      ],
    });

    const config = loadConfig({ CONFIG_FILE: path });
    expect(config.providers.map((provider) => provider.key)).toEqual([
      'signalwire-eu',
      'signalwire-us',
    ]);

    const handle = createRegistry(config);
    try {
      expect(
        handle.registry
          .all()
          .map((provider) => [provider.key, provider.kind, provider.displayName]),
      ).toEqual([
        ['signalwire-eu', 'SIGNALWIRE', 'SignalWire EU'],
        ['signalwire-us', 'SIGNALWIRE', 'SignalWire (signalwire-us)'],
      ]);
    } finally {
      await handle.close();
    }
  });

  it('adds the SIGNALWIRE_* account after the file accounts', () => {
    const path = configFile({ providers: [account('signalwire-eu', TOKEN_EU)] });
    const config = loadConfig({
      CONFIG_FILE: path,
      SIGNALWIRE_SPACE_URL: 'acme.signalwire.com',
      SIGNALWIRE_PROJECT_ID: PROJECT_ID,
      SIGNALWIRE_API_TOKEN: TOKEN_US,
    });
    expect(config.providers.map((provider) => provider.key)).toEqual([
      'signalwire-eu',
      'signalwire',
    ]);
  });

  it("reads an account's rateLimit from CONFIG_FILE, and null to turn its budget off", () => {
    const path = configFile({
      providers: [
        account('signalwire-eu', TOKEN_EU, { rateLimit: { requestsPerSecond: 50, burst: 10 } }),
        account('signalwire-us', TOKEN_US, { rateLimit: null }),
        account('signalwire-ap', TOKEN_US),
      ],
    });
    expect(loadConfig({ CONFIG_FILE: path }).providers.map((entry) => entry.rateLimit)).toEqual([
      { requestsPerSecond: 50, burst: 10 },
      null,
      undefined,
    ]);
  });

  it.each([
    [{ requestsPerSecond: 0 }, 'rateLimit.requestsPerSecond (in CONFIG_FILE): must be more than 0'],
    [{ requestsPerSecond: 5, burst: 6 }, 'rateLimit.burst (in CONFIG_FILE): must be at most'],
    [{ perSecond: 5 }, 'rateLimit.requestsPerSecond (in CONFIG_FILE): must be a number'],
    ['5/s', 'rateLimit (in CONFIG_FILE): must be null or an object'],
  ])('names the field and the rule of a bad rateLimit %j', (rateLimit, message) => {
    const path = configFile({ providers: [account('signalwire', TOKEN_US, { rateLimit })] });
    expect(configError({ CONFIG_FILE: path }).message).toContain(
      `Invalid configuration: providers[0].${message}`,
    );
  });

  it('rejects duplicate account keys, naming providers[1].key', () => {
    const path = configFile({
      providers: [account('signalwire', TOKEN_EU), account('signalwire', TOKEN_US)],
    });
    const error = configError({ CONFIG_FILE: path });
    expect(error.message).toContain('providers[1].key');
    expect(error.message).not.toContain(TOKEN_EU);
    expect(error.message).not.toContain(TOKEN_US);
  });

  it('names SIGNALWIRE_API_TOKEN when the space URL is set without it', () => {
    const error = configError({
      SIGNALWIRE_SPACE_URL: 'acme.signalwire.com',
      SIGNALWIRE_PROJECT_ID: PROJECT_ID,
    });
    expect(error.message).toContain('SIGNALWIRE_API_TOKEN');
    expect(error.message).not.toContain(PROJECT_ID);
  });

  it('names SIGNALWIRE_SPACE_URL when only the credentials are set', () => {
    const error = configError({
      SIGNALWIRE_PROJECT_ID: PROJECT_ID,
      SIGNALWIRE_API_TOKEN: TOKEN_US,
    });
    expect(error.message).toContain('SIGNALWIRE_SPACE_URL');
    expect(error.message).not.toContain(TOKEN_US);
  });

  it('reads a 100ms role map from HMS_ROLE_MAP, and leaves it out when unset', () => {
    const env = { HMS_APP_ACCESS_KEY: '65f0a1b2c3d4e5f601234567', HMS_APP_SECRET: 'secret-1' };
    expect(loadConfig(env).providers[0]).not.toHaveProperty('roleMap');
    const mapped = loadConfig({ ...env, HMS_ROLE_MAP: '{"HOST":"teacher","VIEWER":"audience"}' });
    expect(mapped.providers[0]).toMatchObject({
      kind: 'hms',
      roleMap: { HOST: 'teacher', VIEWER: 'audience' },
    });
  });

  it.each([
    ['not JSON', 'teacher', 'HMS_ROLE_MAP: must be a JSON object'],
    ['an unknown role', '{"ADMIN":"teacher"}', 'HMS_ROLE_MAP: must be a JSON object'],
    ['an empty name', '{"HOST":""}', 'HMS_ROLE_MAP.HOST: must not be empty'],
    ['a name with a space', '{"VIEWER":"view only"}', 'HMS_ROLE_MAP.VIEWER: must not contain'],
  ])('names HMS_ROLE_MAP and the rule for %s', (_, value, message) => {
    const error = configError({
      HMS_APP_ACCESS_KEY: '65f0a1b2c3d4e5f601234567',
      HMS_APP_SECRET: 'secret-1',
      HMS_ROLE_MAP: value,
    });
    expect(error.message).toContain(`Invalid configuration: ${message}`);
    expect(error.message).not.toContain('secret-1');
  });

  it.each(['abc', '70000', '-1', '80.5'])('names PORT when it is %s', (port) => {
    const error = configError({ PORT: port });
    expect(error.message).toMatch(/^Invalid configuration: PORT: /);
  });

  it('reads METRICS_TOKEN, and refuses a short one without echoing it', () => {
    const token = 'scrape-0123456789abcdef';
    expect(loadConfig({ METRICS_TOKEN: token }).metricsToken).toBe(token);
    const error = configError({ METRICS_TOKEN: 'short-secret' });
    expect(error.message).toBe(
      'Invalid configuration: METRICS_TOKEN: must be at least 16 characters',
    );
    expect(error.message).not.toContain('short-secret');
  });

  it('reads CURSOR_SECRET, and refuses one under 32 characters without echoing it', () => {
    const secret = 'cursor-secret-0123456789abcdef-0123';
    expect(loadConfig({ CURSOR_SECRET: secret }).cursorSecret).toBe(secret);
    const error = configError({ CURSOR_SECRET: 'a-cursor-secret-too-short' });
    expect(error.message).toBe(
      'Invalid configuration: CURSOR_SECRET: must be at least 32 characters',
    );
    expect(error.message).not.toContain('a-cursor-secret-too-short');
  });

  it('leaves GRAPHIQL unset unless given, so the app decides by whether it runs open', () => {
    expect(loadConfig({}).graphiql).toBeUndefined();
    expect(loadConfig({ GRAPHIQL: 'true' }).graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: 'false' }).graphiql).toBe(false);
    expect(configError({ GRAPHIQL: 'yes' }).message).toBe(
      'Invalid configuration: GRAPHIQL: must be true or false',
    );
  });

  it('names the variable of another bad number', () => {
    expect(configError({ UPSTREAM_RETRIES: '9' }).message).toContain('UPSTREAM_RETRIES');
  });

  it('names the file field of a bad file account without echoing its values', () => {
    const path = configFile({
      providers: [
        account('signalwire', TOKEN_US, { baseUrl: `ftp://${PROJECT_ID}:${TOKEN_US}@x` }),
      ],
    });
    const error = configError({ CONFIG_FILE: path });
    expect(error.message).toContain('providers[0].baseUrl (in CONFIG_FILE)');
    expect(error.message).not.toContain(TOKEN_US);
    expect(error.message).not.toContain(PROJECT_ID);
  });

  it('gives a one-line message for a CONFIG_FILE it cannot read', () => {
    const error = configError({ CONFIG_FILE: join(dir, 'missing.json') });
    expect(error.message).toContain('CONFIG_FILE');
    expect(error.message).not.toContain('\n');
  });

  it('gives a one-line message for a CONFIG_FILE that is not JSON, without its contents', () => {
    const path = configFile(`{ "providers": [ { "apiToken": "${TOKEN_US}", }\n`);
    const error = configError({ CONFIG_FILE: path });
    expect(error.message).toBe(`Invalid configuration: CONFIG_FILE: ${path} is not valid JSON`);
    expect(error.message).not.toContain(TOKEN_US);
  });

  it('rejects a CONFIG_FILE that holds a JSON array', () => {
    const path = configFile([account('signalwire', TOKEN_US)]);
    const error = configError({ CONFIG_FILE: path });
    expect(error.message).toContain('must hold a JSON object');
    expect(error.message).not.toContain(TOKEN_US);
  });
});
