import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlibConstants } from 'node:zlib';

// GraphiQL's scripts, styles, editor workers and icon, from the installed package (so it works
// with no internet), served as static files named by their content hash. Each file is held
// once as bytes and compressed at most once per encoding, on first request; every page load
// after that shares those bytes instead of building a page of several megabytes of its own.

/** One file a GraphiQL page loads. */
interface Asset {
  /** `<content hash>.<extension>`: a new package version is a new name, so caches never go stale. */
  readonly name: string;
  readonly contentType: string;
  readonly bytes: Buffer;
  /** The compressed bytes by encoding, made on first request and then kept. */
  readonly compressed: Map<Encoding, Promise<Buffer>>;
}

type Encoding = 'br' | 'gzip';

/** Yoga's fetch API, whose Response the server writes without copying its bytes. */
type FetchAPI = { readonly Response: typeof Response };

/** The files a page refers to, by role. */
export interface GraphiQLAssets {
  readonly script: string;
  readonly style: string;
  readonly icon: string;
  /** Monaco's workers, by the label Monaco asks for them with. */
  readonly workers: Readonly<Record<'editorWorkerService' | 'json' | 'graphql', string>>;
  /** The response for an asset name, or null when there is no such asset. */
  respond(name: string, request: Request, fetchAPI: FetchAPI): Promise<Response> | null;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const COMPRESS: Readonly<Record<Encoding, (bytes: Buffer) => Promise<Buffer>>> = {
  // Quality 9 of 11: within 10 % of the smallest, at a twentieth of the time (about 0.8 s for
  // the 5 MB script instead of 16 s), and off the event loop.
  br: (bytes) =>
    brotli(bytes, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: 9,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  gzip: (bytes) => gzipAsync(bytes, { level: 9 }),
};

/** A year, the most HTTP caches keep anything; the name changes whenever the content does. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function asset(bytes: Buffer, extension: string, contentType: string): Asset {
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 20);
  return { name: `${hash}.${extension}`, contentType, bytes, compressed: new Map() };
}

/** The icon, which the package ships as a `data:` URL. */
function iconAsset(dataUrl: string): Asset {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(dataUrl);
  if (!match?.[1] || match[2] === undefined) {
    throw new Error('GraphiQL favicon is not a base64 data: URL');
  }
  return asset(Buffer.from(match[2], 'base64'), 'ico', match[1]);
}

let loading: Promise<GraphiQLAssets> | null = null;

/**
 * The assets of the installed `@graphql-yoga/render-graphiql`, loaded on first use: the bundle
 * is tens of MB of memory that API traffic never needs.
 */
export function graphiqlAssets(): Promise<GraphiQLAssets> {
  loading ??= import('@graphql-yoga/render-graphiql/graphiql').then((bundle) => {
    const script = 'text/javascript; charset=utf-8';
    const files = {
      script: asset(Buffer.from(bundle.js), 'js', script),
      style: asset(Buffer.from(bundle.css), 'css', 'text/css; charset=utf-8'),
      icon: iconAsset(bundle.favicon),
      editorWorkerService: asset(Buffer.from(bundle.editorWorkerService), 'js', script),
      json: asset(Buffer.from(bundle.jsonWorker), 'js', script),
      graphql: asset(Buffer.from(bundle.graphqlWorker), 'js', script),
    };
    const byName = new Map(Object.values(files).map((file) => [file.name, file]));
    return {
      script: files.script.name,
      style: files.style.name,
      icon: files.icon.name,
      workers: {
        editorWorkerService: files.editorWorkerService.name,
        json: files.json.name,
        graphql: files.graphql.name,
      },
      respond(name, request, fetchAPI) {
        const file = byName.get(name);
        return file ? assetResponse(file, request, fetchAPI) : null;
      },
    };
  });
  return loading;
}

async function assetResponse(file: Asset, request: Request, fetchAPI: FetchAPI): Promise<Response> {
  const encoding = preferredEncoding(request.headers.get('accept-encoding'));
  const hash = file.name.slice(0, file.name.indexOf('.'));
  const etag = `"${hash}${encoding ? `-${encoding}` : ''}"`;
  const headers: Record<string, string> = {
    etag,
    'cache-control': IMMUTABLE,
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
  };
  if (matches(request.headers.get('if-none-match'), etag)) {
    return new fetchAPI.Response(null, { status: 304, headers });
  }
  let body = file.bytes;
  if (encoding) {
    let compressed = file.compressed.get(encoding);
    if (!compressed) {
      compressed = COMPRESS[encoding](file.bytes);
      file.compressed.set(encoding, compressed);
    }
    body = await compressed;
    headers['content-encoding'] = encoding;
  }
  headers['content-type'] = file.contentType;
  headers['content-length'] = String(body.length);
  // Node's Buffers are Uint8Arrays over a plain ArrayBuffer, whatever their declared type says.
  const bytes = body as Uint8Array<ArrayBuffer>;
  return new fetchAPI.Response(request.method === 'HEAD' ? null : bytes, { status: 200, headers });
}

/**
 * The encoding to send for an `Accept-Encoding` header: brotli, then gzip, whichever has the
 * higher quality (`*` standing for any not named); none when neither is acceptable.
 */
export function preferredEncoding(header: string | null): Encoding | null {
  if (!header) {
    return null;
  }
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...parameters] = part.trim().toLowerCase().split(';');
    if (!token) {
      continue;
    }
    const quality = parameters
      .map((parameter) => /^\s*q=([0-9.]+)\s*$/.exec(parameter)?.[1])
      .find((value) => value !== undefined);
    weights.set(token, quality === undefined ? 1 : Number(quality));
  }
  const weight = (encoding: Encoding) => weights.get(encoding) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).reduce<Encoding | null>(
    (chosen, encoding) =>
      weight(encoding) > 0 && (chosen === null || weight(encoding) > weight(chosen))
        ? encoding
        : chosen,
    null,
  );
  return best;
}

/** Whether an `If-None-Match` header names this entity tag (weakly, as RFC 9110 asks). */
function matches(header: string | null, etag: string): boolean {
  if (!header) {
    return false;
  }
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
