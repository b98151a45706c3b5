import {
  type AppError,
  IdempotencyConflictError,
  IdempotencyPendingError,
  InputValidationError,
  OutcomeUnknownError,
  ProviderError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  RoomNotFoundError,
  StateStoreUnavailableError,
  UnsupportedOperationError,
  UpstreamCallLimitError,
  type ValidationIssue,
} from '../../domain/errors.js';
import { builder } from '../builder.js';
import { RoomOperationEnum } from './enums.js';
import { ForbiddenError } from './forbidden-error.js';

export const ErrorInterface = builder.interfaceRef<AppError>('Error').implement({
  description: 'Every typed error: a safe message and a stable SCREAMING_SNAKE code.',
  resolveType: (error) => errorTypeName(error),
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.exposeString('code'),
  }),
});

const ValidationIssueRef = builder.objectRef<ValidationIssue>('ValidationIssue').implement({
  description: 'One failed rule: the path of the field from the argument root, and what was wrong.',
  fields: (t) => ({
    path: t.stringList({ resolve: (issue) => issue.path.map(String) }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(InputValidationError, {
  name: 'InputValidationError',
  description: 'The input broke a rule; nothing was changed and no provider was called.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({ type: [ValidationIssueRef], resolve: (error) => [...error.issues] }),
  }),
});

builder.objectType(RoomNotFoundError, {
  name: 'RoomNotFoundError',
  description: 'No such room at its provider.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.exposeString('provider'),
  }),
});

builder.objectType(ProviderNotFoundError, {
  name: 'ProviderNotFoundError',
  description: 'No provider account is configured under that key.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.exposeString('provider'),
  }),
});

builder.objectType(UnsupportedOperationError, {
  name: 'UnsupportedOperationError',
  description:
    'The provider cannot do this; decided before any upstream call (see Provider.capabilities).',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.exposeString('provider'),
    operation: t.field({ type: RoomOperationEnum, resolve: (error) => error.operation }),
  }),
});

builder.objectType(IdempotencyConflictError, {
  name: 'IdempotencyConflictError',
  description: 'The idempotencyKey was used before with different input; nothing was created.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(IdempotencyPendingError, {
  name: 'IdempotencyPendingError',
  description:
    'A request with the same idempotencyKey is still running; retry shortly to get its result.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(OutcomeUnknownError, {
  name: 'OutcomeUnknownError',
  description:
    'The create was sent and no answer says whether it happened; the idempotencyKey stays claimed, so a retry with it never creates a second room.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(StateStoreUnavailableError, {
  name: 'StateStoreUnavailableError',
  description:
    'The shared state store (Redis) is unreachable; nothing was created. Retry with the same idempotencyKey.',
  interfaces: [ErrorInterface],
  fields: () => ({}),
});

builder.objectType(UpstreamCallLimitError, {
  name: 'UpstreamCallLimitError',
  description: 'This operation reached its cap on upstream calls; nothing past the cap was sent.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    limit: t.exposeInt('limit', { description: 'Upstream calls one operation may make.' }),
  }),
});

builder.objectType(ProviderRateLimitedError, {
  name: 'ProviderRateLimitedError',
  description: 'The provider asked us to slow down. Try again after retryAfterSeconds, when given.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.exposeString('provider'),
    retryAfterSeconds: t.int({
      nullable: true,
      resolve: (error) =>
        error.retryAfterMs === null ? null : Math.ceil(error.retryAfterMs / 1000),
    }),
  }),
});

builder.objectType(ProviderError, {
  name: 'ProviderError',
  description:
    'Any other upstream failure: code UPSTREAM_REJECTED (400/422), UPSTREAM_AUTH_FAILED (401/403), UPSTREAM_UNAVAILABLE (5xx, timeout, connection), UPSTREAM_BAD_RESPONSE (unreadable body) or UPSTREAM_ERROR.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    provider: t.exposeString('provider'),
    status: t.exposeInt('status', {
      nullable: true,
      description: "The provider's HTTP status, when it answered.",
    }),
    providerCode: t.exposeString('providerCode', {
      nullable: true,
      description: "The provider's own error code.",
    }),
    retryable: t.exposeBoolean('retryable'),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description:
    'This client lacks a scope the operation needs (rooms:read, rooms:write or tokens:create); nothing was read or changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    requiredScopes: t.exposeStringList('requiredScopes', {
      description: 'Scopes of which any one would have allowed the operation.',
    }),
  }),
});

/**
 * The error types every mutation result can hold. Subclasses come before `ProviderError`,
 * so a rate limit resolves to its own type.
 */
export const MUTATION_ERROR_TYPES = [
  ForbiddenError,
  InputValidationError,
  RoomNotFoundError,
  ProviderNotFoundError,
  UnsupportedOperationError,
  UpstreamCallLimitError,
  ProviderRateLimitedError,
  ProviderError,
] as const;

/** Errors only createRoom can give: those of its idempotencyKey. */
export const CREATE_ROOM_ERROR_TYPES = [
  IdempotencyConflictError,
  IdempotencyPendingError,
  OutcomeUnknownError,
  StateStoreUnavailableError,
] as const;

/** Every error type with a GraphQL object type, most specific first, for `resolveType`. */
const ALL_ERROR_TYPES = [...CREATE_ROOM_ERROR_TYPES, ...MUTATION_ERROR_TYPES];

const VIEW_TYPE = Symbol('errorViewType');

/** The GraphQL type of an error or of its view. Most specific class first. */
function errorTypeName(error: AppError): string {
  const viewType = (error as unknown as { [VIEW_TYPE]?: string })[VIEW_TYPE];
  if (viewType) {
    return viewType;
  }
  return ALL_ERROR_TYPES.find((type) => error instanceof type)?.name ?? 'ProviderError';
}

/**
 * A plain copy of an error, for fields that list errors as data (`rooms.errors`): graphql-js
 * throws any Error instance a resolver returns, so the list must hold objects that are not one.
 * The copy keeps every field the error types expose, and its type name for `resolveType`.
 */
export function errorView(error: AppError): AppError {
  const view = {
    ...error,
    message: error.message,
    code: error.code,
    [VIEW_TYPE]: errorTypeName(error),
  };
  return view as unknown as AppError;
}
