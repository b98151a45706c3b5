import { ProviderNotFoundError } from '../domain/errors.js';
import type { RoomProvider } from './room-provider.js';

/** One adapter per configured account, looked up by account key. */
export class ProviderRegistry {
  readonly #byKey: Map<string, RoomProvider>;

  constructor(providers: readonly RoomProvider[]) {
    this.#byKey = new Map(providers.map((provider) => [provider.key, provider]));
  }

  /** In configuration order. */
  all(): RoomProvider[] {
    return [...this.#byKey.values()];
  }

  get(key: string): RoomProvider | undefined {
    return this.#byKey.get(key);
  }

  /** Like `get`, but a missing key is the typed `ProviderNotFoundError`. */
  require(key: string): RoomProvider {
    const provider = this.#byKey.get(key);
    if (!provider) {
      throw new ProviderNotFoundError(key);
    }
    return provider;
  }
}
