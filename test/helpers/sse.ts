/**
 * A GraphQL subscription over Server-Sent Events (GraphQL over SSE, "distinct connections"
 * mode, as Yoga serves it): each `next` event's data as parsed JSON, until `close`.
 */
export interface SseSubscription<T> {
  /** The next result, or throws after `timeoutMs`. */
  next(timeoutMs?: number): Promise<T>;
  close(): void;
}

export async function subscribe<T = { data?: unknown; errors?: unknown[] }>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<SseSubscription<T>> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  if (!response.ok || !response.body) {
    throw new Error(`subscription refused: ${response.status} ${await response.text()}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const results: T[] = [];
  const waiters: ((value: T) => void)[] = [];
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          return;
        }
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event =
            lines
              .find((line) => line.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if ((event === 'next' || event === 'message') && data) {
            const parsed = JSON.parse(data) as T;
            const waiter = waiters.shift();
            if (waiter) {
              waiter(parsed);
            } else {
              results.push(parsed);
            }
          }
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // closed
    }
  })();
  return {
    next(timeoutMs = 5_000) {
      const ready = results.shift();
      if (ready !== undefined) {
        return Promise.resolve(ready);
      }
      return new Promise<T>((resolve, reject) => {
        const waiter = (value: T) => {
          clearTimeout(timer);
          resolve(value);
        };
        const timer = setTimeout(() => {
          // Gone, so the next result goes to the next call rather than to this dead one.
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error('no subscription result in time'));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    close() {
      controller.abort();
    },
  };
}
