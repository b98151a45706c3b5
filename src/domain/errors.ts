import type { RoomOperation } from './capabilities.js';

/**
 * The base of every error the service means to show. `message` is safe for clients: it never
 * holds a credential, a minted token or an upstream URL. Anything that is not an AppError is a
 * bug, and Yoga masks it.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ValidationIssue {
  /** Path of the offending field, from the argument root (e.g. `['input', 'name']`). */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Our own input checks failed; nothing was sent upstream. Not retryable. */
export class InputValidationError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly issues: readonly ValidationIssue[]) {
    super(
      issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ') ||
        'Invalid input',
    );
  }
}

/** The room does not exist at its provider (404, or a body that means "unknown room"). */
export class RoomNotFoundError extends AppError {
  readonly code = 'ROOM_NOT_FOUND';
  constructor(
    readonly provider: string,
    readonly roomId: string,
  ) {
    super(`Room ${roomId} was not found at provider ${provider}`);
  }
}

/** No provider account is configured under this key. */
export class ProviderNotFoundError extends AppError {
  readonly code = 'PROVIDER_NOT_FOUND';
  constructor(readonly provider: string) {
    super(`No provider is configured with key ${provider}`);
  }
}

/** The provider cannot do this operation. Decided before any HTTP call. */
export class UnsupportedOperationError extends AppError {
  readonly code = 'UNSUPPORTED_OPERATION';
  constructor(
    readonly provider: string,
    readonly operation: RoomOperation,
    reason?: string,
  ) {
    super(`Provider ${provider} does not support ${operation}${reason ? `: ${reason}` : ''}`);
  }
}

/**
 * The GraphQL operation has used up its upstream calls (`maxUpstreamCallsPerOperation`); fields
 * still waiting get this error, and the rest of the response is returned. Not retryable as is.
 */
export class UpstreamCallLimitError extends AppError {
  readonly code = 'UPSTREAM_CALL_LIMIT';
  constructor(readonly limit: number) {
    super(
      `This operation reached its limit of ${limit} upstream calls; ask for fewer rooms or fields`,
    );
  }
}

/** The idempotency key was used before with different input; nothing was created. */
export class IdempotencyConflictError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super(
      'This idempotencyKey was already used with different input; use a new key for a new request',
    );
  }
}

/** A request with the same idempotency key is still running; try again shortly. */
export class IdempotencyPendingError extends AppError {
  readonly code = 'IDEMPOTENCY_KEY_IN_USE';
  constructor() {
    super('A request with this idempotencyKey is still in progress; retry shortly for its result');
  }
}

/**
 * A create under this idempotency key was sent to the provider, and no answer says whether it
 * happened (a timeout or a dropped connection after sending), nor can the provider be asked. The
 * key stays claimed, so a retry with it never makes a second room: it asks the provider again
 * where it can, and otherwise answers this again until the key expires.
 */
export class OutcomeUnknownError extends AppError {
  readonly code = 'OUTCOME_UNKNOWN';
  constructor(reason: string, cause?: unknown) {
    super(
      `The provider may or may not have created this room (${reason}); the idempotencyKey is kept, so retrying with it cannot create a second room`,
      { cause },
    );
  }
}

/**
 * The shared state store (Redis) could not be reached, so a request that needs it was not run.
 * Nothing was created; the same request can be sent again with the same idempotencyKey.
 */
export class StateStoreUnavailableError extends AppError {
  readonly code = 'STATE_STORE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(
      'The shared state store is unavailable, so this request was not run and nothing was created; retry shortly with the same idempotencyKey',
      { cause },
    );
  }
}

