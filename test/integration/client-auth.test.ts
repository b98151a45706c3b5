import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  ProvidersDocument,
  RoomsAcrossDocument,
  RoomWithTokensDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

const KEYS = {
  reader: 'vr_reader_4b1d8f0c2e6a',
  writer: 'vr_writer_7c3e9a1f5d2b',
  minter: 'vr_minter_0a9b8c7d6e5f',
  operator: 'vr_operator_1f2e3d4c5b6a',
};

const UNAUTHENTICATED = {
  errors: [
    {
      message:
        'Authentication required: send a valid API key or token as "Authorization: Bearer <credential>"',
      extensions: { code: 'UNAUTHENTICATED' },
    },
  ],
};

function resetAll(server: TestServer) {
  for (const running of server.fleet.running) {
    running.emulator.reset();
  }
}

function resetLog(server: TestServer) {
  for (const running of server.fleet.running) {
    running.emulator.log.clear();
  }
}

function upstreamCalls(server: TestServer) {
  return server.fleet.running.reduce((sum, running) => sum + running.emulator.log.count(), 0);
}

async function createConference(server: TestServer, name: string): Promise<string> {
  const result = await server.execute(
    CreateRoomDocument,
    { input: { providerKey: 'signalwire', name, signalwire: { roomType: 'CONFERENCE' } } },
    bearer(KEYS.operator),
  );
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

describe('API keys', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        clientApiKeys: [
          { id: 'reader', sha256: sha256(KEYS.reader), scopes: ['rooms:read'] },
          { id: 'writer', sha256: sha256(KEYS.writer), scopes: ['rooms:write'] },
          { id: 'minter', sha256: sha256(KEYS.minter), scopes: ['tokens:create'] },
          {
            id: 'operator',
            sha256: sha256(KEYS.operator),
            scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => resetAll(server));

  it('answers a request without credentials with 401 UNAUTHENTICATED and runs nothing', async () => {
    const response = await server.post(JSON.stringify({ query: '{ providers { key } }' }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
    expect(upstreamCalls(server)).toBe(0);
  });

  it('answers an unknown key, a non-Bearer scheme and a missing key alike', async () => {
    const unknown = await server.post(
      JSON.stringify({ query: '{ providers { key } }' }),
      bearer('vr_reader_4b1d8f0c2e6b'),
    );
    const basic = await server.post(JSON.stringify({ query: '{ providers { key } }' }), {
      authorization: `Basic ${Buffer.from(`reader:${KEYS.reader}`).toString('base64')}`,
    });
    for (const response of [unknown, basic]) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(UNAUTHENTICATED);
    }
  });

  it('refuses before validation, so an unauthenticated caller learns nothing of the schema', async () => {
    const response = await server.post(JSON.stringify({ query: '{ secretField { id } }' }));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
  });

  it('lets a key with rooms:read list providers and rooms', async () => {
    const providers = await server.execute(ProvidersDocument, {}, bearer(KEYS.reader));
    expect(providers.errors).toBeUndefined();
    expect(providers.data?.providers.map((provider) => provider.key)).toEqual([
      'signalwire',
      'netless',
      'hms',
      'videsk',
    ]);
    const rooms = await server.execute(RoomsAcrossDocument, { first: 5 }, bearer(KEYS.reader));
    expect(rooms.errors).toBeUndefined();
    expect(rooms.data?.rooms.errors).toEqual([]);
  });

  it('answers a mutation without its scope with ForbiddenError in the union, before any upstream call', async () => {
    const result = await server.execute(
      CreateRoomDocument,
      { input: { providerKey: 'signalwire', name: 'not_allowed' } },
      bearer(KEYS.reader),
    );
    expect(result.data?.createRoom).toEqual({
      __typename: 'ForbiddenError',
      code: 'FORBIDDEN',
      message: 'Not allowed: this client needs the rooms:write scope',
    });
    expect(upstreamCalls(server)).toBe(0);
  });

  it('checks the scope before the input, so a forbidden caller gets no validation details', async () => {
    const response = await server.post(
      JSON.stringify({
        query: /* GraphQL */ `mutation { createRoom(input: { providerKey: "signalwire", name: "" }) { __typename ... on ForbiddenError { requiredScopes } } }`,
      }),
      bearer(KEYS.minter),
    );
    expect(await response.json()).toEqual({
      data: { createRoom: { __typename: 'ForbiddenError', requiredScopes: ['rooms:write'] } },
    });
  });

  it('answers a query field without rooms:read with a FORBIDDEN error and no upstream call', async () => {
    const result = await server.execute(RoomsAcrossDocument, { first: 5 }, bearer(KEYS.writer));
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toEqual([
      {
        message: 'Not allowed: this client needs the rooms:read scope',
        path: ['rooms'],
        locations: expect.any(Array),
        extensions: { code: 'FORBIDDEN' },
      },
    ]);
    expect(upstreamCalls(server)).toBe(0);
  });

  it('lets rooms:write create a room and learn its id, but not read the room through the payload', async () => {
    const response = await server.post(
      JSON.stringify({
        query: /* GraphQL */ `mutation { createRoom(input: { providerKey: "hms", name: "payload-peek" }) { __typename ... on CreateRoomSuccess { room { id name provider { key rooms(first: 5) { edges { node { id } } } } } } } }`,
      }),
      bearer(KEYS.writer),
    );
    const body = await response.json();
    // The room is created; its fields are refused at the first one read, and Room! is non-null
    // all the way up, so the refusal nulls the whole payload rather than leak the room.
    expect(server.emulator('hms').log.count({ method: 'POST' })).toBe(1);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'Not allowed: this client needs the rooms:read scope',
        path: ['createRoom', 'room', 'name'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    const idOnly = await server.post(
      JSON.stringify({
        query: /* GraphQL */ `mutation { createRoom(input: { providerKey: "hms", name: "payload-id" }) { ... on CreateRoomSuccess { room { __typename id } } } }`,
      }),
      bearer(KEYS.writer),
    );
    expect(await idOnly.json()).toEqual({
      data: { createRoom: { room: { __typename: 'Room', id: expect.any(String) } } },
    });
  });

  it('refuses room data in every mutation payload to a client without rooms:read', async () => {
    const roomId = await createConference(server, 'payload_reads');
    const payload = 'room { id name description displayName status }';
    const mutations = [
      `updateRoom(input: { id: "${roomId}", displayName: "Renamed" }) { ... on UpdateRoomSuccess { ${payload} } }`,
      `disableRoom(input: { id: "${roomId}" }) { ... on DisableRoomSuccess { ${payload} } }`,
      `enableRoom(input: { id: "${roomId}" }) { ... on EnableRoomSuccess { ${payload} } }`,
    ];
    for (const mutation of mutations) {
      const response = await server.post(
        JSON.stringify({ query: `mutation { ${mutation} }` }),
        bearer(KEYS.writer),
      );
      const body = await response.json();
      expect(body.data).toBeNull();
      // One FORBIDDEN error per Room field read (however many the executor reaches before the
      // payload is nulled), never the field's value.
      expect(body.errors.length).toBeGreaterThan(0);
      for (const error of body.errors) {
        expect(error).toMatchObject({
          message: 'Not allowed: this client needs the rooms:read scope',
          path: [expect.any(String), 'room', expect.any(String)],
          extensions: { code: 'FORBIDDEN' },
        });
      }
      expect(JSON.stringify(body)).not.toContain('payload_reads');
    }
  });

  it('answers an update that changes nothing with BAD_USER_INPUT naming input, and sends nothing', async () => {
    const roomId = await createConference(server, 'nothing_to_change');
    resetLog(server);
    for (const input of [
      `{ id: "${roomId}" }`,
      `{ id: "${roomId}", displayName: null, signalwire: {} }`,
      `{ id: "${roomId}", signalwire: { roomType: CONFERENCE } }`,
    ]) {
      const response = await server.post(
        JSON.stringify({
          query: `mutation { updateRoom(input: ${input}) { __typename ... on InputValidationError { code issues { path message } } } }`,
        }),
        bearer(KEYS.operator),
      );
      expect(await response.json()).toEqual({
        data: {
          updateRoom: {
            __typename: 'InputValidationError',
            code: 'BAD_USER_INPUT',
            issues: [{ path: ['input'], message: 'must change at least one field besides id' }],
          },
        },
      });
    }
    expect(upstreamCalls(server)).toBe(0);
  });

  it('lets tokens:create mint a token and read it, but not the room it is for', async () => {
    const roomId = await createConference(server, 'mint_here');
    const result = await server.execute(
      CreateRoomTokenDocument,
      { input: { roomId, role: 'PARTICIPANT', identity: 'ada' } },
      bearer(KEYS.minter),
    );
    expect(result.data?.createRoomToken).toMatchObject({
      __typename: 'CreateRoomTokenSuccess',
      roomToken: { token: expect.any(String), identity: 'ada', room: null },
    });
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['createRoomToken', 'roomToken', 'room', 'name'],
        extensions: { code: 'FORBIDDEN' },
      }),
    ]);
    expect(JSON.stringify(result)).not.toContain('mint_here');
    const operator = await server.execute(
      CreateRoomTokenDocument,
      { input: { roomId, role: 'PARTICIPANT', identity: 'bob' } },
      bearer(KEYS.operator),
    );
    expect(operator.errors).toBeUndefined();
    expect(operator.data?.createRoomToken).toMatchObject({
      roomToken: { room: { id: roomId, name: 'mint_here' } },
    });
  });

  it('hides the conference tokens a room keeps from a client without tokens:create', async () => {
    const roomId = await createConference(server, 'kept_tokens');
    const reader = await server.execute(
      RoomWithTokensDocument,
      { id: roomId },
      bearer(KEYS.reader),
    );
    expect(reader.data?.room).toEqual({ id: roomId, name: 'kept_tokens', tokens: null });
    expect(reader.errors?.[0]).toMatchObject({
      path: ['room', 'tokens', 0, 'token'],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(JSON.stringify(reader)).not.toMatch(/eyJ/);

    const operator = await server.execute(
      RoomWithTokensDocument,
      { id: roomId },
      bearer(KEYS.operator),
    );
    expect(operator.errors).toBeUndefined();
    expect(operator.data?.room?.tokens?.length).toBeGreaterThan(0);
    expect(operator.data?.room?.tokens?.[0]?.token).toEqual(expect.any(String));
  });

  it('serves no GraphiQL page outside the sandbox unless GRAPHIQL turns it on', async () => {
    // graphiql.test.ts turns it on and shows the page is then served without credentials.
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(406);
    expect(await response.text()).not.toContain('<html');
  });
});

describe('JWTs signed with a shared secret', () => {
  const SECRET = 'a-shared-secret-for-client-jwts-0123456789';
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        clientJwtSecret: SECRET,
        clientJwtIssuer: 'https://auth.example',
        clientJwtAudience: 'video-rooms',
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  const sign = (
    claims: Record<string, unknown>,
    options: { secret?: string; expires?: string | number | null; issuer?: string } = {},
  ) => {
    let jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('svc-scheduler')
      .setIssuer(options.issuer ?? 'https://auth.example')
      .setAudience('video-rooms')
      .setIssuedAt();
    if (options.expires !== null) {
      jwt = jwt.setExpirationTime(options.expires ?? '5m');
    }
    return jwt.sign(new TextEncoder().encode(options.secret ?? SECRET));
  };

  it('reads scopes from an OAuth scope claim', async () => {
    const token = await sign({ scope: 'rooms:read rooms:write' });
    const result = await server.execute(
      CreateRoomDocument,
      { input: { providerKey: 'videsk', name: 'jwt-room' } },
      bearer(token),
    );
    expect(result.data?.createRoom.__typename).toBe('CreateRoomSuccess');
  });

  it('reads scopes from a scopes array and ignores names it does not know', async () => {
    const token = await sign({ scopes: ['rooms:read', 'admin'] });
    const read = await server.execute(ProvidersDocument, {}, bearer(token));
    expect(read.errors).toBeUndefined();
    const write = await server.execute(
      CreateRoomDocument,
      { input: { providerKey: 'videsk', name: 'no-write' } },
      bearer(token),
    );
    expect(write.data?.createRoom.__typename).toBe('ForbiddenError');
  });

  it.each([
    [
      'expired',
      () => sign({ scope: 'rooms:read' }, { expires: Math.floor(Date.now() / 1000) - 60 }),
    ],
    ['without exp', () => sign({ scope: 'rooms:read' }, { expires: null })],
    [
      'signed with another secret',
      () => sign({ scope: 'rooms:read' }, { secret: 'another-secret-of-at-least-32-characters' }),
    ],
    [
      'from another issuer',
      () => sign({ scope: 'rooms:read' }, { issuer: 'https://evil.example' }),
    ],
  ])('refuses a token %s with the same 401 as no token', async (_case, make) => {
    const response = await server.post(
      JSON.stringify({ query: '{ providers { key } }' }),
      bearer(await make()),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
  });
});

describe('JWTs checked against a JWKS', () => {
  let server: TestServer;
  let jwks: Server;
  let signingKey: CryptoKey;
  let strangerKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256' };
    jwks = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', () => resolve()));
    const { port } = jwks.address() as AddressInfo;
    server = await startTestServer({
      open: false,
      config: { clientJwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json` },
    });
  });
  afterAll(async () => {
    await server.close();
    jwks.closeAllConnections();
    await new Promise<void>((resolve) => jwks.close(() => resolve()));
  });

  const sign = (key: CryptoKey) =>
    new SignJWT({ scope: 'rooms:read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setSubject('svc-dashboard')
      .setExpirationTime('5m')
      .sign(key);

  it('accepts a token signed by a key in the set', async () => {
    const result = await server.execute(ProvidersDocument, {}, bearer(await sign(signingKey)));
    expect(result.errors).toBeUndefined();
    expect(result.data?.providers).toHaveLength(4);
  });

  it('refuses a token whose signature no key in the set verifies', async () => {
    const response = await server.post(
      JSON.stringify({ query: '{ providers { key } }' }),
      bearer(await sign(strangerKey)),
    );
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(UNAUTHENTICATED);
  });

  it('refuses an HS256 token, whatever secret signed it', async () => {
    const token = await new SignJWT({ scope: 'rooms:read' })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setSubject('svc-dashboard')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('guessing-the-key-is-not-enough-000'));
    const response = await server.post(
      JSON.stringify({ query: '{ providers { key } }' }),
      bearer(token),
    );
    expect(response.status).toBe(401);
  });
});

describe('a JWKS that cannot be reached', () => {
  it('answers 503 AUTH_UNAVAILABLE rather than blaming the client, and logs it under the request id', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lines: string[] = [];
    const server = await startTestServer({
      open: false,
      config: { clientJwksUrl: `http://127.0.0.1:${port}/jwks.json` },
      logger: createLogger({ level: 'error', destination: { write: (line) => lines.push(line) } }),
    });
    try {
      const { privateKey } = await generateKeyPair('RS256');
      const token = await new SignJWT({ scope: 'rooms:read' })
        .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
        .setSubject('svc')
        .setExpirationTime('5m')
        .sign(privateKey);
      const response = await server.post(JSON.stringify({ query: '{ providers { key } }' }), {
        ...bearer(token),
        'x-request-id': 'jwks-down-1',
      });
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.errors[0].extensions).toEqual({ code: 'AUTH_UNAVAILABLE' });
      expect(JSON.stringify(body)).not.toContain(String(port));
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        expect.objectContaining({
          level: 'error',
          requestId: 'jwks-down-1',
          msg: 'Client JWT keys could not be fetched from CLIENT_JWKS_URL',
        }),
      ]);
      expect(lines.join('')).not.toContain(token);
    } finally {
      await server.close();
    }
  });
});

