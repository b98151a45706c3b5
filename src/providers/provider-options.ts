import { redact } from '../http/redact.js';
import type { SecretRedactor } from '../http/secret-redactor.js';
import type { UpstreamClientOptions } from '../http/upstream-client.js';
import type { CursorKey } from './cursor-key.js';

/** The account-wide part of an upstream client's options: everything but auth and error bodies. */
export type UpstreamPolicy = Omit<
  UpstreamClientOptions,
  'headers' | 'parseError' | 'requestIdHeader' | 'onAttempt'
>;

/**
 * What every adapter factory receives besides its own credentials: the upstream policy (named
 * by `key` rather than `provider`), and what the adapter itself reads.
 */
export interface BaseProviderOptions extends Omit<UpstreamPolicy, 'provider'> {
  /** Account key from config; unique per service. */
  readonly key: string;
  /** Shown as `Provider.displayName`; the adapter picks a default when absent. */
  readonly displayName?: string;
  /** Lifetime of minted tokens when the caller gives none, in seconds. */
  readonly defaultTokenTtlSeconds: number;
  /**
   * Seals this account's listing cursors (`paging.ts`); the same on every instance configured
   * alike. Absent outside a configured service (tests, tools): cursors then hold in this process.
   */
  readonly cursorKey?: CursorKey;
  /**
   * The service's redactor: scrubs provider error text, and takes the secrets the adapter derives
   * (`keep` for fixed ones such as a Basic credential, `remember` for each minted token). Absent
   * outside a configured service: provider text then goes through the pattern rules alone.
   */
  readonly redactor?: SecretRedactor;
}

/**
 * The upstream policy an adapter hands its client, straight from its factory options, so a new
 * account-wide setting reaches every provider by being added here once. `tokenPatterns` are the
 * shapes of the provider's own tokens, scrubbed from its error text like any credential.
 */
export function upstreamPolicy(
  options: BaseProviderOptions,
  tokenPatterns: readonly RegExp[] = [],
): UpstreamPolicy {
  const redactor = options.redactor;
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
    rateLimit: options.rateLimit,
    cache: options.cache,
    observer: options.observer,
    now: options.now,
    redact: redactor
      ? (text) => redactor.redact(text, tokenPatterns)
      : (text) => redact(text, tokenPatterns),
  };
}
