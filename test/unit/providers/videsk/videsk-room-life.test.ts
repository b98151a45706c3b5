import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_ROOM_LIFE, type RoomLifeOperation } from '../../../../src/domain/capabilities.js';
import {
  InputValidationError,
  ProviderAuthError,
  ProviderUnavailableError,
  RoomNotFoundError,
  UnsupportedOperationError,
} from '../../../../src/domain/errors.js';
import type { RoomSession } from '../../../../src/domain/room-life.js';
import { supportedMethod } from '../../../../src/graphql/supported.js';
import { VIDESK_CAPABILITIES } from '../../../../src/providers/videsk/videsk-provider.js';
import { createMockAgent, type MockUpstream } from '../../../helpers/mock-agent.js';
import {
  API_TOKEN,
  expectRequest,
  fixture,
  makeProvider,
  NOW,
  ROOM_ID,
} from './videsk-test-kit.js';

// The room-life members of the Videsk adapter against a MockAgent
// (`../shared/providers/videsk-room-life.md`; NOW is inside the documented room's window).

const ROOM_PATH = `/vpaas/rooms/${ROOM_ID}`;
const GONE = '64f1a2b3c4d5e6f7a8b9c0ff';
const HOUR = 3_600_000;
/** The list of rooms not ended, latest exp first, as sent: `$sort[exp]` must lead. */
const openRoomsWire = (skip: number) =>
  `/vpaas/rooms?$limit=100&$skip=${skip}&ended=false&$sort%5Bexp%5D=-1&$sort%5BcreatedAt%5D=1`;
/** The same as the MockAgent matches it: undici sorts the query before matching. */
const openRoomsPath = (skip: number) => {
  const [path, query] = openRoomsWire(skip).split('?');
  const params = new URLSearchParams(query);
  params.sort();
  return `${path}?${params}`;
};
const iso = (time: number) => new Date(time).toISOString();
/** A room id from a number, in the 24-hex form Videsk uses. */
const idOf = (n: number) => `64f1a2b3c4d5e6f7${n.toString(16).padStart(8, '0')}`;
/**
 * The documented room (15:00–18:00Z, NOW inside) with `ended: false`. The documented example
 * itself has no `ended`, which costs one call more (see "answers without ended" below).
 */
const OPEN_ROOM = { ...fixture('get-room.200.json'), ended: false };
/** A Videsk room whose window is given in hours from NOW. */
const roomAt = (id: string, fromHours: number, toHours: number, extra = {}) => ({
  ...OPEN_ROOM,
  id,
  externalId: `ext-${id}`,
  nbf: iso(NOW + fromHours * HOUR),
  exp: iso(NOW + toHours * HOUR),
  ...extra,
});
/** The documented filters that tell whether a room whose answer lacks `ended` has ended. */
const endedFilterPath = (externalId: string) =>
  `/vpaas/rooms?$limit=1&$skip=0&ended=true&externalId=${externalId}`;
const page = (rooms: unknown[], total = rooms.length, skip = 0) => ({
  total,
  limit: 100,
  skip,
  data: rooms,
});

const liveSession = (id: string, startedAt: Date): RoomSession => ({
  providerKey: 'videsk',
  roomNativeId: id,
  nativeId: id,
  status: 'LIVE',
  startedAt,
  endedAt: null,
  participantCount: null,
  participants: null,
});

let upstream: MockUpstream;
beforeEach(() => {
  upstream = createMockAgent();
});
afterEach(async () => {
  await upstream.assertNoPendingAndClose();
});
const provider = () => makeProvider(upstream.agent);

