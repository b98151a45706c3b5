import { UpstreamCallLimitError } from '../domain/errors.js';

/** How many upstream calls one GraphQL operation may still make. */
export class UpstreamBudget {
  #used = 0;
  constructor(readonly limit: number) {}

  get used(): number {
    return this.#used;
  }

  /** Counts one call, or throws when the limit is reached. */
  take(): void {
    if (this.#used >= this.limit) {
      throw new UpstreamCallLimitError(this.limit);
    }
    this.#used++;
  }
}

/**
 * The budget travels with the GraphQL request's abort signal, which every adapter already hands
 * to every upstream call; so the four adapters need no budget parameter of their own. A call
 * made without the request's signal is not counted.
 */
const budgets = new WeakMap<AbortSignal, UpstreamBudget>();

export function attachBudget(signal: AbortSignal, budget: UpstreamBudget): void {
  budgets.set(signal, budget);
}

export function budgetFor(signal: AbortSignal | undefined): UpstreamBudget | undefined {
  return signal ? budgets.get(signal) : undefined;
}

/**
 * Hands a request's budget to a signal derived from it (an adapter that joins the request's
 * signal with a deadline of its own), so calls made under the derived signal still count.
 */
export function inheritBudget(derived: AbortSignal, from: AbortSignal | undefined): void {
  const budget = budgetFor(from);
  if (budget) {
    budgets.set(derived, budget);
  }
}
