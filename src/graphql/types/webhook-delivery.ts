import { DELIVERY_STATES, type WebhookDelivery } from '../../events/webhook-deliveries.js';
import { builder } from '../builder.js';
import { forwardPageSize, pageConnection } from '../room-connection.js';

const DeliveryStateEnum = builder.enumType('WebhookDeliveryState', {
  description:
    'PENDING: not answered 2xx yet, another attempt is due. DELIVERED: answered 2xx. FAILED: every attempt failed.',
  values: DELIVERY_STATES,
});

const WebhookTargetRef = builder
  .objectRef<{ id: string; url: string; types: readonly string[] | null }>('WebhookTarget')
  .implement({
    description:
      'A configured receiver of signed room events (Standard Webhooks). Its secret is never shown.',
    fields: (t) => ({
      id: t.exposeID('id'),
      url: t.exposeString('url'),
      types: t.exposeStringList('types', {
        nullable: true,
        description: 'The event types it gets; null for all.',
      }),
    }),
  });

const WebhookDeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: "One room event's delivery to one webhook target.",
  fields: (t) => ({
    targetId: t.exposeID('targetId'),
    eventId: t.exposeID('eventId', { description: "The event's id, sent as webhook-id." }),
    eventType: t.exposeString('eventType'),
    state: t.field({ type: DeliveryStateEnum, resolve: (delivery) => delivery.state }),
    attempts: t.exposeInt('attempts'),
    lastStatus: t.exposeInt('lastStatus', {
      nullable: true,
      description: "The receiver's last HTTP status; null when it gave none.",
    }),
    lastError: t.exposeString('lastError', { nullable: true }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  webhookTargets: t.field({
    type: [WebhookTargetRef],
    description: 'The configured outbound webhook targets. Needs the events:read scope.',
    authScopes: { 'events:read': true },
    resolve: (_root, _args, context) => context.webhooks.targets,
  }),
  webhookDeliveries: t.connection({
    type: WebhookDeliveryRef,
    description:
      "A webhook target's deliveries, newest first, kept for the event retention window. Needs the events:read scope.",
    authScopes: { 'events:read': true },
    args: { targetId: t.arg.id({ required: true }) },
    resolve: async (_root, args, context) => {
      const limit = forwardPageSize(args, context, 'webhookDeliveries');
      const offset = args.after ? offsetOf(args.after) : 0;
      const found = await context.webhooks.deliveries.list(args.targetId, offset, limit + 1);
      const page = found.slice(0, limit);
      return pageConnection(
        {
          edges: page.map((node, index) => ({ node, cursor: String(offset + index + 1) })),
          hasNextPage: found.length > limit,
        },
        args,
      );
    },
  }),
}));

/** Delivery cursors are positions in the newest-first list. */
function offsetOf(cursor: string): number {
  return /^\d{1,7}$/.test(cursor) ? Number(cursor) : 0;
}
