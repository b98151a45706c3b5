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
  // An HTTP date names its month and zone in letters (RFC 9110 §5.6.7); Date.parse alone would
  // also take junk such as "-5" or "2" as a date and turn it into "retry now".
  if (!/^[A-Za-z]{3},? .*\d{2}:\d{2}:\d{2} GMT$/.test(trimmed)) {
    return null;
  }
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) {
    return null;
  }
  return Math.max(0, date - now);
}
