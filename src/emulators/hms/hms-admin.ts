import type { HmsAppTokenCheck } from './hms-emulator.js';
import { HMS_BEAM_ERROR_TYPES, type HmsLifeStore } from './hms-life-store.js';
import type { HmsStore } from './hms-store.js';
import type { HmsWebhookSender, HmsWebhookTarget } from './hms-webhook-sender.js';
import { hmsErrorBody } from './hms-wire.js';

// The 100ms emulator's own admin routes (under /__emulator), standing in for what no REST call
// does: a client joining and leaving a room, the dashboard's webhook settings, and a recording
// that fails.

type AdminAnswer = [number, unknown];

export interface HmsAdminOptions {
  readonly rooms: HmsStore;
  readonly life: HmsLifeStore;
  readonly webhooks: HmsWebhookSender;
  readonly verifyAppToken: (token: string) => HmsAppTokenCheck;
  readonly setWebhookTarget: (target: HmsWebhookTarget | null) => void;
}

/**
 * Refusals of a join, in 100ms's error body. Which status the join service answers is not
 * documented (hms.md §2.3: "401 Token validation error" when validation fails): a token that
 * fails its checks is that 401; one for an unknown room or role gets the 404s of the room-code
 * API's texts (§4), one for a disabled room its 403 (§3.6: nobody can join a disabled room).
 */
function refusal(reason: string): AdminAnswer {
  switch (reason) {
    case 'room not found':
      return [404, hmsErrorBody(404, 'Room not found')];
    case 'role not found':
      return [404, hmsErrorBody(404, 'Role not found')];
    case 'room is disabled':
      return [403, hmsErrorBody(403, 'Room is disabled')];
    default:
      return [401, hmsErrorBody(401, 'Token validation error', [reason])];
  }
}

export function createHmsAdminRoutes(options: HmsAdminOptions) {
  const { rooms, life } = options;

  /**
   * `POST /__emulator/join` `{token, name}`: joins the room the app token is for, after checking
   * it as 100ms would (signature with the app secret, `type: app`, `version: 2`, time window,
   * the room, enabled, and a role of its template). The first join opens a session.
   */
  function join(body: unknown): AdminAnswer {
    if (!isObject(body) || typeof body.token !== 'string') {
      return [400, hmsErrorBody(400, 'Invalid body param', ['Invalid body param: token'])];
    }
    if (body.name !== undefined && typeof body.name !== 'string') {
      return [400, hmsErrorBody(400, 'Invalid body param', ['Invalid body param: name'])];
    }
    const check = options.verifyAppToken(body.token);
    if (!check.ok) {
      return refusal(check.reason);
    }
    const room = rooms.get(check.roomId);
    if (!room) {
      return refusal('room not found');
    }
    const peer = life.join(room, {
      role: check.role,
      // The SDK leaves `user_id` out when it has none (hms.md §2.3); the peer's is then blank.
      userId: check.userId ?? '',
      name: typeof body.name === 'string' ? body.name : '',
    });
    return [200, { participantId: peer.id }];
  }

  /** `POST /__emulator/leave` `{participantId}`: the peer leaves; the last one closes the session. */
  function leave(body: unknown): AdminAnswer {
    const id = isObject(body) ? body.participantId : undefined;
    const found = typeof id === 'string' ? life.connectedPeer(id) : undefined;
    if (!found) {
      return [404, hmsErrorBody(404, 'peer not found')];
    }
    const room = rooms.get(found.session.roomId);
    if (!room) {
      return [404, hmsErrorBody(404, 'Room not found')];
    }
    life.leave(room, found.session, found.peer, 'client request');
    return [200, { participantId: found.peer.id }];
  }

  /**
   * `POST /__emulator/webhooks` `{url, headers, retryDelaysMs?}`: the workspace's webhook URL
   * and secret headers, as the dashboard sets them (§4); `{"url": null}` stops them. The retry
   * schedule defaults to 100ms's (1 s, 3 s, 10 s); tests shorten it.
   */
  function configure(body: unknown): AdminAnswer {
    if (!isObject(body)) {
      return [400, { error: 'body must be {"url": "...", "headers": {...}}' }];
    }
    if (body.url === null) {
      options.setWebhookTarget(null);
      return [204, undefined];
    }
    if (typeof body.url !== 'string' || !/^https?:\/\//.test(body.url) || !URL.canParse(body.url)) {
      return [400, { error: 'url must be an http(s) URL, or null' }];
    }
    const headers = body.headers ?? {};
    if (!isObject(headers) || !Object.values(headers).every((value) => typeof value === 'string')) {
      return [400, { error: 'headers must be an object of strings' }];
    }
    const delays = body.retryDelaysMs;
    if (
      delays !== undefined &&
      !(
        Array.isArray(delays) &&
        delays.every((delay) => Number.isInteger(delay) && delay >= 0 && delay <= 60_000)
      )
    ) {
      return [400, { error: 'retryDelaysMs must be a list of whole milliseconds (0..60000)' }];
    }
    if (delays !== undefined) {
      options.webhooks.retryDelaysMs = delays as number[];
    }
    options.setWebhookTarget({ url: body.url, headers: headers as Record<string, string> });
    return [204, undefined];
  }

  /**
   * `POST /__emulator/fail-next-recording` `{errorType?, errorMessage?}`: the next recording job
   * to stop ends `failed` instead of `completed`, with no files, and `beam.failure` carries the
   * error (§4's `error_type`: `INTERNAL_ERROR`, `MAX_RETRIES_REACHED`, `UPLOAD_ERROR` (the
   * default) or `BEAM_STOPPED`).
   */
  function failNextRecording(body: unknown): AdminAnswer {
    const sent = body ?? {};
    if (!isObject(sent)) {
      return [400, { error: 'body must be {"errorType"?: "...", "errorMessage"?: "..."}' }];
    }
    const asked = sent.errorType ?? 'UPLOAD_ERROR';
    const errorType = HMS_BEAM_ERROR_TYPES.find((known) => known === asked);
    if (!errorType) {
      return [400, { error: `errorType must be one of ${HMS_BEAM_ERROR_TYPES.join(', ')}` }];
    }
    const errorMessage = sent.errorMessage ?? 'the recording could not be uploaded';
    if (typeof errorMessage !== 'string') {
      return [400, { error: 'errorMessage must be a string' }];
    }
    life.failNextRecording({ errorType, errorMessage });
    return [204, undefined];
  }

  return {
    'POST /join': join,
    'POST /fail-next-recording': failNextRecording,
    'POST /leave': leave,
    'POST /webhooks': configure,
    'GET /webhooks': (): AdminAnswer => [200, options.webhooks.attempts()],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
