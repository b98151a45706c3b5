import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { request } from 'undici';
import type { WebhookTarget } from '../config.js';
import type { LoggedEvent } from '../domain/room-event.js';
import type { EventLog } from './event-log.js';
import { eventsAfter } from './event-stream.js';
import type { DeliveryStore, WebhookDelivery } from './webhook-deliveries.js';

/** Waits before the second, third, ... attempt: five attempts over about 40 minutes. */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000, 30_000, 120_000, 600_000, 1_800_000,
];
/** How long a receiver has to answer one attempt. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** How long a sender holds a target before it must renew its claim. */
const LOCK_TTL_MS = 15_000;

export interface WebhookSenderOptions {
  readonly targets: readonly WebhookTarget[];
  readonly log: EventLog;
  readonly store: DeliveryStore;
  readonly logError: (message: string, error: unknown) => void;
  readonly retryScheduleMs?: readonly number[];
  readonly now?: () => number;
}

/**
 * Sends every room event to each webhook target whose filters it matches, signed per the
 * Standard Webhooks specification (`webhook-id` is the event's stable id, so a receiver can
 * dedupe; `webhook-timestamp`; `webhook-signature`). A failed attempt is tried again on the
 * retry schedule without holding up the events after it; every attempt updates the delivery's
 * record. Each target's position in the log is kept, so a restart resumes where it stopped, and
 * with a shared store one instance at a time sends to a target.
 */
export class WebhookSender {
  readonly #owner = randomUUID();
  readonly #controller = new AbortController();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #schedule: readonly number[];
  readonly #now: () => number;

  constructor(private readonly options: WebhookSenderOptions) {
    this.#schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    for (const target of this.options.targets) {
      void this.#serve(target);
    }
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
  }

  /** Holds the target's lock, and while it does, sends what the log brings. */
  async #serve(target: WebhookTarget): Promise<void> {
    const signal = this.#controller.signal;
    const signer = new Webhook(target.secret);
    while (!signal.aborted) {
      try {
        if (!(await this.options.store.lock(target.id, this.#owner, LOCK_TTL_MS))) {
          await sleep(LOCK_TTL_MS / 3, signal);
          continue;
        }
        const held = new AbortController();
        const renew = setInterval(() => {
          this.options.store.lock(target.id, this.#owner, LOCK_TTL_MS).then(
            (kept) => kept || held.abort(),
            () => held.abort(),
          );
        }, LOCK_TTL_MS / 3);
        signal.addEventListener('abort', () => held.abort(), { once: true });
        try {
          for (const delivery of await this.options.store.pending(target.id)) {
            this.#retryLater(target, signer, delivery);
          }
          const start =
            (await this.options.store.cursor(target.id)) ?? (await this.options.log.head());
          for await (const event of eventsAfter(this.options.log, start, held.signal)) {
            if (matches(target, event)) {
              await this.#attempt(target, signer, newDelivery(target, event, this.#now()));
            }
            await this.options.store.setCursor(target.id, event.cursor);
          }
        } finally {
          clearInterval(renew);
        }
      } catch (error) {
        if (!signal.aborted) {
          this.options.logError(`Webhook target ${target.id}: sending stopped; resuming`, error);
          await sleep(1_000, signal);
        }
      }
    }
  }

  async #attempt(target: WebhookTarget, signer: Webhook, delivery: WebhookDelivery): Promise<void> {
    const attempts = delivery.attempts + 1;
    const outcome = await send(target, signer, delivery, this.#now());
    const done = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const retryIn = this.#schedule[attempts - 1];
    const next: WebhookDelivery = {
      ...delivery,
      attempts,
      lastStatus: outcome.status,
      lastError: done ? null : outcome.error,
      state: done ? 'DELIVERED' : retryIn === undefined ? 'FAILED' : 'PENDING',
      nextAttemptAt: done || retryIn === undefined ? null : new Date(this.#now() + retryIn),
      updatedAt: new Date(this.#now()),
    };
    await this.options.store.save(next);
    if (next.state === 'PENDING') {
      this.#retryLater(target, signer, next);
    }
  }

  /** Tries a pending delivery again when it is due. */
  #retryLater(target: WebhookTarget, signer: Webhook, delivery: WebhookDelivery): void {
    const waitMs = Math.max(0, (delivery.nextAttemptAt?.getTime() ?? this.#now()) - this.#now());
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#attempt(target, signer, delivery).catch((error: unknown) =>
        this.options.logError(`Webhook target ${target.id}: a retry failed to run`, error),
      );
    }, waitMs);
    timer.unref();
    this.#timers.add(timer);
  }
}

function matches(target: WebhookTarget, event: LoggedEvent): boolean {
  return (
    (!target.types || target.types.includes(event.type)) &&
    (!target.providerKeys || target.providerKeys.includes(event.providerKey))
  );
}

function newDelivery(target: WebhookTarget, event: LoggedEvent, now: number): WebhookDelivery {
  return {
    targetId: target.id,
    eventId: event.id,
    eventType: event.type,
    eventCursor: event.cursor,
    body: webhookBody(event),
    state: 'PENDING',
    attempts: 0,
    lastStatus: null,
    lastError: null,
    nextAttemptAt: null,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };
}

/** The body a receiver gets: the Standard Webhooks envelope around the normalised event. */
export function webhookBody(event: LoggedEvent): string {
  return JSON.stringify({
    type: event.type,
    timestamp: event.observedAt.toISOString(),
    data: {
      id: event.id,
      cursor: event.cursor,
      type: event.type,
      occurredAt: event.occurredAt.toISOString(),
      observedAt: event.observedAt.toISOString(),
      source: event.source,
      providerKey: event.providerKey,
      roomNativeId: event.roomNativeId,
      sessionNativeId: event.sessionNativeId,
      recordingNativeId: event.recordingNativeId,
      participant: event.participant,
    },
  });
}

async function send(
  target: WebhookTarget,
  signer: Webhook,
  delivery: WebhookDelivery,
  now: number,
): Promise<{ status: number | null; error: string | null }> {
  const body = delivery.body;
  const timestamp = new Date(now);
  try {
    const response = await request(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signer.sign(delivery.eventId, timestamp, body),
      },
      body,
      headersTimeout: ATTEMPT_TIMEOUT_MS,
      bodyTimeout: ATTEMPT_TIMEOUT_MS,
    });
    await response.body.dump();
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return { status: response.statusCode, error: ok ? null : `HTTP ${response.statusCode}` };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { status: null, error: code ?? 'NO_ANSWER' };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
