import { readFileSync } from 'node:fs';
import { z } from 'zod';

// The only module that reads the environment. Everything else receives a validated Config.

const providerKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'must be 1-40 lowercase letters, digits or "-", starting with a letter or digit',
  );

const baseProvider = {
  key: providerKey,
  displayName: z.string().min(1).max(100).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
};

const signalWireAccount = z.object({
  kind: z.literal('signalwire'),
  ...baseProvider,
  projectId: z.string().min(1, 'is required'),
  apiToken: z.string().min(1, 'is required'),
});

/** One provider account. `kind` picks the adapter; `key` names the account. */
export const providerConfigSchema = z.discriminatedUnion('kind', [signalWireAccount], {
  error: 'must be one of: signalwire',
});
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

export const configSchema = z
  .object({
    port: z.coerce.number().int().min(0).max(65_535).default(4000),
    host: z.string().min(1).default('0.0.0.0'),
    /** Deadline of one upstream call, retries included (ms). */
    upstreamTimeoutMs: positiveInt(120_000).default(10_000),
    /** Lifetime of minted tokens when the caller gives none (s). */
    defaultTokenTtlSeconds: positiveInt(2_592_000).default(3_600),
    /** Largest `first` a connection accepts. */
    maxPageSize: positiveInt(1_000).default(100),
    /** Retries of safe upstream calls after the first attempt. */
    upstreamRetries: z.coerce.number().int().min(0).max(5).default(2),
    /** Sockets per upstream origin. */
    upstreamConnections: positiveInt(256).default(16),
    providers: z.array(providerConfigSchema).default([]),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.providers.forEach((provider, index) => {
      if (seen.has(provider.key)) {
        context.addIssue({
          code: 'custom',
          path: ['providers', index, 'key'],
          message: `must be unique; "${provider.key}" is used twice`,
        });
      }
      seen.add(provider.key);
    });
  });
export type Config = z.infer<typeof configSchema>;

/** A bad configuration: one line naming the setting and the rule, for a clean exit. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Environment variable for each top-level setting. */
const ENV_NAMES = {
  port: 'PORT',
  host: 'HOST',
  upstreamTimeoutMs: 'UPSTREAM_TIMEOUT_MS',
  defaultTokenTtlSeconds: 'DEFAULT_TOKEN_TTL_SECONDS',
  maxPageSize: 'MAX_PAGE_SIZE',
  upstreamRetries: 'UPSTREAM_RETRIES',
  upstreamConnections: 'UPSTREAM_CONNECTIONS',
} as const;

/**
 * Reads config from `CONFIG_FILE` (JSON) if set, then the environment, which wins for the
 * top-level settings. Provider accounts come from the file's `providers` array and from the
 * single-account variables (`SIGNALWIRE_*`).
 */
export function loadConfig(env: Env = process.env): Config {
  const file = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  const raw: Record<string, unknown> = { ...file };
  for (const [setting, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      raw[setting] = value;
    }
  }
  const fromFile = Array.isArray(file.providers)
    ? file.providers
    : file.providers === undefined
      ? []
      : file.providers;
  raw.providers = Array.isArray(fromFile) ? [...fromFile, ...providersFromEnv(env)] : fromFile;
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path ?? [];
    throw new ConfigError(
      `Invalid configuration: ${settingName(path, env)}: ${issue?.message ?? 'is invalid'}`,
    );
  }
  return result.data;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`Invalid configuration: CONFIG_FILE: cannot read ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`Invalid configuration: CONFIG_FILE: ${path} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Invalid configuration: CONFIG_FILE: ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** The single-account shortcut: `SIGNALWIRE_SPACE_URL` with `SIGNALWIRE_PROJECT_ID` and `SIGNALWIRE_API_TOKEN`. */
function providersFromEnv(env: Env): unknown[] {
  const providers: unknown[] = [];
  const anySignalWire =
    env.SIGNALWIRE_SPACE_URL ?? env.SIGNALWIRE_PROJECT_ID ?? env.SIGNALWIRE_API_TOKEN;
  if (anySignalWire !== undefined) {
    providers.push({
      kind: 'signalwire',
      key: env.SIGNALWIRE_KEY ?? 'signalwire',
      baseUrl: signalWireBaseUrl(env.SIGNALWIRE_SPACE_URL),
      projectId: env.SIGNALWIRE_PROJECT_ID ?? '',
      apiToken: env.SIGNALWIRE_API_TOKEN ?? '',
    });
  }
  return providers;
}

/** Accepts `acme.signalwire.com` or a full URL; the video API lives under `/api/video`. */
function signalWireBaseUrl(space: string | undefined): string {
  if (!space) {
    return '';
  }
  const withScheme = /^https?:\/\//.test(space) ? space : `https://${space}`;
  return withScheme.replace(/\/+$/, '').endsWith('/api/video')
    ? withScheme
    : `${withScheme.replace(/\/+$/, '')}/api/video`;
}

const SIGNALWIRE_ENV: Record<string, string> = {
  baseUrl: 'SIGNALWIRE_SPACE_URL',
  projectId: 'SIGNALWIRE_PROJECT_ID',
  apiToken: 'SIGNALWIRE_API_TOKEN',
  key: 'SIGNALWIRE_KEY',
};

/** Names a failing setting the way the operator wrote it: an env variable or a file path. */
function settingName(path: readonly PropertyKey[], env: Env): string {
  const [head, index, field] = path;
  if (head === 'providers' && typeof index === 'number') {
    const fileCount = env.CONFIG_FILE ? countFileProviders(env.CONFIG_FILE) : 0;
    if (index >= fileCount && typeof field === 'string' && SIGNALWIRE_ENV[field]) {
      return SIGNALWIRE_ENV[field];
    }
    return `providers[${index}]${path
      .slice(2)
      .map((part) => `.${String(part)}`)
      .join('')} (in CONFIG_FILE)`;
  }
  if (typeof head === 'string' && head in ENV_NAMES) {
    return ENV_NAMES[head as keyof typeof ENV_NAMES];
  }
  return path.map(String).join('.') || 'config';
}

function countFileProviders(path: string): number {
  try {
    const file = readConfigFile(path);
    return Array.isArray(file.providers) ? file.providers.length : 0;
  } catch {
    return 0;
  }
}
