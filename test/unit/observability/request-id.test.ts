import { describe, expect, it } from 'vitest';
import { requestIdFrom } from '../../../src/observability/request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it.each(['abc', 'req-2024.01_07', '1-5759e988-bd862e3fe1be46a994272793', 'a'.repeat(64)])(
    'keeps the caller’s sane id %s',
    (id) => {
      expect(requestIdFrom(id)).toBe(id);
    },
  );

  it.each([
    ['absent', null],
    ['empty', ''],
    ['too long', 'a'.repeat(65)],
    ['with a space', 'abc def'],
    ['with a newline', 'abc\n{"level":"error"}'],
    ['with quotes', '"abc"'],
    ['with a slash', 'a/b'],
  ])('replaces an id that is %s with a fresh UUID', (_, header) => {
    const id = requestIdFrom(header);
    expect(id).toMatch(UUID);
    expect(requestIdFrom(header)).not.toBe(id);
  });
});
