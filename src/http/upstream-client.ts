import { type Dispatcher, request, errors as undiciErrors } from 'undici';
import type { z } from 'zod';
import {
  ProviderError,
  ProviderResponseError,
  ProviderUnavailableError,
  providerErrorFromStatus,
} from '../domain/errors.js';
import { CallDeadline } from './call-deadline.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ConcurrencyLimit } from './concurrency-limit.js';
import { describeRoute, redact } from './redact.js';
import { parseRetryAfter } from './retry-after.js';
import type { UpstreamBudget } from './upstream-budget.js';
import { type UpstreamObserver, upstreamOutcome } from './upstream-observer.js';
import { type RetryPolicy, withRetry } from './with-retry.js';

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
   * The allowance of upstream calls of the GraphQL operation being served, if any: each call
   * takes one, and a call past it fails with UpstreamCallLimitError before any HTTP.
   */
  readonly budget?: () => UpstreamBudget | undefined;
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
  /** A write that is safe to repeat (an upsert), citing the fact sheet at the call site. */
  readonly idempotent?: boolean;
  readonly extraHeaders?: Record<string, string>;
}

export interface UpstreamClient {
  readonly provider: string;
  send<T>(call: UpstreamCall<T>): Promise<T>;
}

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
  /** GETs in flight, by path and response schema. */
  const inflight = new Map<string, Promise<unknown>>();
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/$/, '');

  async function attempt<T>(call: UpstreamCall<T>, signal: AbortSignal): Promise<T> {
    const route = describeRoute(call.method, call.path);
    const details = { provider: options.provider, operation: call.operation };
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(await options.headers()),
      ...call.extraHeaders,
    };
    let body: string | undefined;
    if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    const started = now();
    let status: number | null = null;
    // Reported once, however the attempt ends, with the typed error it ended with (if any).
    const report = (error: unknown) => {
      const durationMs = now() - started;
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
      });
    };
    let response: Dispatcher.ResponseData;
    try {
      response = await request(new URL(basePath + call.path, base.origin), {
        dispatcher: options.dispatcher,
        method: call.method,
        headers,
        body,
        signal,
      });
    } catch (error) {
      const typed = connectionError(error, signal, details, options.timeoutMs);
      report(typed);
      throw typed;
    }
    status = response.statusCode;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      const typed = connectionError(error, signal, details, options.timeoutMs);
      report(typed);
      throw typed;
    }
    if (status >= 200 && status < 300) {
      let result: T;
      try {
        result = parseBody(call, text, details);
      } catch (error) {
        report(error);
        throw error;
      }
      report(null);
      return result;
    }
    const parsed = safeParseError(options.parseError, {
      status,
      headers: response.headers,
      bodyText: text,
    });
    const requestIdHeader = options.requestIdHeader;
    const requestId = requestIdHeader ? headerValue(response.headers[requestIdHeader]) : null;
    const failure = providerErrorFromStatus(status, redact(parsed.message), {
      ...details,
      providerCode: parsed.providerCode,
      requestId,
      retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), now()),
    });
    report(failure);
    throw failure;
  }

  /** Runs one call to the end, retries included, under its deadline and the account's limit. */
  function run<T>(call: UpstreamCall<T>, callerSignal: AbortSignal | undefined): Promise<T> {
    const deadline = new CallDeadline(options.timeoutMs, callerSignal);
    const signal = deadline.signal;
    const deadlineAt = now() + options.timeoutMs;
    const safe = call.method === 'GET' || call.idempotent === true;
    const observer = options.observer;
    const throughBreaker = () =>
      breaker.run<T>(call.operation, (send) =>
        limit.run(() => send(() => attempt(call, signal)), signal),
      );
    return withRetry(throughBreaker, {
      policy: options.retry,
      safe,
      signal,
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
            })
        : undefined,
    })
      .catch((error: unknown) => {
        // Aborted while queued for a slot: the same typed error as an abort in flight.
        throw connectionError(
          error,
          signal,
          { provider: options.provider, operation: call.operation },
          options.timeoutMs,
        );
      })
      .finally(() => deadline.end());
  }

  function shared<T>(call: UpstreamCall<T>): Promise<T> {
    const key = `${call.path}\u0000${schemaId(call.schema)}`;
    let pending = inflight.get(key) as Promise<T> | undefined;
    if (!pending) {
      options.budget?.()?.take();
      // The shared call answers to its deadline only: one caller going away must not cancel
      // it for the others.
      pending = run(call, undefined).finally(() => {
        if (inflight.get(key) === pending) {
          inflight.delete(key);
        }
      });
      inflight.set(key, pending);
    }
    const details = { provider: options.provider, operation: call.operation };
    return untilAborted(pending, call.signal, (signal) =>
      connectionError(signal.reason, signal, details, options.timeoutMs),
    );
  }

  return {
    provider: options.provider,
    async send<T>(call: UpstreamCall<T>): Promise<T> {
      if (call.method === 'GET' && sharing) {
        return shared(call);
      }
      options.budget?.()?.take();
      if (call.method !== 'GET') {
        inflight.clear();
      }
      try {
        return await run(call, call.signal);
      } finally {
        if (call.method !== 'GET') {
          inflight.clear();
        }
      }
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

/**
 * Waits for a shared call, but lets this caller stop waiting when its own signal fires (its
 * request ended, or its own deadline passed), with the typed error that abort deserves.
 */
function untilAborted<T>(
  pending: Promise<T>,
  signal: AbortSignal | undefined,
  abortError: (signal: AbortSignal) => ProviderError,
): Promise<T> {
  if (!signal) {
    return pending;
  }
  if (signal.aborted) {
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
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
  signal: AbortSignal,
  details: { provider: string; operation: string },
  timeoutMs: number,
): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new ProviderUnavailableError(
      `Provider ${details.provider} did not answer within ${timeoutMs} ms`,
      { ...details, providerCode: 'TIMEOUT', cause: error },
    );
  }
  if (signal.aborted) {
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
