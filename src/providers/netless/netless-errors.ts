import { ProviderError } from '../../domain/errors.js';
import type { ParsedErrorBody, UpstreamFailure } from '../../http/upstream-client.js';
import { NETLESS_ASSUMPTIONS, netlessErrorBodySchema } from './netless-schemas.js';

/**
 * The token error texts the API documents (agora-whiteboard.md §6). They are the closest thing
 * Netless has to error codes, so they become `providerCode` (see NETLESS_ASSUMPTIONS).
 */
const TOKEN_MESSAGES = new Set([
  'invalid format of token',
  'expired token',
  'invalid signature of token',
  'unknown error',
]);

/** Reads Netless' `{ message }` error body; any other body falls back to the status. */
export function parseNetlessError(failure: UpstreamFailure): ParsedErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(failure.bodyText);
  } catch {
    return { message: `Netless answered HTTP ${failure.status}`, providerCode: null };
  }
  const parsed = netlessErrorBodySchema.safeParse(json);
  if (!parsed.success) {
    return { message: `Netless answered HTTP ${failure.status}`, providerCode: null };
  }
  const text = parsed.data.message;
  const known = TOKEN_MESSAGES.has(text) || text.startsWith(NETLESS_ASSUMPTIONS.tokenAccessPrefix);
  return { message: `Netless: ${text}`, providerCode: known ? text : null };
}

/** A 404 from a room path means the room is unknown (§2.3); nothing else tells us so. */
export function isRoomNotFound(error: unknown): boolean {
  return error instanceof ProviderError && error.status === 404;
}
