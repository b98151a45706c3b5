import { request } from 'node:http';

/**
 * POSTs a body with `transfer-encoding: chunked` and no `content-length`, in two chunks, the way
 * a streaming client would: the server cannot know the size before reading it. fetch always
 * sets a length for a string body, so this goes through node:http.
 */
export function postChunked(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          'transfer-encoding': 'chunked',
          ...headers,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    const half = Math.floor(body.length / 2);
    outgoing.write(body.slice(0, half));
    outgoing.end(body.slice(half));
  });
}

/** A JSON request body of exactly `bytes` bytes that runs `{ __typename }`, padded with spaces. */
export function paddedBody(bytes: number): string {
  const empty = JSON.stringify({ query: '{ __typename }' });
  const padding = bytes - empty.length;
  if (padding < 0) {
    throw new Error(`a body cannot be smaller than ${empty.length} bytes`);
  }
  return JSON.stringify({ query: `{ __typename }${' '.repeat(padding)}` });
}
