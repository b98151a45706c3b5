import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import type { Room } from '../domain/room.js';

/** Rooms per page when the client gives no `first`; the cost limit prices it the same way. */
export const DEFAULT_PAGE_SIZE = 20;

interface ConnectionArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/**
 * Checks a room connection's paging arguments and returns the page size. Provider paging only
 * goes forward, so `last`/`before` are refused rather than ignored.
 */
export function forwardPageSize(args: ConnectionArgs, context: Context, field: string): number {
  if (args.last != null || args.before != null) {
    throw new GraphQLError(`${field} pages forward only: use first and after`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (first < 1 || first > context.maxPageSize) {
    throw new GraphQLError(`first must be between 1 and ${context.maxPageSize}`, {
      extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
    });
  }
  return first;
}

/**
 * Primes the loader with the page's rooms and shapes it as a Relay connection. `endCursor` is
 * the last edge's cursor unless the page names its own (a cross-account page whose accounts
 * all failed still has somewhere to resume from).
 */
export function roomConnection(
  page: {
    edges: readonly { room: Room; cursor: string }[];
    hasNextPage: boolean;
    endCursor?: string | null;
  },
  args: ConnectionArgs,
  context: Context,
) {
  for (const edge of page.edges) {
    context.loaders.prime(edge.room);
  }
  return {
    // The cursor is read only if the query selects it (adapters seal it when read).
    edges: page.edges.map((edge) => ({
      node: edge.room,
      get cursor() {
        return edge.cursor;
      },
    })),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: args.after != null,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor:
        page.endCursor !== undefined ? page.endCursor : (page.edges.at(-1)?.cursor ?? null),
    },
  };
}

/** Shapes an adapter's page of sessions, participants or recordings as a Relay connection. */
export function pageConnection<T>(
  page: { edges: readonly { node: T; cursor: string }[]; hasNextPage: boolean },
  args: ConnectionArgs,
) {
  return {
    edges: page.edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: args.after != null,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor: page.edges.at(-1)?.cursor ?? null,
    },
  };
}
