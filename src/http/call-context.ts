import type { Span } from '@opentelemetry/api';
import { CallAllowance } from './call-allowance.js';

/**
 * What every upstream call carries from the GraphQL operation it serves. It is handed down
 * explicitly: the GraphQL context holds it, loaders and resolvers pass it to the adapter, the
 * adapter to its client, the client to its observer. Nothing is looked up on the side, so a
 * wrapper around any of these (a signal of its own, a proxy) cannot lose it.
 */
export interface CallContext {
  /**
   * Aborts when the client goes away. A read stops then; a write that may already have reached
   * the provider is finished, so its outcome is known (and recorded under an idempotency key).
   */
  readonly signal: AbortSignal | undefined;
  /**
   * Epoch milliseconds by which the whole operation must be answered (`OPERATION_TIMEOUT_MS`):
   * no upstream call runs past it, and one that would start after it fails at once.
   */
  readonly deadlineAt: number;
  /** The operation's allowance of upstream calls; null for no cap. */
  readonly allowance: CallAllowance | null;
  /** The id of the HTTP request, for the log lines written about its calls. */
  readonly requestId: string | undefined;
  /** The operation's span, parent of each upstream call's span; null when tracing is off. */
  readonly span: Span | null;
}

export interface CallContextOptions {
  readonly signal?: AbortSignal;
  /** The operation's deadline, in milliseconds from now; none when absent. */
  readonly timeoutMs?: number;
  /** Upstream calls the operation may make; no cap when absent. */
  readonly maxCalls?: number;
  readonly requestId?: string;
  readonly span?: Span | null;
  readonly now?: () => number;
}

/** The context of one GraphQL operation, or of work outside one (a test, a background task). */
export function createCallContext(options: CallContextOptions = {}): CallContext {
  const now = options.now ?? Date.now;
  return {
    signal: options.signal,
    deadlineAt:
      options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : now() + options.timeoutMs,
    allowance: options.maxCalls === undefined ? null : new CallAllowance(options.maxCalls),
    requestId: options.requestId,
    span: options.span ?? null,
  };
}
