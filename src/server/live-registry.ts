import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Config } from '../config.js';
import type { RegistryHandle } from '../providers/create-registry.js';
import type { ProviderRegistry } from '../providers/registry.js';

/** The registry one request uses from its first byte to its last, whatever is swapped meanwhile. */
export interface RegistryLease {
  readonly registry: ProviderRegistry;
  /** Idempotent; the last release of a replaced registry closes its upstream pools. */
  release(): void;
}

/** What each request hands the app besides itself: Yoga's server context. */
export interface LeasedContext {
  readonly registry: ProviderRegistry;
}

interface Generation {
  readonly handle: RegistryHandle;
  leases: number;
  replaced: boolean;
  /** Resolves once the pools are closed, after the last lease is released. */
  readonly closed: Promise<void>;
  close(): void;
}

/**
 * The provider registry and configuration the service serves now, swappable while it runs
 * (SIGHUP, see `config-reload.ts`). Requests already running keep the registry they started
 * with, so they finish on the old accounts and pools; new requests get the new one at once.
 */
export class LiveRegistry {
  #config: Config;
  #current: Generation;
  /** Every registry whose pools are not closed yet: the current one and replaced ones in use. */
  readonly #open = new Set<Generation>();
  readonly #listeners: ((config: Config) => void)[] = [];

  constructor(config: Config, handle: RegistryHandle) {
    this.#config = config;
    this.#current = this.#track(handle);
  }

  /** The configuration now in force. */
  get config(): Config {
    return this.#config;
  }

  /** The registry new requests get. */
  get registry(): ProviderRegistry {
    return this.#current.handle.registry;
  }

  acquire(): RegistryLease {
    const held = this.#current;
    held.leases++;
    let released = false;
    return {
      registry: held.handle.registry,
      release: () => {
        if (released) {
          return;
        }
        released = true;
        held.leases--;
        if (held.replaced && held.leases === 0) {
          held.close();
        }
      },
    };
  }

  /**
   * A Node request listener: each request leases the current registry until its response
   * closes and passes it to `app` (a Yoga app reads it from its server context).
   */
  serve(
    app: (request: IncomingMessage, response: ServerResponse, context: LeasedContext) => unknown,
  ): RequestListener {
    return (request, response) => {
      const lease = this.acquire();
      response.once('close', lease.release);
      app(request, response, { registry: lease.registry });
    };
  }

  /**
   * Serves `config` from now on, with `handle`'s registry when given (the accounts or their
   * upstream settings changed) or the current one. Resolves once the replaced registry's pools
   * are closed, which waits for the requests still using it.
   */
  replace(config: Config, handle?: RegistryHandle): Promise<void> {
    this.#config = config;
    let closed = Promise.resolve();
    if (handle) {
      const previous = this.#current;
      this.#current = this.#track(handle);
      previous.replaced = true;
      if (previous.leases === 0) {
        previous.close();
      }
      closed = previous.closed;
    }
    for (const listener of this.#listeners) {
      listener(config);
    }
    return closed;
  }

  /** Called with each configuration `replace` puts in force (the client authenticator's keys). */
  onReplace(listener: (config: Config) => void): void {
    this.#listeners.push(listener);
  }

  /** Closes every registry's pools, in use or not (shutdown, once the drain is over). */
  async close(): Promise<void> {
    const open = [...this.#open];
    for (const held of open) {
      held.close();
    }
    await Promise.all(open.map((held) => held.closed));
  }

  #track(handle: RegistryHandle): Generation {
    const held = generation(handle);
    this.#open.add(held);
    void held.closed.then(() => this.#open.delete(held));
    return held;
  }
}

function generation(handle: RegistryHandle): Generation {
  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  let closing = false;
  return {
    handle,
    leases: 0,
    replaced: false,
    closed,
    close() {
      if (!closing) {
        closing = true;
        // A pool that fails to close has nothing left to serve anyway.
        handle.close().then(markClosed, markClosed);
      }
    },
  };
}
