import { randomUUID } from 'node:crypto';

/** What a caller's own request id may look like to be kept: short, and safe in any log or header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id of one HTTP request: the caller's `x-request-id` when it is a sane token, so a request
 * can be followed across a gateway and this service, or a fresh UUID. Anything else (too long,
 * spaces, quotes, control characters) is replaced rather than cleaned, so a caller cannot write
 * arbitrary text into our logs.
 */
export function requestIdFrom(header: string | null): string {
  return header !== null && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}

export const REQUEST_ID_HEADER = 'x-request-id';
