import type { EmulatorRequest } from '../shared/emulator-host.js';

/**
 * Request checks of the Videsk emulator: bodies, dates, the list query. Each failure is a
 * `BadRequest` that the routes answer with a Feathers 400 naming the field in `data`
 * (`../shared/providers/videsk.md` §6 PROPOSAL).
 */

/** §1: ISO 8601 date-time with a zone; the docs write milliseconds and `Z`. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const SORTABLE = new Set(['id', 'name', 'externalId', 'exp', 'nbf', 'createdAt', 'updatedAt']);

export class BadRequest extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface ListQuery {
  readonly limit: number;
  readonly skip: number;
  /** Sort keys in the order given; empty when the caller sent no `$sort`. */
  readonly sort: readonly (readonly [field: string, direction: 1 | -1])[];
  readonly ended: boolean | undefined;
  readonly externalId: string | undefined;
}

/** The `GET /vpaas/rooms` query (§3.1). */
export function parseListQuery(query: Readonly<Record<string, string>>): ListQuery {
  const sort: [string, 1 | -1][] = [];
  let limit = 10;
  let skip = 0;
  let ended: boolean | undefined;
  let externalId: string | undefined;
  for (const [key, value] of Object.entries(query)) {
    const bracket = /^\$sort\[(.+)\]$/.exec(key);
    if (key === '$limit') {
      // §3.1 PROPOSAL: clamp to [1,100] like Feathers, but reject what is not a number.
      limit = Math.min(100, Math.max(1, Math.abs(integer(value, '$limit'))));
    } else if (key === '$skip') {
      skip = integer(value, '$skip');
      if (skip < 0) {
        throw new BadRequest('"$skip" must be greater than or equal to 0', '$skip');
      }
    } else if (bracket?.[1]) {
      sort.push([sortField(bracket[1]), direction(value)]);
    } else if (key === '$sort') {
      sort.push(...jsonSort(value));
    } else if (key === 'ended') {
      // Query strings carry `true`/`false` as text; Mongoose casts them (§3.1).
      if (value !== 'true' && value !== 'false') {
        throw new BadRequest('"ended" must be a boolean', 'ended');
      }
      ended = value === 'true';
    } else if (key === 'externalId') {
      externalId = value;
    } else {
      // Feathers' text for an unknown `$` operator; no other filter is documented, so the
      // stricter reading refuses any other field too.
      throw new BadRequest(`Invalid query parameter ${key}`, key);
    }
  }
  return { limit, skip, sort, ended, externalId };
}

/**
 * The JSON object body of a request. `allowed` lists the only keys taken (any other is a 400), or
 * says that unknown keys are ignored, which §3.2 documents for create.
 */
export function objectBody(
  request: EmulatorRequest,
  allowed: readonly string[] | 'ignore-unknown',
): Record<string, unknown> {
  const body = request.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequest('The request body must be a JSON object', 'body');
  }
  if (allowed === 'ignore-unknown') {
    return body as Record<string, unknown>;
  }
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      // Stricter reading: only the documented fields are taken (`externalId` is not patchable, §3.5).
      throw new BadRequest(`"${key}" is not allowed`, key);
    }
  }
  return body as Record<string, unknown>;
}

export function optionalText(
  body: Record<string, unknown>,
  field: string,
  max: number,
): string | undefined {
  const value = body[field];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new BadRequest(
      `"${field}" must be a non-empty string of at most ${max} characters`,
      field,
    );
  }
  return value;
}

export function optionalDate(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined) {
    return undefined;
  }
  const time = typeof value === 'string' && DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) {
    throw new BadRequest(`"${field}" must be a valid ISO 8601 date`, field);
  }
  return time;
}

export function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value !== undefined && typeof value !== 'boolean') {
    throw new BadRequest(`"${field}" must be a boolean`, field);
  }
  return value;
}

/** §3.2: only the example's fields are known; ranges are UNCONFIRMED, so the strict reading. */
export function roomSettings(value: unknown, key: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest(`"${key}" must be an object`, key);
  }
  const settings = value as Record<string, unknown>;
  for (const [field, entry] of Object.entries(settings)) {
    const ok =
      field === 'maxParticipants'
        ? Number.isInteger(entry) && (entry as number) >= 1
        : field === 'recordingEnabled'
          ? typeof entry === 'boolean'
          : false;
    if (!ok) {
      throw new BadRequest(
        `"${key}.${field}" is not allowed or has a wrong type`,
        `${key}.${field}`,
      );
    }
  }
  return { ...settings };
}

function integer(value: string, field: string): number {
  if (!/^-?\d+$/.test(value)) {
    throw new BadRequest(`"${field}" must be an integer`, field);
  }
  return Number(value);
}

function sortField(field: string): string {
  if (!SORTABLE.has(field)) {
    throw new BadRequest(`"$sort" cannot sort by ${field}`, '$sort');
  }
  return field;
}

function direction(value: unknown): 1 | -1 {
  if (value === 1 || value === '1') {
    return 1;
  }
  if (value === -1 || value === '-1') {
    return -1;
  }
  throw new BadRequest('"$sort" directions must be 1 or -1', '$sort');
}

/** §3.1 PROPOSAL: a JSON-string `$sort`, as the docs' example `{"createdAt":-1}` is written. */
function jsonSort(value: string): [string, 1 | -1][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BadRequest('"$sort" must be an object', '$sort');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BadRequest('"$sort" must be an object', '$sort');
  }
  return Object.entries(parsed).map(([field, dir]) => [sortField(field), direction(dir)]);
}

export function isJson(request: EmulatorRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && /^application\/json\s*(;|$)/i.test(type.trim());
}

/**
 * §5 PROPOSAL: the grant records the requester's address. The shared host does not pass the
 * socket address on, so a proxy header is read, else loopback.
 */
export function clientIp(request: EmulatorRequest): string {
  const forwarded = request.headers['x-forwarded-for'];
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0]?.trim() : undefined;
  return first || '127.0.0.1';
}
