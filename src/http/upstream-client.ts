import { type Dispatcher, errors as undiciErrors } from 'undici';
import type { z } from 'zod';
import {
  ProviderError,
  ProviderResponseError,
  ProviderUnavailableError,
  providerErrorFromStatus,
} from '../domain/errors.js';
import { type AbortWatcher, unwatchAbort, watchAbort } from './abort-fanout.js';
import { CallDeadline, type DeadlineWatcher } from './call-deadline.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { exchange, type HttpResponse, ResponseTooLargeError } from './http-exchange.js';
import { describeRoute, redact } from './redact.js';
import { parseRetryAfter } from './retry-after.js';
import type { UpstreamBudget } from './upstream-budget.js';
import { type UpstreamObserver, upstreamOutcome } from './upstream-observer.js';
import { type RetryContext, type RetryPolicy, withRetry } from './with-retry.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a provider's `-errors.ts` reads from a failed response. */
export interface UpstreamFailure {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly bodyText: string;
}

/** The safe parts of an error body: a message for clients and the provider's code. */
export interface ParsedErrorBody {
  readonly message: string;
  readonly providerCode: string | null;
}

export interface UpstreamClientOptions {
  /** Account key, carried by every error. */
  readonly provider: string;
  /** Origin plus any base path, e.g. `https://acme.signalwire.com/api/video`. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  /** Headers for every call (auth); a function so tokens can be renewed. */
  readonly headers: () => Record<string, string> | Promise<Record<string, string>>;
  /** The provider's error-body reader. */
  readonly parseError: (failure: UpstreamFailure) => ParsedErrorBody;
  /** Overall deadline of one call, retries included, in milliseconds. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Header carrying the provider's request id, if it has one. */
  readonly requestIdHeader?: string;
  readonly now?: () => number;
  /** Most calls in flight to this account at once; the rest queue. Default 8. */
  readonly maxInFlight?: number;
  /**
   * Failures in a row (5xx, timeouts, connection failures) that open this account's circuit
   * breaker, after which calls fail fast with `CIRCUIT_OPEN`. Default 5.
   */
  readonly circuitFailureThreshold?: number;
  /** How long an open circuit fails fast before one probe goes through, in ms. Default 10 000. */
  readonly circuitOpenMs?: number;
  /**
   * Lets identical GETs in flight at the same time share one upstream call. Safe within one
   * account (same credentials), and any write through this client ends the sharing of reads
   * that began before it, so a request still reads its own writes. Default true.
   */
  readonly shareInflightGets?: boolean;
  /** Metrics, traces and logs of this account's calls; never given secrets. */
  readonly observer?: UpstreamObserver;
  /**
   * The allowance of upstream calls of the GraphQL operation a call serves, found by the call's
   * signal (the request's), if any: each call takes one, and a call past it fails with
   * UpstreamCallLimitError before any HTTP.
   */
  readonly budget?: (signal: AbortSignal | undefined) => UpstreamBudget | undefined;
  /** Called once per HTTP attempt, for metrics and tests. Never given secrets. */
  readonly onAttempt?: (event: {
    route: string;
    status: number | null;
    durationMs: number;
  }) => void;
}

export interface UpstreamCall<T> {
  readonly method: HttpMethod;
  /** Path below `baseUrl`, starting with `/`, with any query already encoded. */
  readonly path: string;
  readonly body?: unknown;
  /** Checks the 2xx body; null when no body is expected (204). */
  readonly schema: z.ZodType<T> | null;
  /** For error messages: the operation being served, e.g. `createRoom`. */
  readonly operation: string;
  readonly signal?: AbortSignal;
  /**
   * A deadline the caller already runs this call under, to share it with other calls (the
   * 100ms client's retry with a fresh token). It replaces `signal` and the client's own
   * deadline, and the caller ends it. One call at a time: a deadline has one watcher.
   */
  readonly deadline?: CallDeadline;
  /** A write that is safe to repeat (an upsert), citing the fact sheet at the call site. */
  readonly idempotent?: boolean;
  readonly extraHeaders?: Record<string, string>;
}

export interface UpstreamClient {
  readonly provider: string;
  send<T>(call: UpstreamCall<T>): Promise<T>;
}

/**
 * The largest upstream response body read. Provider answers here are a room, a page of at most
 * 100 rooms, or a token list: kilobytes. The cap keeps a broken or hostile upstream from filling
 * the heap, since bodies are read whole.
 */
