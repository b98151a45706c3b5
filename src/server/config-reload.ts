import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { type Config, ConfigError, ENV_NAMES, type ProviderConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import type { RegistryHandle } from '../providers/create-registry.js';
import { startupRefusal } from './client-auth.js';
import type { LiveRegistry } from './live-registry.js';

/** What `createRegistry` reads: a change to any of them builds a new registry. */
const REGISTRY_SETTINGS = [
  'providers',
  'upstreamTimeoutMs',
  'upstreamRetries',
  'upstreamConnections',
  'upstreamConcurrency',
  'circuitFailureThreshold',
  'circuitOpenMs',
  'shareInflightGets',
  'defaultTokenTtlSeconds',
] as const satisfies readonly (keyof Config)[];

/** What `clientAuthSettings` reads: the client authenticator takes them in place. */
const CLIENT_AUTH_SETTINGS = [
  'clientApiKeys',
  'clientJwtSecret',
  'clientJwksUrl',
  'clientJwtIssuer',
  'clientJwtAudience',
  'allowAnonymous',
] as const satisfies readonly (keyof Config)[];

const LIVE_SETTINGS: ReadonlySet<keyof Config> = new Set([
  ...REGISTRY_SETTINGS,
  ...CLIENT_AUTH_SETTINGS,
]);

/** How often `CONFIG_FILE` is looked at for changes (a stat, no read unless it changed). */
const WATCH_INTERVAL_MS = 1_000;

export interface ConfigReloadOptions {
  readonly live: LiveRegistry;
  /** Reads the configuration again (`loadConfig` over the process environment). */
  readonly load: () => Config;
  /** Builds the registry of a configuration, with the process's observer and budget. */
  readonly createRegistry: (config: Config) => RegistryHandle;
  /** The sandbox's emulator accounts, which stand in for the configured (empty) ones. */
  readonly sandboxProviders?: readonly ProviderConfig[];
  /** `CONFIG_FILE`, when set: reloads happen only when its text changed since the last one. */
  readonly configFile?: string;
  readonly logger: Logger;
}

export interface ConfigReloader {
  /**
   * Loads the configuration again and puts the provider accounts, their upstream settings and
   * client auth in force; refuses a bad one with one error line, leaving the current one.
   */
  reload(trigger: string): void;
  /** Reloads whenever `CONFIG_FILE` changes; returns the function that stops watching. */
  watch(): () => void;
}

export function createConfigReloader(options: ConfigReloadOptions): ConfigReloader {
  const { live, logger, configFile } = options;
  const running = live.config;
  let lastText = configFile ? readText(configFile) : null;

  function reload(trigger: string): void {
    if (configFile) {
      const text = readText(configFile);
      if (text !== null && text === lastText) {
        logger.info(`${trigger}: CONFIG_FILE is unchanged since the last reload; nothing to do`);
        return;
      }
      lastText = text;
    }
    let loaded: Config;
    try {
      loaded = options.load();
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        throw error;
      }
      refuse(trigger, error.message);
      return;
    }
    const sandbox = options.sandboxProviders;
    const refusal = startupRefusal(loaded, sandbox !== undefined);
    if (refusal) {
      refuse(trigger, refusal);
      return;
    }
    const needRestart: string[] = Object.entries(ENV_NAMES)
      .filter(([setting]) => !LIVE_SETTINGS.has(setting as keyof Config))
      .filter(([setting]) => changed(running, loaded, [setting as keyof Config]))
      .map(([, variable]) => variable);
    if (sandbox && loaded.providers.length > 0) {
      needRestart.push('provider accounts (to leave sandbox mode)');
    }
    if (needRestart.length > 0) {
      logger.warn(`${trigger}: changed settings that need a restart: ${needRestart.join(', ')}`);
    }
    // Only the live settings change; the others stay as the process started with them.
    const next: Config = {
      ...live.config,
      ...pick(loaded, [...LIVE_SETTINGS]),
      providers: sandbox ? [...sandbox] : loaded.providers,
    };
    const registryChanged = changed(live.config, next, REGISTRY_SETTINGS);
    const authChanged = changed(live.config, next, CLIENT_AUTH_SETTINGS);
    if (!registryChanged && !authChanged) {
      logger.info(
        `${trigger}: configuration reloaded; provider accounts and client auth unchanged`,
      );
      return;
    }
    const handle = registryChanged ? options.createRegistry(next) : undefined;
    const previousClosed = live.replace(next, handle);
    logger.info(`${trigger}: configuration reloaded; ${describe(next)}`);
    if (handle) {
      void previousClosed.then(() =>
        logger.info('The previous provider accounts finished their requests and were closed'),
      );
    }
  }

  function refuse(trigger: string, reason: string): void {
    logger.error(
      `${trigger}: configuration reload refused, the current one keeps serving. ${reason}`,
    );
  }

  return {
    reload,
    watch() {
      if (!configFile) {
        return () => {};
      }
      const listener = () => reload('CONFIG_FILE changed');
      watchFile(configFile, { interval: WATCH_INTERVAL_MS, persistent: false }, listener);
      return () => unwatchFile(configFile, listener);
    },
  };
}

/** What a reload put in force, with no secret: account keys and kinds, and counts. */
function describe(config: Config): string {
  const accounts = config.providers.map((account) => `${account.key} (${account.kind})`).join(', ');
  const jwt = config.clientJwtSecret || config.clientJwksUrl ? ', JWTs' : '';
  return `provider accounts ${accounts || 'none'}; ${config.clientApiKeys.length} client API keys${jwt}`;
}

function changed(before: Config, after: Config, settings: readonly (keyof Config)[]): boolean {
  return settings.some(
    (setting) => JSON.stringify(before[setting]) !== JSON.stringify(after[setting]),
  );
}

function pick(config: Config, settings: readonly (keyof Config)[]): Partial<Config> {
  return Object.fromEntries(settings.map((setting) => [setting, config[setting]]));
}

/** The file's text, or null when it cannot be read (then loading it names the problem). */
function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
