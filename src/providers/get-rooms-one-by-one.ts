import { RoomNotFoundError, UpstreamCallLimitError } from '../domain/errors.js';
import type { Room } from '../domain/room.js';

/**
 * Single GETs a batch keeps in flight when the account sets no cap of its own: the account's
 * upstream client queues anything past its `maxInFlight` anyway, so a batch never needs a
 * smaller limit of its own.
 */
export const DEFAULT_MAX_IN_FLIGHT = 8;

/**
 * `getRooms` for providers without a batch endpoint: one GET per handle, at most `concurrency`
 * in flight, answers in input order. A missing room, or one past the operation's allowance of
 * upstream calls, is its own entry; any other failure fails the whole batch, as the contract says.
 */
export function getRoomsOneByOne(
  nativeIds: readonly string[],
  concurrency: number,
  fetchOne: (nativeId: string) => Promise<Room>,
): Promise<(Room | RoomNotFoundError | UpstreamCallLimitError)[]> {
  return oneByOne(nativeIds, concurrency, fetchOne, isRoomEntryError);
}

/**
 * Any other per-room answer of a batch (a room's live session) asked one call per handle, at
 * most `concurrency` in flight, in input order: a handle past the operation's allowance of
 * upstream calls is its own entry; any other failure fails the whole batch.
 */
export function askOneByOne<R>(
  nativeIds: readonly string[],
  concurrency: number,
  fetchOne: (nativeId: string) => Promise<R>,
): Promise<(R | UpstreamCallLimitError)[]> {
  return oneByOne(nativeIds, concurrency, fetchOne, isOverAllowance);
}

function isRoomEntryError(error: unknown): error is RoomNotFoundError | UpstreamCallLimitError {
  return error instanceof RoomNotFoundError || error instanceof UpstreamCallLimitError;
}

function isOverAllowance(error: unknown): error is UpstreamCallLimitError {
  return error instanceof UpstreamCallLimitError;
}

async function oneByOne<R, E extends Error>(
  nativeIds: readonly string[],
  concurrency: number,
  fetchOne: (nativeId: string) => Promise<R>,
  isEntry: (error: unknown) => error is E,
): Promise<(R | E)[]> {
  const batch: Batch<R, E> = {
    nativeIds,
    fetchOne,
    isEntry,
    results: new Array<R | E>(nativeIds.length),
    next: 0,
  };
  const workers: Promise<void>[] = [];
  for (let count = Math.min(concurrency, nativeIds.length); count > 0; count--) {
    workers.push(work(batch));
  }
  await Promise.all(workers);
  return batch.results;
}

interface Batch<R, E> {
  readonly nativeIds: readonly string[];
  readonly fetchOne: (nativeId: string) => Promise<R>;
  /** The failures that are one handle's entry rather than the whole batch's. */
  readonly isEntry: (error: unknown) => error is E;
  readonly results: (R | E)[];
  /** The next handle no worker has taken yet. */
  next: number;
}

/**
 * One worker: takes the next handle until none is left. Module-level rather than a closure per
 * batch, which tsx's esbuild (keepNames) would name with a defineProperty call each time.
 */
async function work<R, E>(batch: Batch<R, E>): Promise<void> {
  while (batch.next < batch.nativeIds.length) {
    const index = batch.next++;
    const nativeId = batch.nativeIds[index] as string;
    try {
      batch.results[index] = await batch.fetchOne(nativeId);
    } catch (error) {
      if (!batch.isEntry(error)) {
        throw error;
      }
      batch.results[index] = error;
    }
  }
}
