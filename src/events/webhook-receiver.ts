import type { Plugin } from 'graphql-yoga';
import type { ProviderRegistry } from '../providers/registry.js';
import type { EventPublisher } from './event-publisher.js';

/** Largest webhook body read; a provider's webhooks are a few kilobytes. */
const MAX_BODY_BYTES = 256 * 1024;
const PATH = /^\/webhooks\/([a-z0-9][a-z0-9-]{0,39})$/;

/**
 * `POST /webhooks/{accountKey}`: a provider's webhooks in. The account's adapter authenticates
 * the request as its provider allows and maps it to room events, which are published (the log
 * drops a redelivered one: its events have the ids the first delivery's had). A request that
 * fails authentication gets 401 and publishes nothing; an account that takes no webhooks, 404.
 */
export function useWebhookReceiver(options: {
  readonly registry: (request: Request) => ProviderRegistry;
  readonly events: EventPublisher;
}): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const match = PATH.exec(url.pathname);
      if (!match) {
        return;
      }
      const answer = (
        status: number,
        body: Record<string, unknown>,
        headers: Record<string, string> = {},
      ) =>
        endResponse(
          new fetchAPI.Response(JSON.stringify(body), {
            status,
            headers: { 'content-type': 'application/json', ...headers },
          }),
        );
      if (request.method !== 'POST') {
        answer(405, { error: 'webhooks are POSTed' }, { allow: 'POST' });
        return;
      }
      const provider = options.registry(request).get(match[1] as string);
      if (!provider?.eventsFromWebhook) {
        answer(404, { error: 'no account here takes webhooks' });
        return;
      }
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > MAX_BODY_BYTES) {
        answer(413, { error: `a webhook body may be at most ${MAX_BODY_BYTES} bytes` });
        return;
      }
      const body = await request.text();
      if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
        answer(413, { error: `a webhook body may be at most ${MAX_BODY_BYTES} bytes` });
        return;
      }
      let events: ReturnType<NonNullable<typeof provider.eventsFromWebhook>>;
      try {
        events = provider.eventsFromWebhook({
          headers: request.headers,
          body,
          receivedAt: new Date(),
        });
      } catch {
        answer(400, { error: 'the webhook body could not be read' });
        return;
      }
      if (events === null) {
        answer(401, { error: 'the webhook failed authentication' });
        return;
      }
      const published = await options.events.publish(events);
      answer(200, { received: events.length, published: published.length });
    },
  };
}
