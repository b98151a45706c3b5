import { setTimeout as sleep } from 'node:timers/promises';

// `npm run bench:events` changing Videsk rooms behind the service's back, at the emulator's own
// REST API, so that only polling can see them: rooms created, renamed (ROOM_UPDATED), then
// ended (`ended: true`, which the service reads as ROOM_DISABLED: Videsk ends a room for good).
// Each batch of changes waits until a subscriber has seen all of it, so every change is one
// poll's news and its detection time is its own.

export interface PolledChange {
  readonly type: 'ROOM_CREATED' | 'ROOM_UPDATED' | 'ROOM_DISABLED';
  /** The room's global id, as the service issues it. */
  readonly roomId: string;
  /** `performance.now()` just before the change was sent to the emulator. */
  readonly at: number;
  /** When the first subscriber got the event; null if none did in time. */
  detectedAt: number | null;
}

export interface VideskPollDriverOptions {
  readonly providerKey: string;
  readonly baseUrl: string;
  readonly apiToken: string;
  /**
   * Resolves with when the first subscriber got an event of this type for this room that it
   * received after `after`, or null after `timeoutMs`.
   */
  readonly detect: (
    type: PolledChange['type'],
    roomId: string,
    after: number,
    timeoutMs: number,
  ) => Promise<number | null>;
  /** How long a change may take to show before it counts as missed. */
  readonly timeoutMs: number;
}

/**
 * The emulator enforces Videsk's documented 20 requests/s per account (videsk.md), which the
 * service's polling shares: the bench's own calls keep to half of it.
 */
const GAP_MS = 100;

/** A Room's global id, as the service issues it. */
export function globalRoomId(providerKey: string, nativeId: string): string {
  return Buffer.from(`Room:${providerKey}:${nativeId}`, 'utf8').toString('base64');
}

/** `rounds` times: `rooms` rooms created, then renamed, then ended, each batch seen first. */
export async function changeVideskRooms(
  options: VideskPollDriverOptions,
  rounds: number,
  rooms: number,
  tag: string,
): Promise<PolledChange[]> {
  const changes: PolledChange[] = [];
  const call = async (method: string, path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${options.baseUrl}/vpaas/rooms${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiToken}` },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { id?: string };
    if (!response.ok || typeof json.id !== 'string') {
      throw new Error(
        `Videsk emulator ${method} ${path}: ${response.status} ${JSON.stringify(json)}`,
      );
    }
    return json.id;
  };
  const batch = async (
    type: PolledChange['type'],
    ids: readonly string[],
    change: (id: string, index: number) => Promise<string>,
  ) => {
    const made: PolledChange[] = [];
    for (const [index, id] of ids.entries()) {
      const at = performance.now();
      const nativeId = await change(id, index);
      made.push({
        type,
        roomId: globalRoomId(options.providerKey, nativeId),
        at,
        detectedAt: null,
      });
      await sleep(GAP_MS);
    }
    await Promise.all(
      made.map(async (entry) => {
        entry.detectedAt = await options.detect(type, entry.roomId, entry.at, options.timeoutMs);
      }),
    );
    changes.push(...made);
    return made;
  };
  for (let round = 0; round < rounds; round++) {
    const created: string[] = [];
    await batch('ROOM_CREATED', Array.from({ length: rooms }, String), async (_, index) => {
      const id = await call('POST', '', {
        name: `behind-${tag}-${round}-${index}`,
        externalId: `behind-${tag}-${round}-${index}`,
      });
      created.push(id);
      return id;
    });
    await batch('ROOM_UPDATED', created, (id) =>
      call('PATCH', `/${id}`, { name: `behind-${tag}-${round}-renamed` }),
    );
    await batch('ROOM_DISABLED', created, (id) => call('PATCH', `/${id}`, { ended: true }));
  }
  return changes;
}
