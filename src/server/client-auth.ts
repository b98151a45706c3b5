import { hash, timingSafeEqual } from 'node:crypto';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyOptions,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { CLIENT_SCOPES, type ClientApiKey, type ClientScope, type Config } from '../config.js';
import type { ClientIdentity } from '../context.js';
import { bearerCredential } from './bearer.js';

/** What authenticates clients, and whether a request without credentials may pass. */
export interface ClientAuthSettings {
  /** Keys as the SHA-256 (hex) of the raw key, each with its id and scopes. */
  readonly apiKeys: readonly ClientApiKey[];
  /** HS256 secret of client JWTs. */
  readonly jwtSecret?: string;
  /** JWKS URL of client JWTs signed with asymmetric keys. */
  readonly jwksUrl?: string;
  /** Required `iss` of client JWTs, when set. */
  readonly jwtIssuer?: string;
  /** Required `aud` of client JWTs, when set. */
  readonly jwtAudience?: string;
  /** A request with no credentials gets every scope (the sandbox, `ALLOW_ANONYMOUS`). */
  readonly allowAnonymous: boolean;
}

export interface ClientAuthOptions extends ClientAuthSettings {
  /** Where a failure to fetch the JWKS is reported, with the request; never given a credential. */
  readonly logError?: (message: string, error: unknown, request: Request) => void;
}

/** The client auth settings of a configuration; `open` (the sandbox) lets anonymous callers in. */
export function clientAuthSettings(config: Config, open: boolean): ClientAuthSettings {
  return {
    apiKeys: config.clientApiKeys,
    jwtSecret: config.clientJwtSecret,
    jwksUrl: config.clientJwksUrl,
    jwtIssuer: config.clientJwtIssuer,
    jwtAudience: config.clientJwtAudience,
    allowAnonymous: open || config.allowAnonymous,
  };
}

/** The result of checking one request's credentials. */
export type AuthOutcome =
  | { readonly ok: true; readonly client: ClientIdentity }
  /** `unauthenticated`: missing or bad credentials. `unavailable`: the JWKS could not be read. */
  | { readonly ok: false; readonly reason: 'unauthenticated' | 'unavailable' };

const ANONYMOUS: ClientIdentity = {
  id: 'anonymous',
  kind: 'anonymous',
  scopes: new Set(CLIENT_SCOPES),
};

/** Context of a request that never passed the auth plugin: it may do nothing. */
const NOBODY: ClientIdentity = { id: 'unauthenticated', kind: 'anonymous', scopes: new Set() };

/** Asymmetric algorithms only: a JWKS never holds the HS256 secret, so nothing can be confused. */
const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** jose failures that mean "this token is not good"; any other means we could not check it. */
const CREDENTIAL_FAILURES = new Set<string>([
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWK_INVALID',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_EXPIRED',
  'ERR_JWT_INVALID',
]);

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Checks the `Authorization: Bearer` credential of a request: an API key (compared by its
 * SHA-256, in constant time against every configured key) or a JWT (HS256 secret or JWKS; `exp`
 * and `sub` required, issuer and audience checked when configured). One outcome per request,
 * shared by the rate limiter (which keys on the identity) and the auth plugin.
 */
export class ClientAuthenticator {
  private readonly outcomes = new WeakMap<Request, Promise<AuthOutcome>>();
  private readonly clients = new WeakMap<Request, ClientIdentity>();
  private settings: ClientAuthSettings;
  /** Each configured key's hash, and the identity it stands for (built once, not per request). */
  private keyHashes: readonly { client: ClientIdentity; hash: Buffer }[] = [];
  private verifyJwt: ((token: string) => Promise<JWTPayload>) | null = null;

  constructor(private readonly options: ClientAuthOptions) {
    this.settings = options;
    this.reconfigure(options);
  }

  /**
   * Checks requests with new keys and JWT settings from now on (a configuration reload). A
   * request already checked keeps its outcome.
   */
  reconfigure(settings: ClientAuthSettings): void {
    this.settings = settings;
    this.keyHashes = settings.apiKeys.map((key) => ({
      client: { id: key.id, kind: 'api-key', scopes: new Set(key.scopes) },
      hash: Buffer.from(key.sha256, 'hex'),
    }));
    this.verifyJwt = createJwtVerifier(settings);
  }

  /** The outcome for this request, computed once however often it is asked. */
  authenticate(request: Request): Promise<AuthOutcome> {
    let outcome = this.outcomes.get(request);
    if (!outcome) {
      outcome = this.check(request).then((result) => {
        if (result.ok) {
          this.clients.set(request, result.client);
        }
        return result;
      });
      this.outcomes.set(request, outcome);
    }
    return outcome;
  }

  /** The identity of an authenticated request, for its GraphQL context; no scopes otherwise. */
  clientOf(request: Request): ClientIdentity {
    return this.clients.get(request) ?? NOBODY;
  }

