import { randomUUID } from 'node:crypto';

/** Where the workspace's webhooks go, and the secret headers sent with each (§4). */
export interface HmsWebhookTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * 100ms's retries (hms-room-life.md §4): a delivery not answered 200 is tried again 1 s after
 * the first attempt, then 3 s after that retry, then 10 s after the second.
 */
export const HMS_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [1_000, 3_000, 10_000];

/** How long one attempt may take before it counts as failed (not documented; ours). */
const ATTEMPT_TIMEOUT_MS = 10_000;

/** One attempt, as the emulator's delivery log keeps it. */
export interface HmsWebhookAttempt {
  /** The webhook's own id (the envelope's `id`), the same on every attempt. */
  readonly id: string;
  readonly type: string;
  readonly url: string;
  /** 0 for the first attempt, 1..3 for the retries. */
  readonly attempt: number;
  readonly isReplay: boolean;
  /** The receiver's status; null when there was no answer. */
  readonly status: number | null;
}

/** What a webhook says, before the envelope is put around it. */
export interface HmsWebhookEvent {
  readonly type: string;
  readonly templateId: string;
  readonly data: Record<string, unknown>;
}

/**
 * Sends the emulated workspace's webhooks (§4): a JSON POST of the documented envelope to the
 * target, with its secret headers; anything but a 200 (or no answer) is retried on the
 * schedule, each retry carrying `is_replay: true` at the top level (its placement is
 * UNCONFIRMED, §4: the sheet's proposal). 100ms signs nothing. Deliveries run on their own and
 * never hold up the API call that caused them.
 */
export class HmsWebhookSender {
  #retryDelaysMs: readonly number[];
  #attempts: HmsWebhookAttempt[] = [];
  #timers = new Set<NodeJS.Timeout>();
  #aborts = new AbortController();

  constructor(
    private readonly options: {
      readonly appId: string;
      readonly accountId: string;
      readonly now: () => number;
      readonly retryDelaysMs?: readonly number[];
    },
  ) {
    this.#retryDelaysMs = options.retryDelaysMs ?? HMS_WEBHOOK_RETRY_DELAYS_MS;
  }

  set retryDelaysMs(delays: readonly number[]) {
    this.#retryDelaysMs = delays;
  }

  /** Every attempt so far, oldest first. */
  attempts(): readonly HmsWebhookAttempt[] {
    return [...this.#attempts];
  }

  /** Sends one webhook to `target` (nothing when there is none). */
  send(target: HmsWebhookTarget | null, event: HmsWebhookEvent): void {
    if (!target) {
      return;
    }
    const envelope = {
      version: '2.0',
      id: randomUUID(),
      app_id: this.options.appId,
      account_id: this.options.accountId,
      template_id: event.templateId,
      // RFC 3339 to the second, as the documented samples show the envelope's time.
      timestamp: new Date(this.options.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      type: event.type,
      data: event.data,
    };
    void this.#attempt(target, envelope, 0);
  }

  /** Stops every retry and attempt in flight, and empties the log. */
  reset(): void {
    for (const timer of this.#timers) {
      clearTimeout(timer);
    }
    this.#timers.clear();
    this.#aborts.abort();
    this.#aborts = new AbortController();
    this.#attempts = [];
  }

  async #attempt(
    target: HmsWebhookTarget,
    envelope: { id: string; type: string },
    attempt: number,
  ): Promise<void> {
    const aborts = this.#aborts;
    const body = attempt === 0 ? envelope : { ...envelope, is_replay: true };
    let status: number | null = null;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([aborts.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch {
      // No answer: a failed attempt like any other, unless the emulator was reset.
    }
    if (aborts.signal.aborted) {
      return;
    }
    this.#attempts.push({
      id: envelope.id,
      type: envelope.type,
      url: target.url,
      attempt,
      isReplay: attempt > 0,
      status,
    });
    const delay = this.#retryDelaysMs[attempt];
    if (status === 200 || delay === undefined) {
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(target, envelope, attempt + 1);
    }, delay);
    timer.unref();
    this.#timers.add(timer);
  }
}