export const MAX_RESPONSE_BYTES = 8 * 1_048_576;

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const now = options.now ?? Date.now;
  const limit = new ConcurrencyLimit(options.maxInFlight ?? 8);
  const breaker = new CircuitBreaker({
    provider: options.provider,
    failureThreshold: options.circuitFailureThreshold,
    openMs: options.circuitOpenMs,
    now,
    onStateChange: (from, to) =>
      options.observer?.circuitChanged?.({ account: options.provider, from, to }),
  });
  const sharing = options.shareInflightGets ?? true;
  /** What the error of a caller that stops waiting names: built once, not per call. */
  const account: AccountDetails = { provider: options.provider, timeoutMs: options.timeoutMs };
  /** GETs in flight, by path and response schema. */
  const inflight = new Map<string, Promise<unknown>>();
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/$/, '');

  /** Sends one HTTP attempt and reads its answer into T or a typed error. */
  async function attempt<T>(call: UpstreamCall<T>, deadline: CallDeadline): Promise<T> {
    const details = { provider: options.provider, operation: call.operation };
    const auth = options.headers();
    const headers = withDefaults(auth instanceof Promise ? await auth : auth, call);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const started = now();
    let response: HttpResponse;
    try {
      response = await exchange(
        options.dispatcher,
        {
          origin,
          path: basePath + call.path,
          method: call.method,
          headers,
          body,
          maxResponseBytes: MAX_RESPONSE_BYTES,
        },
        deadline,
      );
    } catch (error) {
      const typed =
        error instanceof ResponseTooLargeError
          ? new ProviderResponseError(
              `Provider ${options.provider} returned a body larger than ${MAX_RESPONSE_BYTES / 1_048_576} MB`,
              { ...details, cause: error },
            )
          : connectionError(error, deadline, details, options.timeoutMs);
      report(call, started, null, typed);
      throw typed;
    }
    const status = response.status;
    if (status >= 200 && status < 300) {
      let result: T;
      try {
        result = parseBody(call, response.text, details);
      } catch (error) {
        report(call, started, status, error);
        throw error;
      }
      report(call, started, status, null);
      return result;
    }
    const parsed = safeParseError(options.parseError, {
      status,
      headers: response.headers,
      bodyText: response.text,
    });
    const requestIdHeader = options.requestIdHeader;
    const requestId = requestIdHeader ? headerValue(response.headers[requestIdHeader]) : null;
    const failure = providerErrorFromStatus(status, redact(parsed.message), {
      ...details,
      providerCode: parsed.providerCode,
      requestId,
      retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), now()),
    });
    report(call, started, status, failure);
    throw failure;
  }

  /** Reports an attempt once, however it ended, with the typed error it ended with (if any). */
  function report(
    call: UpstreamCall<unknown>,
    started: number,
    status: number | null,
    error: unknown,
  ): void {
    const durationMs = now() - started;
    const route = describeRoute(call.method, call.path);
    options.onAttempt?.({ route, status, durationMs });
    const errorCode = error === null ? null : errorCodeOf(error);
    options.observer?.attemptFinished?.({
      account: options.provider,
      operation: call.operation,
      method: call.method,
      path: route.slice(call.method.length + 1),
      status,
      outcome: upstreamOutcome(status, errorCode),
      startedAt: started,
      durationMs,
      errorCode,
      signal: call.signal,
    });
  }

  /** The last fixed headers, and the GET headers built from them. */
  let lastAuth: Record<string, string> | null = null;
  let lastHeaders: Record<string, string> = {};

  /** The headers of one attempt: the client's, the call's, and the JSON ones. */
  function withDefaults(auth: Record<string, string>, call: UpstreamCall<unknown>) {
    if (call.extraHeaders === undefined && call.body === undefined) {
      // Most calls are GETs with the account's fixed headers: build those once.
      if (auth !== lastAuth) {
        lastAuth = auth;
        lastHeaders = { accept: 'application/json', ...auth };
      }
      return lastHeaders;
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...auth,
      ...call.extraHeaders,
    };
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    return headers;
  }
  /**
   * One attempt through the account's circuit breaker and concurrency limit. A call that finds
   * the circuit closed and a slot free goes straight out; only a full account makes it wait.
   */
  async function once<T>(call: UpstreamCall<T>, deadline: CallDeadline): Promise<T> {
    const ticket = breaker.admit(call.operation);
    if (!limit.tryAcquire()) {
      try {
        await limit.acquire(deadline);
      } catch (error) {
        breaker.abandon(ticket);
        throw error;
      }
      try {
        // The circuit may have opened while this call waited: then it sends nothing.
        breaker.confirm(ticket, call.operation);
      } catch (error) {
        limit.release();
        breaker.abandon(ticket);
        throw error;
      }
    }
    try {
      const result = await attempt(call, deadline);
      breaker.record(ticket, null);
      return result;
    } catch (error) {
      // Recorded before the slot is freed, so the next call in the queue sees the new state.
      breaker.record(ticket, error);
      throw error;
    } finally {
      limit.release();
    }
  }

  /**
   * Runs one call to the end, retries included, under the caller's deadline or one of its own
   * that ends with it.
   */
  async function run<T>(
    call: UpstreamCall<T>,
    given: CallDeadline | undefined,
    callerSignal: AbortSignal | undefined,
  ): Promise<T> {
    const deadline = given ?? new CallDeadline(options.timeoutMs, callerSignal);
    // No retry starts after this (a deadline given by the caller started a little earlier).
    const deadlineAt = now() + options.timeoutMs;
    try {
      try {
        return await once(call, deadline);
      } catch (firstFailure) {
        return await withRetry(
          () => once(call, deadline),
          retryContext(call, deadline, deadlineAt),
          firstFailure,
        );
      }
    } catch (error) {
      // Aborted while queued for a slot: the same typed error as an abort in flight.
      throw connectionError(
        error,
        deadline,
        { provider: options.provider, operation: call.operation },
        options.timeoutMs,
      );
    } finally {
      if (deadline !== given) {
        deadline.end();
      }
    }
  }

  function retryContext(
    call: UpstreamCall<unknown>,
    deadline: CallDeadline,
    deadlineAt: number,
  ): RetryContext {
    const observer = options.observer;
    return {
      policy: options.retry,
      safe: call.method === 'GET' || call.idempotent === true,
      // Only a retry's backoff looks at the signal: the AbortController is made for it alone.
      get signal() {
        return deadline.signal;
      },
      deadlineAt,
      now,
      onRetry: observer?.retried
        ? (error, attempt, delayMs) =>
            observer.retried?.({
              account: options.provider,
              operation: call.operation,
              method: call.method,
              attempt,
              delayMs,
              errorCode: errorCodeOf(error),
              signal: call.signal,
            })
        : undefined,
    };
  }

  /** A write ends the sharing of reads that began before it (and during it). */
  async function write<T>(call: UpstreamCall<T>): Promise<T> {
    inflight.clear();
    try {
      return await run(call, call.deadline, call.signal);
    } finally {
      inflight.clear();
    }
  }

  function forgetShared(key: string, started: Promise<unknown>): void {
    if (inflight.get(key) === started) {
      inflight.delete(key);
    }
  }

  /** Takes one call from the operation's allowance; throws past it. */
  function takeAllowance(call: UpstreamCall<unknown>): void {
    options.budget?.(call.signal)?.take();
  }

  /** Takes from the allowance only for a GET it starts: joining one in flight costs nothing. */
  function shared<T>(call: UpstreamCall<T>): Promise<T> {
    const ending = call.deadline ?? call.signal;
    if (ending?.aborted) {
      // A caller that has already gone starts nothing, shared or not.
      return Promise.reject(abortedWaiting(ending, account, call.operation));
    }
    const key = `${call.path}\u0000${schemaId(call.schema)}`;
    let pending = inflight.get(key) as Promise<T> | undefined;
    if (!pending) {
      takeAllowance(call);
      // The shared call answers to its own deadline only: one caller going away must not
      // cancel it for the others.
      const started = run(call, undefined, undefined);
      // Also handles its failure, which every caller may have stopped waiting for. Callbacks
      // written inline: tsx compiles with esbuild's keepNames, which names every closure bound to
      // a name with a defineProperty call, each time one is made.
      started.then(
        () => forgetShared(key, started),
        () => forgetShared(key, started),
      );
      inflight.set(key, started);
      pending = started;
    }
    return untilAborted(pending, ending, account, call.operation);
  }

  return {
    provider: options.provider,
    send<T>(call: UpstreamCall<T>): Promise<T> {
      const read = call.method === 'GET';
      try {
        if (read && sharing) {
          return shared(call);
        }
        takeAllowance(call);
      } catch (error) {
        // Past the operation's allowance: a rejection, like every other failure.
        return Promise.reject(error);
      }
      return read ? run(call, call.deadline, call.signal) : write(call);
    },
  };
}

