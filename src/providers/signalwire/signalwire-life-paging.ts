import { z } from 'zod';
import { InputValidationError } from '../../domain/errors.js';
import type { CursorKey } from '../cursor-key.js';
import type { Page } from '../room-provider.js';
import type { SignalWireListPage, SignalWirePageRef } from './signalwire-client.js';

/** `page_size` is 1–1000 on every video list (`signalwire.md` §6). */
export const LIFE_MAX_PAGE_SIZE = 1000;

const pageRefSchema = z
  .object({
    pageToken: z.string().min(1),
    pageNumber: z.number().int().nonnegative().nullable(),
  })
  .nullable();

/** Where a listing resumes: the upstream page it was on, and how many of its items to skip. */
const listPositionSchema = z.object({ p: pageRefSchema, s: z.number().int().nonnegative() });
export type ListPosition = z.infer<typeof listPositionSchema>;

/**
 * Where a room's recordings resume: the page of its sessions (`p`), the session within it
 * (`i`), and the recordings of that session to skip (`s`).
 */
const recordingPositionSchema = z.object({
  p: pageRefSchema,
  i: z.number().int().nonnegative(),
  s: z.number().int().nonnegative(),
});
export type RecordingPosition = z.infer<typeof recordingPositionSchema>;

/**
 * Seals the cursors of one account's room-life listings, each scoped to its listing (a room's
 * sessions, a session's members, a room's recordings), so a cursor opens only where it was
 * issued and a page token reaches a path only if this deployment put it there.
 */
export class LifeCursors {
  constructor(
    private readonly key: CursorKey,
    private readonly account: string,
  ) {}

  seal(listing: string, state: ListPosition | RecordingPosition): string {
    return this.key.seal(this.#scope(listing), state);
  }

  openList(listing: string, cursor: string | null): ListPosition {
    return cursor === null ? { p: null, s: 0 } : this.#open(listing, cursor, listPositionSchema);
  }

  openRecordings(listing: string, cursor: string | null): RecordingPosition {
    return cursor === null
      ? { p: null, i: 0, s: 0 }
      : this.#open(listing, cursor, recordingPositionSchema);
  }

  #open<T>(listing: string, cursor: string, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(this.key.open(this.#scope(listing), cursor));
    if (!parsed.success) {
      throw new InputValidationError([
        { path: ['after'], message: 'is not a cursor this API issued' },
      ]);
    }
    return parsed.data;
  }

  #scope(listing: string): string {
    return `signalwire-life:${this.account}:${listing}`;
  }
}

/**
 * One page of a plain SignalWire list (sessions, members), in its own order, with a cursor per
 * item: the last item of an upstream page resumes at that page's `links.next`, any other at its
 * own page plus a skip count. Page tokens address a record, not a page number, so a fetch from a
 * page's start with another size still starts at the same place.
 */
export async function pageOfList<T, N>(
  cursors: LifeCursors,
  listing: string,
  options: { readonly cursor: string | null; readonly limit: number },
  fetch: (page: SignalWirePageRef | null, size: number) => Promise<SignalWireListPage<T>>,
  map: (item: T) => N,
): Promise<Page<N>> {
  let state = cursors.openList(listing, options.cursor);
  const limit = Math.max(1, Math.min(options.limit, LIFE_MAX_PAGE_SIZE));
  let fetched = await fetch(state.p, Math.min(LIFE_MAX_PAGE_SIZE, state.s + limit));
  // A cursor can point past the end of a page that shrank since (a record deleted between two
  // pages): go on from that page's end rather than answer an empty page with more to come.
  for (let hops = 0; state.s >= fetched.data.length && fetched.next && hops < 3; hops++) {
    state = { p: fetched.next, s: 0 };
    fetched = await fetch(state.p, limit);
  }
  const start = state;
  const page = fetched;
  const taken = page.data.slice(start.s, start.s + limit);
  const edges = taken.map((item, offset) => {
    const index = start.s + offset;
    const resume: ListPosition =
      index === page.data.length - 1 && page.next !== null
        ? { p: page.next, s: 0 }
        : { p: start.p, s: index + 1 };
    return { node: map(item), cursor: cursors.seal(listing, resume) };
  });
  const moreInPage = start.s + taken.length < page.data.length;
  // Without an edge there is no cursor to resume from: such a page is the last.
  return { edges, hasNextPage: edges.length > 0 && (moreInPage || page.next !== null) };
}
