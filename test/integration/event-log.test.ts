import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RoomEvent, roomEventId } from '../../src/domain/room-event.js';
import { EventCursorError, type EventLog } from '../../src/events/event-log.js';
import { eventsAfter } from '../../src/events/event-stream.js';
import { MemoryEventLog } from '../../src/events/memory-event-log.js';
import { RedisEventLog } from '../../src/events/redis-event-log.js';
import { createRedisClient, waitForRedis } from '../../src/store/create-stores.js';
import { type RedisServer, startRedisServer } from '../helpers/redis-server.js';

// The same contract against the in-memory log and against Redis Streams on a real redis-server,
// each case with two handles on one log: for Redis, two logs on two connections (as two
// instances would have); in memory, the one log twice.

let server: RedisServer;
const clients: Redis[] = [];
const logs: EventLog[] = [];

async function client(): Promise<Redis> {
  const redis = createRedisClient(server.url);
  redis.on('error', () => {});
  clients.push(redis);
  await waitForRedis(redis, 5_000, server.url);
  return redis;
}

beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(logs.map((log) => log.close()));
  for (const redis of clients) {
    redis.disconnect();
  }
  await server?.stop();
});

const DAY = 86_400_000;

function event(room: string, subject: string, at = new Date()): RoomEvent {
  return {
    id: roomEventId('PARTICIPANT_JOINED', 'hms', room, subject),
    type: 'PARTICIPANT_JOINED',
    occurredAt: at,
    observedAt: at,
    source: 'POLL',
    providerKey: 'hms',
    roomNativeId: room,
    sessionNativeId: 's1',
    recordingNativeId: null,
    participant: {
      providerKey: 'hms',
      roomNativeId: room,
      sessionNativeId: 's1',
      nativeId: subject,
      identity: subject,
      displayName: null,
      role: 'PARTICIPANT',
      providerRole: 'guest',
      joinedAt: at,
      leftAt: null,
    },
  };
}

const subjects = [
  {
    name: 'MemoryEventLog',
    pair: async (retentionMs = DAY, now?: () => number): Promise<[EventLog, EventLog]> => {
      const log = new MemoryEventLog(retentionMs, now);
      logs.push(log);
      return [log, log];
    },
  },
  {
    name: 'RedisEventLog',
    pair: async (retentionMs = DAY, now?: () => number): Promise<[EventLog, EventLog]> => {
      const prefix = `vrg:test:${randomUUID()}:`;
      const pair: [EventLog, EventLog] = [
        new RedisEventLog(await client(), retentionMs, { prefix, now }),
        new RedisEventLog(await client(), retentionMs, { prefix, now }),
      ];
      logs.push(...pair);
      return pair;
    },
  },
];

async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const taken: T[] = [];
  while (taken.length < count) {
    const next = await iterator.next();
    if (next.done) {
      break;
    }
    taken.push(next.value);
  }
  return taken;
}

describe.each(subjects)('$name', (subject) => {
  it('keeps a change once, whichever handle or source appends it again', async () => {
    const [a, b] = await subject.pair();
    const first = await a.append([event('r1', 'p1'), event('r1', 'p2')]);
    const again = await b.append([event('r1', 'p1'), { ...event('r1', 'p2'), source: 'WEBHOOK' }]);
    expect(first.map((logged) => logged.participant?.nativeId)).toEqual(['p1', 'p2']);
    expect(again).toEqual([]);
    const all = await b.read(null, 10);
    expect(all.map((logged) => logged.cursor)).toEqual(first.map((logged) => logged.cursor));
    expect(all[0]?.occurredAt).toBeInstanceOf(Date);
  });

  it('reads on after a cursor, oldest first, and refuses one it did not issue', async () => {
    const [a, b] = await subject.pair();
    const appended = await a.append(['p1', 'p2', 'p3'].map((p) => event('r1', p)));
    const after = await b.read(appended[0]?.cursor ?? null, 10);
    expect(after.map((logged) => logged.participant?.nativeId)).toEqual(['p2', 'p3']);
    await expect(b.read('not-a-cursor', 10)).rejects.toBeInstanceOf(EventCursorError);
  });

  it('refuses to resume a cursor older than the retention window', async () => {
    let now = Date.now();
    const [a, b] = await subject.pair(1_000, () => now);
    const [old] = await a.append([
      event('r1', 'p1', new Date(now)),
      event('r1', 'p2', new Date(now)),
    ]);
    now += 5_000;
    await a.append([event('r1', 'p3', new Date(now))]);
    // p2, right after the cursor, has left the window: resuming would skip it unseen.
    await expect(b.read(old?.cursor ?? null, 10)).rejects.toMatchObject({ reason: 'expired' });
  });

  it('replays after a cursor, then goes live, with no gap and no duplicate while appends race', async () => {
    const [a, b] = await subject.pair();
    const early = await a.append(['p1', 'p2', 'p3'].map((p) => event('r1', p)));
    const controller = new AbortController();
    const stream = eventsAfter(b, early[0]?.cursor ?? null, controller.signal);
    // Appends keep coming while the subscriber replays.
    const late = Promise.all(
      Array.from({ length: 20 }, (_, index) => a.append([event('r2', `q${index}`)])),
    );
    const seen = await take(stream, 22);
    await late;
    controller.abort();
    const subjectsSeen = seen.map((logged) => logged.participant?.nativeId);
    expect(subjectsSeen.slice(0, 2)).toEqual(['p2', 'p3']);
    expect(new Set(subjectsSeen).size).toBe(22);
    expect(subjectsSeen.slice(2).sort()).toEqual(
      Array.from({ length: 20 }, (_, index) => `q${index}`).sort(),
    );
    // In log order: each cursor after the one before.
    for (let index = 1; index < seen.length; index++) {
      expect(b.compare(seen[index - 1]?.cursor ?? '', seen[index]?.cursor ?? '')).toBeLessThan(0);
    }
  });

  it("counts a room's changes of state: the same state keeps its number on either handle", async () => {
    const [a, b] = await subject.pair();
    expect(await a.roomGeneration('netless:r1', 'banned')).toBe(1);
    expect(await b.roomGeneration('netless:r1', 'banned')).toBe(1);
    expect(await b.roomGeneration('netless:r1', 'open')).toBe(2);
    // Back to a state it had: a change all the same.
    expect(await a.roomGeneration('netless:r1', 'banned')).toBe(3);
    expect(await a.roomGeneration('netless:r2', 'banned')).toBe(1);
    // Both handles told the same new state at once agree on its number.
    const told = await Promise.all([
      a.roomGeneration('netless:r1', 'open'),
      b.roomGeneration('netless:r1', 'open'),
    ]);
    expect(told).toEqual([4, 4]);
  });

  it('starts a subscriber without a cursor at what comes next', async () => {
    const [a, b] = await subject.pair();
    await a.append([event('r1', 'before')]);
    const controller = new AbortController();
    const stream = eventsAfter(b, null, controller.signal);
    const first = stream.next();
    // Let the subscriber settle on the log's head before the next append.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.append([event('r1', 'after')]);
    expect((await first).value?.participant?.nativeId).toBe('after');
    controller.abort();
  });
});
