import { UpstreamCallLimitError } from '../domain/errors.js';

/**
 * How many upstream calls one GraphQL operation may still make (`maxUpstreamCallsPerOperation`).
 * A limit, not an observation: it refuses the call past it before any HTTP.
 */
export class CallAllowance {
  #used = 0;
  constructor(readonly limit: number) {}

  get used(): number {
    return this.#used;
  }

  /** Counts one call, or throws `UpstreamCallLimitError` when the limit is reached. */
  take(): void {
    if (this.#used >= this.limit) {
      throw new UpstreamCallLimitError(this.limit);
    }
    this.#used++;
  }
}