  private async check(request: Request): Promise<AuthOutcome> {
    const header = request.headers.get('authorization');
    if (header === null) {
      return this.settings.allowAnonymous
        ? { ok: true, client: ANONYMOUS }
        : { ok: false, reason: 'unauthenticated' };
    }
    const credential = bearerCredential(header);
    if (!credential) {
      return { ok: false, reason: 'unauthenticated' };
    }
    const client = this.matchApiKey(credential);
    if (client) {
      return { ok: true, client };
    }
    if (this.verifyJwt && JWT_SHAPE.test(credential)) {
      return this.checkJwt(this.verifyJwt, credential, request);
    }
    return { ok: false, reason: 'unauthenticated' };
  }

  /** Compares with every key, so the time taken says nothing about which one came close. */
  private matchApiKey(credential: string): ClientIdentity | null {
    const digest = hash('sha256', credential, 'buffer');
    let found: ClientIdentity | null = null;
    for (const candidate of this.keyHashes) {
      if (timingSafeEqual(candidate.hash, digest) && found === null) {
        found = candidate.client;
      }
    }
    return found;
  }

  private async checkJwt(
    verify: (token: string) => Promise<JWTPayload>,
    token: string,
    request: Request,
  ): Promise<AuthOutcome> {
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JOSEError && CREDENTIAL_FAILURES.has(error.code)) {
        return { ok: false, reason: 'unauthenticated' };
      }
      // The key set could not be fetched or read: our outage, not the client's mistake.
      this.options.logError?.(
        'Client JWT keys could not be fetched from CLIENT_JWKS_URL',
        error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        request,
      );
      return { ok: false, reason: 'unavailable' };
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') {
      return { ok: false, reason: 'unauthenticated' };
    }
    return { ok: true, client: { id: payload.sub, kind: 'jwt', scopes: scopesOf(payload) } };
  }
}

function createJwtVerifier(
  options: ClientAuthSettings,
): ((token: string) => Promise<JWTPayload>) | null {
  const claims: JWTVerifyOptions = {
    requiredClaims: ['exp', 'sub'],
    clockTolerance: 5,
    ...(options.jwtIssuer ? { issuer: options.jwtIssuer } : {}),
    ...(options.jwtAudience ? { audience: options.jwtAudience } : {}),
  };
  if (options.jwtSecret) {
    const secret = new TextEncoder().encode(options.jwtSecret);
    return async (token) =>
      (await jwtVerify(token, secret, { ...claims, algorithms: ['HS256'] })).payload;
  }
  if (options.jwksUrl) {
    const keySet = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5_000 });
    return async (token) =>
      (await jwtVerify(token, keySet, { ...claims, algorithms: JWKS_ALGORITHMS })).payload;
  }
  return null;
}

/** OAuth's space-separated `scope` claim and a `scopes` array, both read; unknown names ignored. */
function scopesOf(payload: JWTPayload): ReadonlySet<ClientScope> {
  const named = [
    ...(typeof payload.scope === 'string' ? payload.scope.split(/\s+/) : []),
    ...(Array.isArray(payload.scopes) ? payload.scopes : []),
  ];
  return new Set(CLIENT_SCOPES.filter((scope) => named.some((name: unknown) => name === scope)));
}

/**
 * The same answer for a missing key, an unknown key, a bad signature or an expired token, so a
 * caller cannot tell which keys exist.
 */
function unauthenticatedError() {
  return createGraphQLError(
    'Authentication required: send a valid API key or token as "Authorization: Bearer <credential>"',
    {
      extensions: {
        code: 'UNAUTHENTICATED',
        http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="video-rooms"' } },
      },
    },
  );
}

function authUnavailableError() {
  return createGraphQLError('Client authentication is unavailable; try again shortly', {
    extensions: { code: 'AUTH_UNAVAILABLE', http: { status: 503 } },
  });
}

/**
 * Refuses a GraphQL request before it is parsed when its credentials fail, so an unauthenticated
 * caller learns nothing of the schema (not even from validation errors). GraphiQL's page and the
 * health check are served before this hook and stay open.
 */
export function useClientAuth(authenticator: ClientAuthenticator): Plugin {
  return {
    async onRequestParse({ request }) {
      if (request.method !== 'GET' && request.method !== 'POST') {
        return;
      }
      const outcome = await authenticator.authenticate(request);
      if (!outcome.ok) {
        throw outcome.reason === 'unavailable' ? authUnavailableError() : unauthenticatedError();
      }
    },
  };
}

/** Whether anything can authenticate a client: keys, a JWT secret or a JWKS URL. */
function clientAuthConfigured(config: Config): boolean {
  return (
    config.clientApiKeys.length > 0 ||
    config.clientJwtSecret !== undefined ||
    config.clientJwksUrl !== undefined
  );
}

/**
 * Why the service must not start or take this configuration live, or null: real provider
 * accounts with no way to authenticate clients would hand every provider credential's power to
 * anyone who can reach the port.
 */
export function startupRefusal(config: Config, sandbox: boolean): string | null {
  if (sandbox || config.allowAnonymous || clientAuthConfigured(config)) {
    return null;
  }
  return 'Provider accounts are configured but client authentication is not. Set CLIENT_API_KEYS, CLIENT_JWT_SECRET or CLIENT_JWKS_URL, or ALLOW_ANONYMOUS=true to let anyone who can reach the service use it.';
}
