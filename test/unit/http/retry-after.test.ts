import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../src/http/retry-after.js';

// A whole second, so an HTTP date (second precision) lands exactly.
const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads fractional seconds and surrounding spaces', () => {
    expect(parseRetryAfter(' 1.5 ', NOW)).toBe(1_500);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:01:00 GMT', NOW)).toBe(60_000);
  });

  it('reads an HTTP date in the past as zero, never negative', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(0);
  });

  it('returns null when the header is absent or blank', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeNull();
    expect(parseRetryAfter(null, NOW)).toBeNull();
    expect(parseRetryAfter('', NOW)).toBeNull();
    expect(parseRetryAfter('   ', NOW)).toBeNull();
  });

  it('reads signed or partial numbers as unreadable, not as a date meaning "now"', () => {
    expect(parseRetryAfter('-5', NOW)).toBeNull();
    expect(parseRetryAfter('1.', NOW)).toBeNull();
  });

  it('returns null for values that are neither seconds nor a date', () => {
    expect(parseRetryAfter('soon', NOW)).toBeNull();
    expect(parseRetryAfter('5 apples', NOW)).toBeNull();
    expect(parseRetryAfter('1e3', NOW)).toBeNull();
  });
});
