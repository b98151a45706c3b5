import type { CallDeadline, DeadlineWatcher } from './call-deadline.js';
import type { UpstreamCall } from './upstream-call.js';

/**
 * The first stage of a GET: identical GETs in flight to one account at the same time share one
 * upstream call. Identical means the same path read through the same response schema, so two
 * callers share only what they would read the same way. It is safe within one account (same
 * credentials), and the client forgets every shared GET when it sends a write, so a request
 * still reads its own writes.
 */
export class InflightGets {
  readonly #pending = new Map<string, Promise<unknown>>();

  /**
   * The answer to `call`: the one in flight for the same key, or a new one from `start`. The
   * shared call answers to its own deadline only, since one caller going away must not cancel it
   * for the others; each caller waits under `waiting`, its own deadline (ended when the wait is
   * over if `owned`), and stops waiting with the typed error `stopped` makes of its abort.
   */
  join<T>(
    call: UpstreamCall<T>,
    waiting: CallDeadline,
    owned: boolean,
    start: () => Promise<T>,
    stopped: (waiting: CallDeadline) => unknown,
  ): Promise<T> {
    if (waiting.aborted) {
      // A caller that has already gone starts nothing, shared or not.
      if (owned) {
        waiting.end();
      }
      return Promise.reject(stopped(waiting));
    }
    const key = `${call.path}\u0000${schemaId(call.schema)}`;
    let pending = this.#pending.get(key) as Promise<T> | undefined;
    if (!pending) {
      const started = start();
      // Also handles its failure, which every caller may have stopped waiting for.
      started.then(
        () => this.#forget(key, started),
        () => this.#forget(key, started),
      );
      this.#pending.set(key, started);
      pending = started;
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = new Waiter(waiting, owned, resolve, reject, stopped);
      pending.then(
        (value) => waiter.resolved(value),
        (error: unknown) => waiter.rejected(error),
      );
    });
  }

  /** Makes every later GET start its own call: a write may have changed what they would read. */
  forgetAll(): void {
    this.#pending.clear();
  }

  #forget(key: string, started: Promise<unknown>): void {
    if (this.#pending.get(key) === started) {
      this.#pending.delete(key);
    }
  }
}

/** One caller waiting for a shared call, watching its own deadline meanwhile. */
class Waiter<T> implements DeadlineWatcher {
  constructor(
    private readonly waiting: CallDeadline,
    private readonly owned: boolean,
    private readonly resolve: (value: T) => void,
    private readonly reject: (error: unknown) => void,
    private readonly stopped: (waiting: CallDeadline) => unknown,
  ) {
    waiting.watch(this);
  }

  resolved(value: T): void {
    this.#done();
    this.resolve(value);
  }

  rejected(error: unknown): void {
    this.#done();
    this.reject(error);
  }

  deadlineAborted(): void {
    this.reject(this.stopped(this.waiting));
    this.#done();
  }

  #done(): void {
    if (this.owned) {
      this.waiting.end();
    } else {
      this.waiting.unwatch(this);
    }
  }
}

const schemaIds = new WeakMap<object, number>();
let nextSchemaId = 1;

/** A number per response schema, so that sharing keys on how a body is read. */
function schemaId(schema: object | null): number {
  if (schema === null) {
    return 0;
  }
  let id = schemaIds.get(schema);
  if (id === undefined) {
    id = nextSchemaId++;
    schemaIds.set(schema, id);
  }
  return id;
}