describe('anonymous access', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        allowAnonymous: true,
        clientApiKeys: [{ id: 'reader', sha256: sha256(KEYS.reader), scopes: ['rooms:read'] }],
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('gives a request without credentials every scope when ALLOW_ANONYMOUS is on', async () => {
    const result = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'hms', name: 'anonymous-room' },
    });
    expect(result.data?.createRoom.__typename).toBe('CreateRoomSuccess');
  });

  it('still checks credentials that are sent, and the scopes they carry', async () => {
    const bad = await server.post(
      JSON.stringify({ query: '{ providers { key } }' }),
      bearer('not-a-key'),
    );
    expect(bad.status).toBe(401);
    const reader = await server.execute(
      CreateRoomDocument,
      { input: { providerKey: 'hms', name: 'reader-room' } },
      bearer(KEYS.reader),
    );
    expect(reader.data?.createRoom.__typename).toBe('ForbiddenError');
  });
});

/**
 * Runs `src/bin/server.ts` with only the given settings, until it exits or has printed its banner
 * (which it writes in one piece), then stops it.
 */
function runServer(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const clean: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    const configures =
      /^(SIGNALWIRE|NETLESS|HMS|VIDESK|CLIENT|ALLOW|CORS|RATE_LIMIT|REDIS)_/.test(name) ||
      ['CONFIG_FILE', 'PORT', 'HOST'].includes(name);
    if (!configures && value !== undefined) {
      clean[name] = value;
    }
  }
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/bin/server.ts'], {
      cwd: new URL('../../', import.meta.url),
      env: { ...clean, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Never outlive the test, whatever the child does.
    const deadline = setTimeout(() => child.kill('SIGKILL'), 15_000);
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening on/.test(output)) {
        setTimeout(() => child.kill('SIGTERM'), 200);
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ code, output });
    });
  });
}

