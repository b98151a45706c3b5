import type { Dispatcher } from 'undici';
import { AppError } from '../domain/errors.js';
import { Admission } from './admission.js';
import { HttpAttempt } from './attempt.js';
import { CachedReads } from './cached-reads.js';
import { CallDeadline, callDeadline } from './call-deadline.js';
import type { RateLimitPolicy } from './rate-budget.js';
import type { ReadCache } from './read-cache.js';
import { InflightGets } from './share-inflight-gets.js';
import type {
  ParsedErrorBody,
  UpstreamCall,
  UpstreamClient,
  UpstreamFailure,
} from './upstream-call.js';
import { errorCodeOf, noAnswerError } from './upstream-errors.js';
import type { UpstreamObserver } from './upstream-observer.js';
import { type RetryContext, type RetryPolicy, withRetry } from './with-retry.js';

export type {
  HttpMethod,
  ParsedErrorBody,
  UpstreamCall,
  UpstreamClient,
  UpstreamFailure,
} from './upstream-call.js';

export interface UpstreamClientOptions {
  /** Account key, carried by every error. */
  readonly provider: string;
  /** Origin plus any base path, e.g. `https://api.example.com/v2`. */
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
   * The provider's documented request rate: calls wait their turn while it fits their deadline,
   * and fail fast with UPSTREAM_RATE_LIMITED when it does not. No budget when absent.
   */
  readonly rateLimit?: RateLimitPolicy | null;
  /**
   * The shared read cache (`CACHE_TTL_MS`): room reads answered from it for `ttlMs`, keyed by
   * `credentialDigest` too; any write through this client forgets the account's entries.
   */
  readonly cache?: {
    readonly store: ReadCache;
    readonly ttlMs: number;
    readonly credentialDigest: string;
  } | null;
  /** Lets identical GETs in flight at the same time share one upstream call. Default true. */
  readonly shareInflightGets?: boolean;
  /** Metrics, traces and logs of this account's calls; never given secrets. */
  readonly observer?: UpstreamObserver;
  /**
   * Scrubs what a provider's error answer says (message, code, request id) of secrets: the
   * account's `SecretRedactor`. The pattern rules of `redact.ts` alone when absent.
   */
  readonly redact?: (text: string) => string;
  /** Called once per HTTP attempt, for metrics and tests. Never given secrets. */
  readonly onAttempt?: (event: {
    route: string;
    status: number | null;
    durationMs: number;
  }) => void;
}

export { MAX_RESPONSE_BYTES } from './attempt.js';