describe('Videsk room-life capabilities', () => {
  const roomLife = Object.keys(NO_ROOM_LIFE) as RoomLifeOperation[];

  it('emulates sessions from rooms, ends them natively, and supports nothing else', () => {
    expect(
      Object.fromEntries(roomLife.map((op) => [op, VIDESK_CAPABILITIES.operations[op]])),
    ).toEqual({
      getActiveSession: 'EMULATED',
      listSessions: 'EMULATED',
      listParticipants: 'UNSUPPORTED',
      listRecordings: 'UNSUPPORTED',
      getRecordingDownload: 'UNSUPPORTED',
      removeParticipant: 'UNSUPPORTED',
      endRoomSession: 'NATIVE',
      startRecording: 'UNSUPPORTED',
      stopRecording: 'UNSUPPORTED',
    });
    for (const op of roomLife) {
      expect(VIDESK_CAPABILITIES.operationNotes?.[op]?.length, op).toBeGreaterThan(40);
    }
    expect(VIDESK_CAPABILITIES.operationNotes?.getActiveSession).toContain('nobody is in');
    expect(VIDESK_CAPABILITIES.operationNotes?.endRoomSession).toContain('lock: true');
  });

  it('has a member exactly where an operation is supported', () => {
    const members: Record<RoomLifeOperation, readonly string[]> = {
      getActiveSession: ['getActiveSessions'],
      listSessions: ['listSessions', 'getSession'],
      listParticipants: ['listParticipants'],
      listRecordings: ['listRecordings', 'getRecording'],
      getRecordingDownload: ['getRecordingDownload'],
      removeParticipant: ['removeParticipant'],
      endRoomSession: ['endRoomSession'],
      startRecording: ['startRecording'],
      stopRecording: ['stopRecording'],
    };
    const adapter = provider() as unknown as Record<string, unknown>;
    for (const op of roomLife) {
      const supported = VIDESK_CAPABILITIES.operations[op] !== 'UNSUPPORTED';
      for (const member of members[op]) {
        expect(typeof adapter[member] === 'function', `${op}: ${member}`).toBe(supported);
      }
    }
    expect(adapter.eventsFromWebhook).toBeUndefined();
  });

  it('answers each unsupported operation with the typed error and its note, before any request', () => {
    const adapter = provider();
    for (const [op, member] of [
      ['listParticipants', 'listParticipants'],
      ['listRecordings', 'listRecordings'],
      ['getRecordingDownload', 'getRecordingDownload'],
      ['removeParticipant', 'removeParticipant'],
      ['startRecording', 'startRecording'],
      ['stopRecording', 'stopRecording'],
    ] as const) {
      const error = (() => {
        try {
          supportedMethod(adapter, op, member);
          return null;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, op).toBeInstanceOf(UnsupportedOperationError);
      expect((error as Error).message).toContain(VIDESK_CAPABILITIES.operationNotes?.[op]);
    }
    expect(upstream.calls()).toEqual([]);
  });
});

describe('getActiveSessions', () => {
  it('GETs a single room and maps its open window to a LIVE session with no presence data', async () => {
    const seen = expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    const [session] = await provider().getActiveSessions!([ROOM_ID]);
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${API_TOKEN}`);
    expect(session).toEqual(liveSession(ROOM_ID, new Date('2024-08-14T15:00:00.000Z')));
  });

  it('answers RoomNotFoundError for a 404, and for a handle that is no room id with no request', async () => {
    expectRequest(upstream.agent, 'GET', `/vpaas/rooms/${GONE}`, 404, fixture('get-room.404.json'));
    const [missing] = await provider().getActiveSessions!([GONE]);
    expect(missing).toMatchObject({ code: 'ROOM_NOT_FOUND', roomId: GONE });
    const before = upstream.calls().length;
    const [bad, alsoBad] = await provider().getActiveSessions!(['..', 'Standup']);
    expect(bad).toBeInstanceOf(RoomNotFoundError);
    expect(alsoBad).toBeInstanceOf(RoomNotFoundError);
    expect(upstream.calls().length).toBe(before);
  });

  it('reads many rooms in one list call of the rooms not ended, latest exp first', async () => {
    const [live, scheduled, expired, absent] = [idOf(1), idOf(2), idOf(3), idOf(4)];
    const other = idOf(5);
    // Latest exp first, as asked; the expired room ends what can be live.
    const seen = expectRequest(
      upstream.agent,
      'GET',
      openRoomsPath(0),
      200,
      page(
        [
          roomAt(scheduled, 2, 5),
          roomAt(other, -1, 4),
          roomAt(live, -1, 1, { ended: true }),
          roomAt(expired, -3, -1),
        ],
        9,
      ),
    );
    const sessions = await provider().getActiveSessions!([live, scheduled, expired, absent, live]);
    expect(seen.map((request) => request.path)).toEqual([openRoomsWire(0)]);
    expect(sessions).toEqual([
      // Listed with ended=false: its own (stale) `ended` field does not count.
      liveSession(live, new Date(NOW - HOUR)),
      null,
      null,
      null,
      liveSession(live, new Date(NOW - HOUR)),
    ]);
  });

  it('pages on while every room seen is still open, and stops at the end of the list', async () => {
    const wanted = [idOf(500), idOf(501)];
    const first = Array.from({ length: 100 }, (_, n) => roomAt(idOf(n), -1, 100 - n * 0.1));
    expectRequest(upstream.agent, 'GET', openRoomsPath(0), 200, page(first, 101));
    expectRequest(
      upstream.agent,
      'GET',
      openRoomsPath(100),
      200,
      page([roomAt(wanted[0]!, -1, 2)], 101, 100),
    );
    const sessions = await provider().getActiveSessions!(wanted);
    expect(sessions).toEqual([liveSession(wanted[0]!, new Date(NOW - HOUR)), null]);
  });

  it('GETs the rooms still unresolved when Videsk did not keep the exp order', async () => {
    const [a, b] = [idOf(1), idOf(2)];
    expectRequest(
      upstream.agent,
      'GET',
      openRoomsPath(0),
      200,
      page([roomAt(idOf(7), -1, 1), roomAt(a, -1, 2), roomAt(idOf(8), -1, 3)], 3),
    );
    expectRequest(upstream.agent, 'GET', `/vpaas/rooms/${b}`, 200, roomAt(b, -2, 2));
    const sessions = await provider().getActiveSessions!([a, b]);
    expect(sessions).toEqual([
      liveSession(a, new Date(NOW - HOUR)),
      liveSession(b, new Date(NOW - 2 * HOUR)),
    ]);
  });

  it('fails the whole batch when the list call is refused', async () => {
    expectRequest(upstream.agent, 'GET', openRoomsPath(0), 401, fixture('error.401.json'));
    await expect(provider().getActiveSessions!([idOf(1), idOf(2)])).rejects.toBeInstanceOf(
      ProviderAuthError,
    );
  });
});

describe('listSessions and getSession', () => {
  it('lists the room as its one session, with nothing after it and no request for the next page', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    const first = await provider().listSessions!(ROOM_ID, { cursor: null, limit: 20 });
    expect(first).toEqual({
      edges: [
        {
          node: liveSession(ROOM_ID, new Date('2024-08-14T15:00:00.000Z')),
          cursor: expect.any(String),
        },
      ],
      hasNextPage: false,
    });
    const calls = upstream.calls().length;
    const next = await provider().listSessions!(ROOM_ID, {
      cursor: first.edges[0]!.cursor,
      limit: 20,
    });
    expect(next).toEqual({ edges: [], hasNextPage: false });
    expect(upstream.calls().length).toBe(calls);
    await expect(
      provider().listSessions!(ROOM_ID, { cursor: 'forged', limit: 20 }),
    ).rejects.toBeInstanceOf(InputValidationError);
  });

  it('ends a session at exp, or when the room was ended (its last update), whichever came first', async () => {
    const ended = roomAt(ROOM_ID, -2, 1, { ended: true, updatedAt: iso(NOW - HOUR / 2) });
    const expired = roomAt(ROOM_ID, -3, -1);
    const endedUnknownWhen = roomAt(ROOM_ID, -2, 1, { ended: true });
    for (const [room, endedAt] of [
      [ended, new Date(NOW - HOUR / 2)],
      [expired, new Date(NOW - HOUR)],
      [endedUnknownWhen, null],
    ] as const) {
      expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, room);
      const { edges } = await provider().listSessions!(ROOM_ID, { cursor: null, limit: 5 });
      expect(edges.map((edge) => [edge.node.status, edge.node.endedAt])).toEqual([
        ['ENDED', endedAt],
      ]);
    }
  });

  it('has no session for a room not open yet, or ended before it opened', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, roomAt(ROOM_ID, 1, 3));
    expectRequest(
      upstream.agent,
      'GET',
      ROOM_PATH,
      200,
      roomAt(ROOM_ID, -1, 3, { ended: true, updatedAt: iso(NOW - 2 * HOUR) }),
    );
    for (let round = 0; round < 2; round++) {
      const { edges } = await provider().listSessions!(ROOM_ID, { cursor: null, limit: 5 });
      expect(edges).toEqual([]);
    }
  });

  it('finds a session by its handle, the room id; any other handle is none, with no request', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    expectRequest(upstream.agent, 'GET', `/vpaas/rooms/${GONE}`, 404, fixture('get-room.404.json'));
    const adapter = provider();
    expect(await adapter.getSession!(ROOM_ID, ROOM_ID)).toMatchObject({
      nativeId: ROOM_ID,
      status: 'LIVE',
    });
    expect(await adapter.getSession!(GONE, GONE)).toBeNull();
    const calls = upstream.calls().length;
    expect(await adapter.getSession!(ROOM_ID, GONE)).toBeNull();
    expect(await adapter.getSession!('..', '..')).toBeNull();
    expect(upstream.calls().length).toBe(calls);
  });
});

describe('endRoomSession', () => {
  it('refuses lock: false before any request: Videsk can only end the room for good', async () => {
    const error = await provider().endRoomSession!(ROOM_ID, { lock: false }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues).toEqual([
      { path: ['input', 'lock'], message: expect.stringContaining('must be true at Videsk') },
    ]);
    expect(upstream.calls()).toEqual([]);
  });

  it('GETs the room, then PATCHes ended: true, and answers the session as it ended', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    const patched = expectRequest(upstream.agent, 'PATCH', ROOM_PATH, 200, {
      ...fixture<Record<string, unknown>>('patch-room.200.json'),
      ended: true,
      updatedAt: iso(NOW),
    });
    const ended = await provider().endRoomSession!(ROOM_ID, { lock: true });
    expect(patched[0]?.body).toEqual({ ended: true });
    expect(patched[0]?.headers['content-type']).toBe('application/json');
    expect(ended).toEqual({
      ...liveSession(ROOM_ID, new Date('2024-08-14T15:00:00.000Z')),
      status: 'ENDED',
      endedAt: new Date(NOW),
    });
  });

  it('ends at the time of the call when the answer carries no updatedAt', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    expectRequest(upstream.agent, 'PATCH', ROOM_PATH, 200, fixture('patch-room.200.json'));
    expect(await provider().endRoomSession!(ROOM_ID, { lock: true })).toMatchObject({
      status: 'ENDED',
      endedAt: new Date(NOW),
    });
  });

  it('leaves a room whose window is not open as it is: one GET, no PATCH, no session', async () => {
    for (const room of [roomAt(ROOM_ID, 1, 3), roomAt(ROOM_ID, -3, -1)]) {
      expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, room);
      expect(await provider().endRoomSession!(ROOM_ID, { lock: true })).toBeNull();
    }
    expect(upstream.calls().map((call) => call.method)).toEqual(['GET', 'GET']);
  });

  it('answers null when the room ended meanwhile (PATCH 404), and typed errors otherwise', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    expectRequest(upstream.agent, 'PATCH', ROOM_PATH, 404, fixture('get-room.404.json'));
    expect(await provider().endRoomSession!(ROOM_ID, { lock: true })).toBeNull();
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, OPEN_ROOM);
    expectRequest(upstream.agent, 'PATCH', ROOM_PATH, 500, fixture('error.500.json'));
    await expect(provider().endRoomSession!(ROOM_ID, { lock: true })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expectRequest(upstream.agent, 'GET', `/vpaas/rooms/${GONE}`, 404, fixture('get-room.404.json'));
    await expect(provider().endRoomSession!(GONE, { lock: true })).rejects.toBeInstanceOf(
      RoomNotFoundError,
    );
  });
});

describe('answers without ended (no Videsk example shows the field, videsk.md §2)', () => {
  const documented = () => fixture('get-room.200.json');
  const ended = () => page([{ ...documented(), ended: true }]);

  it('asks the documented filters whether a room that looks open has ended', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, documented());
    const asked = expectRequest(
      upstream.agent,
      'GET',
      endedFilterPath('standup-2024-08-14'),
      200,
      page([]),
    );
    expect(await provider().getActiveSessions!([ROOM_ID])).toEqual([
      liveSession(ROOM_ID, new Date('2024-08-14T15:00:00.000Z')),
    ]);
    expect(asked).toHaveLength(1);

    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, documented());
    expectRequest(upstream.agent, 'GET', endedFilterPath('standup-2024-08-14'), 200, ended());
    expect(await provider().getActiveSessions!([ROOM_ID])).toEqual([null]);
  });

  it('shows such a room ended, when it is not known, and ends nothing more', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, documented());
    expectRequest(upstream.agent, 'GET', endedFilterPath('standup-2024-08-14'), 200, ended());
    const { edges } = await provider().listSessions!(ROOM_ID, { cursor: null, limit: 5 });
    expect(edges.map((edge) => [edge.node.status, edge.node.endedAt])).toEqual([['ENDED', null]]);

    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, documented());
    expectRequest(upstream.agent, 'GET', endedFilterPath('standup-2024-08-14'), 200, ended());
    expect(await provider().endRoomSession!(ROOM_ID, { lock: true })).toBeNull();
    expect(upstream.calls().filter((call) => call.method === 'PATCH')).toEqual([]);
  });

  it('asks nothing more for a room whose window is not open', async () => {
    expectRequest(upstream.agent, 'GET', ROOM_PATH, 200, {
      ...documented(),
      exp: iso(NOW - HOUR),
    });
    const { edges } = await provider().listSessions!(ROOM_ID, { cursor: null, limit: 5 });
    expect(edges.map((edge) => edge.node.status)).toEqual(['ENDED']);
    expect(upstream.calls()).toHaveLength(1);
  });
});
