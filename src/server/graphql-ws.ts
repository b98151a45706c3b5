import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, type ExecutionResult, GraphQLError } from 'graphql';
import { CloseCode, type Context as WsContext } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { AppParts } from '../yoga.js';

/** What a connection keeps: the Fetch request standing for it, which auth and context read. */
type ConnectionExtra = {
  fetchRequest?: Request;
};

export interface GraphqlOverWebSocket {
  /** Closes every connection with "service restart", so clients reconnect elsewhere. */
  close(): Promise<void>;
}

/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol of `graphql-ws`) on the GraphQL
 * endpoint, beside SSE on plain HTTP. A connection authenticates as an HTTP request would: from
 * its upgrade request's `Authorization` header or, since browsers cannot set one on a
 * WebSocket, from `connectionParams.authorization`. Each subscribe counts against the client's
 * rate limit and goes through the same parse, validation (query limits included) and context
 * as an HTTP operation. A client going away ends its subscriptions' reads.
 */
export function serveGraphqlOverWebSocket(
  server: Server,
  parts: AppParts,
  path = '/graphql',
): GraphqlOverWebSocket {
  const wss = new WebSocketServer({ server, path });
  const served = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      onConnect: async (ctx) => {
        // Aborts when the socket closes, so that the connection's subscriptions stop reading.
        const controller = new AbortController();
        ctx.extra.socket.once('close', () => controller.abort());
        const request = fetchRequestOf(ctx.extra.request, ctx.connectionParams, controller.signal);
        (ctx.extra as Extra & ConnectionExtra).fetchRequest = request;
        const outcome = await parts.authenticator.authenticate(request);
        // False closes the socket with 4403 Forbidden: no credentials, or bad ones.
        return outcome.ok;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const request = ctx.extra.fetchRequest;
        if (!request) {
          return [
            new GraphQLError('Connection not initialised', {
              extensions: { code: 'UNAUTHENTICATED' },
            }),
          ];
        }
        const refusal = await parts.rateLimiter.over(request, { req: ctx.extra.request });
        if (refusal) {
          return [new GraphQLError(refusal, { extensions: { code: 'RATE_LIMITED' } })];
        }
        const enveloped = parts.yoga.getEnveloped({ request, params: payload });
        let document: ExecutionArgs['document'];
        try {
          document = enveloped.parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = enveloped.validate(enveloped.schema, document);
        if (errors.length > 0) {
          return errors;
        }
        return {
          schema: enveloped.schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await enveloped.contextFactory(),
          rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe },
        };
      },
      // The app's own executor (graphql-jit, when on), as `onSubscribe` put it in the root value.
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
    },
    wss,
  );
  return {
    close: async () => {
      for (const client of wss.clients) {
        client.close(1012, 'service restart: reconnect');
      }
      await served.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** What an operation returns to graphql-ws: a result, a stream of them, or a promise of either. */
type OperationResult =
  | Promise<ExecutionResult | AsyncGenerator<ExecutionResult>>
  | ExecutionResult
  | AsyncGenerator<ExecutionResult>;

interface Enveloped {
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

/**
 * The Fetch request that stands for a WebSocket connection: its upgrade request's URL and
 * headers, with `connectionParams.authorization` as the `Authorization` header when the upgrade
 * had none.
 */
function fetchRequestOf(
  upgrade: IncomingMessage,
  connectionParams: Record<string, unknown> | undefined,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upgrade.headers)) {
    if (typeof value === 'string') {
      headers.set(name, value);
    } else if (Array.isArray(value)) {
      headers.set(name, value.join(', '));
    }
  }
  const given = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (!headers.has('authorization') && typeof given === 'string') {
    headers.set('authorization', given);
  }
  // The upgrade carries websocket headers a GraphQL POST would not; drop what Fetch forbids.
  for (const name of [
    'connection',
    'upgrade',
    'sec-websocket-key',
    'sec-websocket-version',
    'sec-websocket-extensions',
    'sec-websocket-protocol',
  ]) {
    headers.delete(name);
  }
  return new Request(`http://${upgrade.headers.host ?? 'localhost'}${upgrade.url ?? '/graphql'}`, {
    method: 'POST',
    headers,
    signal,
  });
}

export type { WsContext };
export { CloseCode };
