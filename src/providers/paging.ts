import { InputValidationError } from '../domain/errors.js';
import type { Room } from '../domain/room.js';
import { CursorKey } from './cursor-key.js';
import type { ListRoomsOptions, RoomEdge, RoomPage } from './room-provider.js';

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

/** Which account's listing a cursor belongs to, and the key that seals it: the adapter's options. */
export interface CursorAccount {
  /** The account key: a cursor of one account does not open at another. */
  readonly key: string;
  /** The deployment's key (`BaseProviderOptions.cursorKey`); this process's own when absent. */
  readonly cursorKey?: CursorKey;
}

/** For adapters built without a deployment key (unit tests, tools): valid in this process only. */
const PROCESS_KEY = CursorKey.ephemeral();

/**
 * Turns native paging into per-room cursors, so `after` works from any edge, not only the last:
 * the last room of a page resumes at the page's `next` position, any other room at its own page's
 * position plus a skip count. Cursors are sealed (`cursor-key.ts`), so a position reaches
 * `fetchPage` only if this deployment issued it for this account; a native position must still
 * never be a path or URL, since the adapter turns it into a call with the account's credentials.
 */
export async function pageWithCursors(
  options: Pick<ListRoomsOptions, 'cursor' | 'limit'> & { readonly account: CursorAccount },
  maxPageSize: number,
  fetchPage: FetchNativePage,
): Promise<RoomPage> {
  const key = options.account.cursorKey ?? PROCESS_KEY;
  const scope = `rooms:${options.account.key}`;
  const state =
    options.cursor === null ? { p: null, s: 0 } : decodeCursor(key, scope, options.cursor);
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
    return new SealedEdge(room, key, scope, resume);
  });
  const moreInPage = state.s + taken.length < fetched.rooms.length;
  return { edges, hasNextPage: moreInPage || fetched.next !== null };
}

function decodeCursor(key: CursorKey, scope: string, cursor: string): CursorState {
  const parsed = key.open(scope, cursor);
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
  throw new InputValidationError([{ path: ['after'], message: 'is not a cursor this API issued' }]);
}

/**
 * An edge whose cursor is sealed when read: an HMAC per edge is measurable on a list page
 * (`npm run bench`, list20), and most queries select no cursor but the last.
 */
class SealedEdge implements RoomEdge {
  #cursor: string | null = null;

  constructor(
    readonly room: Room,
    private readonly key: CursorKey,
    private readonly scope: string,
    private readonly resume: CursorState,
  ) {}

  get cursor(): string {
    this.#cursor ??= this.key.seal(this.scope, this.resume);
    return this.#cursor;
  }
}
