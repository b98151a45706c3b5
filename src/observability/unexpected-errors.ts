import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { AppError } from '../domain/errors.js';

const UNEXPECTED_ERROR_MESSAGE = 'Unexpected error while executing a GraphQL operation';

/** The Relay plugin's own complaint about an id it cannot decode: the client's mistake. */
export function isInvalidGlobalId(cause: unknown): boolean {
  return cause instanceof Error && cause.message.startsWith('Invalid global ID');
}

/**
 * What went wrong behind an error a client is about to get, when nothing expected it: not a
 * typed error, not GraphQL's own validation or coercion, not a bad global id. Null otherwise.
 */
function unexpectedCause(error: unknown): unknown {
  const cause = error instanceof GraphQLError ? error.originalError : error;
  if (
    cause === undefined ||
    cause instanceof GraphQLError ||
    cause instanceof AppError ||
    isInvalidGlobalId(cause)
  ) {
    return null;
  }
  return cause;
}

/** Where an unexpected error goes: the request it came from, when known. */
export type ReportUnexpected = (message: string, cause: unknown, request: Request | null) => void;

/**
 * Reports each unexpected error once, with the request it came from where that is known.
 *
 * `plugin` reads each operation's result before Yoga masks it: its `onExecuteDone` runs ahead of
 * Yoga's masking, which comes after every user plugin, and the request is in the context.
 * `maskError` sees no request, so it calls `unlessReported` for what the plugin could not see:
 * an error outside execution.
 */
export function unexpectedErrorLog(report: ReportUnexpected): {
  readonly plugin: Plugin;
  readonly unlessReported: (error: unknown) => void;
} {
  // The same cause often stands behind many errors: a failed batch rejects each of its keys.
  const reported = new WeakSet<object>();
  function once(error: unknown, request: Request | null): void {
    const cause = unexpectedCause(error);
    if (cause === null) {
      return;
    }
    if (typeof cause === 'object') {
      if (reported.has(cause)) {
        return;
      }
      reported.add(cause);
    }
    report(UNEXPECTED_ERROR_MESSAGE, cause, request);
  }
  return {
    plugin: {
      onExecute({ args }) {
        const request = (args.contextValue as { request?: Request }).request ?? null;
        return {
          onExecuteDone({ result }) {
            if (Symbol.asyncIterator in result) {
              return;
            }
            for (const error of result.errors ?? []) {
              once(error, request);
            }
          },
        };
      },
    },
    unlessReported: (error) => once(error, null),
  };
}
