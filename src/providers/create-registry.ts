import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { accountSecrets, type Config } from '../config.js';
import { createDispatcher, DEFAULT_DISPATCHER_OPTIONS } from '../http/create-dispatcher.js';
import { MemoryReadCache, type ReadCache } from '../http/read-cache.js';
import type { SecretRedactor } from '../http/secret-redactor.js';
import type { UpstreamObserver } from '../http/upstream-observer.js';
import { DEFAULT_RETRY_POLICY } from '../http/with-retry.js';
import { CursorKey } from './cursor-key.js';
import { providerModule } from './provider-modules.js';
import type { BaseProviderOptions } from './provider-options.js';
import { ProviderRegistry } from './registry.js';
import { accountRateLimitPolicy, documentedRateLimitPolicy } from './request-rate.js';

export interface RegistryHandle {
  readonly registry: ProviderRegistry;
  /** Closes every upstream pool. */
  close(): Promise<void>;
}

export interface RegistryOptions {
  /** Told of every account's upstream calls, retries and circuit changes (metrics, traces, logs). */
  readonly observer?: UpstreamObserver;
  /** Scrubs provider error text and takes the secrets adapters derive; see `SecretRedactor`. */
  readonly redactor?: SecretRedactor;
  /** Where room reads are kept when `cacheTtlMs` is set; in this process when absent. */
  readonly readCache?: ReadCache;
}

/** Builds one adapter per configured account, each with its own pool, through its provider module. */
export function createRegistry(config: Config, options: RegistryOptions = {}): RegistryHandle {
  const dispatchers: Dispatcher[] = [];
  const cursorKey = cursorKeyOf(config);
  const readCache = config.cacheTtlMs > 0 ? (options.readCache ?? new MemoryReadCache()) : null;
  const providers = config.providers.map((account) => {
    const dispatcher = createDispatcher(account.baseUrl, {
      ...DEFAULT_DISPATCHER_OPTIONS,
      connections: config.upstreamConnections,
    });
    dispatchers.push(dispatcher);
    const module = providerModule(account.kind);
    if (!module) {
      // Config validation admits only the kinds of the listed modules.
      throw new Error(`No provider module for kind ${account.kind}`);
    }
    const base: BaseProviderOptions = {
      key: account.key,
      displayName: account.displayName,
      baseUrl: account.baseUrl,
      dispatcher,
      timeoutMs: config.upstreamTimeoutMs,
      retry: { ...DEFAULT_RETRY_POLICY, maxRetries: config.upstreamRetries },
      maxInFlight: config.upstreamConcurrency ?? config.upstreamConnections,
      circuitFailureThreshold: config.circuitFailureThreshold,
      circuitOpenMs: config.circuitOpenMs,
      rateLimit: accountRateLimitPolicy(
        documentedRateLimitPolicy(module.requestRate),
        account.rateLimit,
      ),
      shareInflightGets: config.shareInflightGets,
      defaultTokenTtlSeconds: config.defaultTokenTtlSeconds,
      observer: options.observer,
      cursorKey,
      redactor: options.redactor,
      cache: readCache && {
        store: readCache,
        ttlMs: config.cacheTtlMs,
        // Never across credentials: a rotated one starts from nothing.
        credentialDigest: createHash('sha256')
          .update(JSON.stringify(accountSecrets(account)))
          .digest('base64url'),
      },
    };
    return module.createProvider(account, base);
  });
  return {
    registry: new ProviderRegistry(providers, { cursorKey }),
    close: async () => {
      await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
    },
  };
}

/**
 * The key that seals listing cursors: from `CURSOR_SECRET`, or else from every account's
 * credentials, so that instances with the same configuration agree without a setting of their
 * own. Changing either (or adding an account) makes outstanding cursors fail as `after`.
 */
export function cursorKeyOf(config: Pick<Config, 'cursorSecret' | 'providers'>): CursorKey {
  if (config.cursorSecret !== undefined) {
    return CursorKey.fromSecret(config.cursorSecret);
  }
  const accounts = config.providers
    .map((account) => [account.key, account.kind, ...accountSecrets(account)])
    .sort(([a = ''], [b = '']) => (a < b ? -1 : a > b ? 1 : 0));
  return CursorKey.fromSecret(JSON.stringify(['provider credentials', accounts]));
}
