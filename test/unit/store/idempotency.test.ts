import { describe, expect, it } from 'vitest';
import { IdempotencyConflictError } from '../../../src/domain/errors.js';
import { fingerprintOf } from '../../../src/store/fingerprint.js';
import { MemoryIdempotencyStore } from '../../../src/store/idempotency-store.js';
import { runIdempotent } from '../../../src/store/run-idempotent.js';

/** When a claim made now goes stale: far enough off that none does in these tests. */
const later = () => Date.now() + 60_000;

describe('fingerprintOf', () => {
  it('ignores key order and absent fields, and tells different input apart', () => {
    expect(fingerprintOf({ a: 1, b: { c: [1, 2] } })).toBe(
      fingerprintOf({ b: { c: [1, 2] }, a: 1, d: null }),
    );
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
    expect(fingerprintOf({ at: new Date('2030-01-01T00:00:00Z') })).toBe(
      fingerprintOf({ at: new Date('2030-01-01T00:00:00.000Z') }),
    );
  });
});

describe('MemoryIdempotencyStore', () => {
  it('forgets a key once its time is up', async () => {
    let now = 1_000;
    const store = new MemoryIdempotencyStore(() => now);
    expect(await store.claim('k', 'f', 100, 'owner-store', later())).toBeNull();
    await store.complete('k', 'f', 'room-1', 100);
    expect(await store.claim('k', 'f', 100, 'owner-store', later())).toEqual({
      state: 'done',
      fingerprint: 'f',
      value: 'room-1',
    });
    now += 101;
    expect(await store.get('k')).toBeNull();
    expect(await store.claim('k', 'f', 100, 'owner-store', later())).toBeNull();
  });
});

describe('runIdempotent', () => {
  const call = (fingerprint: string) => ({ key: 'k', fingerprint, ttlMs: 60_000, waitMs: 2_000 });

  it('runs the work once for concurrent callers with the same input', async () => {
    const store = new MemoryIdempotencyStore();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 60));
      return 'room-1';
    };
    const results = await Promise.all([1, 2, 3].map(() => runIdempotent(store, call('f'), work)));
    expect(results.map((result) => result.value)).toEqual(['room-1', 'room-1', 'room-1']);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(runs).toBe(1);
  });

  it('rejects other input under a key in use, without running the work', async () => {
    const store = new MemoryIdempotencyStore();
    await runIdempotent(store, call('f'), async () => 'room-1');
    let ran = false;
    await expect(
      runIdempotent(store, call('g'), async () => {
        ran = true;
        return 'room-2';
      }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    expect(ran).toBe(false);
  });

  it('releases the key when the work fails, so a later attempt runs it', async () => {
    const store = new MemoryIdempotencyStore();
    await expect(
      runIdempotent(store, call('f'), async () => Promise.reject(new Error('upstream down'))),
    ).rejects.toThrow('upstream down');
    await expect(runIdempotent(store, call('f'), async () => 'room-1')).resolves.toEqual({
      value: 'room-1',
      replayed: false,
    });
  });

  it('never hands a waiting repeat the result of other input that took the key meanwhile', async () => {
    const store = new MemoryIdempotencyStore();
    const first = runIdempotent(store, call('f'), async () => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      throw new Error('upstream down');
    });
    // A repeat of the first request waits for it...
    const repeat = runIdempotent(store, call('f'), async () => 'room-1');
    // ...which fails and frees the key, and a request with other input takes and finishes it
    // before the repeat looks again.
    const other = first.catch(() => runIdempotent(store, call('g'), async () => 'room-2'));

    await expect(other).resolves.toEqual({ value: 'room-2', replayed: false });
    await expect(repeat).rejects.toBeInstanceOf(IdempotencyConflictError);
  });
});
