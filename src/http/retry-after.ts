/**
 * Reads a `Retry-After` header (delta-seconds or an HTTP date) as milliseconds from `now`.
 * Returns null when absent or unreadable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null || value.trim() === '') {
    return null;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return null;
  }
  return Math.max(0, date - now);
}
