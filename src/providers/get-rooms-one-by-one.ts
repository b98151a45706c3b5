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
  const results = new Array<Room | RoomNotFoundError | UpstreamCallLimitError>(nativeIds.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < nativeIds.length) {
      const index = next++;
      const nativeId = nativeIds[index] as string;
      try {
        results[index] = await fetchOne(nativeId);
      } catch (error) {
        if (!(error instanceof RoomNotFoundError || error instanceof UpstreamCallLimitError)) {
          throw error;
        }
        results[index] = error;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, nativeIds.length) }, worker));
  return results;
}
