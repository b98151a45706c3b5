import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../src/config.js';
import { CreateRoomDocument, CreateRoomTokenDocument } from '../__generated__/graphql.js';
import { type SseSubscription, subscribe } from '../helpers/sse.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

/**
 * 100ms webhooks into `POST /webhooks/hms` (issue 17): the emulator sends its documented
 * webhooks for joins, leaves and sessions, authenticated by the secret header the account is
 * configured with; they arrive on a roomEvents subscription as WEBHOOK events, once each, though
 * every one of them is delivered twice (a proxy answers the first attempt 500, so the emulator
 * replays it). A wrong secret gets 401 and publishes nothing, and polling the same changes
 * publishes nothing more: its events have the webhooks' ids.
 */
const HEADER = 'x-hms-webhook-secret';
const SECRET = 'whs-emulated-0123456789abcdef';

let server: TestServer;
let emulatorUrl: string;
let proxy: Server;
let proxyUrl: string;
/** What the proxy forwarded: whether it was a replay, and what the service answered. */
const forwarded: {
  type: string;
  replay: boolean;
  status: number;
  answer: Record<string, number>;
}[] = [];

beforeAll(async () => {
  server = await startTestServer({
    // Polling only when a test asks for a round (server.poller.pollOnce).
    config: { pollIntervalMs: 3_600_000 },
    providers: (emulated) =>
      emulated.map((account) =>
        account.kind === 'hms'
          ? ({ ...account, webhookHeaderName: HEADER, webhookSecret: SECRET } as ProviderConfig)
          : account,
      ),
  });
  emulatorUrl = server.fleet.running.find((running) => running.emulator.name === 'hms')?.url ?? '';
  // Forwards each webhook to the service, then answers the emulator 500 on a first attempt,
  // as a receiver that timed out would: the emulator delivers everything twice.
  proxy = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', async () => {
      const answer = await fetch(`${server.origin}/webhooks/hms`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [HEADER]: String(request.headers[HEADER] ?? ''),
        },
        body: text,
      });
      const body = JSON.parse(text) as { type: string; is_replay?: boolean };
      forwarded.push({
        type: body.type,
        replay: body.is_replay === true,
        status: answer.status,
        answer: (await answer.json()) as Record<string, number>,
      });
      response.writeHead(body.is_replay ? 200 : 500).end();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await server?.close();
});

beforeEach(() => {
  server.emulator('hms').reset();
  forwarded.length = 0;
});

