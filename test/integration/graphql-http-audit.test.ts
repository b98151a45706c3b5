import { createHash } from 'node:crypto';
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// The GraphQL-over-HTTP conformance audits of graphql-http, run against the app over real HTTP:
// every MUST and every SHOULD passes. MAY audits are the server's choice and are not asserted.

const API_KEY = 'audit-client-key-0123456789';

const setups = [
  {
    name: 'open, as the sandbox runs',
    start: () => startTestServer(),
    fetchFn: fetch,
  },
  {
    name: 'with client authentication required and the query limits at their defaults',
    start: () =>
      startTestServer({
        open: false,
        config: {
          clientApiKeys: [
            {
              id: 'audit',
              sha256: createHash('sha256').update(API_KEY).digest('hex'),
              scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
            },
          ],
        },
      }),
    // The audit sends its own requests; this adds the credential a real client would send.
    fetchFn: (input: RequestInfo | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      headers.set('authorization', `Bearer ${API_KEY}`);
      return fetch(input, { ...init, headers });
    },
  },
];

describe.each(setups)('GraphQL over HTTP, $name', ({ start, fetchFn }) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });

  const audits = serverAudits({ url: () => server.url, fetchFn }).filter(
    (audit) => !audit.name.startsWith('MAY'),
  );

  it('has MUST and SHOULD audits to run', () => {
    expect(audits.filter((audit) => audit.name.startsWith('MUST')).length).toBeGreaterThan(5);
    expect(audits.filter((audit) => audit.name.startsWith('SHOULD')).length).toBeGreaterThan(5);
  });

  it.each(audits.map((audit) => [`${audit.id} ${audit.name}`, audit] as const))(
    '%s',
    async (_name, audit) => {
      const result = await audit.fn();
      if (result.status !== 'ok') {
        // The audit may have read the body already; the reason and the status still say enough.
        const body = await result.response.text().catch(() => '(body already read)');
        expect.fail(`${result.reason} (HTTP ${result.response.status}: ${body})`);
      }
    },
  );
});
