import { InputValidationError } from '../domain/errors.js';
import type { Room } from '../domain/room.js';
import type { ListRoomsOptions, RoomPage } from './room-provider.js';

/** One upstream page, in the provider's order, and where the next one starts (null at the end). */
export interface NativePage {
  readonly rooms: readonly Room[];
  readonly next: string | null;
}

/**
 * Fetches a page starting at a native position (`null` = the start). A position must address
 * the same place whatever `limit` is (an offset or an "after id" token), so a cursor can resume
 * in the middle of a page by fetching from the page's start and skipping.
 */
export type FetchNativePage = (position: string | null, limit: number) => Promise<NativePage>;

interface CursorState {
  /** Native position of the page the item came from. */
  readonly p: string | null;
  /** Items of that page to skip. */
  readonly s: number;
}

/**
 * Turns native paging into per-room cursors, so `after` works from any edge, not only the last:
 * the last room of a page resumes at the page's `next` position, any other room at its own page's
 * position plus a skip count.
 */
export async function pageWithCursors(
  options: Pick<ListRoomsOptions, 'cursor' | 'limit'>,
  maxPageSize: number,
  fetchPage: FetchNativePage,
): Promise<RoomPage> {
  const state = options.cursor === null ? { p: null, s: 0 } : decodeCursor(options.cursor);
  const limit = Math.max(1, Math.min(options.limit, maxPageSize));
  const fetched = await fetchPage(state.p, Math.min(maxPageSize, limit + state.s));
  const taken = fetched.rooms.slice(state.s, state.s + limit);
  const edges = taken.map((room, offset) => {
    const index = state.s + offset;
    const isLastOfPage = index === fetched.rooms.length - 1;
    const resume: CursorState =
      isLastOfPage && fetched.next !== null
        ? { p: fetched.next, s: 0 }
        : { p: state.p, s: index + 1 };
    return { room, cursor: encodeCursor(resume) };
  });
  const moreInPage = state.s + taken.length < fetched.rooms.length;
  return { edges, hasNextPage: moreInPage || fetched.next !== null };
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): CursorState {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'p' in parsed &&
      's' in parsed &&
      (typeof parsed.p === 'string' || parsed.p === null) &&
      typeof parsed.s === 'number' &&
      Number.isInteger(parsed.s) &&
      parsed.s >= 0
    ) {
      return { p: parsed.p, s: parsed.s };
    }
  } catch {
    // fall through to the typed error below
  }
  throw new InputValidationError([{ path: ['after'], message: 'is not a cursor this API issued' }]);
}
