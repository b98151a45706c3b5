import type { EmulatorRequest, EmulatorResponse } from '../shared/emulator-host.js';

// How the 100ms emulator writes what every route shares: error bodies, times, replies.

/** 100ms's error body (hms.md §5): `{code, message}` plus `details` when there is a reason. */
export function hmsErrorBody(status: number, message: string, details?: readonly string[]) {
  return details && details.length > 0
    ? { code: status, message, details }
    : { code: status, message };
}

/** RFC 3339 with trailing fractional zeros trimmed, as 100ms prints times (§1). */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

export function reply(status: number, body: unknown): EmulatorResponse {
  return { status, body };
}

export function errorReply(status: number, message: string, details?: readonly string[]) {
  return reply(status, hmsErrorBody(status, message, details));
}

/** Whether a POST says it carries JSON (§1 requires the content type). */
export function isJson(request: EmulatorRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.toLowerCase().startsWith('application/json');
}
