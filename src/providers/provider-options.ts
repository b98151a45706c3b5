import type { Dispatcher } from 'undici';
import type { UpstreamBudget } from '../http/upstream-budget.js';
import type { UpstreamClientOptions } from '../http/upstream-client.js';
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
  /** The current GraphQL operation's allowance of upstream calls (see UpstreamClientOptions). */
  readonly budget?: () => UpstreamBudget | undefined;
  /** Injectable clock, epoch milliseconds. */
  readonly now?: () => number;
}

/** The account-wide part of an upstream client's options: everything but auth and error bodies. */
export type UpstreamPolicy = Omit<
  UpstreamClientOptions,
  'headers' | 'parseError' | 'requestIdHeader' | 'onAttempt'
>;

/**
 * The upstream policy an adapter hands its client, straight from its factory options, so a new
 * account-wide setting reaches every provider by being added here once.
 */
export function upstreamPolicy(options: BaseProviderOptions): UpstreamPolicy {
  return {
    provider: options.key,
    baseUrl: options.baseUrl,
    dispatcher: options.dispatcher,
    timeoutMs: options.timeoutMs,
    retry: options.retry,
    maxInFlight: options.maxInFlight,
    circuitFailureThreshold: options.circuitFailureThreshold,
    circuitOpenMs: options.circuitOpenMs,
    shareInflightGets: options.shareInflightGets,
    observer: options.observer,
    budget: options.budget,
    now: options.now,
  };
}
