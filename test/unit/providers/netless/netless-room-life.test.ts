import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoomOperation } from '../../../../src/domain/capabilities.js';
import {
  ProviderAuthError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../../../src/domain/errors.js';
import { supportedMethod } from '../../../../src/graphql/supported.js';
import type { RetryPolicy } from '../../../../src/http/with-retry.js';
import { CursorKey } from '../../../../src/providers/cursor-key.js';
import { createNetlessProvider } from '../../../../src/providers/netless/netless-provider.js';
import type { RoomProvider } from '../../../../src/providers/room-provider.js';
import {
  createMockAgent,
  header,
  jsonBody,
  type MockUpstream,
} from '../../../helpers/mock-agent.js';

// Room life against agora-whiteboard-room-life.md: no sessions, participants or recordings over
// REST; endRoomSession emulated with the room-wide ban (§1).

const ORIGIN = 'https://api.netless.link';
const NOW = 1_700_000_000_000;
const NONCE = '0f7d3a40-7b1e-11ee-9c1a-4d2b9c0e6f11';
const NO_RETRY: RetryPolicy = { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 };
/** Fact sheet §4.4 (a): with this clock, nonce and key pair, our REST token is exactly that one. */
const WORKED_SDK_TOKEN =
  'NETLESSSDK_YWs9bXlBSyZleHBpcmVBdD0xNzAwMDAzNjAwMDAwJm5vbmNlPTBmN2QzYTQwLTdiMWUtMTFlZS05YzFhLTRkMmI5YzBlNmYxMSZyb2xlPTAmc2lnPWNhZWYwY2QzYjlkMGQyNDliYTUwOGJhYWNmNzE4MzNjMTk5OTE5ZjBiNTM1OGZkODA3MzdmYmI4ODU2NDZhYTY';
const ROOM = '4a5f0c3e10a1b211eeb2c4a7f3d9e96b';

function fixture(name: string, changes: Record<string, unknown> = {}): string {
  const text = readFileSync(new URL(`../../../fixtures/netless/${name}`, import.meta.url), 'utf8');
  return JSON.stringify({ ...JSON.parse(text), ...changes });
}

let upstream: MockUpstream;

beforeEach(() => {
  upstream = createMockAgent();
});

afterEach(async () => {
  await upstream.assertNoPendingAndClose();
});

function provider(retry: RetryPolicy = NO_RETRY): RoomProvider {
  return createNetlessProvider({
    key: 'netless',
    baseUrl: `${ORIGIN}/v5`,
    dispatcher: upstream.agent,
    timeoutMs: 2_000,
    retry,
    defaultTokenTtlSeconds: 3_600,
    now: () => NOW,
    nonce: () => NONCE,
    accessKey: 'myAK',
    secretKey: 'mySK',
    cursorKey: CursorKey.fromSecret('the netless room-life tests cursor secret, 32+ chars'),
  });
}

function reply(method: string, path: string, status: number, body: string) {
  upstream.agent
    .get(ORIGIN)
    .intercept({ method, path })
    .reply(status, body, { headers: { 'content-type': 'application/json' } });
}

/** Method, path and JSON body of every request the adapter sent, in order. */
function sent() {
  return upstream.calls().map((call) => [call.method, call.path, jsonBody(call)]);
}

describe('netless room-life capabilities', () => {
  it('emulates endRoomSession and supports nothing else, each with a note', () => {
    const { capabilities } = provider();
    const lifeOperations = [
      'getActiveSession',
      'listSessions',
      'listParticipants',
      'listRecordings',
      'getRecordingDownload',
      'removeParticipant',
      'endRoomSession',
      'startRecording',
      'stopRecording',
    ] as const;
    expect(
      Object.fromEntries(lifeOperations.map((op) => [op, capabilities.operations[op]])),
    ).toEqual({
      getActiveSession: 'UNSUPPORTED',
      listSessions: 'UNSUPPORTED',
      listParticipants: 'UNSUPPORTED',
      listRecordings: 'UNSUPPORTED',
      getRecordingDownload: 'UNSUPPORTED',
      removeParticipant: 'UNSUPPORTED',
      endRoomSession: 'EMULATED',
      startRecording: 'UNSUPPORTED',
      stopRecording: 'UNSUPPORTED',
    });
    for (const operation of lifeOperations) {
      expect(capabilities.operationNotes?.[operation]?.length ?? 0).toBeGreaterThan(40);
    }
    expect(capabilities.operationNotes?.endRoomSession).toMatch(/isBan=true.*isBan=false.*lock/);
  });

  it('has a member exactly where an operation is supported', () => {
    const adapter = provider();
    const members = {
      getActiveSessions: adapter.getActiveSessions,
      listSessions: adapter.listSessions,
      getSession: adapter.getSession,
      listParticipants: adapter.listParticipants,
      listRecordings: adapter.listRecordings,
      getRecording: adapter.getRecording,
      getRecordingDownload: adapter.getRecordingDownload,
      removeParticipant: adapter.removeParticipant,
      endRoomSession: adapter.endRoomSession,
      startRecording: adapter.startRecording,
      stopRecording: adapter.stopRecording,
      eventsFromWebhook: adapter.eventsFromWebhook,
    };
    expect(
      Object.entries(members)
        .filter(([, member]) => member !== undefined)
        .map(([name]) => name),
    ).toEqual(['endRoomSession']);
  });

  it.each([
    ['getActiveSession', 'getActiveSessions'],
    ['listSessions', 'listSessions'],
    ['listParticipants', 'listParticipants'],
    ['listRecordings', 'listRecordings'],
    ['getRecordingDownload', 'getRecordingDownload'],
    ['removeParticipant', 'removeParticipant'],
    ['startRecording', 'startRecording'],
    ['stopRecording', 'stopRecording'],
  ] as const)(
    '%s throws UnsupportedOperationError with its note before any request',
    (operation, member) => {
      const adapter = provider();
      let error: unknown;
      try {
        supportedMethod(adapter, operation as RoomOperation, member);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UnsupportedOperationError);
      expect(error).toMatchObject({ provider: 'netless', operation });
      expect((error as Error).message).toContain(adapter.capabilities.operationNotes?.[operation]);
      expect(upstream.calls()).toHaveLength(0);
    },
  );
});

describe('endRoomSession', () => {
  it('reads the room, bans it to remove everyone, then lifts the ban', async () => {
    reply('GET', `/v5/rooms/${ROOM}`, 200, fixture('get-room.200.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 201, fixture('ban-room.201.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 201, fixture('get-room.200.json', { uuid: ROOM }));
    const ended = await provider().endRoomSession?.(ROOM, { lock: false });
    // Netless has no session to report.
    expect(ended).toBeNull();
    expect(sent()).toEqual([
      ['GET', `/v5/rooms/${ROOM}`, undefined],
      ['PATCH', `/v5/rooms/${ROOM}`, { isBan: true }],
      ['PATCH', `/v5/rooms/${ROOM}`, { isBan: false }],
    ]);
    for (const call of upstream.calls()) {
      expect(header(call, 'token')).toBe(WORKED_SDK_TOKEN);
      expect(header(call, 'region')).toBe('us-sv');
    }
  });

  it('with lock, bans and leaves the ban in place', async () => {
    reply('GET', `/v5/rooms/${ROOM}`, 200, fixture('get-room.200.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 201, fixture('ban-room.201.json', { uuid: ROOM }));
    await expect(provider().endRoomSession?.(ROOM, { lock: true })).resolves.toBeNull();
    expect(sent()).toEqual([
      ['GET', `/v5/rooms/${ROOM}`, undefined],
      ['PATCH', `/v5/rooms/${ROOM}`, { isBan: true }],
    ]);
  });

  it.each([false, true])(
    'leaves a room already banned as it is (lock %s): nobody can be in it',
    async (lock) => {
      reply('GET', `/v5/rooms/${ROOM}`, 200, fixture('ban-room.201.json', { uuid: ROOM }));
      await expect(provider().endRoomSession?.(ROOM, { lock })).resolves.toBeNull();
      expect(sent()).toEqual([['GET', `/v5/rooms/${ROOM}`, undefined]]);
    },
  );

  it('refuses a handle that is no room uuid before any request', async () => {
    for (const handle of ['', '.', '..', 'ROOM', `${ROOM}/x`]) {
      await expect(provider().endRoomSession?.(handle, { lock: false })).rejects.toBeInstanceOf(
        RoomNotFoundError,
      );
    }
    expect(upstream.calls()).toHaveLength(0);
  });

  it('maps an unknown room to RoomNotFoundError without banning anything', async () => {
    reply('GET', `/v5/rooms/${ROOM}`, 404, '{"message":"room not found"}');
    await expect(provider().endRoomSession?.(ROOM, { lock: false })).rejects.toMatchObject({
      code: 'ROOM_NOT_FOUND',
      roomId: ROOM,
    });
    expect(upstream.calls()).toHaveLength(1);
  });

  it('maps a role refusal of the ban to ProviderAuthError', async () => {
    reply('GET', `/v5/rooms/${ROOM}`, 200, fixture('get-room.200.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 403, fixture('token-access-role-forbidden.403.json'));
    const error = await provider()
      .endRoomSession?.(ROOM, { lock: false })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error).toMatchObject({
      status: 403,
      providerCode: 'token access role writer forbidden',
      operation: 'endRoomSession',
    });
    // The ban was refused, so there is nothing to lift.
    expect(upstream.calls()).toHaveLength(2);
  });

  it('throws when the lift fails after the ban, which stays (the room reads DISABLED)', async () => {
    reply('GET', `/v5/rooms/${ROOM}`, 200, fixture('get-room.200.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 201, fixture('ban-room.201.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 500, '{"message":"unknown error"}');
    await expect(provider().endRoomSession?.(ROOM, { lock: false })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(sent().map(([method, , body]) => [method, body])).toEqual([
      ['GET', undefined],
      ['PATCH', { isBan: true }],
      ['PATCH', { isBan: false }],
    ]);
  });

  it('retries the lift, which sets an absolute flag, after a 503', async () => {
    reply('GET', `/v5/rooms/${ROOM}`, 200, fixture('get-room.200.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 201, fixture('ban-room.201.json', { uuid: ROOM }));
    reply('PATCH', `/v5/rooms/${ROOM}`, 503, '{"message":"busy"}');
    reply('PATCH', `/v5/rooms/${ROOM}`, 201, fixture('get-room.200.json', { uuid: ROOM }));
    await expect(
      provider({ maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 }).endRoomSession?.(ROOM, {
        lock: false,
      }),
    ).resolves.toBeNull();
    expect(sent().map(([, , body]) => body)).toEqual([
      undefined,
      { isBan: true },
      { isBan: false },
      { isBan: false },
    ]);
  });
});
