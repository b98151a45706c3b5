import { type SseSubscription, subscribe } from '../helpers/sse.js';

// One roomEvents subscriber of `npm run bench:events`, over SSE, across a reconnect.

const EVENTS = /* GraphQL */ `subscription ($after: String) {
  roomEvents(after: $after) { id cursor type source roomId observedAt }
}`;

/** An event as a subscriber got it, with when it got it (`performance.now()` of the bench). */
export interface Seen {
  readonly id: string;
  readonly cursor: string;
  readonly type: string;
  readonly source: string;
  readonly roomId: string;
  readonly receivedAt: number;
}

interface Result {
  data?: { roomEvents: Omit<Seen, 'receivedAt'> };
  errors?: unknown[];
}

/** One subscriber: its events in the order it got them, across a reconnect. */
export class Subscriber {
  readonly seen: Seen[] = [];
  /** First receipt of each event id: what the drivers wait on and latencies are taken from. */
  readonly firstSeenAt = new Map<string, number>();
  #subscription: SseSubscription<Result> | null = null;
  #stopped = false;
  readonly #listeners = new Set<(event: Seen) => void>();

  constructor(
    readonly name: string,
    private url: string,
  ) {}

  async start(after: string | null): Promise<void> {
    this.#subscription = await subscribe<Result>(this.url, EVENTS, { after });
    void this.#pump(this.#subscription);
  }

  /** Calls `listener` with every event from now on; the returned function stops that. */
  onEvent(listener: (event: Seen) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #pump(subscription: SseSubscription<Result>): Promise<void> {
    while (!this.#stopped && this.#subscription === subscription) {
      const result = await subscription.next(60_000).catch(() => null);
      if (!result || this.#subscription !== subscription) {
        return;
      }
      if (result.data) {
        const event = { ...result.data.roomEvents, receivedAt: performance.now() };
        this.seen.push(event);
        if (!this.firstSeenAt.has(event.id)) {
          this.firstSeenAt.set(event.id, event.receivedAt);
        }
        for (const listener of this.#listeners) {
          listener(event);
        }
      }
    }
  }

  /** Drops the connection and resumes on `url` after the last event it saw. */
  async reconnect(url: string): Promise<void> {
    this.#subscription?.close();
    this.#subscription = null;
    this.url = url;
    await this.start(this.seen.at(-1)?.cursor ?? null);
  }

  stop(): void {
    this.#stopped = true;
    this.#subscription?.close();
  }
}
