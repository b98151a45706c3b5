import type { ParsedErrorBody, UpstreamFailure } from '../../http/upstream-client.js';
import { signalWireErrorBodySchema } from './signalwire-schemas.js';

/**
 * Reads SignalWire's error bodies (`signalwire.md` §7): `{"error": "Not Found"}` for most
 * statuses, and for 422 a list of `{code, message, attribute}`, one per bad field.
 */
export function parseSignalWireError(failure: UpstreamFailure): ParsedErrorBody {
  let json: unknown;
  try {
    json = JSON.parse(failure.bodyText);
  } catch {
    return { message: `SignalWire answered HTTP ${failure.status}`, providerCode: null };
  }
  const parsed = signalWireErrorBodySchema.safeParse(json);
  if (!parsed.success) {
    return { message: `SignalWire answered HTTP ${failure.status}`, providerCode: null };
  }
  const { error, errors } = parsed.data;
  if (errors && errors.length > 0) {
    const message = errors
      .map((entry) =>
        entry.attribute
          ? `${entry.attribute}: ${entry.message ?? entry.code}`
          : (entry.message ?? entry.code),
      )
      .join('; ');
    return {
      message: `SignalWire rejected the request: ${message}`,
      providerCode: errors[0]?.code ?? null,
    };
  }
  return {
    message: `SignalWire answered HTTP ${failure.status}: ${error ?? 'no details'}`,
    providerCode: null,
  };
}
