import { GraphQLError } from 'graphql';
import type { AppError } from '../../domain/errors.js';
import { listRoomsAcross } from '../../loaders/list-rooms-across.js';
import { builder } from '../builder.js';
import { RoomRef } from '../refs.js';
import { ErrorInterface, errorView } from './errors.js';

builder.queryFields((t) => ({
  rooms: t.connection(
    {
      type: RoomRef,
      description:
        'Rooms across provider accounts, in configuration order. A failing account does not fail the others: its error is in `errors` and the next page tries it again. Forward paging only.',
      args: {
        providerKeys: t.arg.stringList({
          description: 'Only these accounts (Provider.key); all of them when left out.',
        }),
      },
      resolve: async (_root, args, context) => {
        if (args.last != null || args.before != null) {
          throw new GraphQLError('rooms pages forward only: use first and after', {
            extensions: { code: 'BAD_USER_INPUT' },
          });
        }
        const first = args.first ?? 20;
        if (first < 1 || first > context.maxPageSize) {
          throw new GraphQLError(`first must be between 1 and ${context.maxPageSize}`, {
            extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
          });
        }
        const providers = args.providerKeys
          ? args.providerKeys.map((key) => context.registry.require(key))
          : context.registry.all();
        const page = await listRoomsAcross(providers, {
          cursor: args.after ?? null,
          limit: first,
          signal: context.signal,
        });
        for (const edge of page.edges) {
          context.loaders.prime(edge.room);
        }
        return {
          edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: edge.room })),
          errors: page.errors.map(errorView),
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: args.after != null,
            startCursor: page.edges[0]?.cursor ?? null,
            endCursor: page.edges.at(-1)?.cursor ?? null,
          },
        };
      },
    },
    {
      name: 'RoomsConnection',
      fields: (connection) => ({
        errors: connection.field({
          type: [ErrorInterface],
          description: 'One typed error per account whose rooms could not be listed for this page.',
          resolve: (parent) => (parent as unknown as { errors: AppError[] }).errors,
        }),
      }),
    },
  ),
}));
