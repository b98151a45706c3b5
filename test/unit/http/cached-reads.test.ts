import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CachedReads } from '../../../src/http/cached-reads.js';
import { MemoryReadCache, type ReadCache } from '../../../src/http/read-cache.js';
import type { UpstreamCall } from '../../../src/http/upstream-call.js';

const room = z.object({ id: z.string(), name: z.string() });

const getRoom: UpstreamCall<z.infer<typeof room>> = {
  method: 'GET',
  path: '/rooms/r1',
  schema: room,
  operation: 'getRoom',
};

/** A shared store (Redis in the service): what it holds may come from another version. */
class SharedStore implements ReadCache {
  readonly inProcess = false;
  constructor(private readonly held: unknown) {}
  async get(): Promise<unknown> {
    return this.held;
  }
  async set(): Promise<void> {}
  async invalidate(): Promise<void> {}
}

function reads(store: ReadCache) {
  return new CachedReads('acct', { store, ttlMs: 1_000, credentialDigest: 'd' });
}

describe('CachedReads', () => {
  it('serves a repeated read from what this process kept, with no upstream call', async () => {
    const cached = reads(new MemoryReadCache());
    let calls = 0;
    const upstream = async () => {
      calls++;
      return { id: 'r1', name: 'standup' };
    };

    await cached.read(getRoom, upstream);
    const again = await cached.read(getRoom, upstream);

    expect(again).toEqual({ id: 'r1', name: 'standup' });
    expect(calls).toBe(1);
  });

  it('goes upstream when a shared entry does not pass the call schema', async () => {
    const cached = reads(new SharedStore({ id: 'r1', title: 'from another version' }));
    let calls = 0;

    const answer = await cached.read(getRoom, async () => {
      calls++;
      return { id: 'r1', name: 'standup' };
    });

    expect(answer).toEqual({ id: 'r1', name: 'standup' });
    expect(calls).toBe(1);
  });

  it('serves a shared entry that passes the call schema', async () => {
    const cached = reads(new SharedStore({ id: 'r1', name: 'standup' }));

    const answer = await cached.read(getRoom, async () => {
      throw new Error('no upstream call expected');
    });

    expect(answer).toEqual({ id: 'r1', name: 'standup' });
  });
});
