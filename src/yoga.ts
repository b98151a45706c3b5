import { GraphQLError } from 'graphql';
import { createYoga, maskError as defaultMaskError, type YogaServerInstance } from 'graphql-yoga';
import { clientKey } from './client-key.js';
import { type Config, configSecrets } from './config.js';
import type { Context } from './context.js';
import { AppError, ProviderError } from './domain/errors.js';
import type { EventLog } from './events/event-log.js';
import { EventPublisher } from './events/event-publisher.js';
import { MemoryEventLog } from './events/memory-event-log.js';
import { MemoryPollCoordination, type PollCoordination, Poller } from './events/poller.js';
import { type DeliveryStore, MemoryDeliveryStore } from './events/webhook-deliveries.js';
import { useWebhookReceiver } from './events/webhook-receiver.js';
import { schema } from './graphql/schema.js';
import { createCallContext } from './http/call-context.js';
import type { ReadCache } from './http/read-cache.js';
import { SecretRedactor } from './http/secret-redactor.js';
import { createLoaders } from './loaders/create-loaders.js';
import { createLogger, errorDetail, type Logger, silentLogger } from './observability/logger.js';
import { createObservability, yogaLogger } from './observability/observability-plugin.js';
import { createTelemetry, type Telemetry } from './observability/telemetry.js';
import { isInvalidGlobalId, unexpectedErrorLog } from './observability/unexpected-errors.js';
import type { ProviderRegistry } from './providers/registry.js';
import { ClientAuthenticator, clientAuthSettings, useClientAuth } from './server/client-auth.js';
import { corsPolicy, useCsrfPrevention } from './server/csrf.js';
import { graphiqlPage } from './server/graphiql.js';
import { useJitExecution } from './server/jit-execution.js';
import { type LeasedContext, LiveRegistry } from './server/live-registry.js';
import { queryLimitPlugins } from './server/query-limits.js';
import { createRateLimiter, type RateLimiter } from './server/rate-limit.js';
import { MemoryRateLimitStore, type RateLimitStore } from './server/rate-limit-store.js';
import { type IdempotencyStore, MemoryIdempotencyStore } from './store/idempotency-store.js';

export interface AppOptions {
  readonly config: Config;
  /**
   * The provider accounts. A `LiveRegistry` can be replaced while the app runs: each request
   * then uses the registry its server context carries (`LiveRegistry.serve`), and the client
   * authenticator takes the keys of each configuration it puts in force.
   */
  readonly registry: ProviderRegistry | LiveRegistry;
  /**
   * Where unexpected errors are reported, with the id of the request they came from when it is
   * known; never given secrets. Defaults to `logger` at error level.
   */
  readonly logError?: (message: string, error: unknown, requestId: string | undefined) => void;
  /**
   * Structured JSON logs: one line per request, upstream trouble, errors. When absent: JSON to
   * stdout at `config.logLevel`, or nothing at all when `logging` is false.
   */
  readonly logger?: Logger;
  /**
   * Metrics and traces, shared with the registry's upstream clients (`createTelemetry`, whose
   * `upstream` observer goes to `createRegistry`). When absent, made from `config`: the
   * operation metrics and spans are then all there is, with no upstream series.
   */
  readonly telemetry?: Telemetry;
  /** Where idempotency keys live; in memory when not given (one instance only). */
  readonly idempotencyStore?: IdempotencyStore;
  /** Yoga's own logging (through `logger`, at debug); off in tests. Defaults to on. */
  readonly logging?: boolean;
  /**
   * Runs open, as the sandbox does: a request without credentials gets every scope, any
   * browser origin may call, and GraphiQL is on unless `config.graphiql` says otherwise. A
   * request that carries credentials is still checked. Default false.
   */
  readonly open?: boolean;
  /** Where per-client request counts live; in memory when not given (one instance only). */
  readonly rateLimitStore?: RateLimitStore;
  /**
   * The room event log writes publish to and subscriptions read; in memory, kept for
   * `eventRetentionSeconds`, when not given (one instance only).
   */
  readonly eventLog?: EventLog;
  /** Where outbound webhook deliveries are recorded; in memory when not given. */
  readonly deliveryStore?: DeliveryStore;
  /** Who polls which account, and the accounts' last snapshots; in memory when not given. */
  readonly pollCoordination?: PollCoordination;
  /**
   * The read cache the registry's clients keep room reads in (`CACHE_TTL_MS`): every room event,
   * from any source and any instance, forgets what it kept of the event's account.
   */
  readonly readCache?: ReadCache;
}

