import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

const HTML = { accept: 'text/html' };
/** What Chromium sends. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body as sent, still compressed; only its length when `keepBody` is false. */
  readonly body: Buffer;
  readonly length: number;
}

/**
 * A GET over node:http, which (unlike fetch) hands back the body as it came, so a test sees
 * the encoding the server chose. With `keepBody: false` the bytes are counted and dropped.
 */
function get(
  url: string,
  headers: Record<string, string> = {},
  { keepBody = true, method = 'GET' } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      let length = 0;
      response.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (keepBody) {
          chunks.push(chunk);
        }
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
          length,
        }),
      );
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** Every asset URL a page refers to: its script, style, icon and Monaco's worker scripts. */
function assetUrls(page: string, base: string): string[] {
  const paths = [...page.matchAll(/"(\/graphql\/graphiql\/[0-9a-f]+\.(?:js|css|ico))"/g)].map(
    (match) => match[1] ?? '',
  );
  return [...new Set(paths)].map((path) => new URL(path, base).toString());
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('GraphiQL', () => {
  let server: TestServer;
  let page: string;
  let assets: string[];

  beforeAll(async () => {
    server = await startTestServer();
    const response = await fetch(server.url, { headers: HTML });
    page = await response.text();
    assets = assetUrls(page, server.url);
  });
  afterAll(async () => {
    await server.close();
  });

  it('is a small page that loads its script, style, icon and workers from the service', async () => {
    const response = await fetch(server.url, { headers: HTML });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    expect(Buffer.byteLength(html)).toBeLessThan(20_000);
    expect(html).toContain('<title>Video rooms GraphQL</title>');
    // Script, style, icon and three editor workers, all served here.
    expect(assets).toHaveLength(6);
    const external = [
      ...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)=["'](https?:)?\/\/[^"']+/gi),
    ];
    expect(external.map((match) => match[0])).toEqual([]);
  });

  it('opens on a default query that lists the providers and their capabilities', () => {
    expect(page).toContain('query Overview');
    expect(page).toContain('capabilities');
  });

  it('serves each asset compressed as the client accepts, with an immutable cache lifetime', async () => {
    for (const url of assets) {
      const plain = await get(url);
      const brotli = await get(url, { 'accept-encoding': BROWSER_ENCODINGS });
      const gzip = await get(url, { 'accept-encoding': 'gzip' });
      expect([plain.status, brotli.status, gzip.status]).toEqual([200, 200, 200]);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(sha256(brotliDecompressSync(brotli.body))).toBe(sha256(plain.body));
      expect(sha256(gunzipSync(gzip.body))).toBe(sha256(plain.body));
      for (const response of [plain, brotli, gzip]) {
        expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(response.headers.vary).toBe('Accept-Encoding');
        expect(response.headers['content-length']).toBe(String(response.body.length));
        expect(response.headers['content-type']).toMatch(/^(text\/javascript|text\/css|image\/)/);
      }
      // The name is the content's hash, so an ETag per encoding is all a cache needs.
      expect(new Set([plain, brotli, gzip].map((response) => response.headers.etag)).size).toBe(3);
    }
    // The script is where compression matters: 5 MB of JavaScript.
    const script = assets.find((url) => page.includes(`<script src="${new URL(url).pathname}"`));
    const [plain, brotli] = await Promise.all([
      get(script ?? '', {}, { keepBody: false }),
      get(script ?? '', { 'accept-encoding': 'br' }, { keepBody: false }),
    ]);
    expect(brotli.length).toBeLessThan(plain.length / 3);
  });

  it('answers a revalidation with 304 and no body', async () => {
    const url = assets[0] ?? '';
    const first = await get(url, { 'accept-encoding': 'br' });
    const etag = String(first.headers.etag);
    const again = await get(url, { 'accept-encoding': 'br', 'if-none-match': `W/${etag}, "x"` });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(etag);
    // Another encoding is another entity: sent in full.
    const other = await get(url, { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(other.status).toBe(200);
  });

  it('answers an unknown asset with 404 and another method with 405', async () => {
    const missing = await get(new URL('/graphql/graphiql/0000.js', server.url).toString());
    expect(missing.status).toBe(404);
    const posted = await fetch(assets[0] ?? '', { method: 'POST', body: '{}' });
    expect(posted.status).toBe(405);
    expect(posted.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('GraphiQL under load', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  /** One browser's load: the page, then every asset it names, at once. */
  async function load(): Promise<number> {
    const headers = { ...HTML, 'accept-encoding': BROWSER_ENCODINGS };
    const page = await get(server.url, headers);
    expect(page.status).toBe(200);
    const assets = assetUrls(page.body.toString(), server.url);
    const loaded = await Promise.all(
      assets.map((url) => get(url, { 'accept-encoding': BROWSER_ENCODINGS }, { keepBody: false })),
    );
    return page.length + loaded.reduce((sum, response) => sum + response.length, 0);
  }

  it('keeps memory flat under 50 concurrent page loads, since every load shares the same bytes', async () => {
    // The first load reads the bundle and compresses each asset once, for good.
    const once = await load();
    expect(once).toBeGreaterThan(1_000_000);
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 5);
    try {
      const sizes = await Promise.all(Array.from({ length: 50 }, () => load()));
      expect(sizes.every((size) => size === once)).toBe(true);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    // Inlined, each page held its own 9 MB copy of the bundle: 30 loads took 1 GB.
    expect((peak - before) / 1024 / 1024).toBeLessThan(60);
  }, 60_000);
});

describe('GraphiQL and the rate limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ config: { rateLimitRequests: 3 } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts the page and its assets like any other request', async () => {
    const page = await fetch(server.url, { headers: HTML });
    const html = await page.text();
    expect(page.headers.get('ratelimit-remaining')).toBe('2');
    const [script, style] = assetUrls(html, server.url);
    const asset = await get(script ?? '', {}, { keepBody: false });
    expect(asset.headers['ratelimit-remaining']).toBe('1');
    await get(style ?? '', {}, { keepBody: false });
    const refused = await get(script ?? '');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.toString()).toMatch(/^Too many requests from this client; try again in/);
    expect((await fetch(server.url, { headers: HTML })).status).toBe(429);
  });
});

describe('the GRAPHIQL setting', () => {
  const KEY = 'vr_graphiql_5e4d3c2b1a0f';
  const apiKeys = [
    { id: 'reader', sha256: sha256(Buffer.from(KEY)), scopes: ['rooms:read' as const] },
  ];
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });
  async function start(options: Parameters<typeof startTestServer>[0]) {
    const server = await startTestServer(options);
    servers.push(server);
    return server;
  }

  it('is off by default outside the sandbox: no page and no assets, to anyone', async () => {
    const server = await start({ open: false, config: { clientApiKeys: apiKeys } });
    const response = await fetch(server.url, { headers: HTML });
    // Yoga's answer to a client that accepts only HTML it cannot give.
    expect(response.status).toBe(406);
    expect(await response.text()).not.toContain('<html');
    const asset = await get(new URL('/graphql/graphiql/anything.js', server.url).toString());
    expect(asset.status).toBe(404);
  });

  it('serves GraphiQL outside the sandbox when turned on, with no credentials needed for the page', async () => {
    const server = await start({
      open: false,
      config: { clientApiKeys: apiKeys, graphiql: true },
    });
    const response = await fetch(server.url, { headers: HTML });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('query Overview');
    // The API itself still asks for credentials.
    const query = await server.post(JSON.stringify({ query: '{ providers { key } }' }));
    expect(query.status).toBe(401);
  });

  it('turns GraphiQL off in the sandbox when set to false', async () => {
    const server = await start({ config: { graphiql: false } });
    const response = await fetch(server.url, { headers: HTML });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await response.text()).not.toContain('<html');
  });
});