/**
 * One provider account's upstream client. A call goes through a short pipeline, one stage per
 * module, read top to bottom in `send`:
 *
 * 0. cache     room reads kept for CACHE_TTL_MS (when on)     cached-reads.ts
 * 1. share     identical GETs in flight share one call        share-inflight-gets.ts
 * 2. allowance the operation's allowance of upstream calls    call-allowance.ts
 * 3. retry     safe reads and 429s, within the deadline       with-retry.ts
 * 4. admit     circuit, request rate, calls in flight         admission.ts
 * 5. attempt   one HTTP exchange, read or mapped to an error  attempt.ts
 *
 * Every call runs under one deadline (`call-deadline.ts`): its own timeout, its operation's
 * deadline, and, for reads, the client's request, whichever ends first.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const sharing = options.shareInflightGets === false ? null : new InflightGets();
  const admission = new Admission(options);
  const cache = options.cache ? new CachedReads(options.provider, options.cache) : null;
  const attempt = new HttpAttempt({
    ...options,
    onHeaders: options.rateLimit?.headers
      ? (headers) => admission.observeHeaders(headers)
      : undefined,
  });
  const now = options.now ?? Date.now;

  return {
    provider: options.provider,
    send<T>(call: UpstreamCall<T>): Promise<T> {
      if (call.method !== 'GET') {
        // A write ends the sharing of reads that began before it (and during it), and makes
        // what the cache kept of the account stale.
        sharing?.forgetAll();
        return run(call, call.deadline ?? deadlineOf(call), !call.deadline).finally(() => {
          sharing?.forgetAll();
          cache?.forget();
        });
      }
      if (cache?.holds(call)) {
        return cache.read(call, () => read(call));
      }
      return read(call);
    },
  };

  /** A GET: shared with identical ones in flight, or on its own. */
  function read<T>(call: UpstreamCall<T>): Promise<T> {
    if (!sharing) {
      return run(call, call.deadline ?? deadlineOf(call), !call.deadline);
    }
    // The shared call answers to its own timeout alone; each caller waits under its own
    // deadline, which the wait ends when it is the caller's own.
    return sharing.join(
      call,
      call.deadline ?? waitingDeadlineOf(call),
      !call.deadline,
      () => run(call, new CallDeadline(options.timeoutMs, undefined, undefined, now), true),
      (stopped) => stoppedError(call, stopped),
    );
  }

  /**
   * Stages 2 to 5, under `deadline`, which this ends when `owned`. The first attempt is made
   * directly, and only a failure enters the retry stage: one async layer fewer for the calls
   * that succeed at once, which is nearly all (`npm run bench:client`).
   */
  async function run<T>(call: UpstreamCall<T>, deadline: CallDeadline, owned: boolean): Promise<T> {
    try {
      call.context?.allowance?.take();
      try {
        return await admission.admit(call.method, call.operation, deadline, () =>
          attempt.send(call, deadline),
        );
      } catch (firstFailure) {
        return await withRetry(
          () =>
            admission.admit(call.method, call.operation, deadline, () =>
              attempt.send(call, deadline),
            ),
          retryContext(call, deadline),
          firstFailure,
        );
      }
    } catch (error) {
      // Typed here too: an abort while queued for a slot reads like an abort in flight.
      throw error instanceof AppError ? error : stoppedError(call, deadline, error);
    } finally {
      if (owned) {
        deadline.end();
      }
    }
  }

  function deadlineOf(call: UpstreamCall<unknown>): CallDeadline {
    return callDeadline(call.method, call.context, options.timeoutMs, now);
  }

  /**
   * How long a caller waits for a shared GET: until its request ends, or its operation's
   * deadline when that comes before the shared call's own end; no timer of its own otherwise,
   * since the shared call never outlives its timeout (a timer per waiter is measurable in
   * `npm run bench:client`).
   */
  function waitingDeadlineOf(call: UpstreamCall<unknown>): CallDeadline {
    const operationDeadlineAt = call.context?.deadlineAt ?? Number.POSITIVE_INFINITY;
    const ownEnd = now() + options.timeoutMs;
    return new CallDeadline(
      Number.POSITIVE_INFINITY,
      call.context?.signal,
      operationDeadlineAt < ownEnd ? operationDeadlineAt : Number.POSITIVE_INFINITY,
      now,
    );
  }

  function stoppedError(call: UpstreamCall<unknown>, deadline: CallDeadline, error?: unknown) {
    const details = { provider: options.provider, operation: call.operation };
    return noAnswerError(error ?? deadline.reason, deadline, details, options.timeoutMs);
  }

  function retryContext(call: UpstreamCall<unknown>, deadline: CallDeadline): RetryContext {
    const observer = options.observer;
    return {
      policy: options.retry,
      safe: call.method === 'GET' || call.idempotent === true,
      // Only a retry's backoff needs an AbortSignal: the deadline makes one on first use.
      get signal() {
        return deadline.signal;
      },
      deadlineAt: Math.min(now() + options.timeoutMs, call.context?.deadlineAt ?? Infinity),
      now,
      onRetry: observer?.retried
        ? (error, attemptNumber, delayMs) =>
            observer.retried?.({
              account: options.provider,
              operation: call.operation,
              method: call.method,
              attempt: attemptNumber,
              delayMs,
              errorCode: errorCodeOf(error),
              context: call.context,
            })
        : undefined,
    };
  }
}
