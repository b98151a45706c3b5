import type { ParsedErrorBody, UpstreamFailure } from '../../http/upstream-client.js';
import { hmsErrorSchema } from './hms-schemas.js';

/**
 * Reads a 100ms error body (hms.md §5) into a client-safe message. `message` is a summary
 * (`Invalid body param`, `Token validation error`) and `details` the specific reasons; a detail
 * that already repeats the summary stands alone. `code` is just the HTTP status again, kept as
 * the provider code because it is all the body offers.
 */
export function parseHmsError(failure: UpstreamFailure): ParsedErrorBody {
  const fallback = `100ms answered HTTP ${failure.status}`;
  let json: unknown;
  try {
    json = JSON.parse(failure.bodyText);
  } catch {
    return { message: fallback, providerCode: null };
  }
  const parsed = hmsErrorSchema.safeParse(json);
  if (!parsed.success) {
    return { message: fallback, providerCode: null };
  }
  const body = parsed.data;
  const summary = body.message?.trim() || body.data?.description?.trim() || '';
  const details = (body.details ?? []).filter(
    (detail): detail is string => typeof detail === 'string' && detail.trim() !== '',
  );
  let message = summary;
  if (details.length > 0) {
    const joined = details.join('; ');
    message = summary === '' || joined.startsWith(summary) ? joined : `${summary}: ${joined}`;
  }
  return {
    message: message || fallback,
    providerCode: body.code == null ? null : String(body.code),
  };
}
