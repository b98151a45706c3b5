import { describe, expect, it, vi } from 'vitest';
import { InputValidationError } from '../../../src/domain/errors.js';
import type { Room } from '../../../src/domain/room.js';
import { CursorKey } from '../../../src/providers/cursor-key.js';
import { type FetchNativePage, pageWithCursors } from '../../../src/providers/paging.js';

function room(name: string): Room {
  return {
    providerKey: 'fake',
    providerKind: 'SIGNALWIRE',
    nativeId: `room:${name}`,
    providerRoomId: name,
    name,
    displayName: null,
    description: null,
    status: 'ACTIVE',
    createdAt: null,
    updatedAt: null,
    notBefore: null,
    expiresAt: null,
    maxParticipants: null,
    recordingEnabled: null,
    region: null,
    settings: null,
  };
}

const ROOMS = Array.from({ length: 10 }, (_, index) => room(`r${index}`));

const DEPLOYMENT_SECRET = 'a deployment secret of at least thirty-two characters';
const account = { key: 'fake', cursorKey: CursorKey.fromSecret(DEPLOYMENT_SECRET) };

/**
 * A native API that pages by offset (a position that means the same place whatever the page
 * size) and never returns more than `nativeMax` rooms at once. Counts its calls.
 */
function offsetSource(nativeMax = 100) {
  const fetchPage = vi.fn<FetchNativePage>(async (position, limit) => {
    const offset = position === null ? 0 : Number(position);
    const size = Math.min(limit, nativeMax);
    const end = offset + size;
    return {
      rooms: ROOMS.slice(offset, end),
      next: end < ROOMS.length ? String(end) : null,
    };
  });
  return fetchPage;
}

const names = (page: { edges: readonly { room: Room }[] }) =>
  page.edges.map((edge) => edge.room.name);

