import { errors as undiciErrors } from 'undici';
import {
  OperationTimeoutError,
  ProviderError,
  ProviderUnavailableError,
} from '../domain/errors.js';
import { OperationDeadlineReached } from './call-deadline.js';

/** What every error of one call names. */
export interface CallDetails {
  readonly provider: string;
  readonly operation: string;
}

/** How a call ended early: whether it did, and why. A CallDeadline says both. */
export interface Ending {
  readonly aborted: boolean;
  readonly reason: unknown;
}

/**
 * The typed error of a call that got no answer: it timed out (its own deadline or its
 * operation's), was cancelled, or could not reach the provider. A `ProviderError` passes
 * unchanged. `sent` says whether the request had reached a connected socket, which makes the
 * outcome of a write unknown.
 */
export function noAnswerError(
  error: unknown,
  ending: Ending,
  details: CallDetails,
  timeoutMs: number,
  sent = false,
): ProviderError {
  if (error instanceof ProviderError) {
    return error;
  }
  const reason: unknown = ending.aborted ? ending.reason : undefined;
  if (reason instanceof OperationDeadlineReached) {
    return new OperationTimeoutError(
      `The operation's deadline passed before provider ${details.provider} answered`,
      { ...details, providerCode: 'OPERATION_TIMEOUT', outcomeUnknown: sent, cause: error },
    );
  }
  if (reason instanceof DOMException && reason.name === 'TimeoutError') {
    return new ProviderUnavailableError(
      `Provider ${details.provider} did not answer within ${timeoutMs} ms`,
      { ...details, providerCode: 'TIMEOUT', outcomeUnknown: sent, cause: error },
    );
  }
  if (ending.aborted) {
    return new ProviderUnavailableError(`The call to provider ${details.provider} was cancelled`, {
      ...details,
      providerCode: 'CANCELLED',
      outcomeUnknown: sent,
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
    {
      ...details,
      providerCode: timeout ? 'TIMEOUT' : 'CONNECTION_FAILED',
      outcomeUnknown: sent,
      cause: error,
    },
  );
}

/** Codes our own errors carry when no response came back. */
const NO_ANSWER_CODES = new Set(['TIMEOUT', 'CONNECTION_FAILED', 'CANCELLED', 'OPERATION_TIMEOUT']);

/**
 * A short code for an attempt's failure, fit for a metric label or a log field: why no response
 * came, or the typed error's code. Never the provider's own code, which is free text from its
 * body.
 */
export function errorCodeOf(error: unknown): string {
  if (!(error instanceof ProviderError)) {
    return 'UNKNOWN';
  }
  const noResponse = error.status === null && NO_ANSWER_CODES.has(error.providerCode ?? '');
  return noResponse ? (error.providerCode ?? error.code) : error.code;
}
