import { describe, expect, it } from 'vitest';
import { pathSegment, UnsafePathSegmentError } from '../../../src/http/path-segment.js';

describe('pathSegment', () => {
  it('percent-encodes a value into one segment', () => {
    expect(pathSegment('6513f0a1b2c3d4e5f6a7b8c9')).toBe('6513f0a1b2c3d4e5f6a7b8c9');
    expect(pathSegment('a/b?c#d')).toBe('a%2Fb%3Fc%23d');
    expect(pathSegment('...')).toBe('...');
  });

  it.each(['', '.', '..'])('refuses %j, which a path normalises away', (value) => {
    expect(() => pathSegment(value)).toThrow(UnsafePathSegmentError);
  });

  it('encodes the percent sign, so an encoded dot stays a literal string', () => {
    expect(pathSegment('%2e')).toBe('%252e');
  });
});
