import type { IncomingMessage, ServerResponse } from 'node:http';

/** Liveness: the process answers. Kubernetes restarts the container when it stops answering. */
export const HEALTH_PATH = '/health';
/** Readiness: this instance should be sent traffic. A load balancer skips it while it is 503. */
export const READY_PATH = '/ready';

export interface ReadinessSources {
  /** True once shutdown has begun. */
  readonly draining: () => boolean;
  /** Whether Redis answers a PING; absent when no Redis is configured. */
  readonly redisUp?: () => Promise<boolean>;
}

export interface ProbeAnswer {
  readonly status: 200 | 503;
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * The answer to a probe, or null when `path` is not one. Ready means: a configuration is loaded
 * (this code only runs once one serves), Redis answers when configured, and no drain has begun.
 */
export async function probeAnswer(
  path: string,
  sources: ReadinessSources,
): Promise<ProbeAnswer | null> {
  if (path === HEALTH_PATH) {
    return { status: 200, body: { status: 'ok', draining: sources.draining() } };
  }
  if (path !== READY_PATH) {
    return null;
  }
  const redis = sources.redisUp ? ((await sources.redisUp()) ? 'up' : 'down') : 'not configured';
  const checks = { config: 'loaded', redis };
  if (sources.draining()) {
    return { status: 503, body: { status: 'draining', checks } };
  }
  if (redis === 'down') {
    return { status: 503, body: { status: 'unavailable', checks } };
  }
  return { status: 200, body: { status: 'ready', checks } };
}

/**
 * Answers `/health` and `/ready` ahead of the GraphQL app, so probes pass no auth or rate limit,
 * count in no metric and write no access line. Returns false for any other path.
 */
export function probeListener(
  sources: ReadinessSources,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  return (request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== HEALTH_PATH && path !== READY_PATH) {
      return false;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return true;
    }
    probeAnswer(path, sources).then(
      (answer) => {
        const body = JSON.stringify(answer?.body ?? {});
        response
          .writeHead(answer?.status ?? 503, {
            'content-type': 'application/json; charset=utf-8',
            'content-length': Buffer.byteLength(body),
            'cache-control': 'no-store',
          })
          .end(request.method === 'HEAD' ? undefined : body);
      },
      () => response.writeHead(503).end(),
    );
    return true;
  };
}
