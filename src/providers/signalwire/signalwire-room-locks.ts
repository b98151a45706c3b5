/**
 * Runs the writes of one room one after another, in the order they arrive; other rooms' writes
 * run alongside. Some writes read the room first and send part of it back (a conference's PUT
 * must carry `display_name`, `signalwire.md` §3.3; a disable looks at `join_from`): without
 * this, an `updateRoom` landing between that read and that PUT would be undone. Holds within one
 * process only; SignalWire offers no conditional PUT that would make it hold across instances.
 */
export class RoomWriteLocks {
  /** The end of each busy room's queue; a room's entry goes once its queue is empty. */
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(roomId: string, write: () => Promise<T>): Promise<T> {
    const before = this.#tails.get(roomId) ?? Promise.resolve();
    const result = before.then(write);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(roomId, tail);
    void tail.then(() => {
      if (this.#tails.get(roomId) === tail) {
        this.#tails.delete(roomId);
      }
    });
    return result;
  }

  /** Rooms with a write running or queued (for tests: the map must not grow without bound). */
  get busy(): number {
    return this.#tails.size;
  }
}
