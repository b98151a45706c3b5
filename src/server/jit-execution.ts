import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLError,
  type Source,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * graphql-jit in place of Yoga's interpreting executor, for the operations it is safe to hand
 * over: the same resolvers run, compiled into one function per operation, which in the bench
 * takes about a third off the CPU per request of a 20-room list. A document is compiled on its
 * first run and the result kept for as long as Yoga's parse cache keeps the parsed document; one
 * that graphql-jit cannot compile runs on the standard executor.
 *
 * Two differences from the standard executor are undone here, so clients see no change:
 * - When graphql-jit cannot coerce the variables, the standard executor runs the operation
 *   instead, so a bad variable gets the same message and the same HTTP 400 (graphql-jit words
 *   those errors its own way and reports them with status 200). Good variables are coerced
 *   once, by graphql-jit.
 * - graphql-jit's field errors carry `locations` but no source positions, and Yoga rebuilds
 *   every error from its AST nodes or source positions when it writes the response, which
 *   would drop them. They get source positions back from the document.
 */
export function useJitExecution(): Plugin {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  /** The compiled operation, or null when graphql-jit cannot compile it (then never retried). */
  function compiledFor(args: ExecutionArgs): CompiledQuery | null {
    let byOperation = compiled.get(args.document);
    if (!byOperation) {
      byOperation = new Map();
      compiled.set(args.document, byOperation);
    }
    const name = args.operationName ?? '';
    let entry = byOperation.get(name);
    if (entry === undefined) {
      const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
      entry = isCompiledQuery(result) ? result : null;
      byOperation.set(name, entry);
    }
    return entry;
  }

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const query = compiledFor(args);
      if (query) {
        setExecuteFn((run) => {
          const result = query.query(run.rootValue, run.contextValue, run.variableValues);
          // Variables graphql-jit could not coerce: a result with errors and no data at all,
          // which execution never gives. The standard executor says it its own way.
          if (!isPromise(result) && result.data === undefined && result.errors !== undefined) {
            return executeFn(run);
          }
          return result;
        });
      }
      const source = args.document.loc?.source;
      if (!query || !source) {
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if ('errors' in result && result.errors?.some(lacksPositions)) {
            const done = result as ExecutionResult;
            setResult({ ...done, errors: done.errors?.map((error) => placed(error, source)) });
          }
        },
      };
    },
  };
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function lacksPositions(error: GraphQLError): boolean {
  return error.nodes === undefined && error.positions === undefined && !!error.locations?.length;
}

/** The same error, with the source positions of its locations. */
function placed(error: GraphQLError, source: Source): GraphQLError {
  if (!lacksPositions(error)) {
    return error;
  }
  return new GraphQLError(error.message, {
    source,
    positions: (error.locations ?? []).map(({ line, column }) =>
      offsetOf(source.body, line, column),
    ),
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

/** Character offset of a 1-based line and column, with graphql-js's idea of a line break. */
function offsetOf(body: string, line: number, column: number): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let current = 1; current < line; current++) {
    const match = lineBreak.exec(body);
    if (!match) {
      break;
    }
    lineStart = match.index + match[0].length;
  }
  return lineStart + column - 1;
}
