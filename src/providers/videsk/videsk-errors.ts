import type { ParsedErrorBody, UpstreamFailure } from '../../http/upstream-client.js';
import { videskErrorSchema } from './videsk-schemas.js';

/**
 * Reads Videsk's Feathers error body, `{name, message, code, className, data?, errors}`
 * (`../shared/providers/videsk.md` §6). The provider code is the kebab-case `className`
 * (`not-found`, `conflict`…): §6 says to branch on it and the status, never on the message.
 * A validation error names its field in `data` as a string; the message gets it when it does
 * not already say it.
 */
export function parseVideskError(failure: UpstreamFailure): ParsedErrorBody {
  const fallback = { message: `Videsk answered HTTP ${failure.status}`, providerCode: null };
  let json: unknown;
  try {
    json = JSON.parse(failure.bodyText);
  } catch {
    return fallback;
  }
  const parsed = videskErrorSchema.safeParse(json);
  if (!parsed.success) {
    return fallback;
  }
  const body = parsed.data;
  const providerCode = body.className ?? body.name ?? null;
  let message = body.message?.trim() || fallback.message;
  if (typeof body.data === 'string' && body.data !== '' && !message.includes(body.data)) {
    message = `${message} (field: ${body.data})`;
  }
  return { message, providerCode };
}
