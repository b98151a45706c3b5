import { Redis } from 'ioredis';
import type { Subscriber } from './events-subscriber.js';
import type { WebhookDelivery } from './hms-webhook-driver.js';
import { globalRoomId } from './videsk-poll-driver.js';

// What `npm run bench:events` checks at the end: the log as Redis keeps it, against what each
// subscriber got (every event once, none twice, each room's events in log order), and the
// percentiles of its latencies.

export interface LoggedEvent {
  readonly id: string;
  readonly type: string;
  readonly source: string;
  readonly providerKey: string;
  /** The room's global id. */
  readonly roomId: string;
  /** For a room change, the room's `updatedAt` where the provider gives one (its version). */
  readonly occurredAt: string;
}

/** The event log from its start, as every instance reads it (`vrg:{events}:log`). */
export async function readLog(redisUrl: string): Promise<LoggedEvent[]> {
  const reader = new Redis(redisUrl);
  try {
    const entries = await reader.xrange('vrg:{events}:log', '-', '+');
    return entries.map(([, fields]) => {
      const event = JSON.parse(fields[fields.indexOf('e') + 1] ?? '{}') as {
        id: string;
        type: string;
        source: string;
        providerKey: string;
        roomNativeId: string;
        occurredAt: string;
      };
      return {
        occurredAt: event.occurredAt,
        id: event.id,
        type: event.type,
        source: event.source,
        providerKey: event.providerKey,
        roomId: globalRoomId(event.providerKey, event.roomNativeId),
      };
    });
  } finally {
    reader.disconnect();
  }
}

export interface SubscriberReport {
  readonly subscriber: string;
  readonly events: number;
  /** Events of the log, from the first this subscriber got up to the cut, that it never got. */
  readonly lost: number;
  readonly duplicates: number;
  /** Events that came before one of the same room that the log holds earlier. */
  readonly outOfOrder: number;
}

/**
 * Each subscriber against the log: the log up to `cut` (exclusive; the events every subscriber
 * was waited for) is what it must have got, from its own first event on.
 */
export function checkSubscribers(
  log: readonly LoggedEvent[],
  cut: number,
  subscribers: readonly Subscriber[],
): SubscriberReport[] {
  const position = new Map(log.map((event, index) => [event.id, index]));
  return subscribers.map((subscriber) => {
    const seenIds = subscriber.seen.map((event) => event.id);
    const first = position.get(seenIds[0] ?? '') ?? cut;
    const seenSet = new Set(seenIds);
    const lost = log.slice(first, cut).filter((event) => !seenSet.has(event.id)).length;
    const lastByRoom = new Map<string, number>();
    let outOfOrder = 0;
    for (const event of subscriber.seen) {
      const at = position.get(event.id) ?? -1;
      if (at < (lastByRoom.get(event.roomId) ?? -1)) {
        outOfOrder++;
      }
      lastByRoom.set(event.roomId, at);
    }
    return {
      subscriber: subscriber.name,
      events: seenIds.length,
      lost,
      duplicates: seenIds.length - seenSet.size,
      outOfOrder,
    };
  });
}

const ROOM_CHANGES = new Set(['ROOM_UPDATED', 'ROOM_DISABLED', 'ROOM_ENABLED']);

/**
 * Room changes published more than once under different ids: events of one room with the same
 * `occurredAt` (for a room change, the room's `updatedAt`, in milliseconds at 100ms) from
 * different sources, e.g. API ROOM_ENABLED and POLL ROOM_UPDATED. No subscriber sees a
 * duplicate id; it is still one change told twice (docs/events.md: the same change from any
 * source is one event). Changes from one source in one tick are not counted: on a coarse clock
 * they are distinct changes. Lists each as `source type / source type of room at occurredAt`.
 */
export function changesToldTwice(log: readonly LoggedEvent[]): string[] {
  const byVersion = new Map<string, LoggedEvent[]>();
  for (const event of log) {
    if (ROOM_CHANGES.has(event.type)) {
      const key = `${event.roomId} ${event.occurredAt}`;
      byVersion.set(key, [...(byVersion.get(key) ?? []), event]);
    }
  }
  return [...byVersion.values()]
    .filter((events) => new Set(events.map((event) => event.source)).size > 1)
    .map(
      (events) =>
        `${events.map((event) => `${event.source} ${event.type}`).join(' / ')} of ${events[0]?.providerKey} room at ${events[0]?.occurredAt}`,
    );
}

/** Every receipt, at every subscriber, of the events `sentAt` names, minus when each was sent. */
export function latencies(
  subscribers: readonly Subscriber[],
  sentAt: ReadonlyMap<string, number>,
  source: string,
): number[] {
  const values: number[] = [];
  for (const subscriber of subscribers) {
    for (const event of subscriber.seen) {
      const at = sentAt.get(event.id);
      if (at !== undefined && event.source === source) {
        values.push(event.receivedAt - at);
      }
    }
  }
  return values;
}

/** p50, p99 and max, in ms to a tenth, over some values; nulls when there are none. */
export function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (fraction: number) => {
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
    const value = sorted[rank - 1];
    return value === undefined ? null : Math.round(value * 10) / 10;
  };
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** Counts by a key, sorted by key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * Who published each webhook's event. Between its two deliveries, a webhook publishes its event
 * once, or not at all when polling published it first; anything more is a duplicate the log let
 * through. A redelivery sent after the first delivery was answered must publish nothing.
 */
function publishedBy(entry: WebhookDelivery): string {
  const [first, again] = entry.attempts.map((attempt) => (attempt.published ?? 0) > 0);
  if (first && again) {
    return 'both';
  }
  if (first) {
    return 'first delivery';
  }
  if (again) {
    return entry.concurrent
      ? 'redelivery (sent at once, it got there first)'
      : 'redelivery (sent after the first was answered)';
  }
  return 'neither';
}

/** The webhooks the bench sent, what the service answered, and what was wrong with that. */
export function webhookFigures(
  deliveries: readonly WebhookDelivery[],
  log: readonly LoggedEvent[],
  tookS: number,
) {
  const sourceOf = new Map(log.map((event) => [event.id, event.source]));
  const refused = deliveries.flatMap((entry) =>
    entry.attempts.filter((attempt) => attempt.status !== 200),
  );
  const by = deliveries.map(publishedBy);
  const twice = by.filter((who) => who === 'both').length;
  const late = by.filter((who) => who.includes('after the first was answered')).length;
  const notInLog = deliveries.filter((entry) => !sourceOf.has(entry.eventId)).length;
  return {
    figures: {
      sent: deliveries.length,
      deliveries: deliveries.length * 2,
      sentPerSecond: Math.round(deliveries.length / Math.max(tookS, 0.001)),
      byType: countBy(deliveries, (entry) => entry.type),
      refused: refused.length,
      publishedBy: countBy(by, (who) => who),
      firstSeenByPolling: deliveries.filter((entry) => sourceOf.get(entry.eventId) === 'POLL')
        .length,
      notInLog,
    },
    problems: [
      ...(refused.length > 0 ? [`${refused.length} webhook deliveries not answered 200`] : []),
      ...(twice > 0 ? [`${twice} webhooks published their event twice`] : []),
      ...(late > 0 ? [`${late} redeliveries published after the first was answered`] : []),
      ...(notInLog > 0 ? [`${notInLog} webhooks whose event is not in the log`] : []),
    ],
  };
}
