/** `Authorization: Bearer <credential>`, the one scheme this service takes (RFC 6750). */
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/** The credential of a Bearer `Authorization` header; null for no header or another scheme. */
export function bearerCredential(header: string | null): string | null {
  return header === null ? null : (BEARER.exec(header)?.[1] ?? null);
}
