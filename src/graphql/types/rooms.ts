import { GraphQLError } from 'graphql';
import type { AppError } from '../../domain/errors.js';
import { listRoomsAcross } from '../../loaders/list-rooms-across.js';
import { builder } from '../builder.js';
import { RoomRef } from '../refs.js';
import { forwardPageSize, roomConnection } from '../room-connection.js';
import { ErrorInterface, errorView } from './errors.js';

/** More distinct accounts than any deployment configures. */
const MAX_PROVIDER_KEYS = 50;

builder.queryFields((t) => ({
  rooms: t.connection(
    {
      type: RoomRef,
      description:
        'Rooms across provider accounts, in configuration order. A failing account does not fail the others: its error is in `errors`, and hasNextPage stays true with an endCursor (even on a page with no rooms) from which the next page tries it again where it stopped; accounts already read to the end are not read again. Forward paging only. Needs the rooms:read scope.',
      authScopes: { 'rooms:read': true },
      args: {
        providerKeys: t.arg.stringList({
          description: 'Only these accounts (Provider.key); all of them when left out.',
        }),
      },
      resolve: async (_root, args, context) => {
        const limit = forwardPageSize(args, context, 'rooms');
        // Each account once, in the order asked: a repeated key would list its rooms twice.
        const keys = args.providerKeys ? [...new Set(args.providerKeys)] : null;
        if (keys && keys.length > MAX_PROVIDER_KEYS) {
          throw new GraphQLError(`providerKeys accepts at most ${MAX_PROVIDER_KEYS} keys`, {
            extensions: { code: 'BAD_USER_INPUT', argument: 'providerKeys' },
          });
        }
        const providers = keys
          ? keys.map((key) => context.registry.require(key))
          : context.registry.all();
        const listed = listRoomsAcross(providers, {
          cursor: args.after ?? null,
          limit,
          context: context.call,
          cursorKey: context.registry.cursorKey,
        });
        // Lookups of these accounts' rooms in the same operation wait for this list.
        context.loaders.listing(
          providers.map((provider) => provider.key),
          listed.then((page) => page.edges.map((edge) => edge.room)),
        );
        const page = await listed;
        return { ...roomConnection(page, args, context), errors: page.errors.map(errorView) };
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
