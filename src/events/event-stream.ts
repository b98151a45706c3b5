import type { LoggedEvent } from '../domain/room-event.js';
import type { EventLog } from './event-log.js';

/** Events read from the log per round while catching up. */
const REPLAY_BATCH = 500;

/**
 * The events of `log` after `cursor` (all new ones when it is null), then every live one as it
 * is appended: with no gap between the two and no event twice. The live listener starts before
 * the replay, and holds what comes in meanwhile; the replay runs until it reaches the first
 * event held, and the held events past the replay follow. Ends when `signal` aborts.
 */
export async function* eventsAfter(
  log: EventLog,
  cursor: string | null,
  signal: AbortSignal,
): AsyncGenerator<LoggedEvent> {
  const held: LoggedEvent[] = [];
  let wake: (() => void) | null = null;
  const stop = log.listen((event) => {
    held.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  try {
    let last = cursor ?? (await log.head());
    if (cursor !== null) {
      for (;;) {
        const batch = await log.read(last, REPLAY_BATCH);
        for (const event of batch) {
          if (signal.aborted) {
            return;
          }
          yield event;
          last = event.cursor;
        }
        const firstHeld = held[0];
        if (
          batch.length < REPLAY_BATCH ||
          (firstHeld && last && log.compare(last, firstHeld.cursor) >= 0)
        ) {
          break;
        }
      }
    }
    for (;;) {
      while (held.length > 0) {
        const event = held.shift() as LoggedEvent;
        // Already replayed (it was appended while the replay read it), or older than the start.
        if (last !== null && log.compare(event.cursor, last) <= 0) {
          continue;
        }
        last = event.cursor;
        yield event;
        if (signal.aborted) {
          return;
        }
      }
      if (signal.aborted) {
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = null;
    }
  } finally {
    stop();
    signal.removeEventListener('abort', onAbort);
  }
}
