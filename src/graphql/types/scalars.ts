import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

/** RFC 3339 date-times; always serialised in UTC with milliseconds. */
builder.scalarType('DateTime', {
  description: 'An RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z. Output is always UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => parseDateTime(value),
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    throw new GraphQLError('DateTime must be an RFC 3339 string such as 2026-01-31T12:00:00Z', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new GraphQLError(`DateTime ${value} is not a real date`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return date;
}
