import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import { ProviderResponseError, providerErrorFromStatus } from '../domain/errors.js';
import type { CallDeadline } from './call-deadline.js';
import { type ExchangeProgress, exchange, ResponseTooLargeError } from './http-exchange.js';
import { describeRoute, redact } from './redact.js';
import { parseRetryAfter } from './retry-after.js';
import type { ParsedErrorBody, UpstreamCall, UpstreamFailure } from './upstream-call.js';
import { type CallDetails, errorCodeOf, noAnswerError } from './upstream-errors.js';
import { type UpstreamObserver, upstreamOutcome } from './upstream-observer.js';

/**
 * The largest upstream response body read. Provider answers here are a room, a page of at most
 * 100 rooms, or a token list: kilobytes. The cap keeps a broken or hostile upstream from filling
 * the heap, since bodies are read whole.
 */
export const MAX_RESPONSE_BYTES = 8 * 1_048_576;

export interface AttemptOptions {
  readonly provider: string;
  /** Origin plus any base path, e.g. `https://api.example.com/v2`. */
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly headers: () => Record<string, string> | Promise<Record<string, string>>;
  readonly parseError: (failure: UpstreamFailure) => ParsedErrorBody;
  readonly timeoutMs: number;
  readonly requestIdHeader?: string;
  readonly now?: () => number;
  readonly observer?: UpstreamObserver;
  /** Scrubs provider text before it becomes an error; `redact` (patterns only) when absent. */
  readonly redact?: (text: string) => string;
  readonly onAttempt?: (event: {
    route: string;
    status: number | null;
    durationMs: number;
  }) => void;
  /** Shown every response's headers (the admission stage reads the provider's rate budget). */
  readonly onHeaders?: (headers: Readonly<Record<string, string | string[] | undefined>>) => void;
}

/**
 * The last stage of an upstream call: one HTTP exchange, its answer read into the call's type or
 * turned into a typed error, and reported once to the observer, however it ended.
 */
export class HttpAttempt {
  readonly #options: AttemptOptions;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #now: () => number;

  constructor(options: AttemptOptions) {
    this.#options = options;
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/$/, '');
    this.#now = options.now ?? Date.now;
  }

  async send<T>(call: UpstreamCall<T>, deadline: CallDeadline): Promise<T> {
    const options = this.#options;
    const details: CallDetails = { provider: options.provider, operation: call.operation };
    const account = options.headers();
    // Most accounts' headers are fixed: awaiting them anyway would cost a turn of the queue.
    const headers = headersOf(account instanceof Promise ? await account : account, call);
    const started = this.#now();
    const progress: ExchangeProgress = { sent: false };
    let response: Awaited<ReturnType<typeof exchange>>;
    try {
      response = await exchange(
        options.dispatcher,
        {
          origin: this.#origin,
          path: this.#basePath + call.path,
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          maxResponseBytes: MAX_RESPONSE_BYTES,
        },
        deadline,
        progress,
      );
    } catch (error) {
      const typed =
        error instanceof ResponseTooLargeError
          ? new ProviderResponseError(
              `Provider ${options.provider} returned a body larger than ${MAX_RESPONSE_BYTES / 1_048_576} MB`,
              { ...details, cause: error },
            )
          : noAnswerError(error, deadline, details, options.timeoutMs, progress.sent);
      this.#report(call, started, null, typed);
      throw typed;
    }
    options.onHeaders?.(response.headers);
    const status = response.status;
    if (status >= 200 && status < 300) {
      try {
        const result = parseBody(call, response.text, details);
        this.#report(call, started, status, null);
        return result;
      } catch (error) {
        this.#report(call, started, status, error);
        throw error;
      }
    }
    const parsed = safeParseError(options.parseError, {
      status,
      headers: response.headers,
      bodyText: response.text,
    });
    const requestIdHeader = options.requestIdHeader;
    // Everything read off the provider's answer may echo our own credentials back.
    const scrub = options.redact ?? redact;
    const requestId = requestIdHeader ? headerValue(response.headers[requestIdHeader]) : null;
    const failure = providerErrorFromStatus(status, scrub(parsed.message), {
      ...details,
      providerCode: parsed.providerCode === null ? null : scrub(parsed.providerCode),
      requestId: requestId === null ? null : scrub(requestId),
      retryAfterMs: parseRetryAfter(headerValue(response.headers['retry-after']), this.#now()),
    });
    this.#report(call, started, status, failure);
    throw failure;
  }

  #report(call: UpstreamCall<unknown>, started: number, status: number | null, error: unknown) {
    const options = this.#options;
    const durationMs = this.#now() - started;
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
      context: call.context,
    });
  }
}

/** The headers of one attempt: the account's, the call's, and the JSON ones. */
function headersOf(
  account: Record<string, string>,
  call: UpstreamCall<unknown>,
): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    ...account,
    ...call.extraHeaders,
  };
  if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  return headers;
}

function parseBody<T>(call: UpstreamCall<T>, text: string, details: CallDetails): T {
  if (call.schema === null) {
    return undefined as T;
  }
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch (error) {
    throw new ProviderResponseError(
      `Provider ${details.provider} returned a body that is not JSON`,
      { ...details, cause: error },
    );
  }
  const result = (call.schema as z.ZodType<T>).safeParse(json);
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

export function headerValue(value: string | string[] | undefined): string | null {
  if (Array.isArray(value)) {
    return value[0] ?? null;
  }
  return value ?? null;
}
