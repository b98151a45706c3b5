import { createEmulator, type Emulator } from '../shared/emulator-host.js';
import { createHmsAdminRoutes } from './hms-admin.js';
import { verifyHmsJwt } from './hms-jwt.js';
import { createHmsLifeRoutes } from './hms-life-routes.js';
import { HmsLifeStore } from './hms-life-store.js';
import { createHmsRoutes } from './hms-routes.js';
import { HmsStore, type HmsTemplate } from './hms-store.js';
import {
  HMS_WEBHOOK_RETRY_DELAYS_MS,
  HmsWebhookSender,
  type HmsWebhookTarget,
} from './hms-webhook-sender.js';
import { hmsErrorBody } from './hms-wire.js';

/** Dev credentials of the emulated app; any other pair fails the token check. */
export const HMS_EMULATOR_CREDENTIALS = {
  accessKey: '65f0a1b2c3d4e5f601234567',
  secret: 'hms-emulator-app-secret-not-for-production',
} as const;

/**
 * The default template. Its role names are the emulator's own choice: the fact sheet names no
 * default roles (hms.md §2.3), so these follow 100ms's starter templates.
 */
export const HMS_EMULATOR_DEFAULT_TEMPLATE: HmsTemplate = {
  id: '65f0a1b2c3d4e5f600000003',
  name: 'default-video-conferencing',
  region: 'in',
  roles: ['host', 'guest', 'viewer-realtime'],
  recordingEnabled: false,
  // Made in the dashboard: recordings open its meeting page without a `meeting_url`.
  subdomain: 'emulator-videoconf',
};

/**
 * A second template with roles of its own, so a workspace shows what the default names cannot
 * reach: 100ms templates are each app's own (hms.md §2.3, "a role name from the room's template").
 */
export const HMS_EMULATOR_CLASSROOM_TEMPLATE: HmsTemplate = {
  id: '65f0a1b2c3d4e5f600000004',
  name: 'classroom',
  region: 'us',
  roles: ['teacher', 'student'],
  recordingEnabled: false,
};

export interface HmsEmulatorOptions {
  readonly accessKey?: string;
  readonly secret?: string;
  /** The workspace's templates; the first is the default. */
  readonly templates?: readonly HmsTemplate[];
  readonly customerId?: string;
  readonly appId?: string;
  /** Injected clock, epoch ms: room timestamps and token windows. */
  readonly now?: () => number;
  /** From a recording's stop to its file being ready, in ms (default 300). */
  readonly recordingReadyDelayMs?: number;
  /** Waits between a webhook's attempts (default 100ms's 1 s, 3 s, 10 s: §4). */
  readonly webhookRetryDelaysMs?: readonly number[];
  /** Where webhooks go from the start; none until `POST /__emulator/webhooks` when absent. */
  readonly webhookTarget?: HmsWebhookTarget;
}

/** The default wait before a stopped recording's file is ready: short, so tests stay fast. */
export const HMS_RECORDING_READY_DELAY_MS = 300;

/** Why an app token would (not) let its holder join, as the 100ms join service would judge. */
export type HmsAppTokenCheck =
  | {
      readonly ok: true;
      readonly roomId: string;
      readonly role: string;
      readonly userId: string | null;
      readonly claims: Record<string, unknown>;
    }
  | { readonly ok: false; readonly reason: string };

export type HmsEmulator = Emulator & {
  readonly store: HmsStore;
  /** Sessions, peers, recordings and their files. */
  readonly life: HmsLifeStore;
  /** The webhooks sent, attempt by attempt. */
  readonly webhooks: HmsWebhookSender;
  /** Where webhooks go (null: nowhere), as `POST /__emulator/webhooks` sets it. */
  setWebhookTarget(target: HmsWebhookTarget | null): void;
  readonly credentials: { readonly accessKey: string; readonly secret: string };
  /**
   * Checks an app (join) token in-process: signature, `type: app`, `version: 2`, time window,
   * an existing and enabled room (a disabled room refuses new joins, §3.6), and a role of the
   * room's template. The join service itself (`prod-init`) is out of scope (§1).
   */
  verifyAppToken(token: string): HmsAppTokenCheck;
};

