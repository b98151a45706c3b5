import { type AbortWatcher, unwatchAbort, watchAbort } from './abort-fanout.js';
import type { CallContext } from './call-context.js';

/**
 * The reason a call aborts when its GraphQL operation's deadline, not its own, is what passed.
 * A `TimeoutError` like any other, so code that only asks "did it time out" reads it the same.
 */
export class OperationDeadlineReached extends DOMException {
  constructor() {
    super("The operation's deadline passed", 'TimeoutError');
  }
}

/**
 * One upstream call's end: it aborts when its deadline passes (reason: a `TimeoutError`
 * DOMException, as `AbortSignal.timeout` gives), when its operation's deadline passes first
 * (reason: `OperationDeadlineReached`), or when the caller's signal aborts (the caller's
 * reason), whichever comes first, and tells whoever is watching.
 *
 * It is not an AbortController, on purpose: one GraphQL request can fan out into a hundred calls,
 * and an AbortController with its signal costs about ten times a timer. The HTTP attempt in
 * flight watches the deadline through `watch`; `signal` makes a real AbortSignal only for the
 * rare waits that need one (a queue slot, a retry's backoff). `end()` releases the timer and the
 * caller's listener as soon as the call is over.
 */
export class CallDeadline implements AbortWatcher {
  readonly #caller: AbortSignal | undefined;
  /** None when neither deadline is finite: only the caller's signal can end it then. */
  readonly #timer: NodeJS.Timeout | null;
  #aborted = false;
  #reason: unknown;
  #watcher: DeadlineWatcher | null = null;
  #controller: AbortController | null = null;
  #ended = false;
  readonly #endsAt: number;
  readonly #now: () => number;

  /**
   * @param timeoutMs the call's own deadline, from now
   * @param caller a signal whose abort ends the call too (the client's request), if any
   * @param operationDeadlineAt epoch ms of the operation's deadline; it wins when it comes first
   */
  constructor(
    readonly timeoutMs: number,
    caller?: AbortSignal,
    operationDeadlineAt = Number.POSITIVE_INFINITY,
    now: () => number = Date.now,
  ) {
    this.#caller = caller;
    this.#now = now;
    const operationLeftMs = operationDeadlineAt - now();
    const operationFirst = operationLeftMs < timeoutMs;
    const leftMs = Math.min(timeoutMs, operationLeftMs);
    this.#endsAt = now() + leftMs;
    // A static callback with `this` as its argument: no closure per call.
    this.#timer = Number.isFinite(leftMs)
      ? setTimeout(
          operationFirst ? CallDeadline.#operationTimeUp : CallDeadline.#timeUp,
          Math.max(0, leftMs),
          this,
        )
      : null;
    // Like AbortSignal.timeout: a pending deadline never keeps the process alive.
    this.#timer?.unref();
    if (operationLeftMs <= 0) {
      this.#abort(new OperationDeadlineReached());
    } else if (caller?.aborted) {
      this.#abort(caller.reason);
    } else {
      if (caller) {
        watchAbort(caller, this);
      }
    }
  }

  /** The caller's signal aborted. */
  signalAborted(reason: unknown): void {
    this.#abort(reason);
  }

  static #operationTimeUp(deadline: CallDeadline): void {
    deadline.#abort(new OperationDeadlineReached());
  }

  static #timeUp(deadline: CallDeadline): void {
    deadline.#abort(
      new DOMException(`The call did not finish within ${deadline.timeoutMs} ms`, 'TimeoutError'),
    );
  }

  /** Milliseconds left before it aborts on time; 0 once it has aborted. */
  get remainingMs(): number {
    return this.#aborted ? 0 : Math.max(0, this.#endsAt - this.#now());
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  /** Why it aborted; undefined until then. */
  get reason(): unknown {
    return this.#reason;
  }

  /** An AbortSignal that aborts with this deadline, made on first use. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) {
        this.#controller.abort(this.#reason);
      }
    }
    return this.#controller.signal;
  }

  /**
   * Tells `watcher` once when the deadline aborts (at once if it already has), until `unwatch`.
   * One watcher at a time: the call's current HTTP attempt, or its wait for a shared one.
   */
  watch(watcher: DeadlineWatcher): void {
    if (this.#aborted) {
      watcher.deadlineAborted(this.#reason);
      return;
    }
    this.#watcher = watcher;
  }

  /** Stops telling `watcher`, if it is still the one watching. */
  unwatch(watcher: DeadlineWatcher): void {
    if (this.#watcher === watcher) {
      this.#watcher = null;
    }
  }

  /** Stops the timer and stops listening to the caller; the state stays as it is. */
  end(): void {
    this.#ended = true;
    this.#watcher = null;
    if (this.#timer) {
      clearTimeout(this.#timer);
    }
    if (this.#caller) {
      unwatchAbort(this.#caller, this);
    }
  }

  #abort(reason: unknown): void {
    if (this.#aborted || this.#ended) {
      return;
    }
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
    const watcher = this.#watcher;
    this.#watcher = null;
    watcher?.deadlineAborted(reason);
  }
}

/** What waits on a CallDeadline; an object rather than a callback, to spare a closure per call. */
export interface DeadlineWatcher {
  deadlineAborted(reason: unknown): void;
}

/**
 * The deadline of one call of `method` serving `context`: its own timeout, its operation's
 * deadline, and for a read the client's request. A write that may have reached the provider is
 * finished even when the client goes away, so that its outcome is known (and an idempotency key
 * records it); the operation's deadline still bounds it.
 */
export function callDeadline(
  method: string,
  context: CallContext | undefined,
  timeoutMs: number,
  now: () => number = Date.now,
): CallDeadline {
  const caller = method === 'GET' ? context?.signal : undefined;
  return new CallDeadline(timeoutMs, caller, context?.deadlineAt, now);
}
