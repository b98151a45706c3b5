import { InputValidationError } from '../../domain/errors.js';
import { CursorKey } from '../cursor-key.js';
import type { Page } from '../room-provider.js';

/** One upstream page of a walk: its items in order, and the `start` of the next (null at its end). */
export interface WalkPage<T> {
  readonly items: readonly T[];
  readonly next: string | null;
}

/** Fetches up to `limit` items of walk `walk` after `start` (null: from its beginning). */
export type FetchWalkPage<T> = (
  walk: number,
  start: string | null,
  limit: number,
) => Promise<WalkPage<T>>;

/** Where a listing stands: which walk, the `start` of the upstream page, items of it to skip. */
interface Position {
  readonly w: number;
  readonly s: string | null;
  readonly k: number;
}

/** For adapters built without a deployment key (unit tests, tools): valid in this process only. */
const PROCESS_KEY = CursorKey.ephemeral();

export interface WalkOptions<T> {
  /** The cursor of an edge of an earlier page, or null for the first page. */
  readonly cursor: string | null;
  readonly limit: number;
  /** What the cursors are for: one listing of one account and one room or session. */
  readonly scope: string;
  /** The deployment's key; this process's own when absent. */
  readonly key: CursorKey | undefined;
  /** How many walks follow one another (live sessions, then past ones). */
  readonly walks: number;
  /** Most items one upstream page holds. */
  readonly maxPage: number;
  readonly fetch: FetchWalkPage<T>;
}

/**
 * One page of a listing made of walks through 100ms's `start`/`last` paging, one after another,
 * with a sealed cursor per item that resumes right after it: the last item of an upstream page
 * resumes at that page's `last` (or the next walk), any other at its page's `start` plus a skip.
 * A page that ends one walk is filled from the next.
 */
export async function pageAcrossWalks<T>(options: WalkOptions<T>): Promise<Page<T>> {
  const key = options.key ?? PROCESS_KEY;
  const limit = Math.max(1, Math.min(options.limit, options.maxPage));
  let at: Position =
    options.cursor === null
      ? { w: 0, s: null, k: 0 }
      : openPosition(key, options.scope, options.cursor, options.walks);
  const edges: { node: T; cursor: string }[] = [];
  while (at.w < options.walks) {
    const need = limit - edges.length;
    const here = at;
    const page = await options.fetch(here.w, here.s, Math.min(options.maxPage, need + here.k));
    // An empty page ends its walk, whatever `last` says: nothing to resume after.
    const next = page.items.length > 0 ? page.next : null;
    const after: Position =
      next !== null ? { w: here.w, s: next, k: 0 } : { w: here.w + 1, s: null, k: 0 };
    const rest = page.items.slice(here.k);
    const taken = rest.slice(0, need);
    taken.forEach((node, offset) => {
      const index = here.k + offset;
      const resume = index === page.items.length - 1 ? after : { ...here, k: index + 1 };
      edges.push({ node, cursor: key.seal(options.scope, resume) });
    });
    if (taken.length < rest.length) {
      return { edges, hasNextPage: true };
    }
    at = after;
    if (edges.length >= limit) {
      return { edges, hasNextPage: at.w < options.walks };
    }
  }
  return { edges, hasNextPage: false };
}

function openPosition(key: CursorKey, scope: string, cursor: string, walks: number): Position {
  const state = key.open(scope, cursor);
  if (
    typeof state === 'object' &&
    state !== null &&
    'w' in state &&
    's' in state &&
    'k' in state &&
    Number.isInteger(state.w) &&
    (state.w as number) >= 0 &&
    (state.w as number) <= walks &&
    (state.s === null || typeof state.s === 'string') &&
    Number.isInteger(state.k) &&
    (state.k as number) >= 0
  ) {
    return { w: state.w as number, s: state.s as string | null, k: state.k as number };
  }
  throw new InputValidationError([{ path: ['after'], message: 'is not a cursor this API issued' }]);
}
