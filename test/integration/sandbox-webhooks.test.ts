import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';
import { subscribe } from '../helpers/sse.js';

/**
 * The sandbox as `npm start` runs it with no accounts: the 100ms emulator sends its webhooks to
 * the service, with a secret made for the run, so a join made through the emulator reaches a
 * subscriber as a WEBHOOK event. Polling is pushed out of the way (an hour's interval: after its
 * baseline it never runs again here), so nothing else could deliver the event.
 */
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ POLL_INTERVAL_MS: '3600000' });
});
afterAll(async () => {
  await server?.kill();
});

async function graphql(query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${server.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the fields it asked for.
  return (await response.json()) as { data: any; errors?: unknown[] };
}

/** The 100ms emulator's origin, from the sandbox's banner (`hms (hms) -> <url>/v2`). */
async function hmsEmulatorOrigin(): Promise<string> {
  const record = await server.waitForRecord((line) => / \(hms\) -> /.test(String(line.msg)));
  const url = /-> (\S+)/.exec(String(record.msg))?.[1] ?? '';
  return new URL(url).origin;
}

interface Event {
  data?: { roomEvents: { type: string; source: string; roomId: string } };
}

describe('the sandbox', () => {
  it('delivers a join at the 100ms emulator to a subscriber as a WEBHOOK event', async () => {
    const emulator = await hmsEmulatorOrigin();
    const events = await subscribe<Event>(
      `${server.origin}/graphql`,
      `subscription { roomEvents(providerKeys: ["hms"], types: [PARTICIPANT_JOINED]) { type source roomId } }`,
    );
    try {
      const created = await graphql(
        `mutation { createRoom(input: { providerKey: "hms", name: "sandbox-webhooks" }) {
          ... on CreateRoomSuccess { room { id } } } }`,
        {},
      );
      const roomId: string = created.data.createRoom.room.id;
      const minted = await graphql(
        `mutation ($roomId: ID!) { createRoomToken(input: { roomId: $roomId, role: PARTICIPANT, identity: "ada" }) {
          ... on CreateRoomTokenSuccess { roomToken { token } } } }`,
        { roomId },
      );
      const joined = await fetch(`${emulator}/__emulator/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token: minted.data.createRoomToken.roomToken.token, name: 'Ada' }),
      });
      expect(joined.status).toBe(200);

      const event = await events.next(10_000);
      expect(event.data?.roomEvents).toEqual({
        type: 'PARTICIPANT_JOINED',
        source: 'WEBHOOK',
        roomId,
      });
    } finally {
      events.close();
    }
  });
});
