import { describe, expect, it } from 'vitest';
import { MemoryRateLimitStore } from '../../../src/server/rate-limit-store.js';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('MemoryRateLimitStore', () => {
  it('counts hits per key within a window and says when the window ends', async () => {
    const time = clock();
    const store = new MemoryRateLimitStore({ now: time.now });
    expect(await store.hit('a', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
    time.advance(10_000);
    expect(await store.hit('a', 60_000)).toEqual({ count: 2, resetMs: 50_000 });
    expect(await store.hit('b', 60_000)).toEqual({ count: 1, resetMs: 60_000 });
  });

  it('starts a new window from zero once the old one has ended', async () => {
    const time = clock();
    const store = new MemoryRateLimitStore({ now: time.now });
    await store.hit('a', 1_000);
    await store.hit('a', 1_000);
    time.advance(1_000);
    expect(await store.hit('a', 1_000)).toEqual({ count: 1, resetMs: 1_000 });
  });

  it('forgets keys whose window has ended, so memory follows the clients of one window', async () => {
    const time = clock();
    const store = new MemoryRateLimitStore({ now: time.now });
    for (let index = 0; index < 1_000; index++) {
      await store.hit(`address:${index}`, 1_000);
    }
    expect(store.size).toBe(1_000);
    time.advance(1_000);
    await store.hit('address:new', 1_000);
    expect(store.size).toBe(1);
  });

  it('keeps expired keys apart from live ones when pruning', async () => {
    const time = clock();
    const store = new MemoryRateLimitStore({ now: time.now });
    await store.hit('early', 1_000);
    time.advance(500);
    await store.hit('late', 1_000);
    time.advance(500);
    await store.hit('late', 1_000);
    expect(store.size).toBe(1);
    expect(await store.hit('late', 1_000)).toEqual({ count: 3, resetMs: 500 });
  });

  it('holds at most maxKeys keys, dropping the oldest window first', async () => {
    const time = clock();
    const store = new MemoryRateLimitStore({ now: time.now, maxKeys: 3 });
    for (const key of ['a', 'b', 'c', 'd']) {
      await store.hit(key, 60_000);
      time.advance(1);
    }
    expect(store.size).toBe(3);
    // 'a' was dropped, so it starts again; 'd' kept its count.
    expect((await store.hit('a', 60_000)).count).toBe(1);
    expect((await store.hit('d', 60_000)).count).toBe(2);
  });
});
