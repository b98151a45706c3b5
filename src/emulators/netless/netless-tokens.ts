import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The emulator's own reading of the Netless token format (agora-whiteboard.md §4), written apart
 * from the adapter's signer so the two cannot share a mistake.
 */
export const TOKEN_PREFIX = {
  SDK: 'NETLESSSDK_',
  ROOM: 'NETLESSROOM_',
  TASK: 'NETLESSTASK_',
} as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

/** Role digits; a smaller number means more power (§4.1, §5). */
export const ROLE_WORDS = { '0': 'admin', '1': 'writer', '2': 'reader' } as const;
export type RoleDigit = keyof typeof ROLE_WORDS;

export interface VerifiedToken {
  readonly kind: TokenKind;
  readonly accessKey: string;
  readonly role: RoleDigit;
  /** Room or task uuid; absent on SDK tokens. */
  readonly uuid: string | null;
}

/** A token failure: the API's own message (§6) and the status the fact sheet maps it to. */
export interface TokenFailure {
  readonly status: 401;
  readonly message: 'invalid format of token' | 'invalid signature of token' | 'expired token';
}

const INVALID_FORMAT: TokenFailure = { status: 401, message: 'invalid format of token' };
const INVALID_SIGNATURE: TokenFailure = { status: 401, message: 'invalid signature of token' };

/**
 * Verifies a `token` header as §4.3 describes: prefix, base64url, form-encoded pairs in any
 * order, HMAC over the re-sorted JSON of the other pairs, then expiry.
 */
export function verifyToken(
  header: unknown,
  secrets: ReadonlyMap<string, string>,
  nowMs: number,
): VerifiedToken | TokenFailure {
  if (typeof header !== 'string' || /\s/.test(header)) {
    return INVALID_FORMAT;
  }
  const kind = (Object.keys(TOKEN_PREFIX) as TokenKind[]).find((candidate) =>
    header.startsWith(TOKEN_PREFIX[candidate]),
  );
  if (!kind) {
    return INVALID_FORMAT;
  }
  const encoded = header.slice(TOKEN_PREFIX[kind].length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
    return INVALID_FORMAT;
  }
  const pairs = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(
    Buffer.from(encoded, 'base64url').toString('utf8'),
  )) {
    if (pairs.has(key)) {
      return INVALID_FORMAT;
    }
    pairs.set(key, value);
  }
  const sig = pairs.get('sig');
  const accessKey = pairs.get('ak');
  const role = pairs.get('role');
  const uuid = pairs.get('uuid') ?? null;
  const expireAt = pairs.get('expireAt');
  // A token without a role is UNCONFIRMED (§4.1); the stricter reading refuses it. Room and task
  // tokens without a uuid cannot be scoped, so they are refused too.
  if (
    !sig ||
    !/^[0-9a-f]{64}$/.test(sig) ||
    !accessKey ||
    !pairs.get('nonce') ||
    !isRoleDigit(role) ||
    (kind !== 'SDK' && !uuid) ||
    (expireAt !== undefined && !/^\d+$/.test(expireAt))
  ) {
    return INVALID_FORMAT;
  }
  pairs.delete('sig');
  const secret = secrets.get(accessKey);
  // An unknown access key is UNCONFIRMED; §4.3 proposes the signature error.
  if (secret === undefined) {
    return INVALID_SIGNATURE;
  }
  const expected = createHmac('sha256', secret).update(signedJson(pairs)).digest();
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) {
    return INVALID_SIGNATURE;
  }
  if (expireAt !== undefined && nowMs > Number(expireAt)) {
    return { status: 401, message: 'expired token' };
  }
  return { kind, accessKey, role, uuid };
}

export function isTokenFailure(value: VerifiedToken | TokenFailure): value is TokenFailure {
  return 'status' in value;
}

export interface MintInput {
  readonly kind: TokenKind;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly role: RoleDigit;
  readonly uuid?: string;
  /** Milliseconds; 0 leaves `expireAt` out, so the token never expires (§4.1). */
  readonly lifespan: number;
  readonly nowMs: number;
  readonly nonce: string;
}

/** Mints a token as the service does for its REST endpoints (§3, §8.4). */
export function mintToken(input: MintInput): string {
  const pairs = new Map<string, string>([
    ['ak', input.accessKey],
    ['nonce', input.nonce],
    ['role', input.role],
  ]);
  if (input.uuid) {
    pairs.set('uuid', input.uuid);
  }
  if (input.lifespan > 0) {
    pairs.set('expireAt', String(input.nowMs + input.lifespan));
  }
  pairs.set('sig', createHmac('sha256', input.secretKey).update(signedJson(pairs)).digest('hex'));
  const query = [...pairs.keys()]
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(pairs.get(key) ?? '')}`)
    .join('&');
  return TOKEN_PREFIX[input.kind] + Buffer.from(query, 'utf8').toString('base64url');
}

export function isRoleDigit(value: unknown): value is RoleDigit {
  return value === '0' || value === '1' || value === '2';
}

/** Compact JSON of the pairs with keys in code-unit order, every value a string (§4.2 step 2). */
function signedJson(pairs: ReadonlyMap<string, string>): string {
  const entries = [...pairs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`;
}

const ROLE_BY_WORD: Record<string, RoleDigit> = { admin: '0', writer: '1', reader: '2' };

/** A checked token request body. */
export interface TokenBody {
  readonly role: RoleDigit;
  readonly lifespan: number;
  readonly accessKey?: string;
  readonly secretAccessKey?: string;
}

/** Checks a token request body (§3): `lifespan` in ms (0 = never expires) and a role word. */
export function readTokenBody(body: unknown, withKeys: boolean): TokenBody | { message: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { message: 'invalid request body' };
  }
  const fields = body as Record<string, unknown>;
  if (
    withKeys &&
    (typeof fields.accessKey !== 'string' || typeof fields.secretAccessKey !== 'string')
  ) {
    return { message: 'accessKey and secretAccessKey are required' };
  }
  if (!Number.isInteger(fields.lifespan) || Number(fields.lifespan) < 0) {
    return { message: 'lifespan must be a non-negative integer' };
  }
  const role = typeof fields.role === 'string' ? ROLE_BY_WORD[fields.role] : undefined;
  if (!isRoleDigit(role)) {
    return { message: 'role must be one of admin, writer, reader' };
  }
  return {
    role,
    lifespan: Number(fields.lifespan),
    accessKey: typeof fields.accessKey === 'string' ? fields.accessKey : undefined,
    secretAccessKey:
      typeof fields.secretAccessKey === 'string' ? fields.secretAccessKey : undefined,
  };
}