export interface ProviderErrorDetails {
  /** Account key of the provider. */
  readonly provider: string;
  /** What we were doing, e.g. `createRoom`. */
  readonly operation: string;
  /** HTTP status from upstream, when there was a response. */
  readonly status?: number | null;
  /** The provider's own error code from its body (e.g. `invalid_parameter`). */
  readonly providerCode?: string | null;
  /** The provider's request id header, for support tickets. */
  readonly requestId?: string | null;
  /** How long the provider asked us to wait, in milliseconds. */
  readonly retryAfterMs?: number | null;
  /**
   * The request may have reached the provider and been carried out, and no answer says whether
   * (a timeout or a dropped connection after it was sent).
   */
  readonly outcomeUnknown?: boolean;
  readonly cause?: unknown;
}

/**
 * An upstream call failed. Subclasses say how; `retryable` says whether trying again may help.
 * Used as is for an unexpected status that no subclass covers (405, 409, a 404 off a room path).
 */
export class ProviderError extends AppError {
  readonly code: string = 'UPSTREAM_ERROR';
  readonly retryable: boolean = false;
  readonly provider: string;
  readonly operation: string;
  readonly status: number | null;
  readonly providerCode: string | null;
  readonly requestId: string | null;
  readonly retryAfterMs: number | null;
  /** See `ProviderErrorDetails.outcomeUnknown`: what a write's idempotency record must keep. */
  readonly outcomeUnknown: boolean;
  /** Number of attempts made before giving up (1 when there was no retry). */
  attempts = 1;

  constructor(message: string, details: ProviderErrorDetails) {
    super(message, { cause: details.cause });
    this.provider = details.provider;
    this.operation = details.operation;
    this.status = details.status ?? null;
    this.providerCode = details.providerCode ?? null;
    this.requestId = details.requestId ?? null;
    this.retryAfterMs = details.retryAfterMs ?? null;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }
}

/** 400 or 422: the provider refused our input. Not retryable. */
export class ProviderRejectedError extends ProviderError {
  override readonly code = 'UPSTREAM_REJECTED';
  override readonly retryable = false;
}

/** 401 or 403: the configured credentials are wrong. An operator problem. Not retryable. */
export class ProviderAuthError extends ProviderError {
  override readonly code = 'UPSTREAM_AUTH_FAILED';
  override readonly retryable = false;
}

/** 429: the provider asks us to slow down. Retryable after `retryAfterMs`. */
export class ProviderRateLimitedError extends ProviderError {
  override readonly code = 'UPSTREAM_RATE_LIMITED';
  override readonly retryable = true;
}

/** 5xx, timeout or connection failure. Retryable for safe reads. */
export class ProviderUnavailableError extends ProviderError {
  override readonly code = 'UPSTREAM_UNAVAILABLE';
  override readonly retryable = true;
}

/**
 * The GraphQL operation's deadline (`OPERATION_TIMEOUT_MS`) passed before this upstream call
 * finished, or before it could start. Not retryable within the operation; the rest of the
 * response is still returned.
 */
export class OperationTimeoutError extends ProviderError {
  override readonly code = 'OPERATION_TIMEOUT';
  override readonly retryable = false;
}

/** The provider answered 2xx with a body we cannot read. Not retryable. */
export class ProviderResponseError extends ProviderError {
  override readonly code = 'UPSTREAM_BAD_RESPONSE';
  override readonly retryable = false;
}

/**
 * The one status-to-class mapping. A provider's `-errors.ts` parses its body for the message and
 * code, then calls this; it may pick another class where the body says more than the status.
 */
export function providerErrorFromStatus(
  status: number,
  message: string,
  details: ProviderErrorDetails,
): ProviderError {
  const withStatus = { ...details, status };
  if (status === 429) {
    return new ProviderRateLimitedError(message, withStatus);
  }
  if (status === 401 || status === 403) {
    return new ProviderAuthError(message, withStatus);
  }
  if (status === 400 || status === 422) {
    return new ProviderRejectedError(message, withStatus);
  }
  if (status === 408 || status >= 500) {
    return new ProviderUnavailableError(message, withStatus);
  }
  return new ProviderError(message, withStatus);
}
