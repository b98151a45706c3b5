import type { ProviderConfig } from '../../src/config.js';

// What the bench's parent and its child processes say to each other over the IPC channel.
// Types only: the parent never imports a child's entry module, nor a child the parent's.

/** Upstream requests one emulator received since the last reset, by route (ids shown as `:id`). */
export interface EmulatorCount {
  readonly total: number;
  readonly byRoute: Readonly<Record<string, number>>;
}

/** Per emulator name (`signalwire`, `netless`, `hms`, `videsk`). */
export type EmulatorCounts = Readonly<Record<string, EmulatorCount>>;

/** The first stdout line of the emulator process, as JSON. */
export interface EmulatorReady {
  readonly providers: ProviderConfig[];
  readonly emulators: { readonly name: string; readonly url: string }[];
  readonly latencyMs: number;
}

/** One room the bench seeded, as both sides address it. */
export interface SeededRoom {
  /** Our global id (`Room.id`). */
  readonly id: string;
  readonly providerKey: string;
  readonly kind: ProviderConfig['kind'];
  /** The provider's own id (`Room.providerRoomId`): what the floor puts in its paths. */
  readonly nativeId: string;
}

/** What the scenarios need, created through the service's GraphQL API before measuring. */
export interface BenchSeeds {
  /** SignalWire conferences (they carry conference tokens); `one` uses the first. */
  readonly conferences: readonly SeededRoom[];
  /** 25 rooms at each of the four providers, for `nodes` over 100 ids. */
  readonly nodes: readonly SeededRoom[];
}

/** Messages from the parent; each gets exactly one reply with the same id. */
export type ParentMessage =
  | { readonly id: number; readonly type: 'counts' }
  | { readonly id: number; readonly type: 'reset' }
  /** To the emulators: empty one emulator's store (its latency stays), e.g. `signalwire`. */
  | { readonly id: number; readonly type: 'reset-store'; readonly emulator: string }
  | {
      readonly id: number;
      readonly type: 'init-floor';
      readonly providers: ProviderConfig[];
      readonly connections: number;
    }
  | { readonly id: number; readonly type: 'seeds'; readonly seeds: BenchSeeds }
  /** To the service: a full garbage collection, then its memory figures. */
  | { readonly id: number; readonly type: 'gc' };

/** The service's memory after a full garbage collection, MB. */
export interface MemoryAfterGc {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
}

export type ChildReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** Sent once by a child when it listens for messages: IPC messages sent earlier are lost. */
export interface ChildReady {
  readonly ready: true;
}

/**
 * Answers parent messages with `handle`'s result or its error, one reply per message, and tells
 * the parent it is listening.
 */
export function serveParent(handle: (message: ParentMessage) => unknown): void {
  process.on('message', (raw: unknown) => {
    const message = raw as ParentMessage;
    Promise.resolve()
      .then(() => handle(message))
      .then(
        (result) => process.send?.({ id: message.id, ok: true, result } satisfies ChildReply),
        (error: unknown) =>
          process.send?.({
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies ChildReply),
      );
  });
  process.send?.({ ready: true } satisfies ChildReady);
}

/**
 * A child exits with its parent: when the IPC channel closes (the parent ended, however it
 * ended), `onGone` runs, so a killed bench leaves no process behind.
 */
export function exitWithParent(onGone: () => void): void {
  process.on('disconnect', onGone);
}
