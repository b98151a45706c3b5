import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config.js';
import { roomEventId } from '../../../src/domain/room-event.js';
import { MemoryEventLog } from '../../../src/events/memory-event-log.js';
import { ProviderRegistry } from '../../../src/providers/registry.js';
import type { RoomProvider } from '../../../src/providers/room-provider.js';
import { createApp } from '../../../src/yoga.js';
import { createFakeProvider, fakeRoom } from '../graphql/fake-provider.js';

/** A fake account whose webhooks carry a secret header and name a room that was created. */
function webhookProvider(): RoomProvider {
  return {
    ...createFakeProvider('fake', [fakeRoom('fake', 'r1', 'one')]),
    eventsFromWebhook(request) {
      if (request.headers.get('x-hook-secret') !== 'open sesame') {
        return null;
      }
      const body = JSON.parse(request.body) as { room: string };
      return [
        {
          id: roomEventId('ROOM_CREATED', 'fake', body.room, 'ROOM_CREATED'),
          type: 'ROOM_CREATED',
          occurredAt: request.receivedAt,
          observedAt: request.receivedAt,
          source: 'WEBHOOK',
          providerKey: 'fake',
          roomNativeId: body.room,
          sessionNativeId: null,
          recordingNativeId: null,
          participant: null,
        },
      ];
    },
  };
}

function setup(provider: RoomProvider = webhookProvider()) {
  const log = new MemoryEventLog(60_000);
  const app = createApp({
    config: configSchema.parse({}),
    registry: new ProviderRegistry([provider]),
    logging: false,
    logError: () => {},
    eventLog: log,
  });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    app.fetch(`http://localhost${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  return { app, log, post };
}

describe('POST /webhooks/{accountKey}', () => {
  it('publishes the events of an authenticated webhook once, however often it is delivered', async () => {
    const { log, post } = setup();
    const first = await post('/webhooks/fake', '{"room":"r9"}', { 'x-hook-secret': 'open sesame' });
    const again = await post('/webhooks/fake', '{"room":"r9"}', { 'x-hook-secret': 'open sesame' });

    expect([first.status, await first.json()]).toEqual([200, { received: 1, published: 1 }]);
    expect([again.status, await again.json()]).toEqual([200, { received: 1, published: 0 }]);
    expect(
      (await log.read(null, 10)).map((event) => [event.type, event.roomNativeId, event.source]),
    ).toEqual([['ROOM_CREATED', 'r9', 'WEBHOOK']]);
  });

  it('answers 401 and publishes nothing when the webhook fails authentication', async () => {
    const { log, post } = setup();
    const response = await post('/webhooks/fake', '{"room":"r9"}', { 'x-hook-secret': 'guess' });
    expect(response.status).toBe(401);
    expect(await log.read(null, 10)).toEqual([]);
  });

  it('answers 404 for an account that takes no webhooks, 405 for anything but POST, 413 past the size', async () => {
    const { app, post } = setup(createFakeProvider('plain', []));
    expect((await post('/webhooks/plain', '{}')).status).toBe(404);
    expect((await post('/webhooks/nobody', '{}')).status).toBe(404);
    expect((await app.fetch('http://localhost/webhooks/plain')).status).toBe(405);
    const large = await setup().post('/webhooks/fake', 'x'.repeat(300 * 1024), {
      'x-hook-secret': 'open sesame',
    });
    expect(large.status).toBe(413);
  });
});
