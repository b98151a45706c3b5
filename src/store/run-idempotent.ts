import { randomUUID } from 'node:crypto';
import { IdempotencyConflictError, IdempotencyPendingError } from '../domain/errors.js';
import type { IdempotencyStore } from './idempotency-store.js';

export interface IdempotentCall {
  /** The caller's key, already scoped (client and account) so two clients never collide. */
  readonly key: string;
  /** A digest of the request's input; the same key with another input is a conflict. */
  readonly fingerprint: string;
  /** How long a finished result is replayed. */
  readonly ttlMs: number;
  /** How long a duplicate waits for the first request to finish. */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
}

const POLL_MS = 25;

/**
 * Runs `create` at most once per key. A repeat with the same input, sent after or alongside the
 * first, gets the first one's result; a repeat with other input gets IdempotencyConflictError.
 * If the first attempt fails, its claim is released so the request can be tried again.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  call: IdempotentCall,
  create: () => Promise<string>,
): Promise<{ value: string; replayed: boolean }> {
  const deadline = Date.now() + call.waitMs;
  const owner = randomUUID();
  for (;;) {
    // A claim lives only as long as its request may take: one whose request died frees its key
    // then, rather than blocking it for the whole replay period.
    const existing = await store.claim(call.key, call.fingerprint, call.waitMs, owner);
    if (existing === null) {
      try {
        const value = await create();
        await store.complete(call.key, call.fingerprint, value, call.ttlMs);
        return { value, replayed: false };
      } catch (error) {
        await store.release(call.key, owner);
        throw error;
      }
    }
    if (existing.fingerprint !== call.fingerprint) {
      throw new IdempotencyConflictError();
    }
    if (existing.state === 'done') {
      return { value: existing.value, replayed: true };
    }
    // The first request is still creating: wait until it is not, then let the checks above
    // decide again. The key may by then hold another request's record (the first one failed
    // and freed it), so a result is never taken from here unchecked.
    for (;;) {
      if (Date.now() >= deadline || call.signal?.aborted) {
        throw new IdempotencyPendingError();
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const record = await store.get(call.key);
      if (record?.state !== 'pending') {
        break;
      }
    }
  }
}
