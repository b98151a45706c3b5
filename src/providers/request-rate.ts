import type { HttpMethod } from '../http/upstream-call.js';

/** A provider's published request rate for some of its methods. */
export interface RequestRateLimit {
  readonly methods: readonly HttpMethod[];
  /** Requests allowed per `perMs`; null where the provider calls the rate unlimited. */
  readonly requests: number | null;
  /** The window of `requests`, in milliseconds; null with `requests`. */
  readonly perMs: number | null;
}

/**
 * What a provider publishes about its request rates, for a client-side budget to read. Each
 * adapter folder exports one (`SIGNALWIRE_REQUEST_RATE`, ...), or null where nothing is published.
 */
export interface DocumentedRequestRate {
  readonly limits: readonly RequestRateLimit[];
  /** The fact sheet section the figures come from, and its own source. */
  readonly source: string;
}
