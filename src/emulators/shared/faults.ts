import { matches } from './request-log.js';

/**
 * A scripted misbehaviour. Several fields combine: latency first, then the failure (if any).
 * A fault without `status`, `drop`, `malformedJson` or `stallBody` only adds latency and lets the
 * real handler answer.
 */
export interface Fault {
  /** Only requests with this method (any when absent). */
  readonly method?: string;
  /** Only requests whose path starts with this (any when absent). */
  readonly pathPrefix?: string;
  /** How many matching requests it applies to; forever when absent. */
  readonly times?: number;
  /** Delay before answering, in milliseconds. */
  readonly latencyMs?: number;
  /** Answer with this status instead of handling the request. */
  readonly status?: number;
  /** JSON body to send with `status`; the provider's own error body when absent. */
  readonly body?: unknown;
  /** With status 429 (or any), a `Retry-After` header in seconds. */
  readonly retryAfterSeconds?: number;
  /** Destroy the socket without answering (a connection reset). */
  readonly drop?: boolean;
  /**
   * Carry the request out, then reset the connection instead of answering: a write that took
   * effect though its caller cannot know it did.
   */
  readonly loseAnswer?: boolean;
  /** Answer 200 with a body that is not JSON. */
  readonly malformedJson?: boolean;
  /** Send headers, then stall the body for this many milliseconds before ending it. */
  readonly stallBodyMs?: number;
}

export class FaultPlan {
  #faults: { fault: Fault; remaining: number }[] = [];

  add(fault: Fault): void {
    this.#faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.#faults = [];
  }

  /** Takes the first fault that applies to this request, using up one of its `times`. */
  take(request: { method: string; path: string }): Fault | null {
    const slot = this.#faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        matches(request, {
          method: candidate.fault.method,
          pathPrefix: candidate.fault.pathPrefix,
        }),
    );
    if (!slot) {
      return null;
    }
    slot.remaining -= 1;
    if (slot.remaining <= 0) {
      this.#faults = this.#faults.filter((candidate) => candidate !== slot);
    }
    return slot.fault;
  }
}