const GRAPHQL_ENDPOINT = '/graphql';

export const DEFAULT_GRAPHIQL_QUERY = /* GraphQL */ `# Every configured provider, what it can do, and its first rooms.
query Overview {
  providers {
    key
    kind
    displayName
    capabilities {
      operations { operation support }
      disableEffect
      notes
    }
    rooms(first: 5) {
      edges { node { id name displayName status expiresAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
`;

export type App = YogaServerInstance<Partial<LeasedContext>, Context>;

/** The app and what serving it other ways than HTTP needs: its authenticator and rate limit. */
export interface AppParts {
  readonly yoga: App;
  readonly authenticator: ClientAuthenticator;
  readonly rateLimiter: RateLimiter;
  readonly events: EventPublisher;
  readonly deliveries: DeliveryStore;
  /** Reads accounts with subscribers for changes; the caller starts and stops it. */
  readonly poller: Poller;
}

/** Builds the Yoga app; never listens. Tests call `app.fetch` directly or host it on port 0. */
export function createApp(options: AppOptions): App {
  return createAppParts(options).yoga;
}

/** `createApp`, with the parts a WebSocket transport shares with it. */
export function createAppParts(options: AppOptions): AppParts {
  const { config } = options;
  const source = options.registry;
  const idempotency = {
    store: options.idempotencyStore ?? new MemoryIdempotencyStore(),
    ttlMs: config.idempotencyTtlSeconds * 1000,
    // A repeat waits as long as the first request's operation may take, and a little more; a
    // claim older than that is in doubt.
    waitMs: config.operationTimeoutMs + 1_000,
  };
  // Given a logger and telemetry, the caller gave them its redactor (`src/bin/server.ts`).
  const redactor = new SecretRedactor(configSecrets(config));
  const logger =
    options.logger ??
    (options.logging === false
      ? silentLogger()
      : createLogger({ level: config.logLevel, redactor }));
  const telemetry = options.telemetry ?? createTelemetry({ config, logger, redactor });
  const report =
    options.logError ??
    ((message: string, error: unknown, requestId: string | undefined) =>
      logger.error({ requestId, error: errorDetail(error) }, message));
  const observability = createObservability({
    telemetry,
    logger,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    clientIdOf: (request) => authenticator.clientOf(request).id,
    clientKeyOf: (request) => clientKey(authenticator.clientOf(request)),
    metricsToken: config.metricsToken,
  });
  const logError = (message: string, error: unknown, request: Request | null) =>
    report(message, error, request ? observability.requestIdOf(request) : undefined);
  const unexpectedErrors = unexpectedErrorLog(logError);
  const open = options.open ?? false;
  const events = new EventPublisher(
    options.eventLog ?? new MemoryEventLog(config.eventRetentionSeconds * 1000),
    (message, error) => report(message, error, undefined),
  );
  const readCache = options.readCache;
  if (readCache && config.cacheTtlMs > 0) {
    events.log.listen((event) => {
      readCache.invalidate(event.providerKey).catch(() => {});
    });
  }
  const registryNow = () => (source instanceof LiveRegistry ? source.registry : source);
  const poller = new Poller({
    registry: registryNow,
    events,
    coordination: options.pollCoordination ?? new MemoryPollCoordination(),
    intervalMs: config.pollIntervalMs,
    always: () => config.webhookTargets.length > 0,
    logError: (message, error) => report(message, error, undefined),
  });
  const webhooks = {
    // What a client may see of a target: never its secret.
    targets: config.webhookTargets.map((target) => ({
      id: target.id,
      url: target.url,
      types: target.types ?? null,
    })),
    deliveries: options.deliveryStore ?? new MemoryDeliveryStore(),
  };
  const graphiql =
    (config.graphiql ?? open)
      ? graphiqlPage({
          endpoint: GRAPHQL_ENDPOINT,
          graphiql: { defaultQuery: DEFAULT_GRAPHIQL_QUERY, title: 'Video rooms GraphQL' },
        })
      : null;
  const authenticator = new ClientAuthenticator({ ...clientAuthSettings(config, open), logError });
  if (source instanceof LiveRegistry) {
    source.onReplace((next) => authenticator.reconfigure(clientAuthSettings(next, open)));
  }
  const rateLimiter = createRateLimiter({
    limit: config.rateLimitRequests,
    windowMs: config.rateLimitWindowSeconds * 1000,
    store: options.rateLimitStore ?? new MemoryRateLimitStore(),
    identify: async (request) => {
      const outcome = await authenticator.authenticate(request);
      return outcome.ok ? outcome.client : null;
    },
    logError,
    trustedProxyHops: config.trustProxyHops,
    alsoCounts: graphiql?.serves,
  });
  const yoga = createYoga<Partial<LeasedContext>, Context>({
    schema,
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // Envelop plugins, in order: request limits first, then client auth, then the rest.
    plugins: [
      // Providers' webhooks in: authenticated by the adapter as its provider allows, not by
      // client credentials, and answered before anything GraphQL runs.
      useWebhookReceiver({ registry: registryNow, events }),
      ...queryLimitPlugins(config),
      // Cheapest refusal first: CSRF needs no identity; the rate limit counts failed logins too.
      useCsrfPrevention(),
      rateLimiter.plugin,
      // GraphiQL's page and assets, after the rate limit that counts them; open to anyone
      // who can reach it, as a page a browser loads cannot carry an API key.
      ...(graphiql ? [graphiql.plugin] : []),
      useClientAuth(authenticator),
      // Request ids, the access log, /metrics and operation metrics and spans. Last, so the
      // limits and auth above refuse a request before any of it is counted as an operation.
      observability.plugin,
      unexpectedErrors.plugin,
      ...(config.graphqlJit ? [useJitExecution()] : []),
    ],
    // `requestBodyLimit` (query-limits.ts) already refuses an oversized body, declared or
    // chunked; Yoga's own limit would pipe every body through a TransformStream to count bytes.
    maxRequestBodySize: false,
    cors: corsPolicy(config.corsOrigins, open),
    logging: options.logging === false ? false : yogaLogger(logger),
    landingPage: false,
    // Served by `graphiqlPage` above, with its assets as static files, not inlined by Yoga.
    graphiql: false,
    context: ({ request, registry: leased }): Context => {
      const registry = leased ?? (source instanceof LiveRegistry ? source.registry : source);
      // The operation's limits and identity, handed down explicitly to every upstream call.
      const callContext = () =>
        createCallContext({
          signal: request.signal,
          timeoutMs: config.operationTimeoutMs,
          maxCalls: config.maxUpstreamCallsPerOperation,
          requestId: observability.requestIdOf(request),
          span: observability.operationSpanOf(request),
        });
      const call = callContext();
      return {
        registry,
        loaders: createLoaders(registry, call),
        call,
        events,
        watch: (accounts) => poller.subscribe(accounts),
        webhooks,
        fresh: () => {
          const next = callContext();
          return { call: next, loaders: createLoaders(registry, next) };
        },
        maxPageSize: config.maxPageSize,
        idempotency,
        client: authenticator.clientOf(request),
        reportResultError: observability.resultErrorReporter(request),
      };
    },
    maskedErrors: {
      maskError(error, message, isDev) {
        const located = error instanceof GraphQLError ? error : null;
        const original = located ? located.originalError : error;
        if (isInvalidGlobalId(original)) {
          // The Relay plugin's own check: a client's mistake, and its message would echo the
          // whole id back however long it is.
          return atSamePlace(located, 'An id is not a global id issued by this API', {
            code: 'BAD_USER_INPUT',
          });
        }
        if (original instanceof AppError) {
          // A typed error outside a result union (room(id), Provider.rooms): shown with its code.
          return atSamePlace(located, original.message, {
            code: original.code,
            ...(original instanceof ProviderError
              ? {
                  provider: original.provider,
                  status: original.status,
                  providerCode: original.providerCode,
                }
              : {}),
          });
        }
        unexpectedErrors.unlessReported(error);
        return defaultMaskError(error, message, isDev);
      },
    },
  });
  return { yoga, authenticator, rateLimiter, events, deliveries: webhooks.deliveries, poller };
}

/**
 * A new error for a client at the place in the document (locations, path) of the one it
 * replaces: its AST nodes, or its source positions when it has no nodes (graphql-jit's errors,
 * see jit-execution.ts).
 */
function atSamePlace(
  located: GraphQLError | null,
  message: string,
  extensions: Record<string, unknown>,
): GraphQLError {
  return new GraphQLError(message, {
    nodes: located?.nodes,
    source: located?.source,
    positions: located?.positions,
    path: located?.path,
    extensions,
  });
}
