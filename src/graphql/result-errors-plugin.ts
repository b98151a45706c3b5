import SchemaBuilder, { BasePlugin, type SchemaTypes } from '@pothos/core';
import {
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  isObjectType,
} from 'graphql';
import type { Context } from '../context.js';

/** The interface every typed error of the schema implements (`types/errors.ts`). */
const ERROR_INTERFACE = 'Error';

/**
 * Tells the request of each typed error a client gets as data rather than in `errors`: a member
 * of a mutation's result union, or an entry of a listing's per-provider `errors`. Those never
 * reach the top-level errors list, so without this they would be missing from the operation's
 * metrics and access log line.
 *
 * It hooks type resolution: the executor resolves the concrete type of every union or
 * interface value exactly once, whoever raised the error (a resolver, input validation, a
 * scope check), and graphql-jit does the same. A value counts when the type it resolves to
 * implements `Error`. (Not `instanceof AppError`: the errors plugin hands resolution a proxy of
 * the error whose prototypes are proxies too, which `instanceof` does not see through.)
 */
export class ResultErrorsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolveType(
    resolveType: GraphQLTypeResolver<unknown, Types['Context']>,
  ): GraphQLTypeResolver<unknown, Types['Context']> {
    return (value, context, info, abstractType) => {
      const resolved = resolveType(value, context, info, abstractType);
      const report = (context as Partial<Context>).reportResultError;
      if (report) {
        if (typeof resolved === 'string') {
          reportIfError(resolved, value, info, report);
        } else if (resolved) {
          return resolved.then((name) => {
            reportIfError(name, value, info, report);
            return name;
          });
        }
      }
      return resolved;
    };
  }
}

function reportIfError(
  typeName: string | undefined,
  value: unknown,
  info: GraphQLResolveInfo,
  report: (code: string) => void,
): void {
  if (typeName === undefined || !isErrorType(info.schema, typeName)) {
    return;
  }
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string') {
    report(code);
  }
}

const errorTypes = new WeakMap<GraphQLSchema, Map<string, boolean>>();

/** Whether the named type implements `Error`, worked out once per schema and type. */
function isErrorType(schema: GraphQLSchema, typeName: string): boolean {
  let known = errorTypes.get(schema);
  if (!known) {
    known = new Map();
    errorTypes.set(schema, known);
  }
  let answer = known.get(typeName);
  if (answer === undefined) {
    const type = schema.getType(typeName);
    answer =
      isObjectType(type) &&
      type.getInterfaces().some((candidate) => candidate.name === ERROR_INTERFACE);
    known.set(typeName, answer);
  }
  return answer;
}

export const RESULT_ERRORS_PLUGIN = 'resultErrors';

SchemaBuilder.registerPlugin(RESULT_ERRORS_PLUGIN, ResultErrorsPlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      resultErrors: ResultErrorsPlugin<Types>;
    }
  }
}
