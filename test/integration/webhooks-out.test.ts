import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateRoomDocument } from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * Outbound webhooks: each room event is POSTed to the targets whose filters match, signed per
 * Standard Webhooks (checked here with the `standardwebhooks` library, as a receiver would),
 * retried after a failure, with a delivery record the API answers about.
 */
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
let receiver: Server;
let receiverUrl: string;
/** What the receiver got, verified; and how many more times it answers 500 first. */
const received: { id: string; type: string; valid: boolean }[] = [];
let failNext = 0;
let server: TestServer;

beforeAll(async () => {
  const verifier = new Webhook(SECRET);
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      if (failNext > 0) {
        failNext--;
        response.writeHead(500).end();
        return;
      }
      let valid = true;
      try {
        verifier.verify(body, request.headers as Record<string, string>);
      } catch {
        valid = false;
      }
      const payload = JSON.parse(body) as { type: string; data: { id: string } };
      received.push({
        id: String(request.headers['webhook-id']),
        type: payload.type,
        valid,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  server = await startTestServer({
    config: {
      webhookTargets: [
        { id: 'created', url: receiverUrl, secret: SECRET, types: ['ROOM_CREATED'] },
      ],
    },
    webhookRetryScheduleMs: [50, 50],
  });
});
afterAll(async () => {
  await server?.close();
  receiver.closeAllConnections();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('outbound webhooks', () => {
  it('posts each matching event once, signed so that a Standard Webhooks receiver verifies it', async () => {
    const before = received.length;
    const created = await server.execute(CreateRoomDocument, {
      input: { providerKey: 'hms', name: 'webhook-one' },
    });
    expect(created.data?.createRoom.__typename).toBe('CreateRoomSuccess');
    // A disable is not among the target's types: it must not arrive.
    await until(() => received.length > before);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received.slice(before)).toEqual([
      { id: expect.any(String), type: 'ROOM_CREATED', valid: true },
    ]);
  });

  it('tries again after a failure, and records every attempt', async () => {
    const before = received.length;
    failNext = 1;
    await server.execute(CreateRoomDocument, {
      input: { providerKey: 'hms', name: 'webhook-retry' },
    });
    await until(() => received.length > before);
    const eventId = received.at(-1)?.id;

    const response = await server.post(
      JSON.stringify({
        query: `{ webhookTargets { id url types } webhookDeliveries(targetId: "created", first: 5) { edges { node { eventId eventType state attempts lastStatus } } } }`,
      }),
    );
    const body = (await response.json()) as {
      data: {
        webhookTargets: unknown[];
        webhookDeliveries: { edges: { node: { eventId: string } & Record<string, unknown> }[] };
      };
    };
    expect(body.data.webhookTargets).toEqual([
      { id: 'created', url: receiverUrl, types: ['ROOM_CREATED'] },
    ]);
    const delivery = body.data.webhookDeliveries.edges.find(
      (edge) => edge.node.eventId === eventId,
    );
    expect(delivery?.node).toEqual({
      eventId,
      eventType: 'ROOM_CREATED',
      state: 'DELIVERED',
      attempts: 2,
      lastStatus: 204,
    });
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });
});
