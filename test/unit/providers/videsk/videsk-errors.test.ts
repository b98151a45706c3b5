import { describe, expect, it } from 'vitest';
import { parseVideskError } from '../../../../src/providers/videsk/videsk-errors.js';
import { fixture } from './videsk-test-kit.js';

const failure = (status: number, body: unknown) => ({
  status,
  headers: {},
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('parseVideskError', () => {
  it.each([
    [
      401,
      'error.401.json',
      'not-authenticated',
      'Authorization header with valid JWT is required.',
    ],
    [403, 'delete-room.403.json', 'forbidden', 'Not allowed'],
    [404, 'get-room.404.json', 'not-found', "No record found for id '64f1a2b3c4d5e6f7a8b9c0d1'"],
    [
      409,
      'create-room.409.json',
      'conflict',
      'The externalId "standup-2024-08-14" already exists.',
    ],
    [429, 'error.429.json', 'too-many-requests', 'Too many requests, please try again later.'],
    [500, 'error.500.json', 'general-error', 'Internal server error'],
  ])('reads the documented %i body', (status, name, providerCode, message) => {
    expect(parseVideskError(failure(status, fixture(name)))).toEqual({ message, providerCode });
  });

  it('adds the field a validation error names in data when the message does not say it', () => {
    const body = { ...fixture('create-room.400.json'), message: 'Invalid date' };
    expect(parseVideskError(failure(400, body))).toEqual({
      message: 'Invalid date (field: exp)',
      providerCode: 'bad-request',
    });
  });

  it('falls back to the status for a body that is not a Feathers error', () => {
    expect(parseVideskError(failure(502, '<html>Bad gateway</html>'))).toEqual({
      message: 'Videsk answered HTTP 502',
      providerCode: null,
    });
    expect(parseVideskError(failure(500, [1, 2]))).toEqual({
      message: 'Videsk answered HTTP 500',
      providerCode: null,
    });
  });
});
