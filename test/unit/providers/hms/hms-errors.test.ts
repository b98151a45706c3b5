import { describe, expect, it } from 'vitest';
import { parseHmsError } from '../../../../src/providers/hms/hms-errors.js';
import { fixture } from './hms-test-kit.js';

function parse(status: number, body: unknown) {
  const bodyText = typeof body === 'string' ? body : JSON.stringify(body);
  return parseHmsError({ status, headers: {}, bodyText });
}

describe('parseHmsError (hms.md §5)', () => {
  it('joins the summary and a detail that adds to it', () => {
    expect(parse(401, fixture('token-validation.401.json'))).toEqual({
      message: 'Token validation error: not found',
      providerCode: '401',
    });
  });

  it('lets a detail that repeats the summary stand alone', () => {
    expect(parse(400, fixture('room-size.400.json')).message).toBe(
      'Invalid body param: room size greater than 2500, set large_room flag as true',
    );
  });

  it('reads a message-only body and the older {data: {description}} form', () => {
    expect(parse(400, fixture('region-not-supported.400.json')).message).toBe(
      'Error: region not supported',
    );
    expect(parse(404, fixture('room-not-found-legacy.404.json'))).toEqual({
      message: 'Error: Room not found',
      providerCode: '404',
    });
    expect(parse(404, { data: { description: 'Room gone' } }).message).toBe('Room gone');
  });

  it('falls back to the status for a body that is not a 100ms error', () => {
    expect(parse(502, '<html>Bad gateway</html>')).toEqual({
      message: '100ms answered HTTP 502',
      providerCode: null,
    });
    expect(parse(500, { message: 42 }).message).toBe('100ms answered HTTP 500');
  });
});
