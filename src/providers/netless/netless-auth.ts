import { createHmac, randomUUID } from 'node:crypto';
import type { TokenSource } from '../../domain/capabilities.js';

/** Token prefixes by kind (agora-whiteboard.md §4.1). */
export const NETLESS_TOKEN_PREFIXES = {
  SDK: 'NETLESSSDK_',
  ROOM: 'NETLESSROOM_',
  TASK: 'NETLESSTASK_',
} as const;
export type NetlessTokenKind = keyof typeof NETLESS_TOKEN_PREFIXES;

/** Shapes of the SDK, room and task tokens, scrubbed by shape from text the service writes. */
export const NETLESS_TOKEN_PATTERNS: readonly RegExp[] = [
  /\bNETLESS(?:SDK|ROOM|TASK)_[A-Za-z0-9_-]+/g,
];

/** Role words as REST bodies spell them; tokens carry the digits (§5). */
export type NetlessRole = 'admin' | 'writer' | 'reader';
const ROLE_DIGITS: Record<NetlessRole, string> = { admin: '0', writer: '1', reader: '2' };

export interface SignNetlessTokenInput {
  readonly kind: NetlessTokenKind;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly role: NetlessRole;
  /** Room uuid (room tokens) or task uuid (task tokens); never empty (§4.3 quirks). */
  readonly uuid?: string;
  /** Milliseconds the token lives; 0 means it never expires (§4.1). */
  readonly lifespanMs: number;
  /** The issue time, epoch milliseconds. */
  readonly nowMs: number;
  /** Any unique string; the server does not care about its format (§4.1). */
  readonly nonce: string;
}

/**
 * The string the HMAC covers: compact JSON of the fields with keys sorted by code unit and every
 * value a string (§4.2 step 2).
 */
export function netlessStringToSign(fields: Readonly<Record<string, string>>): string {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(fields).sort()) {
    sorted[key] = String(fields[key]);
  }
  return JSON.stringify(sorted);
}

/**
 * Mints a Netless token locally with the documented HMAC-SHA256 algorithm (§4.2): the same bytes
 * the official `netless-token` package yields for the same clock and nonce.
 */
export function signNetlessToken(input: SignNetlessTokenInput): string {
  const fields: Record<string, string> = {
    ak: input.accessKey,
    nonce: input.nonce,
    role: ROLE_DIGITS[input.role],
  };
  if (input.uuid !== undefined) {
    fields.uuid = input.uuid;
  }
  if (input.lifespanMs > 0) {
    fields.expireAt = String(input.nowMs + input.lifespanMs);
  }
  fields.sig = createHmac('sha256', input.secretKey)
    .update(netlessStringToSign(fields))
    .digest('hex');
  const query = Object.keys(fields)
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(fields[key] ?? '')}`)
    .join('&');
  return NETLESS_TOKEN_PREFIXES[input.kind] + Buffer.from(query, 'utf8').toString('base64url');
}

export interface NetlessCredentialOptions {
  /** An SDK token sent as the `token` header; used only without an access key pair. */
  readonly sdkToken?: string;
  readonly accessKey?: string;
  readonly secretKey?: string;
  readonly now: () => number;
  /** Nonce source, injectable for tests; a random UUID by default. */
  readonly nonce?: () => string;
  /** Told of every token signed here, the moment it is signed: each is a secret (a redactor). */
  readonly signed?: (token: string) => void;
}

/** A token we minted, with the times the domain reports. */
export interface MintedToken {
  readonly token: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** How the adapter authenticates: a local signer (AK/SK) or a fixed SDK token plus the token API. */
export type NetlessAuth =
  | {
      readonly tokenSource: Extract<TokenSource, 'LOCAL_SIGNER'>;
      /** The `token` header for REST calls: an admin SDK token, minted and cached. */
      restToken(): string;
      mintRoomToken(uuid: string, role: NetlessRole, lifespanMs: number): MintedToken;
    }
  | {
      readonly tokenSource: Extract<TokenSource, 'PROVIDER_API'>;
      restToken(): string;
    };

/**
 * The SDK token we mint for our own REST calls lives an hour and is renewed five minutes before
 * it expires: our choice, since the service always sets an expiry (no permanent tokens).
 */
const SDK_TOKEN_LIFESPAN_MS = 3_600_000;
const SDK_TOKEN_RENEW_BEFORE_MS = 300_000;

/** Picks the auth mode from the configured credentials; throws a clear Error when they do not fit. */
export function createNetlessAuth(options: NetlessCredentialOptions): NetlessAuth {
  const { sdkToken, now } = options;
  const accessKey = options.accessKey || null;
  const secretKey = options.secretKey || null;
  if ((accessKey === null) !== (secretKey === null)) {
    throw new Error('Netless provider: accessKey and secretKey must be given together');
  }
  if (accessKey !== null && secretKey !== null) {
    const nonce = options.nonce ?? randomUUID;
    const sign = (kind: NetlessTokenKind, role: NetlessRole, lifespanMs: number, uuid?: string) => {
      const nowMs = now();
      const token = signNetlessToken({
        kind,
        accessKey,
        secretKey,
        role,
        uuid,
        lifespanMs,
        nowMs,
        nonce: nonce(),
      });
      options.signed?.(token);
      return { token, issuedAt: new Date(nowMs), expiresAt: new Date(nowMs + lifespanMs) };
    };
    let cached: MintedToken | null = null;
    return {
      tokenSource: 'LOCAL_SIGNER',
      restToken() {
        if (cached === null || cached.expiresAt.getTime() - now() < SDK_TOKEN_RENEW_BEFORE_MS) {
          cached = sign('SDK', 'admin', SDK_TOKEN_LIFESPAN_MS);
        }
        return cached.token;
      },
      mintRoomToken: (uuid, role, lifespanMs) => sign('ROOM', role, lifespanMs, uuid),
    };
  }
  if (sdkToken === undefined || sdkToken === '') {
    throw new Error('Netless provider: configure sdkToken, or accessKey and secretKey');
  }
  if (!sdkToken.startsWith(NETLESS_TOKEN_PREFIXES.SDK)) {
    throw new Error(
      `Netless provider: sdkToken must be an SDK token (${NETLESS_TOKEN_PREFIXES.SDK}…)`,
    );
  }
  return { tokenSource: 'PROVIDER_API', restToken: () => sdkToken };
}
