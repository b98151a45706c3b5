/** A value that cannot stand as one segment of an upstream path. */
export class UnsafePathSegmentError extends Error {
  override name = 'UnsafePathSegmentError';
}

/**
 * One segment of an upstream path, percent-encoded. The only way a value reaches a path: it
 * refuses the empty string, `.` and `..`, which an HTTP stack or the
 * provider may normalise away, so that `/v2/rooms/.` would become `/v2/rooms/` and a write
 * meant for one room would land on the collection (a create).
 *
 * Adapters check a handle against their provider's id format before any call and answer a
 * typed error; this is the last line behind that check, so it throws a plain error (a bug).
 */
export function pathSegment(value: string): string {
  // Every other character is percent-encoded, `%` included, so no encoded dot survives either.
  if (value === '' || value === '.' || value === '..') {
    throw new UnsafePathSegmentError('A path segment may not be empty, "." or ".."');
  }
  return encodeURIComponent(value);
}