const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 1;

/** Two callers share a GET only when they would read its body the same way. */
function schemaId(schema: object | null): number {
  if (schema === null) {
    return 0;
  }
  let id = schemaIds.get(schema);
  if (id === undefined) {
    id = nextSchemaId++;
    schemaIds.set(schema, id);
  }
  return id;
}

/** How a call ended early: whether it did, and why. An AbortSignal and a CallDeadline both say. */
interface Ending {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * Waits for a shared call, but lets this caller stop waiting when its own deadline or signal
 * fires (its request ended, or its own deadline passed), with the typed error that abort
 * deserves.
 */
function untilAborted<T>(
  pending: Promise<T>,
  ending: CallDeadline | AbortSignal | undefined,
  account: AccountDetails,
  operation: string,
): Promise<T> {
  if (!ending) {
    return pending;
  }
  return new Promise<T>((resolve, reject) => {
    const waiter = new SharedWaiter(ending, resolve, reject, account, operation);
    pending.then(
      (value) => waiter.resolved(value),
      (error: unknown) => waiter.rejected(error),
    );
  });
}

interface AccountDetails {
  readonly provider: string;
  readonly timeoutMs: number;
}

function abortedWaiting(ending: Ending, account: AccountDetails, operation: string): ProviderError {
  const details = { provider: account.provider, operation };
  return connectionError(ending.reason, ending, details, account.timeoutMs);
}

/** One caller waiting for a shared call, listening to its own deadline or signal meanwhile. */
class SharedWaiter<T> implements DeadlineWatcher, AbortWatcher {
  constructor(
    private readonly ending: CallDeadline | AbortSignal,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
    private readonly account: AccountDetails,
    private readonly operation: string,
  ) {
    if (ending instanceof CallDeadline) {
      ending.watch(this);
    } else {
      watchAbort(ending, this);
    }
  }

