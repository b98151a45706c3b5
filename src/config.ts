import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ROOM_EVENT_TYPES } from './domain/room-event.js';

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

/** Regions of the Agora whiteboard API (`agora-whiteboard.md` §1). */
const NETLESS_REGIONS = ['us-sv', 'sg', 'in-mum', 'eu', 'cn-hz'] as const;

const netlessAccount = z
  .object({
    kind: z.literal('netless'),
    ...baseProvider,
    region: z.enum(NETLESS_REGIONS, `must be one of ${NETLESS_REGIONS.join(', ')}`).optional(),
    sdkToken: z
      .string()
      .startsWith('NETLESSSDK_', 'must be an SDK token (NETLESSSDK_...)')
      .optional(),
    accessKey: z.string().min(1).optional(),
    secretKey: z.string().min(1).optional(),
  })
  .superRefine((account, context) => {
    if ((account.accessKey === undefined) !== (account.secretKey === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [account.accessKey === undefined ? 'accessKey' : 'secretKey'],
        message: 'is required with the other half of the key pair',
      });
    } else if (account.accessKey === undefined && account.sdkToken === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['sdkToken'],
        message: 'is required unless accessKey and secretKey are given',
      });
    }
  });

/** A 100ms role name as a template spells it; the template itself is the real check. */
const hmsRoleName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((value) => !/[\s\p{Cc}]/u.test(value), 'must not contain spaces or control characters');

/**
 * Which role of the app's templates each of our roles mints (`HMS_ROLE_MAP` is its JSON). Roles
 * left out keep the adapter's defaults (`host`, `guest`, `viewer-realtime`).
 */
