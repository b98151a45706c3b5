import { randomUUID } from 'node:crypto';
import {
  IdempotencyConflictError,
  IdempotencyPendingError,
  OutcomeUnknownError,
  ProviderError,
  UnsupportedOperationError,
} from '../domain/errors.js';
import { type IdempotencyRecord, type IdempotencyStore, isInDoubt } from './idempotency-store.js';

export interface IdempotentCall {
  /** The caller's key, already scoped (client and account) so two clients never collide. */
  readonly key: string;
  /** A digest of the request's input; the same key with another input is a conflict. */
  readonly fingerprint: string;
  /** How long a result, or a doubt, is kept. */
  readonly ttlMs: number;
  /**
   * How long one request may hold the key (its operation's deadline, and a little more); a
   * duplicate waits as long for it, and a claim older than that is in doubt.
   */
  readonly waitMs: number;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
}

/**
 * Finds what an earlier create under a key made, when its outcome is unknown: its result, or
 * null when it made nothing (so the create may run). Absent, or throwing
 * `UnsupportedOperationError`, where that cannot be told: the key then stays in doubt.
 */
export type FindCreated = () => Promise<string | null>;

const POLL_MS = 25;

/**
 * Runs `create` at most once per key, and never twice in effect. A repeat with the same
 * input, sent after or alongside the first, gets the first one's result; a repeat with other
 * input gets IdempotencyConflictError. A create that failed without effect frees the key. A
 * create that was sent and got no answer leaves the key in doubt: a later request with it asks
 * `find` what happened before creating anything, or gets OutcomeUnknownError.
 */
export async function runIdempotent(
  store: IdempotencyStore,
  call: IdempotentCall,
  create: () => Promise<string>,
  find?: FindCreated,
): Promise<{ value: string; replayed: boolean }> {
  const now = call.now ?? Date.now;
  const deadline = now() + call.waitMs;
  const owner = randomUUID();
  for (;;) {
    const existing = await store.claim(
      call.key,
      call.fingerprint,
      call.ttlMs,
      owner,
      now() + call.waitMs,
    );
    if (existing === null) {
      return { value: await createAsOwner(store, call, owner, create), replayed: false };
    }
    if (existing.fingerprint !== call.fingerprint) {
      throw new IdempotencyConflictError();
    }
    if (existing.state === 'done') {
      return { value: existing.value, replayed: true };
    }
    if (isInDoubt(existing, now())) {
      if (await store.takeOver(call.key, owner, now(), now() + call.waitMs, call.ttlMs)) {
        return resolveAsOwner(store, call, owner, create, find);
      }
      // Another request took the doubt over first: wait for what it finds, like a claim.
    }
    // The first request is still at it: wait until it is not, then let the checks above decide
    // again. The key may by then hold another request's record, so nothing is taken unchecked.
    await waitWhilePending(store, call, deadline, now);
  }
}

/** Runs the create under our claim, and leaves the key as its outcome says. */
async function createAsOwner(
  store: IdempotencyStore,
  call: IdempotentCall,
  owner: string,
  create: () => Promise<string>,
): Promise<string> {
  let value: string;
  try {
    value = await create();
  } catch (error) {
    if (error instanceof ProviderError && error.outcomeUnknown) {
      await store.markInDoubt(call.key, call.fingerprint, owner, call.ttlMs);
      throw new OutcomeUnknownError(error.message, error);
    }
    await store.release(call.key, owner);
    throw error;
  }
  await store.complete(call.key, call.fingerprint, value, call.ttlMs);
  return value;
}

/** Asks what an earlier create made, under our claim of the doubt; creates only if it made none. */
async function resolveAsOwner(
  store: IdempotencyStore,
  call: IdempotentCall,
  owner: string,
  create: () => Promise<string>,
  find: FindCreated | undefined,
): Promise<{ value: string; replayed: boolean }> {
  if (!find) {
    await store.markInDoubt(call.key, call.fingerprint, owner, call.ttlMs);
    throw new OutcomeUnknownError('this provider cannot be asked whether it did');
  }
  let found: string | null;
  try {
    found = await find();
  } catch (error) {
    // Still unknown: the doubt stays for the next request.
    await store.markInDoubt(call.key, call.fingerprint, owner, call.ttlMs);
    if (error instanceof UnsupportedOperationError) {
      throw new OutcomeUnknownError('this provider cannot be asked whether it did', error);
    }
    throw error;
  }
  if (found !== null) {
    await store.complete(call.key, call.fingerprint, found, call.ttlMs);
    return { value: found, replayed: true };
  }
  return { value: await createAsOwner(store, call, owner, create), replayed: false };
}

async function waitWhilePending(
  store: IdempotencyStore,
  call: IdempotentCall,
  deadline: number,
  now: () => number,
): Promise<void> {
  for (;;) {
    if (now() >= deadline || call.signal?.aborted) {
      throw new IdempotencyPendingError();
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const record: IdempotencyRecord | null = await store.get(call.key);
    if (record?.state !== 'pending' || isInDoubt(record, now())) {
      return;
    }
  }
}