  resolved(value: T): void {
    this.#stop();
    this.resolve(value);
  }

  rejected(error: unknown): void {
    this.#stop();
    this.reject(error);
  }

  /** The caller's deadline aborted. */
  deadlineAborted(): void {
    this.reject(abortedWaiting(this.ending, this.account, this.operation));
  }

  /** The caller's signal aborted. */
  signalAborted(): void {
    this.reject(abortedWaiting(this.ending, this.account, this.operation));
  }

  #stop(): void {
    if (this.ending instanceof CallDeadline) {
      this.ending.unwatch(this);
    } else {
      unwatchAbort(this.ending, this);
    }
  }
}

function parseBody<T>(
  call: UpstreamCall<T>,
  text: string,
  details: { provider: string; operation: string },
): T {
  if (call.schema === null) {
    return undefined as T;
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch (error) {
    throw new ProviderResponseError(
      `Provider ${details.provider} returned a body that is not JSON`,
      {
        ...details,
        cause: error,
      },
    );
  }
  const result = call.schema.safeParse(json);
  if (!result.success) {
    throw new ProviderResponseError(
      `Provider ${details.provider} returned an unexpected body for ${details.operation}`,
      { ...details, cause: result.error },
    );
  }
  return result.data;
}

function safeParseError(
  parse: (failure: UpstreamFailure) => ParsedErrorBody,
  failure: UpstreamFailure,
): ParsedErrorBody {
  try {
    return parse(failure);
  } catch {
    return { message: `HTTP ${failure.status}`, providerCode: null };
  }
}

function connectionError(
  error: unknown,
  ending: Ending,
  details: { provider: string; operation: string },
  timeoutMs: number,
): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }
  const reason: unknown = ending.aborted ? ending.reason : undefined;
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new ProviderUnavailableError(
      `Provider ${details.provider} did not answer within ${timeoutMs} ms`,
      { ...details, providerCode: 'TIMEOUT', cause: error },
    );
  }
  if (ending.aborted) {
    return new ProviderUnavailableError(`The call to provider ${details.provider} was cancelled`, {
      ...details,
      providerCode: 'CANCELLED',
      cause: error,
    });
  }
  const timeout =
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError;
  return new ProviderUnavailableError(
    timeout
      ? `Provider ${details.provider} timed out`
      : `Provider ${details.provider} could not be reached`,
    { ...details, providerCode: timeout ? 'TIMEOUT' : 'CONNECTION_FAILED', cause: error },
  );
}

/** Codes our own errors carry when no response came back. */
const CONNECTION_CODES = new Set(['TIMEOUT', 'CONNECTION_FAILED', 'CANCELLED']);

/**
 * A short code for an attempt's failure: why no response came, or the typed error's code. Never
 * the provider's own code, which is free text from its body.
 */
function errorCodeOf(error: unknown): string {
  if (!(error instanceof ProviderError)) {
    return 'UNKNOWN';
  }
  const noResponse = error.status === null && CONNECTION_CODES.has(error.providerCode ?? '');
  return noResponse ? (error.providerCode ?? error.code) : error.code;
}

function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) {
    return value[0] ?? null;
  }
  return value ?? null;
}
