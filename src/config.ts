import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ROOM_EVENT_TYPES } from './domain/room-event.js';
import type { ProviderModule } from './providers/provider-module.js';
import {
  PROVIDER_MODULES,
  type ProviderConfig,
  providerModule,
} from './providers/provider-modules.js';

export type { ProviderConfig };

// The only module that reads the environment. Everything else receives a validated Config.

const providerKey = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,39}$/,
    'must be 1-40 lowercase letters, digits or "-", starting with a letter or digit',
  );

/** What every account has, whatever its kind; each provider module adds its own fields. */
const accountFields = {
  key: providerKey,
  displayName: z.string().min(1).max(100).optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /**
   * The account's own request allowance over the provider's documented one (README), or null
   * for no budget: for an account whose limit the provider raised, or an emulator with another.
   */
  rateLimit: z
    .strictObject(
      {
        requestsPerSecond: z
          .number({ error: 'must be a number' })
          .positive('must be more than 0')
          .max(1_000_000, 'must be at most 1000000'),
        burst: z
          .number({ error: 'must be a whole number' })
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(1_000_000, 'must be at most 1000000')
          .optional(),
      },
      { error: 'must be null or an object with requestsPerSecond and, optionally, burst' },
    )
    .refine((limit) => limit.burst === undefined || limit.burst <= limit.requestsPerSecond, {
      path: ['burst'],
      message: 'must be at most requestsPerSecond',
    })
    .nullable()
    .optional(),
};

/** One kind's account schema: the shared fields, the module's own, and its rules across them. */
function accountSchema(module: ProviderModule) {
  const schema = z.object({
    kind: z.literal(module.id),
    ...accountFields,
    ...module.account.fields,
  });
  const { account } = module;
  return account.check
    ? schema.superRefine((value, context) =>
        account.check?.(value, (field, message) =>
          context.addIssue({ code: 'custom', path: [field], message }),
        ),
      )
    : schema;
}

const accountSchemas = PROVIDER_MODULES.map(accountSchema);

/**
 * One provider account. `kind` picks the provider module; `key` names the account. Its type is
 * the modules' account types (`ProviderConfig`), which zod cannot infer from a list.
 */
const providerConfigSchema = z.discriminatedUnion(
  'kind',
  accountSchemas as [(typeof accountSchemas)[number], ...(typeof accountSchemas)[number][]],
  { error: `must be one of: ${PROVIDER_MODULES.map((module) => module.id).join(', ')}` },
) as unknown as z.ZodType<ProviderConfig>;

/**
 * The secret values of one account: what must never be shown, and what its derived keys come
 * from. Identifiers that travel in the clear (project ids, access keys) are not among them.
 */
export function accountSecrets(account: ProviderConfig): string[] {
  const secrets = providerModule(account.kind)?.account.secrets(account) ?? [];
  return secrets.filter((value): value is string => value !== undefined);
}

/**
 * Every secret value in a configuration: the accounts' credentials and the service's own
 * (client JWT secret, metrics token, cursor secret, a Redis password), for redaction by value.
 */
export function configSecrets(config: Config): string[] {
  const redisPassword = config.redisUrl ? new URL(config.redisUrl).password : '';
  return [
    ...config.providers.flatMap(accountSecrets),
    config.clientJwtSecret,
    config.metricsToken,
    config.cursorSecret,
    ...config.webhookTargets.map((target) => target.secret),
    redisPassword === '' ? undefined : decodeURIComponent(redisPassword),
  ].filter((value): value is string => value !== undefined);
}

/** A whole number in a range, from a string (env) or a number (file), with one clear rule. */
const intSetting = (min: number, max: number) => {
  const rule = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
};
const positiveInt = (max: number) => intSetting(1, max);

/** true/false from a file, or the strings "true"/"false" from the environment. */
const boolSetting = () =>
  z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')], {
    error: 'must be true or false',
  });

/**
 * One receiver of outbound webhooks: each room event matching its filters is POSTed to it,
 * signed per the Standard Webhooks specification with its secret (`whsec_` and base64, as that
 * specification writes them).
 */
const webhookTargetSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or "-"'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  secret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be whsec_ followed by 24+ bytes in base64'),
  /** Only these event types; every type when absent. */
  types: z.array(z.enum(ROOM_EVENT_TYPES)).min(1).optional(),
  /** Only events of these accounts; every account when absent. */
  providerKeys: z.array(z.string().min(1)).min(1).optional(),
});
export type WebhookTarget = z.infer<typeof webhookTargetSchema>;

/** What a client may do; checked on fields and mutations. */
export const CLIENT_SCOPES = [
  'rooms:read',
  'rooms:write',
  'tokens:create',
  'recordings:read',
  'events:read',
] as const;
export type ClientScope = (typeof CLIENT_SCOPES)[number];

/** A client API key, stored as the SHA-256 of the key (hex), never the key itself. */
const clientApiKeySchema = z.object({
  id: z.string().min(1).max(64),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hex SHA-256 of the key'),
  scopes: z.array(z.enum(CLIENT_SCOPES, `must be one of ${CLIENT_SCOPES.join(', ')}`)),
});
export type ClientApiKey = z.infer<typeof clientApiKeySchema>;

export const configSchema = z
  .object({
    port: intSetting(0, 65_535).default(4000),
    host: z.string().min(1).default('0.0.0.0'),
    /** Deadline of one upstream call, retries included (ms). */
    upstreamTimeoutMs: positiveInt(120_000).default(10_000),
    /**
     * Deadline of one GraphQL operation over all its upstream calls (ms): calls in sequence
     * cannot add up past it; fields still waiting get OPERATION_TIMEOUT, the rest is returned.
     */
    operationTimeoutMs: positiveInt(300_000).default(15_000),
    /** Lifetime of minted tokens when the caller gives none (s). */
    defaultTokenTtlSeconds: positiveInt(2_592_000).default(3_600),
    /** Largest `first` a connection accepts. */
    maxPageSize: positiveInt(1_000).default(100),
    /** Retries of safe upstream calls after the first attempt: at most 3 tries in all. */
    upstreamRetries: intSetting(0, 2).default(2),
    /** Sockets per upstream origin. */
    upstreamConnections: positiveInt(256).default(64),
    /**
     * Most upstream calls in flight per provider account; the rest queue. When absent, as many
     * as the account's pool has sockets: the provider's request rate (its documented budget)
     * is what paces calls, so a fan-out that fits it goes out at once.
     */
    upstreamConcurrency: positiveInt(1_024).optional(),
    /** Most upstream calls one GraphQL operation may make; fields past it get a typed error. */
    maxUpstreamCallsPerOperation: positiveInt(10_000).default(50),
    /**
     * How long room reads are kept and served again without an upstream call (ms), per account;
     * 0 (the default) keeps nothing. Writes through the service and room events forget them.
     */
    cacheTtlMs: intSetting(0, 3_600_000).default(0),
    /** Identical GETs in flight at once share one upstream call, per account. */
    shareInflightGets: boolSetting().default(true),
    /** Deepest selection a query may have; Relay connections need about eight levels. */
    maxDepth: positiveInt(100).default(12),
    /** Most aliases in one operation. */
    maxAliases: positiveInt(1_000).default(30),
    /** Most lexical tokens in one document. */
    maxTokens: positiveInt(100_000).default(3_000),
    /** Largest estimated cost of one operation (graphql-armor's cost model). */
    maxCost: positiveInt(1_000_000).default(5_000),
    /** Largest request body, in bytes. */
    maxRequestBytes: positiveInt(10_000_000).default(100_000),
    /** Most ids in one `nodes(ids:)` call. */
    maxNodesIds: positiveInt(10_000).default(200),
    /** Whether the schema can be introspected (GraphiQL needs it). */
    introspection: boolSetting().default(true),
    /**
     * GraphiQL in a browser at the GraphQL endpoint. Unset: on in the sandbox, off with real
     * provider accounts (the app's `open` option decides).
     */
    graphiql: boolSetting().optional(),
    /**
     * Runs operations through graphql-jit (each document compiled once, then reused) instead
     * of the interpreting executor; false is the way back if a query ever behaves differently.
     */
    graphqlJit: boolSetting().default(true),
    /** Client API keys (as SHA-256 hashes) and their scopes. */
    clientApiKeys: z.array(clientApiKeySchema).default([]),
    /** HS256 secret for client JWTs. */
    clientJwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** JWKS URL for client JWTs signed with asymmetric keys. */
    clientJwksUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Expected `iss` of client JWTs, when set. */
    clientJwtIssuer: z.string().min(1).optional(),
    /** Expected `aud` of client JWTs, when set. */
    clientJwtAudience: z.string().min(1).optional(),
    /**
     * Lets requests without credentials through, with every scope. Needed to run against real
     * providers without client auth; the sandbox is open regardless.
     */
    allowAnonymous: boolSetting().default(false),
    /** Requests one client may make per window. */
    rateLimitRequests: positiveInt(1_000_000).default(600),
    /** Length of the rate-limit window, in seconds. */
    rateLimitWindowSeconds: positiveInt(86_400).default(60),
    /**
     * Proxies (load balancers) in front of the service whose `X-Forwarded-For` entries the
     * rate limit believes when it tells anonymous clients apart; 0 reads no such header.
     */
    trustProxyHops: intSetting(0, 10).default(0),
    /** Browser origins allowed by CORS; none by default (the sandbox allows any). */
    corsOrigins: z.array(z.string().min(1)).default([]),
    /**
     * Redis for state several instances must share (idempotency keys, rate-limit counters);
     * in memory, for one instance, when absent.
     */
    redisUrl: z
      .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
      .optional(),
    /** Structured JSON log level (pino). */
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    /** Prometheus metrics at /metrics. */
    metrics: boolSetting().default(true),
    /**
     * Seals listing cursors (HMAC-SHA256 under a key derived from it), the same on every instance
     * that has it. When unset, the key is derived from the provider credentials instead.
     */
    cursorSecret: z.string().min(32, 'must be at least 32 characters').optional(),
    /** When set, /metrics answers only `Authorization: Bearer <metricsToken>`. */
    metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
    /** OpenTelemetry tracing: off, spans to the console, or OTLP over HTTP. */
    tracing: z
      .enum(['off', 'console', 'otlp'], { error: 'must be off, console or otlp' })
      .default('off'),
    /** OTLP/HTTP traces endpoint, e.g. http://collector:4318/v1/traces (tracing=otlp). */
    otlpEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /**
     * How often accounts with subscribers (every account, with webhook targets) are read for
     * changes the provider sends no webhook about (ms).
     */
    pollIntervalMs: intSetting(100, 3_600_000).default(10_000),
    /** Where room events are POSTed, signed (Standard Webhooks); none by default. */
    webhookTargets: z.array(webhookTargetSchema).default([]),
    /** How long room events are kept for subscribers to resume from, in seconds. */
    eventRetentionSeconds: positiveInt(604_800).default(86_400),
    /** How long a createRoom idempotencyKey replays its first result, in seconds. */
    idempotencyTtlSeconds: positiveInt(604_800).default(86_400),
    /** Failures in a row that open an account's circuit breaker. */
    circuitFailureThreshold: positiveInt(1_000).default(5),
    /** How long an open circuit fails fast before letting one probe through (ms). */
    circuitOpenMs: positiveInt(600_000).default(10_000),
    /** Time a client has to send a request's headers before 408 and close (ms). */
    headersTimeoutMs: positiveInt(600_000).default(10_000),
    /** Time a client has to send a whole request, body included, before 408 and close (ms). */
    requestTimeoutMs: positiveInt(600_000).default(30_000),
    /** Open client connections, in total; past it a new connection is closed at once. */
    maxConnections: positiveInt(100_000).default(1_024),
    /**
     * Open client connections from one address; past it a new one from there is closed at once.
     * Behind a load balancer every connection comes from it, so this must cover its pool.
     */
    maxConnectionsPerAddress: positiveInt(100_000).default(256),
    /** How long in-flight requests may run on after SIGTERM before their connections are cut (ms). */
    drainTimeoutMs: positiveInt(600_000).default(15_000),
    providers: z.array(providerConfigSchema).default([]),
  })
  .superRefine((config, context) => {
    if (config.requestTimeoutMs < config.headersTimeoutMs) {
      // Node refuses a server whose request deadline ends before its headers deadline.
      context.addIssue({
        code: 'custom',
        path: ['requestTimeoutMs'],
        message: 'must be at least HEADERS_TIMEOUT_MS',
      });
    }
    if (config.clientJwtSecret && config.clientJwksUrl) {
      context.addIssue({
        code: 'custom',
        path: ['clientJwksUrl'],
        message: 'set either CLIENT_JWT_SECRET or CLIENT_JWKS_URL, not both',
      });
    }
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

/**
 * Environment variable for each top-level setting: error messages and the configuration reload
 * name settings by it.
 */
export const ENV_NAMES = {
  port: 'PORT',
  host: 'HOST',
  upstreamTimeoutMs: 'UPSTREAM_TIMEOUT_MS',
  operationTimeoutMs: 'OPERATION_TIMEOUT_MS',
  eventRetentionSeconds: 'EVENT_RETENTION_SECONDS',
  webhookTargets: 'WEBHOOK_TARGETS',
  pollIntervalMs: 'POLL_INTERVAL_MS',
  defaultTokenTtlSeconds: 'DEFAULT_TOKEN_TTL_SECONDS',
  maxPageSize: 'MAX_PAGE_SIZE',
  upstreamRetries: 'UPSTREAM_RETRIES',
  upstreamConnections: 'UPSTREAM_CONNECTIONS',
  upstreamConcurrency: 'UPSTREAM_CONCURRENCY',
  maxUpstreamCallsPerOperation: 'MAX_UPSTREAM_CALLS_PER_OPERATION',
  shareInflightGets: 'SHARE_INFLIGHT_GETS',
  cacheTtlMs: 'CACHE_TTL_MS',
  maxDepth: 'MAX_DEPTH',
  maxAliases: 'MAX_ALIASES',
  maxTokens: 'MAX_TOKENS',
  maxCost: 'MAX_COST',
  maxRequestBytes: 'MAX_REQUEST_BYTES',
  maxNodesIds: 'MAX_NODES_IDS',
  introspection: 'INTROSPECTION',
  graphiql: 'GRAPHIQL',
  graphqlJit: 'GRAPHQL_JIT',
  clientApiKeys: 'CLIENT_API_KEYS',
  clientJwtSecret: 'CLIENT_JWT_SECRET',
  clientJwksUrl: 'CLIENT_JWKS_URL',
  clientJwtIssuer: 'CLIENT_JWT_ISSUER',
  clientJwtAudience: 'CLIENT_JWT_AUDIENCE',
  allowAnonymous: 'ALLOW_ANONYMOUS',
  rateLimitRequests: 'RATE_LIMIT_REQUESTS',
  rateLimitWindowSeconds: 'RATE_LIMIT_WINDOW_SECONDS',
  trustProxyHops: 'TRUST_PROXY_HOPS',
  corsOrigins: 'CORS_ORIGINS',
  redisUrl: 'REDIS_URL',
  logLevel: 'LOG_LEVEL',
  metrics: 'METRICS',
  metricsToken: 'METRICS_TOKEN',
  cursorSecret: 'CURSOR_SECRET',
  tracing: 'TRACING',
  otlpEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  idempotencyTtlSeconds: 'IDEMPOTENCY_TTL_SECONDS',
  circuitFailureThreshold: 'CIRCUIT_FAILURE_THRESHOLD',
  circuitOpenMs: 'CIRCUIT_OPEN_MS',
  headersTimeoutMs: 'HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'REQUEST_TIMEOUT_MS',
  maxConnections: 'MAX_CONNECTIONS',
  maxConnectionsPerAddress: 'MAX_CONNECTIONS_PER_ADDRESS',
  drainTimeoutMs: 'DRAIN_TIMEOUT_MS',
} as const;

/**
 * Settings whose environment form is not a plain string: a JSON list of keys, a comma list of
 * origins. An unreadable value is passed on as is, so validation names the variable.
 */
const jsonOrAsIs = (value: string): unknown => {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
};

const ENV_PARSERS: Partial<Record<keyof typeof ENV_NAMES, (value: string) => unknown>> = {
  clientApiKeys: jsonOrAsIs,
  webhookTargets: jsonOrAsIs,
  corsOrigins: (value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
};

/**
 * Reads config from `CONFIG_FILE` (JSON) if set, then the environment, which wins for the
 * top-level settings. Provider accounts come from the file's `providers` array and from the
 * single-account variables each provider module declares (`<ID>_*`).
 */
export function loadConfig(env: Env = process.env): Config {
  const file = env.CONFIG_FILE ? readConfigFile(env.CONFIG_FILE) : {};
  const raw: Record<string, unknown> = { ...file };
  for (const [setting, name] of Object.entries(ENV_NAMES)) {
    const value = env[name];
    if (value !== undefined && value !== '') {
      const parse = ENV_PARSERS[setting as keyof typeof ENV_NAMES];
      raw[setting] = parse ? parse(value) : value;
    }
  }
  const fileProviders = file.providers ?? [];
  const envAccounts = providersFromEnv(env);
  raw.providers = Array.isArray(fileProviders)
    ? [...fileProviders, ...envAccounts.map((entry) => entry.account)]
    : fileProviders;
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const fileCount = Array.isArray(fileProviders) ? fileProviders.length : 0;
    const name = settingName(issue?.path ?? [], fileCount, envAccounts);
    throw new ConfigError(`Invalid configuration: ${name}: ${issue?.message ?? 'is invalid'}`);
  }
  return result.data;
}

/** The `CONFIG_FILE` path `loadConfig` reads, if any; a configuration reload watches it. */
export function configFilePath(env: Env = process.env): string | undefined {
  return env.CONFIG_FILE || undefined;
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

/**
 * Every environment variable `loadConfig` reads. Tools that start the service with settings of
 * their own (the bench, tests) drop these from the environment they pass on, so a variable left
 * in the caller's shell cannot change what they start.
 */
export const CONFIG_ENV_VARIABLES: ReadonlySet<string> = new Set([
  'CONFIG_FILE',
  ...Object.values(ENV_NAMES),
  ...PROVIDER_MODULES.flatMap(({ account }) => [
    account.env.key,
    ...variablesOf(account.env.variables).map(([, variable]) => variable),
  ]),
]);

interface EnvAccount {
  readonly account: Record<string, unknown>;
  /** Account field -> the variable it came from, for error messages. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * The single-account shortcuts: one account per provider module from its environment variables.
 * An account is configured as soon as any of its variables is set; a missing one then fails by
 * its name.
 */
function providersFromEnv(env: Env): EnvAccount[] {
  const accounts: EnvAccount[] = [];
  const present = (name: string) => env[name] !== undefined && env[name] !== '';
  for (const module of PROVIDER_MODULES) {
    const spec = module.account.env;
    const variables = variablesOf(spec.variables);
    if (!variables.some(([, name]) => present(name))) {
      continue;
    }
    const account: Record<string, unknown> = { kind: module.id, key: env[spec.key] || module.id };
    const required: readonly string[] = spec.required;
    for (const [field, name] of variables) {
      if (present(name)) {
        account[field] = env[name];
      } else if (required.includes(field)) {
        account[field] = '';
      }
    }
    const baseUrl = spec.variables.baseUrl;
    account.baseUrl = spec.baseUrl(present(baseUrl) ? env[baseUrl] : undefined);
    accounts.push({
      account,
      variables: { ...Object.fromEntries(variables), key: spec.key },
    });
  }
  return accounts;
}

/** Field and variable pairs, in the order the module lists them. */
function variablesOf(variables: Readonly<Record<string, string | undefined>>): [string, string][] {
  return Object.entries(variables).flatMap(([field, name]) =>
    name === undefined ? [] : [[field, name] as [string, string]],
  );
}

/** Names a failing setting the way the operator wrote it: an env variable or a file path. */
function settingName(
  path: readonly PropertyKey[],
  fileProviderCount: number,
  envAccounts: readonly EnvAccount[],
): string {
  const [head, index, field] = path;
  if (head === 'providers' && typeof index === 'number') {
    const fromEnv = envAccounts[index - fileProviderCount];
    const variable = fromEnv && typeof field === 'string' ? fromEnv.variables[field] : undefined;
    if (variable) {
      // Inside a variable holding JSON (a map, say), name the key too.
      return [variable, ...path.slice(3).map(String)].join('.');
    }
    const rest = path
      .slice(2)
      .map((part) => `.${String(part)}`)
      .join('');
    return `providers[${index}]${rest} (in CONFIG_FILE)`;
  }
  if (typeof head === 'string' && head in ENV_NAMES) {
    const inside = path
      .slice(1)
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
    return `${ENV_NAMES[head as keyof typeof ENV_NAMES]}${inside.join('')}`;
  }
  return path.map(String).join('.') || 'config';
}