const hmsRoleMap = z.preprocess(
  (value) => {
    if (typeof value !== 'string') {
      return value;
    }
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z.strictObject(
    {
      HOST: hmsRoleName.optional(),
      PARTICIPANT: hmsRoleName.optional(),
      VIEWER: hmsRoleName.optional(),
    },
    { error: 'must be a JSON object with some of HOST, PARTICIPANT, VIEWER, each a role name' },
  ),
);

const hmsAccount = z.object({
  kind: z.literal('hms'),
  ...baseProvider,
  appAccessKey: z.string().min(1, 'is required'),
  appSecret: z.string().min(1, 'is required'),
  roleMap: hmsRoleMap.optional(),
});

const videskAccount = z.object({
  kind: z.literal('videsk'),
  ...baseProvider,
  apiToken: z.string().min(1, 'is required'),
});

/** One provider account. `kind` picks the adapter; `key` names the account. */
export const providerConfigSchema = z.discriminatedUnion(
  'kind',
  [signalWireAccount, netlessAccount, hmsAccount, videskAccount],
  { error: 'must be one of: signalwire, netless, hms, videsk' },
);
export type ProviderConfig = z.infer<typeof providerConfigSchema>;

/**
 * The secret values of one account: what must never be shown, and what its derived keys come
 * from. Identifiers that travel in the clear (project ids, access keys) are not among them.
 */
export function accountSecrets(account: ProviderConfig): string[] {
  switch (account.kind) {
    case 'signalwire':
      return [account.apiToken];
    case 'netless':
      return [account.secretKey, account.sdkToken].filter(
        (value): value is string => value !== undefined,
      );
    case 'hms':
      return [account.appSecret];
    case 'videsk':
      return [account.apiToken];
  }
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
 * single-account variables of each kind (`SIGNALWIRE_*`, `NETLESS_*`, `HMS_*`, `VIDESK_*`).
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

interface EnvAccountSpec {
  readonly kind: ProviderConfig['kind'];
  readonly keyVariable: string;
  /** Account field -> environment variable. */
  readonly fields: Readonly<Record<string, string>>;
  /** Fields sent as '' when missing, so validation names their variable. */
  readonly required: readonly string[];
  readonly baseUrl: (value: string | undefined) => string;
}

/**
 * The single-account shortcuts: one account per kind from environment variables. An account is
 * configured as soon as any of its variables is set; a missing one then fails by its name.
 */
const ENV_ACCOUNTS: readonly EnvAccountSpec[] = [
  {
    kind: 'signalwire',
    keyVariable: 'SIGNALWIRE_KEY',
    fields: {
      baseUrl: 'SIGNALWIRE_SPACE_URL',
      projectId: 'SIGNALWIRE_PROJECT_ID',
      apiToken: 'SIGNALWIRE_API_TOKEN',
    },
    required: ['projectId', 'apiToken'],
    baseUrl: signalWireBaseUrl,
  },
  {
    kind: 'netless',
    keyVariable: 'NETLESS_KEY',
    fields: {
      baseUrl: 'NETLESS_BASE_URL',
      region: 'NETLESS_REGION',
      sdkToken: 'NETLESS_SDK_TOKEN',
      accessKey: 'NETLESS_ACCESS_KEY',
      secretKey: 'NETLESS_SECRET_KEY',
    },
    required: [],
    baseUrl: (value) => value ?? 'https://api.netless.link/v5',
  },
  {
    kind: 'hms',
    keyVariable: 'HMS_KEY',
    fields: {
      baseUrl: 'HMS_BASE_URL',
      appAccessKey: 'HMS_APP_ACCESS_KEY',
      appSecret: 'HMS_APP_SECRET',
      roleMap: 'HMS_ROLE_MAP',
    },
    required: ['appAccessKey', 'appSecret'],
    baseUrl: (value) => value ?? 'https://api.100ms.live/v2',
  },
  {
    kind: 'videsk',
    keyVariable: 'VIDESK_KEY',
    fields: { baseUrl: 'VIDESK_BASE_URL', apiToken: 'VIDESK_API_TOKEN' },
    required: ['apiToken'],
    baseUrl: (value) => value ?? 'https://api.videsk.io',
  },
];

/**
 * Every environment variable `loadConfig` reads. Tools that start the service with settings of
 * their own (the bench, tests) drop these from the environment they pass on, so a variable left
 * in the caller's shell cannot change what they start.
 */
export const CONFIG_ENV_VARIABLES: ReadonlySet<string> = new Set([
  'CONFIG_FILE',
  ...Object.values(ENV_NAMES),
  ...ENV_ACCOUNTS.flatMap((spec) => [spec.keyVariable, ...Object.values(spec.fields)]),
]);

interface EnvAccount {
  readonly account: Record<string, unknown>;
  /** Account field -> the variable it came from, for error messages. */
  readonly variables: Readonly<Record<string, string>>;
}

function providersFromEnv(env: Env): EnvAccount[] {
  const accounts: EnvAccount[] = [];
  for (const spec of ENV_ACCOUNTS) {
    const present = (name: string) => env[name] !== undefined && env[name] !== '';
    if (!Object.values(spec.fields).some(present)) {
      continue;
    }
    const account: Record<string, unknown> = {
      kind: spec.kind,
      key: env[spec.keyVariable] || spec.kind,
    };
    for (const [field, name] of Object.entries(spec.fields)) {
      if (present(name)) {
        account[field] = env[name];
      } else if (spec.required.includes(field)) {
        account[field] = '';
      }
    }
    const baseUrlVariable = spec.fields.baseUrl ?? '';
    account.baseUrl = spec.baseUrl(present(baseUrlVariable) ? env[baseUrlVariable] : undefined);
    accounts.push({ account, variables: { ...spec.fields, key: spec.keyVariable } });
  }
  return accounts;
}

/** Accepts `acme.signalwire.com` or a full URL; the video API lives under `/api/video`. */
function signalWireBaseUrl(space: string | undefined): string {
  if (!space) {
    return '';
  }
  const withScheme = (/^https?:\/\//.test(space) ? space : `https://${space}`).replace(/\/+$/, '');
  return withScheme.endsWith('/api/video') ? withScheme : `${withScheme}/api/video`;
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
      // Inside a JSON variable (HMS_ROLE_MAP), name the key too.
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
