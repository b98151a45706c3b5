import type { Dispatcher } from 'undici';
import type { CallDeadline, DeadlineWatcher } from './call-deadline.js';

export interface HttpRequest {
  /** Scheme, host and port, e.g. `https://api.example.com`. */
  readonly origin: string;
  /** Path with any query, starting with `/`. */
  readonly path: string;
  readonly method: Dispatcher.HttpMethod;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** Largest response body read; past it the request is torn down with ResponseTooLargeError. */
  readonly maxResponseBytes: number;
}

/** A response body longer than the request's `maxResponseBytes`. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The response body is larger than ${limitBytes} bytes`);
    this.name = 'ResponseTooLargeError';
  }
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The whole body, decoded as UTF-8. */
  readonly text: string;
}

/** Filled in as an exchange goes: what its caller must know when it fails. */
export interface ExchangeProgress {
  /**
   * The request was handed to a connected socket, so the server may have received it and acted
   * on it even when no answer comes back.
   */
  sent: boolean;
}

/**
 * Sends one request and reads its whole response, ending early when `deadline` aborts: the
 * promise then rejects with the deadline's reason at once, even while the request still waits
 * for a socket, and the request is torn down.
 *
 * It talks to the dispatcher through undici's handler API instead of `request()`, which for
 * every call parses a URL and wraps the response in a stream, and can only be cancelled through
 * an AbortSignal. Upstream bodies here are small JSON documents read whole, so none of that is
 * needed: this is the per-call cost that a fan-out of a hundred calls multiplies.
 */
export function exchange(
  dispatcher: Dispatcher,
  request: HttpRequest,
  deadline: CallDeadline,
  progress?: ExchangeProgress,
): Promise<HttpResponse> {
  return new Promise<HttpResponse>((resolve, reject) => {
    const handler = new ExchangeHandler(
      resolve,
      reject,
      deadline,
      request.maxResponseBytes,
      progress,
    );
    deadline.watch(handler);
    if (handler.settled) {
      return;
    }
    try {
      dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
        },
        handler,
      );
    } catch (error) {
      handler.fail(error);
    }
  });
}

class ExchangeHandler implements Dispatcher.DispatchHandler, DeadlineWatcher {
  settled = false;
  #controller: Dispatcher.DispatchController | null = null;
  #cancelledWith: Error | null = null;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #chunks: Buffer[] = [];
  #bytes = 0;

  constructor(
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly deadline: CallDeadline,
    private readonly maxBytes: number,
    private readonly progress: ExchangeProgress | undefined,
  ) {}

  /** Settles now, and stops the request wherever it is. */
  deadlineAborted(reason: unknown): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    this.reject(reason);
    this.#cancelledWith = reason instanceof Error ? reason : new Error('The call was cancelled');
    this.#controller?.abort(this.#cancelledWith);
  }

  fail(error: unknown): void {
    if (!this.settled) {
      this.settled = true;
      this.deadline.unwatch(this);
      this.reject(error);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#cancelledWith) {
      // Cancelled while it waited for a socket: it must not go out now.
      controller.abort(this.#cancelledWith);
      return;
    }
    this.#controller = controller;
    if (this.progress) {
      this.progress.sent = true;
    }
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
    this.#chunks = [];
    this.#bytes = 0;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.maxBytes) {
      // Read whole into memory, so a runaway body is cut off rather than buffered.
      const error = new ResponseTooLargeError(this.maxBytes);
      this.fail(error);
      controller.abort(error);
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) {
      return;
    }
    this.settled = true;
    this.deadline.unwatch(this);
    const chunks = this.#chunks;
    const text =
      chunks.length === 1
        ? (chunks[0] as Buffer).toString('utf8')
        : Buffer.concat(chunks).toString('utf8');
    this.resolve({ status: this.#status, headers: this.#headers, text });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }
}
