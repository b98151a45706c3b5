/**
 * Strips what must never reach a log line, an error message or a metric label: URLs (they name
 * the upstream host and may carry tokens in the query), `Authorization` values, bearer tokens,
 * JWTs, the providers' own token shapes (`tokenPatterns`, global regexps, which each provider
 * module declares) and `key=value` secrets. Values go before keys, so a scheme word is never left behind with its
 * credential after it.
 */
export function redact(text: string, tokenPatterns: readonly RegExp[] = []): string {
  let scrubbed = text
    .replace(/\bhttps?:\/\/[^\s"'<>]+/gi, '[redacted-url]')
    .replace(/\b(Basic|Bearer)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
  for (const pattern of tokenPatterns) {
    scrubbed = scrubbed.replaceAll(pattern, '[redacted-token]');
  }
  return scrubbed.replace(
    /\b(authorization|token|api[_-]?key|secret|password)(["']?\s*[:=]\s*["']?)(?!(?:Basic|Bearer) \[redacted\]|\[redacted)[^\s"',&]+/gi,
    '$1$2[redacted]',
  );
}

/** Path only, without query or origin, for messages that must say what was called. */
export function describeRoute(method: string, path: string): string {
  const query = path.indexOf('?');
  return `${method} ${query < 0 ? path : path.slice(0, query)}`;
}