const SIGNALWIRE_ENV = {
  SIGNALWIRE_SPACE_URL: 'http://127.0.0.1:9/api/video',
  SIGNALWIRE_PROJECT_ID: 'p',
  SIGNALWIRE_API_TOKEN: 't',
};

describe('start-up', () => {
  it('refuses to start with real providers and no client auth, in one line naming the settings', async () => {
    const { code, output } = await runServer(SIGNALWIRE_ENV);
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const setting of [
      'CLIENT_API_KEYS',
      'CLIENT_JWT_SECRET',
      'CLIENT_JWKS_URL',
      'ALLOW_ANONYMOUS',
    ]) {
      expect(lines[0]).toContain(setting);
    }
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('starts with ALLOW_ANONYMOUS and says that anyone can use it', async () => {
    const { output } = await runServer({ ...SIGNALWIRE_ENV, ALLOW_ANONYMOUS: 'true' });
    expect(output).toContain('Providers: signalwire (SIGNALWIRE)');
    expect(output).toMatch(/ALLOW_ANONYMOUS is on: .*anyone who can reach this service/);
  });

  it('starts with a client key configured', async () => {
    const { output } = await runServer({
      ...SIGNALWIRE_ENV,
      CLIENT_API_KEYS: JSON.stringify([{ id: 'a', sha256: sha256('k'), scopes: ['rooms:read'] }]),
    });
    expect(output).toContain('Providers: signalwire');
    expect(output).not.toContain('ALLOW_ANONYMOUS');
  });

  it('runs the sandbox open and says so in its banner', async () => {
    const { output } = await runServer({});
    expect(output).toContain('SANDBOX MODE');
    expect(output).toMatch(/OPEN ACCESS: .*anyone who can reach 127\.0\.0\.1:\d+ can use this API/);
  });
});
