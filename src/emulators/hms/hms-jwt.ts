import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims every 100ms token carries (hms.md §2.1), plus whatever else the payload holds. */
export interface HmsJwtClaims {
  readonly access_key: string;
  readonly type: string;
  readonly version: number;
  readonly jti: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  readonly [claim: string]: unknown;
}

export type JwtCheck =
  | { readonly ok: true; readonly claims: HmsJwtClaims }
  | { readonly ok: false; readonly reason: string };

/**
 * Clock-skew allowance on `iat`/`nbf`/`exp`, in seconds. The sheet asks for "a little"
 * leeway (hms.md §7.1) without a number; 5 s is the stricter end.
 */
export const CLOCK_LEEWAY_SECONDS = 5;

/**
 * Verifies a 100ms HS256 token with node's own HMAC, independently of the adapter's JWT library:
 * the header must say HS256, the secret is looked up by the `access_key` claim and used as raw
 * UTF-8 bytes (§2.1), `version` must be the number 2, and the `iat`/`nbf`/`exp` window must hold.
 * Which of these the real server checks is UNCONFIRMED (§2.3); all of them is the strict reading.
 * `type` is left to the caller. The reasons are our own words (the wire text is UNCONFIRMED, §7.1).
 */
export function verifyHmsJwt(
  token: string,
  secretFor: (accessKey: string) => string | undefined,
  nowSeconds: number,
): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) {
    return fail('token is malformed');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  const payload = decodeJson(payloadPart);
  if (header === null || payload === null) {
    return fail('token is malformed');
  }
  if (header.alg !== 'HS256') {
    return fail('signing method is not HS256');
  }
  const secret = typeof payload.access_key === 'string' ? secretFor(payload.access_key) : undefined;
  if (secret === undefined) {
    return fail('access key is not valid');
  }
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${headerPart}.${payloadPart}`)
    .digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return fail('signature is invalid');
  }
  if (payload.version !== 2) {
    return fail('token version is not 2');
  }
  if (typeof payload.type !== 'string') {
    return fail('token type is missing');
  }
  if (typeof payload.jti !== 'string' || payload.jti === '') {
    return fail('token id (jti) is missing');
  }
  const { iat, nbf, exp } = payload;
  if (!isSeconds(iat) || !isSeconds(nbf) || !isSeconds(exp)) {
    return fail('iat, nbf and exp must be Unix seconds');
  }
  if (exp <= nowSeconds - CLOCK_LEEWAY_SECONDS) {
    return fail('token is expired');
  }
  if (nbf > nowSeconds + CLOCK_LEEWAY_SECONDS) {
    return fail('token is not valid yet');
  }
  if (iat > nowSeconds + CLOCK_LEEWAY_SECONDS) {
    return fail('token used before issued');
  }
  return { ok: true, claims: payload as HmsJwtClaims };
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function isSeconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function fail(reason: string): JwtCheck {
  return { ok: false, reason };
}
