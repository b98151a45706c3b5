/**
 * One upstream call's signal: aborted when its deadline passes (reason: a `TimeoutError`
 * DOMException, as `AbortSignal.timeout` gives) or when the caller's signal aborts (the caller's
 * reason). `AbortSignal.timeout` joined by `AbortSignal.any` does the same, but on Node 20 each
 * of those registers weak references and finalizers, a measurable cost when one GraphQL request
 * fans out into a hundred calls. Here it is one controller and one timer, released by `end()`
 * as soon as the call is over.
 */
export class CallDeadline {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.#controller.abort(this.#caller?.reason);

  constructor(timeoutMs: number, caller?: AbortSignal) {
    this.#caller = caller;
    this.#timer = setTimeout(() => {
      this.#controller.abort(
        new DOMException(`The call did not finish within ${timeoutMs} ms`, 'TimeoutError'),
      );
    }, timeoutMs);
    // Like AbortSignal.timeout: a pending deadline never keeps the process alive.
    this.#timer.unref();
    if (caller?.aborted) {
      this.#controller.abort(caller.reason);
    } else {
      caller?.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Stops the timer and stops listening to the caller; the signal keeps whatever state it has. */
  end(): void {
    clearTimeout(this.#timer);
    this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }
}
