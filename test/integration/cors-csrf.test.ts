import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const APP_ORIGIN = 'https://rooms.example.com';
const OTHER_ORIGIN = 'https://attacker.example.net';

function preflight(server: TestServer, origin: string) {
  return fetch(server.url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

const CREATE_ROOM = /* GraphQL */ `mutation { createRoom(input: { providerKey: "hms", name: "forged" }) { __typename } }`;

describe('CORS with configured origins', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      open: false,
      config: {
        corsOrigins: [APP_ORIGIN],
        clientApiKeys: [
          {
            id: 'app',
            sha256: createHash('sha256').update('app-key').digest('hex'),
            scopes: ['rooms:read'],
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('allows a preflight from a listed origin, without credentials mode', async () => {
    const response = await preflight(server, APP_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type',
    );
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('lets a listed origin read the answer, its rate-limit headers and its request id', async () => {
    const response = await server.post(JSON.stringify({ query: '{ providers { key } }' }), {
      origin: APP_ORIGIN,
      authorization: 'Bearer app-key',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const exposed = response.headers.get('access-control-expose-headers') ?? '';
    for (const header of [
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
      'x-request-id',
    ]) {
      expect(exposed).toContain(header);
    }
  });

  it('gives an unlisted origin no Access-Control-Allow-Origin, on the preflight or the answer', async () => {
    const response = await preflight(server, OTHER_ORIGIN);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await server.post(JSON.stringify({ query: '{ providers { key } }' }), {
      origin: OTHER_ORIGIN,
      authorization: 'Bearer app-key',
    });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default outside the sandbox', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ open: false, config: { allowAnonymous: true } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('allows no origin at all', async () => {
    for (const origin of [APP_ORIGIN, OTHER_ORIGIN]) {
      const response = await preflight(server, origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const answer = await server.post(JSON.stringify({ query: '{ providers { key } }' }), {
        origin,
      });
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('an open server (the sandbox)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.emulator('hms').reset();
  });

  it('allows any origin', async () => {
    const response = await preflight(server, OTHER_ORIGIN);
    expect(response.headers.get('access-control-allow-origin')).toBe(OTHER_ORIGIN);
  });

  it('refuses a mutation posted as an HTML form would, with 403 CSRF_PREVENTED and no upstream call', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: OTHER_ORIGIN },
      body: new URLSearchParams({ query: CREATE_ROOM }).toString(),
    });
    expect(response.status).toBe(403);
    const body = await response.json();
    expect(body.errors[0].extensions).toEqual({ code: 'CSRF_PREVENTED' });
    expect(server.emulator('hms').log.count()).toBe(0);
  });

  it.each([
    ['multipart/form-data', () => formData(CREATE_ROOM)],
    ['text/plain', () => JSON.stringify({ query: CREATE_ROOM })],
  ])('refuses a %s POST, which needs no preflight either', async (_type, body) => {
    const response = await fetch(server.url, { method: 'POST', body: body() });
    expect(response.status).toBe(403);
    expect(server.emulator('hms').log.count()).toBe(0);
  });

  it('runs the same form POST when it carries a header only a preflighted request can send', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-graphql-yoga-csrf': '1',
        accept: 'application/json',
      },
      body: new URLSearchParams({ query: CREATE_ROOM }).toString(),
    });
    expect(await response.json()).toEqual({
      data: { createRoom: { __typename: 'CreateRoomSuccess' } },
    });
  });

  it('runs an application/json POST with no extra header, as GraphQL over HTTP requires', async () => {
    const response = await server.post(JSON.stringify({ query: CREATE_ROOM }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { createRoom: { __typename: 'CreateRoomSuccess' } },
    });
  });

  it('runs a GET query with no extra header, and still refuses a GET mutation', async () => {
    const query = new URL(server.url);
    query.searchParams.set('query', '{ providers { key } }');
    const read = await fetch(query, { headers: { accept: 'application/graphql-response+json' } });
    expect(read.status).toBe(200);
    expect((await read.json()).data.providers).toHaveLength(4);

    const write = new URL(server.url);
    write.searchParams.set('query', CREATE_ROOM);
    const refused = await fetch(write, {
      headers: { accept: 'application/graphql-response+json' },
    });
    expect(refused.status).toBe(405);
    expect(server.emulator('hms').log.count()).toBe(0);
  });
});

function formData(query: string): FormData {
  const form = new FormData();
  form.set('operations', JSON.stringify({ query }));
  form.set('map', '{}');
  return form;
}
