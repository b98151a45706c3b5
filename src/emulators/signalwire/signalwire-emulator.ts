import { randomBytes } from 'node:crypto';
import { createEmulator, type Emulator } from '../shared/emulator-host.js';
import { joinRoutes } from './signalwire-join.js';
import { RoomTokenSigner } from './signalwire-room-tokens.js';
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
  /**
   * How long a recording stays `processing` after its session ends before its file is
   * `completed`, in milliseconds of that clock. Default 300.
   */
  readonly recordingReadyDelayMs?: number;
}

/**
 * A SignalWire Video REST emulator (`/api/video/...`) as `../shared/providers/signalwire.md`
 * documents it: conferences and their tokens, rooms and room tokens, and as
 * `signalwire-room-life.md` does, their sessions, members, recordings and events. Clients join
 * and leave through `POST /__emulator/join` and `/leave` (`signalwire-join.ts`). Host it with
 * `startEmulator`.
 */
export function createSignalWireEmulator(
  options: SignalWireEmulatorOptions,
): Emulator & { readonly store: SignalWireStore } {
  const now = options.now ?? Date.now;
  const store = new SignalWireStore(now, {
    projectId: options.projectId,
    recordingReadyDelayMs: options.recordingReadyDelayMs ?? 300,
  });
  const expectedCredentials = `${options.projectId}:${options.apiToken}`;
  const tokens = new RoomTokenSigner();
  const linkKey = randomBytes(32);

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
        signRoomToken: (claims) => tokens.sign(claims),
        linkKey,
      });
    },
    errorBody: signalWireErrorBody,
    reset: () => store.reset(),
    adminRoutes: joinRoutes({ store, tokens, projectId: options.projectId, now }),
  });
  return Object.assign(emulator, { store });
}

function basicCredentials(header: string | string[] | undefined): string | undefined {
  const match = typeof header === 'string' ? /^Basic\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
}
