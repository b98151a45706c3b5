import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** The app credentials from the 100ms dashboard (Developer → Access credentials). */
export interface HmsCredentials {
  /** App access key: a 24-hex id, sent inside every token as `access_key`. */
  readonly appAccessKey: string;
  /** App secret: the HS256 key, used as raw UTF-8 bytes (hms.md §2.1). Never logged. */
  readonly appSecret: string;
}

/**
 * Lifetime of the management tokens we mint, in seconds. UNCONFIRMED (hms.md §2.2): the server's
 * maximum is not documented (the SDK uses 24 h, dashboard tokens live 7–14 days); one hour keeps
 * a leaked token short-lived and costs one local signature an hour.
 */
const MANAGEMENT_TOKEN_TTL_SECONDS = 3600;
/** Renew this long before expiry, so a token never expires in flight. */
const RENEW_BEFORE_SECONDS = 60;
/** The official SDK back-dates `iat`/`nbf` by 10 s against clock skew (hms.md §2.2, S8). */
const CLOCK_SKEW_SECONDS = 10;

const JWT_HEADER = { alg: 'HS256', typ: 'JWT' } as const;

/** Hands out a cached management token and renews it before it expires. */
export interface ManagementTokenSource {
  /** The current token, minted or renewed when needed. */
  token(): Promise<string>;
  /** Drops `staleToken` (after a 401/403) so the next `token()` mints a fresh one. */
  invalidate(staleToken: string): void;
}

/**
 * @param inUse Told of the token each time it is handed out, minted or cached: the account's
 *   redactor (`remember`), so the token a request carries is scrubbed from log lines by value
 *   and, said at each use, stays among the redactor's most recent.
 */
export function createManagementTokenSource(
  credentials: HmsCredentials,
  now: () => number,
  inUse: (token: string) => void = () => {},
): ManagementTokenSource {
  let cached: { token: string; exp: number } | null = null;
  let pending: Promise<string> | null = null;

  async function mint(): Promise<string> {
    const iat = Math.floor(now() / 1000) - CLOCK_SKEW_SECONDS;
    const exp = iat + MANAGEMENT_TOKEN_TTL_SECONDS;
    const token = await sign(credentials, { type: 'management' }, iat, exp);
    cached = { token, exp };
    return token;
  }

  return {
    async token() {
      if (cached && cached.exp - RENEW_BEFORE_SECONDS > now() / 1000) {
        inUse(cached.token);
        return cached.token;
      }
      // Concurrent calls share one signature instead of each minting its own.
      pending ??= mint().finally(() => {
        pending = null;
      });
      const token = await pending;
      inUse(token);
      return token;
    },
    invalidate(staleToken) {
      if (cached?.token === staleToken) {
        cached = null;
      }
    },
  };
}

/** What goes into an app (join) token besides the fixed claims (hms.md §2.3). */
export interface AppTokenClaims {
  readonly roomId: string;
  readonly userId: string;
  /** A role name from the room's template. */
  readonly role: string;
  /** Unix seconds. */
  readonly issuedAt: number;
  /** Unix seconds. */
  readonly expiresAt: number;
}

/** Signs an app token: `type: app`, `version: 2`, with `room_id`, `user_id` and `role`. */
export function signAppToken(credentials: HmsCredentials, claims: AppTokenClaims): Promise<string> {
  return sign(
    credentials,
    { type: 'app', room_id: claims.roomId, user_id: claims.userId, role: claims.role },
    claims.issuedAt,
    claims.expiresAt,
  );
}

function sign(
  credentials: HmsCredentials,
  claims: Record<string, string>,
  iat: number,
  exp: number,
): Promise<string> {
  return new SignJWT({ access_key: credentials.appAccessKey, ...claims, version: 2 })
    .setProtectedHeader(JWT_HEADER)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(exp)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(credentials.appSecret));
}
