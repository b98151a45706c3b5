import type { Span } from '@opentelemetry/api';
import type { UpstreamBudget } from '../http/upstream-budget.js';

/** One GraphQL operation of a request. */
export interface OperationRecord {
  readonly startedAt: number;
  type: string;
  /** The operation name as sent, checked against the GraphQL name rule; null when absent. */
  name: string | null;
  /** `extensions.code` of each error in the result. */
  readonly errorCodes: string[];
  /** The code of each typed error returned as data (a result union member, a listing's errors). */
  readonly resultErrorCodes: string[];
  readonly span: Span | null;
  /** What is left of the operation's allowance of upstream calls. */
  readonly budget: UpstreamBudget | null;
}

/** What is known about the HTTP request being served. */
export interface RequestRecord {
  readonly requestId: string;
  readonly startedAt: number;
  readonly operations: OperationRecord[];
}

export interface Scope {
  readonly request: RequestRecord;
  /**
   * The request's operation once it has started (it stays after it ends, so a late upstream
   * attempt still finds its span). Yoga's batching is off, so a request runs one operation.
   */
  operation: OperationRecord | null;
}

/**
 * The scope of each request being served, found by the request's AbortSignal. That signal is
 * what every upstream call of the request already carries (loaders, resolvers and adapters
 * hand it down unchanged), so the upstream client and its observer find the request's budget,
 * span and id by it, with no async context: AsyncLocalStorage's promise hooks cost every
 * promise of every request (measured: 15-30 % of the fan-outs' throughput).
 */
const scopes = new WeakMap<AbortSignal, Scope>();

/** Opens the scope of a request; it lives as long as the request's signal. */
export function openScope(signal: AbortSignal, request: RequestRecord): Scope {
  const scope: Scope = { request, operation: null };
  scopes.set(signal, scope);
  return scope;
}

export function scopeOf(signal: AbortSignal | undefined): Scope | undefined {
  return signal === undefined ? undefined : scopes.get(signal);
}

/** The id of the request whose signal this is, for a log line written far from Yoga. */
export function requestIdOf(signal: AbortSignal | undefined): string | undefined {
  return scopeOf(signal)?.request.requestId;
}

/** Counts typed errors returned as data against the operation of the request with this signal. */
export function resultErrorReporter(signal: AbortSignal): (code: string) => void {
  return (code) => {
    scopes.get(signal)?.operation?.resultErrorCodes.push(code);
  };
}

/** The allowance of the operation an upstream call made with this signal serves. */
export function budgetOf(signal: AbortSignal | undefined): UpstreamBudget | undefined {
  return scopeOf(signal)?.operation?.budget ?? undefined;
}
