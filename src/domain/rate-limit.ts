/**
 * A request rate a provider publishes for its API, as its own docs state it: the facts a
 * client-side budget needs, each constant citing where it comes from. A provider that publishes
 * none has `null` instead, never a guess.
 */
export interface ProviderRateLimit {
  /** Requests per second the provider allows by default. */
  readonly requestsPerSecond: number;
  /** What one budget covers: every request made with one account's credentials. */
  readonly scope: 'account';
  /** Whether the provider's support can raise the default for an account. */
  readonly raisable: boolean;
  /**
   * The response headers that report the budget, by meaning; null where the provider sends
   * none. Names as the provider writes them (HTTP header names match case-insensitively).
   */
  readonly headers: {
    /** The account's requests per window. */
    readonly limit: string;
    /** Requests left in the current window. */
    readonly remaining: string;
    /** Seconds until the current window resets. */
    readonly reset: string;
    /** The policy, `<limit>;w=<window seconds>` (IETF draft-polli-ratelimit-headers-02). */
    readonly policy: string;
  } | null;
  /** Where the facts come from: a fact-sheet section and its primary source. */
  readonly source: string;
}
