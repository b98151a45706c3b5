import { STATUS_CODES } from 'node:http';
import { createEmulator, type Emulator } from '../shared/emulator-host.js';
import { createNetlessAdminRoutes } from './netless-admin-routes.js';
import { createNetlessRoutes, fail, type NETLESS_REGIONS } from './netless-routes.js';
import { NetlessStore } from './netless-store.js';

/** The sandbox project's key pair, for `npm start` with no credentials. Not a secret. */
export const NETLESS_EMULATOR_ACCESS_KEY = 'emulatorAK00001';
export const NETLESS_EMULATOR_SECRET_KEY = 'emulatorSK0000000000000000000001';

export interface NetlessEmulatorOptions {
  /** Key pairs of the one emulated project; the sandbox pair by default. */
  readonly credentials?: readonly { readonly accessKey: string; readonly secretKey: string }[];
  /** Region used when a request sends no `region` header (agora-whiteboard.md §1); `us-sv`. */
  readonly defaultRegion?: (typeof NETLESS_REGIONS)[number];
  /** Refuse a `region` outside the documented enum with 400; on by default (the stricter reading). */
  readonly strictRegion?: boolean;
  /** Requests allowed per clock second before 429 (§7 PROPOSAL); off when absent. */
  readonly requestsPerSecond?: number;
  /** Epoch milliseconds: token expiry and `createdAt`. */
  readonly now?: () => number;
  readonly teamUUID?: string;
  readonly appUUID?: string;
  /**
   * How long after a session of an `isRecord` room ends its replay data is ready, in ms; 300 by
   * default. Undocumented (agora-whiteboard-room-life.md §3), so small.
   */
  readonly recordingDelayMs?: number;
}

/**
 * A faithful fake of the Netless v5 room and token API, with its store exposed for tests, and
 * the whiteboard clients in each room (joined through `/__emulator/join`).
 */
export function createNetlessEmulator(
  options: NetlessEmulatorOptions = {},
): Emulator & { readonly store: NetlessStore } {
  const now = options.now ?? Date.now;
  const credentials = options.credentials ?? [
    { accessKey: NETLESS_EMULATOR_ACCESS_KEY, secretKey: NETLESS_EMULATOR_SECRET_KEY },
  ];
  const store = new NetlessStore({
    now,
    teamUUID: options.teamUUID ?? 'tQ3k9Xb0RsmW1vYp7nLhAg',
    appUUID: options.appUUID ?? 'Zk8s2Lq0Vw4Ja1',
    recordingDelayMs: options.recordingDelayMs ?? 300,
  });
  const secrets = new Map(credentials.map((pair) => [pair.accessKey, pair.secretKey]));
  const defaultRegion = options.defaultRegion ?? 'us-sv';
  const handle = createNetlessRoutes({
    store,
    secrets,
    now,
    defaultRegion,
    strictRegion: options.strictRegion ?? true,
    requestsPerSecond: options.requestsPerSecond ?? null,
  });
  const emulator = createEmulator({
    name: 'netless',
    handle,
    errorBody: (status) => errorBody(status),
    reset: () => store.reset(),
    // Joins, leaves and who is in each room: what a whiteboard client does and sees, which
    // the REST API neither does nor shows (agora-whiteboard-room-life.md §6).
    adminRoutes: createNetlessAdminRoutes({ store, secrets, now, defaultRegion }),
  });
  return Object.assign(emulator, { store });
}

/** The Netless body for an injected fault: `{ message }` (§6), as the real API words it where known. */
function errorBody(status: number): unknown {
  if (status === 500) {
    return fail(500, 'unknown error').body;
  }
  if (status === 429) {
    return fail(429, 'too many requests').body;
  }
  return fail(status, (STATUS_CODES[status] ?? 'error').toLowerCase()).body;
}
