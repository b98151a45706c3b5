import { ProviderNotFoundError } from '../domain/errors.js';
import { CursorKey } from './cursor-key.js';
import type { RoomProvider } from './room-provider.js';

/** One adapter per configured account, looked up by account key. */
export class ProviderRegistry {
  readonly #byKey: Map<string, RoomProvider>;
  /**
   * Seals the cross-account listing's cursors, as each adapter's key seals its own; this
   * process's own key when none is given (tests).
   */
  readonly cursorKey: CursorKey;

  constructor(providers: readonly RoomProvider[], options: { cursorKey?: CursorKey } = {}) {
    this.#byKey = new Map(providers.map((provider) => [provider.key, provider]));
    this.cursorKey = options.cursorKey ?? CursorKey.ephemeral();
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
