import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('GraphiQL', () => {
  it('is served to a browser from the package itself, with no script or style from the network', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<title>Video rooms GraphQL</title>');
    const external = [
      ...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)=["'](https?:)?\/\/[^"']+/gi),
    ];
    expect(external.map((match) => match[0])).toEqual([]);
  });

  it('opens on a default query that lists the providers and their capabilities', async () => {
    const html = await (await fetch(server.url, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('query Overview');
    expect(html).toContain('capabilities');
  });
});
