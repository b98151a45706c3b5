/**
 * Strips what must never reach a log line, an error message or a metric label: credentials in
 * URLs, `Authorization` values, bearer tokens and long token-like strings.
 */
export function redact(text: string): string {
  return text
    .replace(/\b(https?:\/\/)[^\s/@]+@/gi, '$1[redacted]@')
    .replace(
      /\b(authorization|token|api[_-]?key|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',&]+/gi,
      '$1$2[redacted]',
    )
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/g, '$1 [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]')
    .replace(/\bvpt_[0-9a-f]{8,}\b/gi, '[redacted-token]');
}

/** Path only, without query or origin, for messages that must say what was called. */
export function describeRoute(method: string, path: string): string {
  const [pathname = ''] = path.split('?');
  return `${method} ${pathname}`;
}
