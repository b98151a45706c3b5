import { AppError, InputValidationError, ProviderError } from '../domain/errors.js';
import type { Room } from '../domain/room.js';
import type { CallContext } from '../http/call-context.js';
import type { CursorKey } from '../providers/cursor-key.js';
import type { RoomProvider } from '../providers/room-provider.js';

/** Where each account's listing stands: its adapter cursor, null at the start, or done. */
type Positions = Record<string, string | null | { done: true }>;

export interface AcrossEdge {
  readonly room: Room;
  readonly cursor: string;
}

export interface AcrossPage {
  readonly edges: readonly AcrossEdge[];
  /** True while any account has rooms left unread, a failed account included. */
  readonly hasNextPage: boolean;
  /**
   * Resumes right after this page: the last edge's cursor, or, on a page with no rooms whose
   * accounts failed, the position the page started from, so the client can ask again. Null
   * only when nothing is left.
   */
  readonly endCursor: string | null;
  /** One error per account whose page failed; its rooms are missing from this page only. */
  readonly errors: readonly AppError[];
}

/**
 * One page of rooms across several accounts. Every account still listing is asked for a page at
 * once, and the answers are joined in configuration order up to `limit`. The cursor records each
 * account's own position after the last room taken from it, so rooms fetched but not taken are
 * fetched again on the next page, never skipped; a failed account keeps the position it had, so
 * the next page tries it again from there, and an account already read to its end is not read
 * again. Per-account cursors are the adapters' own, carried as opaque strings.
 *
 * The cursor is sealed with `cursorKey` (the registry's), so a client can neither mark an account
 * as read to its end nor move its position: only cursors this deployment issued resume.
 */
export async function listRoomsAcross(
  providers: readonly RoomProvider[],
  options: { cursor: string | null; limit: number; context?: CallContext; cursorKey: CursorKey },
): Promise<AcrossPage> {
  const seal = (positions: Positions) => options.cursorKey.seal(ACROSS_SCOPE, positions);
  const start: Positions =
    options.cursor === null ? {} : decodePositions(options.cursorKey, options.cursor);
  const active = providers.filter((provider) => !isDone(start[provider.key]));
  const settled = await Promise.all(
    active.map(async (provider) => {
      try {
        const cursor = start[provider.key];
        const page = await provider.listRooms({
          cursor: typeof cursor === 'string' ? cursor : null,
          limit: options.limit,
          context: options.context,
        });
        return { provider, page, error: null };
      } catch (error) {
        if (error instanceof InputValidationError) {
          // The account refused the cursor it was handed, which came from the client's `after`:
          // the client's mistake, and asking again would fail again.
          throw error;
        }
        return { provider, page: null, error: asAppError(error, provider.key) };
      }
    }),
  );

  const positions: Positions = { ...start };
  const edges: AcrossEdge[] = [];
  const errors: AppError[] = [];
  let moreToCome = false;
  for (const { provider, page, error } of settled) {
    if (error || !page) {
      if (error) {
        errors.push(error);
      }
      // Its position stays where this page found it: it is read again from there.
      moreToCome = true;
      continue;
    }
    const room = options.limit - edges.length;
    const taken = page.edges.slice(0, Math.max(0, room));
    const before: Positions = { ...positions };
    for (const edge of taken) {
      // Each edge resumes from the other accounts' positions as they were and its own; sealed
      // (with its account's cursor) only if its cursor is read.
      let sealed: string | null = null;
      edges.push({
        room: edge.room,
        get cursor() {
          sealed ??= seal({ ...before, [provider.key]: edge.cursor });
          return sealed;
        },
      });
    }
    const lastTaken = taken.at(-1);
    if (lastTaken) {
      positions[provider.key] = lastTaken.cursor;
    }
    if (taken.length === page.edges.length && !page.hasNextPage) {
      positions[provider.key] = { done: true };
    } else {
      moreToCome = true;
    }
  }
  // Nothing was taken after the last edge, so what this page learnt later (accounts it read to
  // the end) holds right after that edge too; resuming from it skips those accounts.
  const after = seal(positions);
  const last = edges.at(-1);
  if (last) {
    edges[edges.length - 1] = { room: last.room, cursor: after };
  }
  return {
    edges,
    hasNextPage: moreToCome,
    endCursor: last || moreToCome ? after : null,
    errors,
  };
}

function isDone(position: Positions[string] | undefined): boolean {
  return typeof position === 'object' && position !== null;
}

function asAppError(error: unknown, provider: string): AppError {
  if (error instanceof AppError) {
    return error;
  }
  return new ProviderError(`Listing rooms at ${provider} failed`, {
    provider,
    operation: 'listRooms',
    cause: error,
  });
}

/** Cursors of this listing open only here, not as an account's own (`rooms:<key>`). */
const ACROSS_SCOPE = 'rooms-across';

function decodePositions(key: CursorKey, cursor: string): Positions {
  const parsed = key.open(ACROSS_SCOPE, cursor);
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const entries = Object.entries(parsed);
    if (
      entries.every(
        ([, value]) =>
          value === null ||
          typeof value === 'string' ||
          (typeof value === 'object' && value?.done === true),
      )
    ) {
      return Object.fromEntries(entries) as Positions;
    }
  }
  throw new InputValidationError([{ path: ['after'], message: 'is not a cursor this API issued' }]);
}
