/** Videsk credentials: one API token of type `api-token` (`../shared/providers/videsk.md` §1). */
export interface VideskCredentials {
  /**
   * The account's API token, sent as `Authorization: Bearer <apiToken>` on every call. Videsk
   * issues it from the dashboard or the developer terminal; it may be IP-restricted there.
   */
  readonly apiToken: string;
}

/** Headers that authenticate every Rooms API call. */
export function videskAuthHeaders(credentials: VideskCredentials): Record<string, string> {
  if (credentials.apiToken.trim() === '') {
    // Say which setting is wrong without echoing any part of it.
    throw new Error('The Videsk provider needs a non-empty apiToken');
  }
  return { authorization: `Bearer ${credentials.apiToken}` };
}

/** The claims of a Videsk access token that the service reads; absent ones are null. */
export interface AccessTokenClaims {
  readonly expiresAt: Date | null;
  readonly issuedAt: Date | null;
  readonly jti: string | null;
}

const NO_CLAIMS: AccessTokenClaims = { expiresAt: null, issuedAt: null, jti: null };

/**
 * Reads `exp`, `iat` and `jti` from a Videsk access token WITHOUT verifying it (§4): only Videsk
 * holds the key, and the service only uses these to describe the token it hands on. Anything
 * unreadable (not a JWT, a payload that is not JSON, a claim of the wrong type) reads as absent.
 */
export function readAccessTokenClaims(token: string): AccessTokenClaims {
  const payload = token.split('.')[1];
  if (!payload) {
    return NO_CLAIMS;
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return NO_CLAIMS;
  }
  if (typeof claims !== 'object' || claims === null) {
    return NO_CLAIMS;
  }
  const record = claims as Record<string, unknown>;
  return {
    expiresAt: secondsToDate(record.exp),
    issuedAt: secondsToDate(record.iat),
    jti: typeof record.jti === 'string' && record.jti !== '' ? record.jti : null,
  };
}

function secondsToDate(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0
    ? new Date(value * 1000)
    : null;
}