/** An emulator of the 100ms `/v2/rooms` API (hms.md), management tokens checked. */
export function createHmsEmulator(options: HmsEmulatorOptions = {}): HmsEmulator {
  const now = options.now ?? Date.now;
  const credentials = {
    accessKey: options.accessKey ?? HMS_EMULATOR_CREDENTIALS.accessKey,
    secret: options.secret ?? HMS_EMULATOR_CREDENTIALS.secret,
  };
  const secretFor = (accessKey: string) =>
    accessKey === credentials.accessKey ? credentials.secret : undefined;
  const store = new HmsStore({
    customerId: options.customerId ?? '65f0a1b2c3d4e5f600000001',
    appId: options.appId ?? '65f0a1b2c3d4e5f600000002',
    templates: options.templates ?? [
      HMS_EMULATOR_DEFAULT_TEMPLATE,
      HMS_EMULATOR_CLASSROOM_TEMPLATE,
    ],
    now,
  });
  const webhooks = new HmsWebhookSender({
    appId: store.appId,
    accountId: store.customerId,
    now,
    retryDelaysMs: options.webhookRetryDelaysMs,
  });
  let webhookTarget: HmsWebhookTarget | null = options.webhookTarget ?? null;
  let origin = 'http://127.0.0.1';
  const life = new HmsLifeStore({
    rooms: store,
    now,
    recordingReadyDelayMs: options.recordingReadyDelayMs ?? HMS_RECORDING_READY_DELAY_MS,
    // A room's own `webhook` overrides the workspace's (hms-room-life.md §4).
    emit: (room, type, data) =>
      webhooks.send(
        room.webhook
          ? { url: room.webhook.url, headers: room.webhook.headers ?? {} }
          : webhookTarget,
        { type, templateId: room.templateId, data },
      ),
    origin: () => origin,
  });
  const routes = createHmsRoutes({
    store,
    secretFor,
    now,
    life: createHmsLifeRoutes({ rooms: store, life }),
  });
  const setWebhookTarget = (target: HmsWebhookTarget | null) => {
    webhookTarget = target;
  };
  const emulator = createEmulator({
    name: 'hms',
    handle(request) {
      origin = request.origin;
      return routes(request);
    },
    errorBody: (status) => hmsErrorBody(status, STATUS_MESSAGES[status] ?? `HTTP ${status}`),
    reset: () => {
      store.reset();
      life.reset();
      webhooks.reset();
      webhooks.retryDelaysMs = options.webhookRetryDelaysMs ?? HMS_WEBHOOK_RETRY_DELAYS_MS;
      webhookTarget = options.webhookTarget ?? null;
    },
    adminRoutes: createHmsAdminRoutes({
      rooms: store,
      life,
      webhooks,
      verifyAppToken: (token) => verifyAppToken(token),
      setWebhookTarget,
    }),
  });

  function verifyAppToken(token: string): HmsAppTokenCheck {
    const check = verifyHmsJwt(token, secretFor, Math.floor(now() / 1000));
    if (!check.ok) {
      return check;
    }
    const { claims } = check;
    if (claims.type !== 'app') {
      return { ok: false, reason: 'token type is not app' };
    }
    const room = typeof claims.room_id === 'string' ? store.get(claims.room_id) : undefined;
    if (!room) {
      return { ok: false, reason: 'room not found' };
    }
    if (!room.enabled) {
      return { ok: false, reason: 'room is disabled' };
    }
    const template = store.template(room.templateId);
    if (typeof claims.role !== 'string' || !template?.roles.includes(claims.role)) {
      return { ok: false, reason: 'role not found' };
    }
    // The official SDK leaves `user_id` out when it has none (§2.3), so it is optional here.
    const userId = typeof claims.user_id === 'string' ? claims.user_id : null;
    return { ok: true, roomId: room.id, role: claims.role, userId, claims };
  }

  return Object.assign(emulator, {
    store,
    life,
    webhooks,
    setWebhookTarget,
    credentials,
    verifyAppToken,
  });
}

/** Messages for injected faults. 429's text follows the one documented for analytics (§5). */
const STATUS_MESSAGES: Readonly<Record<number, string>> = {
  400: 'Invalid body param',
  401: 'Token validation error',
  403: 'Forbidden',
  404: 'Not found',
  429: 'rate limit exceeded',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};