async function admin(route: string, body: unknown) {
  const response = await fetch(`${emulatorUrl}/__emulator${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
  return response.status === 204 ? null : ((await response.json()) as Record<string, string>);
}

async function createRoom(name: string): Promise<string> {
  const result = await server.execute(CreateRoomDocument, { input: { providerKey: 'hms', name } });
  if (result.data?.createRoom.__typename !== 'CreateRoomSuccess') {
    throw new Error(JSON.stringify(result));
  }
  return result.data.createRoom.room.id;
}

async function join(roomId: string, identity: string): Promise<string> {
  const minted = await server.execute(CreateRoomTokenDocument, {
    input: { roomId, role: 'HOST', identity },
  });
  if (minted.data?.createRoomToken.__typename !== 'CreateRoomTokenSuccess') {
    throw new Error(JSON.stringify(minted));
  }
  const token = minted.data.createRoomToken.roomToken.token;
  return (await admin('/join', { token, name: identity }))?.participantId ?? '';
}

interface EventResult {
  data?: {
    roomEvents: {
      id: string;
      type: string;
      source: string;
      participant: { identity: string | null } | null;
    };
  };
}

const EVENTS = /* GraphQL */ `
  subscription ($types: [RoomEventType!]) {
    roomEvents(providerKeys: ["hms"], types: $types) {
      id type source participant { identity }
    }
  }
`;
const TYPES = [
  'ROOM_CREATED',
  'SESSION_STARTED',
  'SESSION_ENDED',
  'PARTICIPANT_JOINED',
  'PARTICIPANT_LEFT',
];

/** The next `count` events, sorted by type (webhooks are delivered concurrently). */
async function next(subscription: SseSubscription<EventResult>, count: number) {
  const events = [];
  for (let index = 0; index < count; index++) {
    events.push((await subscription.next(5_000)).data?.roomEvents);
  }
  return events.sort((a, b) => (a?.type ?? '').localeCompare(b?.type ?? ''));
}

/**
 * Nothing else came before a room created now (an API event): were a webhook or a poll
 * publishing a change again, its duplicate would arrive first.
 */
async function expectNothingBeforeASentinel(subscription: SseSubscription<EventResult>) {
  await createRoom(`sentinel-${Date.now()}`);
  const event = await subscription.next(5_000);
  expect(event.data?.roomEvents).toMatchObject({ type: 'ROOM_CREATED', source: 'API' });
}

async function waitFor(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(check()).toBe(true);
}

describe('100ms webhooks into roomEvents', () => {
  it('publishes each join, leave and session change once, though each is delivered twice', async () => {
    const roomId = await createRoom('hooked');
    const subscription = await subscribe<EventResult>(server.url, EVENTS, { types: TYPES });
    try {
      await admin('/webhooks', {
        url: proxyUrl,
        headers: { [HEADER]: SECRET },
        retryDelaysMs: [30, 60, 90],
      });
      const ada = await join(roomId, 'ada');
      await admin('/leave', { participantId: ada });

      const events = await next(subscription, 4);
      expect(
        events.map((event) => [event?.type, event?.source, event?.participant?.identity ?? null]),
      ).toEqual([
        ['PARTICIPANT_JOINED', 'WEBHOOK', 'ada'],
        ['PARTICIPANT_LEFT', 'WEBHOOK', 'ada'],
        ['SESSION_ENDED', 'WEBHOOK', null],
        ['SESSION_STARTED', 'WEBHOOK', null],
      ]);
      // Every webhook came twice (the first attempt refused by the proxy, then its replay), and
      // the service took both but published only the first.
      await waitFor(() => forwarded.filter((delivery) => delivery.replay).length === 4);
      const delivered = (replay: boolean) =>
        forwarded
          .filter((delivery) => delivery.replay === replay)
          .map((delivery) => [delivery.type, delivery.status, delivery.answer.published])
          .sort();
      expect(delivered(false)).toEqual([
        ['peer.join.success', 200, 1],
        ['peer.leave.success', 200, 1],
        ['session.close.success', 200, 1],
        ['session.open.success', 200, 1],
      ]);
      expect(delivered(true)).toEqual([
        ['peer.join.success', 200, 0],
        ['peer.leave.success', 200, 0],
        ['session.close.success', 200, 0],
        ['session.open.success', 200, 0],
      ]);
      await expectNothingBeforeASentinel(subscription);
    } finally {
      subscription.close();
    }
  });

  it('answers a webhook with a wrong secret 401, and publishes nothing', async () => {
    const roomId = await createRoom('forged');
    const subscription = await subscribe<EventResult>(server.url, EVENTS, { types: TYPES });
    try {
      // The emulator sends with the wrong secret: every attempt refused, nothing published.
      await admin('/webhooks', {
        url: proxyUrl,
        headers: { [HEADER]: 'not-the-secret-at-all' },
        retryDelaysMs: [10, 10, 10],
      });
      await join(roomId, 'eve');
      await waitFor(() => forwarded.length >= 4);
      expect(new Set(forwarded.map((delivery) => delivery.status))).toEqual(new Set([401]));
      // And by hand: no header at all.
      const bare = await fetch(`${server.origin}/webhooks/hms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'session.open.success', data: {} }),
      });
      expect(bare.status).toBe(401);
      await expectNothingBeforeASentinel(subscription);
    } finally {
      subscription.close();
    }
  });

  it('gives the changes polling sees the ids the webhooks gave them: nothing twice', async () => {
    const roomId = await createRoom('both-ways');
    const subscription = await subscribe<EventResult>(server.url, EVENTS, { types: TYPES });
    try {
      // The account's first poll is its baseline; then webhooks go straight to the service.
      await server.poller.pollOnce();
      await admin('/webhooks', {
        url: `${server.origin}/webhooks/hms`,
        headers: { [HEADER]: SECRET },
      });
      const ada = await join(roomId, 'ada');
      const joined = await next(subscription, 2);
      expect(joined.map((event) => [event?.type, event?.source])).toEqual([
        ['PARTICIPANT_JOINED', 'WEBHOOK'],
        ['SESSION_STARTED', 'WEBHOOK'],
      ]);
      // Polling now sees the live session and Ada: the same changes, the same ids.
      await server.poller.pollOnce();
      await expectNothingBeforeASentinel(subscription);

      await admin('/leave', { participantId: ada });
      const left = await next(subscription, 2);
      expect(left.map((event) => [event?.type, event?.source])).toEqual([
        ['PARTICIPANT_LEFT', 'WEBHOOK'],
        ['SESSION_ENDED', 'WEBHOOK'],
      ]);
      await server.poller.pollOnce();
      await expectNothingBeforeASentinel(subscription);
    } finally {
      subscription.close();
    }
  });
});
