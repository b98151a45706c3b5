import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type RoomEventType, roomEventId } from '../../src/domain/room-event.js';
import type { HmsEmulator } from '../../src/emulators/hms/hms-emulator.js';
import type { HmsPeerRecord, HmsSessionRecord } from '../../src/emulators/hms/hms-life-store.js';
import type { HmsRoomRecord } from '../../src/emulators/hms/hms-store.js';
import { peerWebhookData, sessionWebhookData } from '../../src/emulators/hms/hms-webhook-data.js';
import { formatTime } from '../../src/emulators/hms/hms-wire.js';

// `npm run bench:events` acting as 100ms: people join and leave rooms of the emulated workspace
// (its in-process store, so polling sees the same sessions and peers), and for each change the
// bench POSTs the webhook 100ms documents (../shared/providers/hms-room-life.md §4: envelope,
// types, `data` keys) to `POST /webhooks/{accountKey}` of the service, with the account's secret
// header, on the instances in turn; then delivers it once more, as 100ms does when an attempt
// was not answered in time (`is_replay: true`), to the other instance: every other one at the
// same moment as the first attempt, the rest after its answer. The redelivery must publish
// nothing new. What the emulator would send itself goes nowhere (no webhook target is set).

/** A webhook the bench sent, the room event it reports, and what each delivery was answered. */
export interface WebhookDelivery {
  /** The room event's id, as the service derives it from the webhook (`roomEventId`). */
  readonly eventId: string;
  /** 100ms's webhook type, e.g. `peer.join.success`. */
  readonly type: string;
  readonly roomNativeId: string;
  /** `performance.now()` just before the first attempt was sent. */
  readonly sentAt: number;
  /** The first attempt first, then the redelivery. */
  readonly attempts: readonly [WebhookAttempt, WebhookAttempt];
  /** Both sent at once (else the redelivery after the first was answered). */
  readonly concurrent: boolean;
}

export interface WebhookAttempt {
  readonly origin: string;
  readonly replay: boolean;
  readonly status: number;
  /** Events the service published for this attempt (`published` of its answer); null if none. */
  readonly published: number | null;
}

export interface HmsWebhookDriverOptions {
  readonly emulator: HmsEmulator;
  readonly providerKey: string;
  /** The service instances, `http://127.0.0.1:port`, taken in turn. */
  readonly origins: readonly string[];
  /** The secret header the account is configured with (`webhookHeaderName`, `webhookSecret`). */
  readonly secretHeader: { readonly name: string; readonly value: string };
}

/** The webhook types the bench sends, and the room event each one is about. */
const EVENT_OF: Readonly<Record<string, RoomEventType>> = {
  'session.open.success': 'SESSION_STARTED',
  'session.close.success': 'SESSION_ENDED',
  'peer.join.success': 'PARTICIPANT_JOINED',
  'peer.leave.success': 'PARTICIPANT_LEFT',
};

export class HmsWebhookDriver {
  readonly deliveries: WebhookDelivery[] = [];
  #sent = 0;

  constructor(private readonly options: HmsWebhookDriverOptions) {}

  /**
   * `sessions` sessions in one room, one after the other: the first of `peers` people joins
   * (the session opens), the others join, then all leave in the order they came (the last one
   * out closes the session). Every change is reported by its webhook before the next is made.
   */
  async runSessions(roomNativeId: string, sessions: number, peers: number): Promise<void> {
    const { emulator } = this.options;
    const room = emulator.store.get(roomNativeId);
    if (!room) {
      throw new Error(`no 100ms room ${roomNativeId} in the emulator`);
    }
    for (let round = 0; round < sessions; round++) {
      const joined: { session: HmsSessionRecord; peer: HmsPeerRecord }[] = [];
      for (let index = 0; index < peers; index++) {
        const peer = emulator.life.join(room, {
          role: index === 0 ? 'host' : 'guest',
          userId: `user-${round}-${index}`,
          name: `Person ${index}`,
        });
        const session = emulator.life.session(peer.sessionId);
        if (!session) {
          throw new Error(`the emulator lost session ${peer.sessionId}`);
        }
        if (index === 0) {
          await this.#deliver(room, session.id, 'session.open.success', {
            ...sessionWebhookData(room, session),
          });
        }
        joined.push({ session, peer });
        await this.#deliver(room, peer.id, 'peer.join.success', {
          ...peerWebhookData(room, session, peer),
          type: 'regular',
        });
      }
      for (const { session, peer } of joined) {
        emulator.life.leave(room, session, peer, 'client request');
        const leftAt = peer.leftAt ?? Date.now();
        await this.#deliver(room, peer.id, 'peer.leave.success', {
          ...peerWebhookData(room, session, peer),
          left_at: formatTime(leftAt),
          duration: Math.round((leftAt - peer.joinedAt) / 1000),
          reason: 'client request',
          message: '',
          type: 'regular',
        });
        if (!session.active) {
          await this.#deliver(room, session.id, 'session.close.success', {
            ...sessionWebhookData(room, session),
            session_duration: Math.round((session.updatedAt - session.createdAt) / 1000),
            session_stopped_at: formatTime(session.updatedAt),
          });
        }
      }
    }
  }

  /** Sends one webhook twice, to two instances; records when, and what each answered. */
  async #deliver(
    room: HmsRoomRecord,
    subject: string,
    type: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const { origins, emulator, providerKey } = this.options;
    const eventType = EVENT_OF[type];
    if (!eventType) {
      throw new Error(`the bench sends no ${type}`);
    }
    const envelope = {
      version: '2.0',
      id: randomUUID(),
      app_id: emulator.store.appId,
      account_id: emulator.store.customerId,
      template_id: room.templateId,
      // RFC 3339 to the second, as the documented samples show the envelope's time (§4).
      timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      type,
      data,
    };
    const turn = this.#sent++;
    const first = origins[turn % origins.length] as string;
    const other = origins[(turn + 1) % origins.length] as string;
    const body = JSON.stringify(envelope);
    const replayBody = JSON.stringify({ ...envelope, is_replay: true });
    const sentAt = performance.now();
    const concurrent = turn % 2 === 1;
    let attempts: [WebhookAttempt, WebhookAttempt];
    if (concurrent) {
      // The first attempt timed out at 100ms's end while the service was still at it.
      attempts = await Promise.all([
        this.#post(first, body, false),
        this.#post(other, replayBody, true),
      ]);
    } else {
      const answered = await this.#post(first, body, false);
      attempts = [answered, await this.#post(other, replayBody, true)];
    }
    this.deliveries.push({
      eventId: roomEventId(eventType, providerKey, room.id, subject),
      type,
      roomNativeId: room.id,
      sentAt,
      attempts,
      concurrent,
    });
  }

  async #post(origin: string, body: string, replay: boolean): Promise<WebhookAttempt> {
    const { providerKey, secretHeader } = this.options;
    const response = await fetch(`${origin}/webhooks/${providerKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [secretHeader.name]: secretHeader.value },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json().catch(() => null)) as { published?: number } | null;
    return {
      origin,
      replay,
      status: response.status,
      published: typeof answer?.published === 'number' ? answer.published : null,
    };
  }
}