describe('pageWithCursors', () => {
  it('returns the first page and says more follow', async () => {
    const fetchPage = offsetSource();
    const page = await pageWithCursors({ cursor: null, limit: 3, account }, 50, fetchPage);
    expect(names(page)).toEqual(['r0', 'r1', 'r2']);
    expect(page.hasNextPage).toBe(true);
    expect(fetchPage).toHaveBeenCalledWith(null, 3);
  });

  it('resumes right after every edge of a page, not only the last', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 4, account }, 50, fetchPage);

    for (const [index, edge] of first.edges.entries()) {
      const next = await pageWithCursors({ cursor: edge.cursor, limit: 3, account }, 50, fetchPage);
      expect(names(next)).toEqual(ROOMS.slice(index + 1, index + 4).map((r) => r.name));
    }
  });

  it('walks the whole list page by page without gaps or repeats', async () => {
    const fetchPage = offsetSource(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const page = await pageWithCursors({ cursor, limit: 4, account }, 3, fetchPage);
      seen.push(...names(page));
      if (!page.hasNextPage) {
        break;
      }
      cursor = page.edges.at(-1)!.cursor;
    }
    expect(seen).toEqual(ROOMS.map((r) => r.name));
  });

  it('resumes the last edge of a page at the native next position', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 2, account }, 50, fetchPage);
    await pageWithCursors({ cursor: first.edges[1]!.cursor, limit: 2, account }, 50, fetchPage);
    expect(fetchPage).toHaveBeenLastCalledWith('2', 2);
  });

  it('refetches the page of a middle edge with room for the skipped rooms', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 4, account }, 50, fetchPage);
    const next = await pageWithCursors(
      { cursor: first.edges[1]!.cursor, limit: 2, account },
      50,
      fetchPage,
    );
    // Position of r1's page (the start) and 2 wanted + 2 to skip.
    expect(fetchPage).toHaveBeenLastCalledWith(null, 4);
    expect(names(next)).toEqual(['r2', 'r3']);
  });

  it('says there is no next page on the last one', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 8, account }, 50, fetchPage);
    const last = await pageWithCursors(
      { cursor: first.edges[7]!.cursor, limit: 5, account },
      50,
      fetchPage,
    );
    expect(names(last)).toEqual(['r8', 'r9']);
    expect(last.hasNextPage).toBe(false);
  });

  it('clamps the limit between 1 and the largest page', async () => {
    const fetchPage = offsetSource();
    const big = await pageWithCursors({ cursor: null, limit: 500, account }, 4, fetchPage);
    expect(fetchPage).toHaveBeenLastCalledWith(null, 4);
    expect(big.edges).toHaveLength(4);
    const small = await pageWithCursors({ cursor: null, limit: 0, account }, 4, fetchPage);
    expect(fetchPage).toHaveBeenLastCalledWith(null, 1);
    expect(names(small)).toEqual(['r0']);
  });

  it('returns an empty last page for an empty list', async () => {
    const page = await pageWithCursors({ cursor: null, limit: 5, account }, 50, async () => ({
      rooms: [],
      next: null,
    }));
    expect(page).toEqual({ edges: [], hasNextPage: false });
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sealed = (state: unknown, key = account.cursorKey, scope = 'rooms:fake') =>
    key.seal(scope, state);

  /** A cursor of the first page, edited by `edit`. */
  async function issued(edit: (cursor: string) => string): Promise<string> {
    const page = await pageWithCursors({ cursor: null, limit: 2, account }, 50, offsetSource());
    return edit(page.edges[0]!.cursor);
  }

  /** Flips one bit of the character at `index` (negative: from the end), keeping it base64url. */
  function flip(cursor: string, index: number): string {
    const at = index < 0 ? cursor.length + index : index;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const char = cursor[at]!;
    const swapped = char === '.' ? ',' : alphabet[alphabet.indexOf(char) ^ 1]!;
    return cursor.slice(0, at) + swapped + cursor.slice(at + 1);
  }

  it('resumes from a cursor sealed by another instance with the same deployment secret', async () => {
    const cursor = await issued((text) => text);
    const elsewhere = { key: 'fake', cursorKey: CursorKey.fromSecret(DEPLOYMENT_SECRET) };
    const page = await pageWithCursors(
      { cursor, limit: 2, account: elsewhere },
      50,
      offsetSource(),
    );
    expect(names(page)).toEqual(['r1', 'r2']);
  });

  it.each([
    ['text that is not a cursor', async () => 'not a cursor!'],
    ['an unsealed cursor of the old format', async () => encode({ p: null, s: 1 })],
    ['the old format with a dot added', async () => `${encode({ p: null, s: 1 })}.`],
    ['a flipped bit in the state', () => issued((cursor) => flip(cursor, 3))],
    ['a flipped bit in the seal', () => issued((cursor) => flip(cursor, -5))],
    ['the last character of the seal changed', () => issued((cursor) => flip(cursor, -1))],
    ['the separator changed', () => issued((cursor) => cursor.replace('.', ','))],
    [
      'a state swapped in under the seal',
      () => issued((cursor) => `${encode({ p: null, s: 5 })}${cursor.slice(cursor.indexOf('.'))}`),
    ],
    [
      'a cursor of another deployment',
      async () =>
        sealed(
          { p: null, s: 1 },
          CursorKey.fromSecret('another deployment secret, 32+ chars long'),
        ),
    ],
    [
      'a cursor of another account',
      async () => sealed({ p: null, s: 1 }, undefined, 'rooms:other'),
    ],
    [
      'a cursor of a process-local key',
      async () => sealed({ p: null, s: 1 }, CursorKey.ephemeral()),
    ],
    [
      'a sealed state that is not JSON',
      async () => {
        const mac = sealed('x').split('.')[1];
        return `${Buffer.from('{').toString('base64url')}.${mac}`;
      },
    ],
    ['a JSON array', async () => sealed([null, 0])],
    ['a position that is not a string', async () => sealed({ p: 5, s: 0 })],
    ['a negative skip', async () => sealed({ p: null, s: -1 })],
    ['a fractional skip', async () => sealed({ p: null, s: 1.5 })],
    ['a missing skip', async () => sealed({ p: null })],
  ])('rejects %s as an InputValidationError on after, fetching nothing', async (_case, make) => {
    const cursor = await make();
    const fetchPage = offsetSource();
    const error = await pageWithCursors({ cursor, limit: 2, account }, 50, fetchPage).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues).toEqual([
      { path: ['after'], message: 'is not a cursor this API issued' },
    ]);
    expect(fetchPage).not.toHaveBeenCalled();
  });
});
