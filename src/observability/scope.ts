import { AsyncLocalStorage } from 'node:async_hooks';
import type { Span } from '@opentelemetry/api';
import type { UpstreamBudget } from '../http/upstream-budget.js';

/** One GraphQL operation of a request (a batch has several). */
export interface OperationRecord {
  readonly startedAt: number;
  type: string;
  /** The operation name as sent, checked against the GraphQL name rule; null when absent. */
  name: string | null;
  /** `extensions.code` of each error in the result. */
  readonly errorCodes: string[];
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
  /** The operation being executed, or null outside one (auth, parsing the body, the response). */
  readonly operation: OperationRecord | null;
}

/**
 * The request (and operation) that the code running now serves. Async context rather than an
 * argument, because the places that need it are far from Yoga: an upstream attempt deep in an
 * adapter, behind a DataLoader and a concurrency queue, and the `logError` callbacks. It also
 * follows a 100ms call, whose adapter joins the request's signal with its own deadline, where a
 * map keyed by the request's signal would lose it.
 */
const storage = new AsyncLocalStorage<Scope>();

export function currentScope(): Scope | undefined {
  return storage.getStore();
}

export function runInScope<T>(scope: Scope, task: () => T): T {
  return storage.run(scope, task);
}

/**
 * The allowance of the operation being executed. It follows the operation into every upstream
 * call through async context, however an adapter derives its signals or queues its calls.
 */
export function currentBudget(): UpstreamBudget | undefined {
  return storage.getStore()?.operation?.budget ?? undefined;
}
