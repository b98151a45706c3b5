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
export async function getRoomsOneByOne(
  nativeIds: readonly string[],
  concurrency: number,
  fetchOne: (nativeId: string) => Promise<Room>,
): Promise<(Room | RoomNotFoundError | UpstreamCallLimitError)[]> {
  const batch: Batch = {
    nativeIds,
    fetchOne,
    results: new Array<Room | RoomNotFoundError | UpstreamCallLimitError>(nativeIds.length),
    next: 0,
  };
  const workers: Promise<void>[] = [];
  for (let count = Math.min(concurrency, nativeIds.length); count > 0; count--) {
    workers.push(work(batch));
  }
  await Promise.all(workers);
  return batch.results;
}

interface Batch {
  readonly nativeIds: readonly string[];
  readonly fetchOne: (nativeId: string) => Promise<Room>;
  readonly results: (Room | RoomNotFoundError | UpstreamCallLimitError)[];
  /** The next handle no worker has taken yet. */
  next: number;
}

/**
 * One worker: takes the next handle until none is left. Module-level rather than a closure per
 * batch, which tsx's esbuild (keepNames) would name with a defineProperty call each time.
 */
async function work(batch: Batch): Promise<void> {
  while (batch.next < batch.nativeIds.length) {
    const index = batch.next++;
    const nativeId = batch.nativeIds[index] as string;
    try {
      batch.results[index] = await batch.fetchOne(nativeId);
    } catch (error) {
      if (!(error instanceof RoomNotFoundError || error instanceof UpstreamCallLimitError)) {
        throw error;
      }
      batch.results[index] = error;
    }
  }
}
