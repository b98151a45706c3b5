import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../../../src/domain/errors.js';
import {
  decodeListPosition,
  encodeListPosition,
  parseHmsTime,
  toCreateBody,
  toUpdateBody,
} from '../../../../src/providers/hms/hms-mappers.js';

describe('parseHmsTime (hms.md §1)', () => {
  it('reads any number of fractional digits', () => {
    expect(parseHmsTime('2022-09-08T15:07:37.83Z')).toEqual(new Date('2022-09-08T15:07:37.830Z'));
    expect(parseHmsTime('2022-09-08T14:58:25.629819038Z')).toEqual(
      new Date('2022-09-08T14:58:25.629Z'),
    );
    expect(parseHmsTime('2023-03-14T15:54:18Z')).toEqual(new Date('2023-03-14T15:54:18Z'));
  });

  it('treats Go zero time, blanks and garbage as unknown', () => {
    expect(parseHmsTime('0001-01-01T00:00:00Z')).toBeNull();
    expect(parseHmsTime('')).toBeNull();
    expect(parseHmsTime(null)).toBeNull();
    expect(parseHmsTime('yesterday')).toBeNull();
  });
});

describe('request bodies', () => {
  it('accept every documented name character and nothing else (§3.1)', () => {
    expect(toCreateBody({ name: 'aZ09.-:_' })).toEqual({ name: 'aZ09.-:_' });
    for (const name of ['with space', 'slash/name', 'émoji', '']) {
      expect(() => toCreateBody({ name })).toThrow(InputValidationError);
    }
    expect(() => toUpdateBody({ hms: { name: 'bad name' } })).toThrow(InputValidationError);
  });

  it('leave null and absent fields out of an update', () => {
    expect(
      toUpdateBody({ description: null, maxParticipants: undefined, recordingEnabled: false }),
    ).toEqual({ recording_info: { enabled: false } });
    expect(toUpdateBody({ description: '' })).toEqual({ description: '' });
  });
});

describe('list positions', () => {
  it('round-trip and refuse anything else', () => {
    for (const [enabled, start] of [
      [true, null],
      [false, null],
      [true, '65a1b2c3d4e5f60718293a4b'],
    ] as const) {
      expect(decodeListPosition(encodeListPosition(enabled, start))).toEqual({ enabled, start });
    }
    expect(decodeListPosition(null)).toEqual({ enabled: true, start: null });
    expect(() => decodeListPosition('enabled:../../x')).toThrow(InputValidationError);
  });
});
