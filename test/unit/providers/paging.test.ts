import { describe, expect, it, vi } from 'vitest';
import { InputValidationError } from '../../../src/domain/errors.js';
import type { Room } from '../../../src/domain/room.js';
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
    const page = await pageWithCursors({ cursor: null, limit: 3 }, 50, fetchPage);
    expect(names(page)).toEqual(['r0', 'r1', 'r2']);
    expect(page.hasNextPage).toBe(true);
    expect(fetchPage).toHaveBeenCalledWith(null, 3);
  });

  it('resumes right after every edge of a page, not only the last', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 4 }, 50, fetchPage);

    for (const [index, edge] of first.edges.entries()) {
      const next = await pageWithCursors({ cursor: edge.cursor, limit: 3 }, 50, fetchPage);
      expect(names(next)).toEqual(ROOMS.slice(index + 1, index + 4).map((r) => r.name));
    }
  });

  it('walks the whole list page by page without gaps or repeats', async () => {
    const fetchPage = offsetSource(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 20; guard++) {
      const page = await pageWithCursors({ cursor, limit: 4 }, 3, fetchPage);
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
    const first = await pageWithCursors({ cursor: null, limit: 2 }, 50, fetchPage);
    await pageWithCursors({ cursor: first.edges[1]!.cursor, limit: 2 }, 50, fetchPage);
    expect(fetchPage).toHaveBeenLastCalledWith('2', 2);
  });

  it('refetches the page of a middle edge with room for the skipped rooms', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 4 }, 50, fetchPage);
    const next = await pageWithCursors({ cursor: first.edges[1]!.cursor, limit: 2 }, 50, fetchPage);
    // Position of r1's page (the start) and 2 wanted + 2 to skip.
    expect(fetchPage).toHaveBeenLastCalledWith(null, 4);
    expect(names(next)).toEqual(['r2', 'r3']);
  });

  it('says there is no next page on the last one', async () => {
    const fetchPage = offsetSource();
    const first = await pageWithCursors({ cursor: null, limit: 8 }, 50, fetchPage);
    const last = await pageWithCursors({ cursor: first.edges[7]!.cursor, limit: 5 }, 50, fetchPage);
    expect(names(last)).toEqual(['r8', 'r9']);
    expect(last.hasNextPage).toBe(false);
  });

  it('clamps the limit between 1 and the largest page', async () => {
    const fetchPage = offsetSource();
    const big = await pageWithCursors({ cursor: null, limit: 500 }, 4, fetchPage);
    expect(fetchPage).toHaveBeenLastCalledWith(null, 4);
    expect(big.edges).toHaveLength(4);
    const small = await pageWithCursors({ cursor: null, limit: 0 }, 4, fetchPage);
    expect(fetchPage).toHaveBeenLastCalledWith(null, 1);
    expect(names(small)).toEqual(['r0']);
  });

  it('returns an empty last page for an empty list', async () => {
    const page = await pageWithCursors({ cursor: null, limit: 5 }, 50, async () => ({
      rooms: [],
      next: null,
    }));
    expect(page).toEqual({ edges: [], hasNextPage: false });
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['text that is not base64 JSON', 'not a cursor!'],
    ['base64 of something that is not JSON', Buffer.from('hello').toString('base64url')],
    ['a JSON array', encode([null, 0])],
    ['a position that is not a string', encode({ p: 5, s: 0 })],
    ['a negative skip', encode({ p: null, s: -1 })],
    ['a fractional skip', encode({ p: null, s: 1.5 })],
    ['a missing skip', encode({ p: null })],
  ])('rejects %s as an InputValidationError on after, fetching nothing', async (_case, cursor) => {
    const fetchPage = offsetSource();
    const error = await pageWithCursors({ cursor, limit: 2 }, 50, fetchPage).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues).toEqual([
      { path: ['after'], message: 'is not a cursor this API issued' },
    ]);
    expect(fetchPage).not.toHaveBeenCalled();
  });
});
