import { AppError } from '../../domain/errors.js';

/**
 * The caller is authenticated but lacks a scope the field or mutation needs. Raised by the
 * scope-auth plugin before the resolver runs, so it says nothing about whether the room or
 * account asked for exists. Not retryable with the same credentials.
 *
 * Kept apart from `errors.ts` because `builder.ts` raises it, and `errors.ts` imports the builder.
 */
export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  constructor(readonly requiredScopes: readonly string[]) {
    super(
      requiredScopes.length > 0
        ? `Not allowed: this client needs the ${requiredScopes.join(' or ')} scope`
        : 'Not allowed for this client',
    );
  }
}
