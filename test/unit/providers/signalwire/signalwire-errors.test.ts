import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSignalWireError } from '../../../../src/providers/signalwire/signalwire-errors.js';

function fixtureText(name: string): string {
  return readFileSync(new URL(`../../../fixtures/signalwire/${name}`, import.meta.url), 'utf8');
}

const failure = (status: number, bodyText: string) => ({ status, headers: {}, bodyText });

describe('parseSignalWireError', () => {
  it('names the attribute and keeps the code of the documented 422 body', () => {
    expect(parseSignalWireError(failure(422, fixtureText('create-room.422.json')))).toEqual({
      message: 'SignalWire rejected the request: name: Name must be present',
      providerCode: 'invalid_parameter',
    });
  });

  it('lists every bad field and keeps the first code', () => {
    const body = JSON.stringify({
      errors: [
        {
          type: 'validation_error',
          code: 'missing_required_parameter',
          message: 'Display name must be present',
          attribute: 'display_name',
          url: 'https://signalwire.com/docs/apis/error-codes',
        },
        {
          type: 'validation_error',
          code: 'invalid_parameter',
          message: 'Layout is not included in the list',
          attribute: 'layout',
          url: 'https://signalwire.com/docs/apis/error-codes',
        },
      ],
    });
    expect(parseSignalWireError(failure(422, body))).toEqual({
      message:
        'SignalWire rejected the request: display_name: Display name must be present; layout: Layout is not included in the list',
      providerCode: 'missing_required_parameter',
    });
  });

  it('uses the message alone when the attribute is null, and the code when there is no message', () => {
    const body = JSON.stringify({
      errors: [
        {
          code: 'invalid_join_until_date',
          message: 'Join until is before join from',
          attribute: null,
        },
        { code: 'not_a_boolean', attribute: 'record_on_start' },
      ],
    });
    expect(parseSignalWireError(failure(422, body)).message).toBe(
      'SignalWire rejected the request: Join until is before join from; record_on_start: not_a_boolean',
    );
  });

  it.each([
    ['create-room.400.json', 400, 'Bad Request'],
    ['get-room.401.json', 401, 'Unauthorized'],
    ['get-room.404.json', 404, 'Not Found'],
    ['get-room.500.json', 500, 'Internal Server Error'],
  ])('reads the %s body', (name, status, text) => {
    expect(parseSignalWireError(failure(status, fixtureText(name)))).toEqual({
      message: `SignalWire answered HTTP ${status}: ${text}`,
      providerCode: null,
    });
  });

  it('falls back to the status for a body that is not JSON', () => {
    expect(parseSignalWireError(failure(502, '<html>Bad gateway</html>'))).toEqual({
      message: 'SignalWire answered HTTP 502',
      providerCode: null,
    });
  });

  it('falls back to the status for JSON of another shape', () => {
    expect(parseSignalWireError(failure(500, '{"error": 42}')).message).toBe(
      'SignalWire answered HTTP 500',
    );
    expect(parseSignalWireError(failure(500, '{}')).message).toBe(
      'SignalWire answered HTTP 500: no details',
    );
  });
});
