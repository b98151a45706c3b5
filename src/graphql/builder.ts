import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ZodPlugin from '@pothos/plugin-zod';
import type { Context } from '../context.js';
import { InputValidationError } from '../domain/errors.js';
import { resolveNode, resolveNodes } from './resolve-node.js';

/**
 * The one SchemaBuilder. It defines no types; `types/*.ts` do, and `schema.ts` imports them.
 * Plugin order matters: errors must wrap validation so a failed check becomes a typed
 * `InputValidationError` in the result union instead of a masked "Unexpected error.".
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  plugins: [RelayPlugin, ErrorsPlugin, ZodPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: {
      description: 'Fetches any Provider or Room by its global id; null when it does not exist.',
      resolve: (_root, args, context) => resolveNode(args.id, context),
    },
    nodesQueryOptions: {
      description:
        'Fetches Providers and Rooms by global id, batched per provider; null for each that does not exist. A failure is reported at its own index.',
      resolve: (_root, args, context) => resolveNodes(args.ids, context),
    },
  },
  errors: {
    // Validation runs before the resolver; let the errors plugin turn its failure into a result.
    unsafelyHandleInputErrors: true,
  },
  zod: {
    validationError: (zodError) =>
      new InputValidationError(
        zodError.issues.map((issue) => ({
          path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
          message: issue.message,
        })),
      ),
  },
});

builder.queryType({});
builder.mutationType({});
