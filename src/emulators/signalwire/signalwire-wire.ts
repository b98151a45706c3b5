import { STATUS_CODES } from 'node:http';
import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';

// What every SignalWire emulator route answers with: the §7 error bodies, the §6 paging
// envelope, and plain found / not found.

/** One entry of SignalWire's 422 body (§7). */
export interface ValidationError {
  type: string;
  code: string;
  message: string;
  attribute: string | null;
  url: string;
}

const ERROR_CODES_URL = 'https://signalwire.com/docs/apis/error-codes';
/** Ids are lowercase UUIDs (§1); a segment of this shape is an id, not a name. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SignalWire's error body for a status (§7). */
export function signalWireErrorBody(status: number): unknown {
  if (status === 422) {
    return { errors: [problem(null, 'invalid_parameter', 'The request is invalid')] };
  }
  if (status === 429) {
    // Shape assumed: §1 names only the code rate_limit_exceeded and the spec lists no 429 body,
    // so it reuses the §7 error-list shape.
    return {
      errors: [
        { ...problem(null, 'rate_limit_exceeded', 'Rate limit exceeded'), type: 'rate_limit' },
      ],
    };
  }
  return { error: STATUS_CODES[status] ?? 'Error' };
}

/**
 * §6: `page_token=PA<id>` resumes after that record and `PB<id>` ends before it, so any page size
 * works; `next` is left out on the last page and `prev` on the first (UNCONFIRMED link form,
 * modelled on the sibling SignalWire APIs). Error codes come from S6's list (UNCONFIRMED for video).
 *
 * `positionOf` places any id the store ever issued, deleted or not, in the list's order (items
 * come sorted by it, ascending), so a `PA<id>` whose record was deleted between two pages still
 * resumes at the right place.
 */
export function paginate<T extends { id: string }>(
  request: EmulatorRequest,
  items: T[],
  positionOf: (id: string) => number | undefined,
  errors: ValidationError[],
): { links: Record<string, string>; data: T[] } | undefined {
  const {
    page_size: sizeText = '50',
    page_number: numberText = '0',
    page_token: token,
  } = request.query;
  const size = /^\d+$/.test(sizeText) ? Number(sizeText) : Number.NaN;
  if (!(size >= 1 && size <= 1000)) {
    errors.push(problem('page_size', 'invalid_parameter', 'Page size must be between 1 and 1000'));
  }
  const pageNumber = /^\d+$/.test(numberText) ? Number(numberText) : Number.NaN;
  if (Number.isNaN(pageNumber)) {
    errors.push(problem('page_number', 'invalid_parameter', 'Page number must be 0 or greater'));
  } else if (pageNumber > 0 && token === undefined) {
    errors.push(problem('page_token', 'page_token_required', 'Page token is required'));
  }
  const cursor = token === undefined ? undefined : /^P([AB])(.+)$/.exec(token);
  const anchor = cursor?.[2] === undefined ? undefined : positionOf(cursor[2].toLowerCase());
  if (token !== undefined && anchor === undefined) {
    errors.push(problem('page_token', 'page_token_is_invalid', 'Page token is invalid'));
  }
  if (errors.length > 0) {
    return undefined;
  }
  const position = (item: T) => positionOf(item.id) ?? Number.NEGATIVE_INFINITY;
  let start = 0;
  let end = Math.min(size, items.length);
  if (anchor !== undefined && cursor?.[1] === 'A') {
    start = items.filter((item) => position(item) <= anchor).length;
    end = Math.min(start + size, items.length);
  } else if (anchor !== undefined) {
    end = items.filter((item) => position(item) < anchor).length;
    start = Math.max(0, end - size);
  }
  const data = items.slice(start, end);
  const link = (number: number, pageToken?: string) => {
    const params = new URLSearchParams({ page_number: String(number), page_size: String(size) });
    if (pageToken) {
      params.set('page_token', pageToken);
    }
    for (const [key, value] of Object.entries(request.query)) {
      if (!['page_number', 'page_size', 'page_token'].includes(key)) {
        params.set(key, value);
      }
    }
    return `${request.origin}${request.path}?${params}`;
  };
  const links: Record<string, string> = { self: link(pageNumber, token), first: link(0) };
  const last = data.at(-1);
  const first = data[0];
  if (last && end < items.length) {
    links.next = link(pageNumber + 1, `PA${last.id}`);
  }
  if (first && start > 0) {
    links.prev = link(Math.max(0, pageNumber - 1), `PB${first.id}`);
  }
  return { links, data };
}

/** 200 with a copy (later updates must not rewrite logged bodies), or 404. */
export function found(record: object | undefined): EmulatorResponse {
  return record ? { status: 200, body: structuredClone(record) } : notFound();
}

export function notFound(): EmulatorResponse {
  return { status: 404, body: signalWireErrorBody(404) };
}

// A body that is not a JSON object cannot be validated field by field; the spec's 400 fits (§7).
export function badRequest(): EmulatorResponse {
  return { status: 400, body: signalWireErrorBody(400) };
}

export function problem(attribute: string | null, code: string, message: string): ValidationError {
  return { type: 'validation_error', code, message, attribute, url: ERROR_CODES_URL };
}

export function label(attribute: string): string {
  const words = attribute.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
