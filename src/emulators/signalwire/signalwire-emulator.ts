import { createHmac, randomBytes } from 'node:crypto';
import { createEmulator, type Emulator } from '../shared/emulator-host.js';
import { routeSignalWireRequest } from './signalwire-routes.js';
import { SignalWireStore } from './signalwire-store.js';
import { signalWireErrorBody } from './signalwire-wire.js';

export interface SignalWireEmulatorOptions {
  /** The Basic-auth username the emulator accepts, and the `sub` claim of room tokens. */
  readonly projectId: string;
  /** The Basic-auth password the emulator accepts. */
  readonly apiToken: string;
  /** Clock in epoch milliseconds for timestamps and token `iat`; defaults to `Date.now`. */
  readonly now?: () => number;
}

/**
 * A SignalWire Video REST emulator (`/api/video/...`) as `../shared/providers/signalwire.md`
 * documents it: conferences and their tokens, rooms and room tokens. Host it with `startEmulator`.
 */
export function createSignalWireEmulator(
  options: SignalWireEmulatorOptions,
): Emulator & { readonly store: SignalWireStore } {
  const now = options.now ?? Date.now;
  const store = new SignalWireStore(now);
  const expectedCredentials = `${options.projectId}:${options.apiToken}`;
  // SignalWire signs with its own key, which clients never hold (§5.2); a per-instance secret keeps
  // tokens well-formed without pretending to be verifiable elsewhere.
  const signingKey = randomBytes(64);

  function signRoomToken(claims: Record<string, unknown>): string {
    const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
    const signingInput = `${encode({ typ: 'VRT', alg: 'HS512' })}.${encode(claims)}`;
    const signature = createHmac('sha512', signingKey).update(signingInput).digest('base64url');
    return `${signingInput}.${signature}`;
  }

  const emulator = createEmulator({
    name: 'signalwire',
    handle(request) {
      if (!request.path.startsWith('/api/video/')) {
        return { status: 404, body: signalWireErrorBody(404) };
      }
      // Bad or missing credentials are 401 (§1); a wrong token scope would be 401 or 403
      // (UNCONFIRMED), but the emulator has no scopes to get wrong.
      if (basicCredentials(request.headers.authorization) !== expectedCredentials) {
        return { status: 401, body: signalWireErrorBody(401) };
      }
      return routeSignalWireRequest(request, {
        store,
        projectId: options.projectId,
        now,
        signRoomToken,
      });
    },
    errorBody: signalWireErrorBody,
    reset: () => store.reset(),
  });
  return Object.assign(emulator, { store });
}

function basicCredentials(header: string | string[] | undefined): string | undefined {
  const match = typeof header === 'string' ? /^Basic\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
}
