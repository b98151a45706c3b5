import type { Dispatcher } from 'undici';
import type { UpstreamObserver } from '../http/upstream-observer.js';
import type { RetryPolicy } from '../http/with-retry.js';

/** What every adapter factory receives besides its own credentials. */
export interface BaseProviderOptions {
  /** Account key from config; unique per service. */
  readonly key: string;
  /** Shown as `Provider.displayName`; the adapter picks a default when absent. */
  readonly displayName?: string;
  /** Origin (plus base path where the provider has one) of the API or its emulator. */
  readonly baseUrl: string;
  /** The undici dispatcher: a Pool in production, a MockAgent in unit tests. */
  readonly dispatcher: Dispatcher;
  /** Deadline of one upstream call, retries included, in milliseconds. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** Most upstream calls in flight to this account at once (default 8). */
  readonly maxInFlight?: number;
  /** Failures in a row that open this account's circuit breaker (default 5). */
  readonly circuitFailureThreshold?: number;
  /** How long an open circuit fails fast before one probe goes through, in ms (default 10 000). */
  readonly circuitOpenMs?: number;
  /** Whether identical GETs in flight at once share one upstream call (default true). */
  readonly shareInflightGets?: boolean;
  /** Lifetime of minted tokens when the caller gives none, in seconds. */
  readonly defaultTokenTtlSeconds: number;
  /** Metrics, traces and logs of this account's upstream calls. */
  readonly observer?: UpstreamObserver;
  /** Injectable clock, epoch milliseconds. */
  readonly now?: () => number;
}
