import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { type AuthFailure, AuthScopeFailureType } from '@pothos/plugin-scope-auth';
import ZodPlugin from '@pothos/plugin-zod';
import { CLIENT_SCOPES, type ClientScope } from '../config.js';
import type { Context } from '../context.js';
import { InputValidationError } from '../domain/errors.js';
import { resolveNode, resolveNodes } from './resolve-node.js';
import { RESULT_ERRORS_PLUGIN } from './result-errors-plugin.js';
import { ForbiddenError } from './types/forbidden-error.js';

/** The scope names a failed check asked for, for a message that says what is missing. */
function missingScopes(failure: AuthFailure): string[] {
  if (failure.kind === AuthScopeFailureType.AuthScope) {
    return [failure.scope];
  }
  if (
    failure.kind === AuthScopeFailureType.AnyAuthScopes ||
    failure.kind === AuthScopeFailureType.AllAuthScopes
  ) {
    return [...new Set(failure.failures.flatMap(missingScopes))];
  }
  return [];
}

/**
 * The one SchemaBuilder. It defines no types; `types/*.ts` do, and `schema.ts` imports them.
 * Plugin order matters (the first plugin wraps the others):
 * - relay before scope-auth, as the scope-auth docs advise, so checks see decoded global ids;
 * - errors around scope-auth, so a missing scope on a mutation becomes a typed `ForbiddenError`
 *   in its result union;
 * - scope-auth around validation, so a client without the scope learns nothing from input
 *   checks (the errors plugin's `unsafelyHandleInputErrors` would otherwise answer them first);
 * - errors around validation, so a failed check becomes a typed `InputValidationError` in the
 *   result union instead of a masked "Unexpected error.";
 * - result errors (ours) only wraps type resolution, so its place does not matter.
 */
export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  AuthScopes: Record<ClientScope, boolean>;
}>({
  plugins: [RelayPlugin, ErrorsPlugin, ScopeAuthPlugin, ZodPlugin, RESULT_ERRORS_PLUGIN],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: {
      description:
        'Fetches any Provider or Room by its global id; null when it does not exist. Needs the rooms:read scope.',
      authScopes: { 'rooms:read': true },
      resolve: (_root, args, context) => resolveNode(args.id, context),
    },
    nodesQueryOptions: {
      description:
        'Fetches Providers and Rooms by global id, batched per provider; null for each that does not exist. A failure is reported at its own index. Needs the rooms:read scope.',
      authScopes: { 'rooms:read': true },
      resolve: (_root, args, context) => resolveNodes(args.ids, context),
    },
  },
  scopeAuth: {
    // The client was authenticated before execution; its scopes are plain facts of the request.
    authScopes: (context) =>
      Object.fromEntries(
        CLIENT_SCOPES.map((scope) => [scope, context.client.scopes.has(scope)]),
      ) as Record<ClientScope, boolean>,
    unauthorizedError: (_parent, _context, _info, result) =>
      new ForbiddenError(missingScopes(result.failure)),
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
builder.subscriptionType({});
