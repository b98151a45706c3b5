import { randomBytes } from 'node:crypto';

/** A room as the v5 API shows it (agora-whiteboard.md §2.1); `name` is omitted (§2.1 PROPOSAL). */
export interface NetlessEmulatedRoom {
  uuid: string;
  teamUUID: string;
  appUUID: string;
  isRecord: boolean;
  isBan: boolean;
  createdAt: string;
  limit: number;
}

export interface NetlessStoreOptions {
  /** Epoch milliseconds; drives `createdAt` and the uuid's timestamp. */
  readonly now: () => number;
  readonly teamUUID: string;
  readonly appUUID: string;
}

/** Milliseconds between the UUID epoch (1582-10-15) and the Unix epoch. */
const GREGORIAN_OFFSET_MS = 12_219_292_800_000n;

/**
 * The emulator's rooms, kept per region: data centres are separate, so a room made through one
 * `region` header is not found through another (§8.3 PROPOSAL).
 */
export class NetlessStore {
  readonly #options: NetlessStoreOptions;
  #rooms = new Map<string, NetlessEmulatedRoom[]>();
  #lastMs = -1;
  #sequence = 0;
  readonly #clockSeq = randomBytes(2).readUInt16BE(0) & 0x3fff;
  readonly #node = randomBytes(6);

  constructor(options: NetlessStoreOptions) {
    this.#options = options;
    // A random node id must set the multicast bit (RFC 4122 §4.5).
    this.#node[0] = (this.#node[0] ?? 0) | 0x01;
  }

  create(region: string, fields: { isRecord: boolean; limit: number }): NetlessEmulatedRoom {
    const nowMs = this.#options.now();
    const room: NetlessEmulatedRoom = {
      uuid: this.#uuidV1(nowMs),
      teamUUID: this.#options.teamUUID,
      appUUID: this.#options.appUUID,
      isRecord: fields.isRecord,
      isBan: false,
      createdAt: new Date(nowMs).toISOString(),
      limit: fields.limit,
    };
    const list = this.#rooms.get(region) ?? [];
    list.push(room);
    this.#rooms.set(region, list);
    return { ...room };
  }

  get(region: string, uuid: string): NetlessEmulatedRoom | null {
    const room = this.#find(region, uuid);
    return room ? { ...room } : null;
  }

  /** Rooms of a region by creation time, uuid breaking ties (§2.4 PROPOSAL). */
  list(region: string): NetlessEmulatedRoom[] {
    return [...(this.#rooms.get(region) ?? [])]
      .sort((a, b) =>
        a.createdAt === b.createdAt ? compare(a.uuid, b.uuid) : compare(a.createdAt, b.createdAt),
      )
      .map((room) => ({ ...room }));
  }

  setBan(region: string, uuid: string, isBan: boolean): NetlessEmulatedRoom | null {
    const room = this.#find(region, uuid);
    if (!room) {
      return null;
    }
    room.isBan = isBan;
    return { ...room };
  }

  /** Number of rooms across all regions. */
  count(): number {
    let total = 0;
    for (const list of this.#rooms.values()) {
      total += list.length;
    }
    return total;
  }

  reset(): void {
    this.#rooms.clear();
  }

  #find(region: string, uuid: string): NetlessEmulatedRoom | undefined {
    return this.#rooms.get(region)?.find((room) => room.uuid === uuid);
  }

  /** A version-1 (time-based) UUID without dashes, as real room uuids are (§1). */
  #uuidV1(nowMs: number): string {
    this.#sequence = nowMs === this.#lastMs ? this.#sequence + 1 : 0;
    this.#lastMs = nowMs;
    const ticks = (BigInt(nowMs) + GREGORIAN_OFFSET_MS) * 10_000n + BigInt(this.#sequence % 10_000);
    const timeLow = ticks & 0xffffffffn;
    const timeMid = (ticks >> 32n) & 0xffffn;
    const timeHigh = ((ticks >> 48n) & 0x0fffn) | 0x1000n;
    const clockSeq = (this.#clockSeq + Math.floor(this.#sequence / 10_000)) & 0x3fff;
    return (
      timeLow.toString(16).padStart(8, '0') +
      timeMid.toString(16).padStart(4, '0') +
      timeHigh.toString(16).padStart(4, '0') +
      (clockSeq | 0x8000).toString(16).padStart(4, '0') +
      this.#node.toString('hex')
    );
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
