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
  /** How long after a session of an `isRecord` room ends its replay data is ready, in ms. */
  readonly recordingDelayMs: number;
}

/**
 * One user in a room, as the client SDK's `RoomMember` has it (agora-whiteboard-room-life.md
 * §2): only writable connections count, so `role` is admin (`0`) or writer (`1`).
 */
export interface NetlessMember {
  /** The emulator's handle for this presence (`POST /__emulator/leave` takes it). */
  readonly participantId: string;
  /** The whiteboard user id, "incrementing from 0" within the room (§2, W4). */
  readonly memberId: number;
  /** The nickname the client passed at join (the SDK's `information` / `payload`). */
  readonly name: string | null;
  readonly role: '0' | '1';
  /** Epoch milliseconds. */
  readonly joinedAt: number;
}

/**
 * The replay data an `isRecord` room keeps of one stretch of use (§3): a time range the client
 * SDK can replay, with no id, file or REST listing. Epoch milliseconds.
 */
export interface NetlessReplay {
  readonly beginTimestamp: number;
  readonly duration: number;
  readonly readyAt: number;
}

/** Who is in a room now, and what its past use left (the server's internal active state, §1). */
interface RoomPresence {
  nextMemberId: number;
  session: { startedAt: number; members: NetlessMember[] } | null;
  replays: NetlessReplay[];
}

/** Why a join was refused by the room itself (the token was good). */
export type JoinRefusal = 'NOT_FOUND' | 'BANNED' | 'FULL';

/** Milliseconds between the UUID epoch (1582-10-15) and the Unix epoch. */
const GREGORIAN_OFFSET_MS = 12_219_292_800_000n;

/**
 * The emulator's rooms, kept per region: data centres are separate, so a room made through one
 * `region` header is not found through another (§8.3 PROPOSAL).
 */
export class NetlessStore {
  readonly #options: NetlessStoreOptions;
  #rooms = new Map<string, NetlessEmulatedRoom[]>();
  /** By `region` + uuid; absent until someone first joins. */
  #presence = new Map<string, RoomPresence>();
  /** The room of every member now in one, by participant id. */
  #members = new Map<string, { region: string; uuid: string }>();
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

  /** A ban removes everyone in the room and ends its session (§2.5; room-life §1). */
  setBan(region: string, uuid: string, isBan: boolean): NetlessEmulatedRoom | null {
    const room = this.#find(region, uuid);
    if (!room) {
      return null;
    }
    room.isBan = isBan;
    const presence = this.#presence.get(roomKey(region, uuid));
    if (isBan && presence?.session) {
      for (const member of presence.session.members) {
        this.#members.delete(member.participantId);
      }
      this.#endSession(room, presence);
    }
    return { ...room };
  }

  /**
   * One writable client joins: the first join starts the room's session. Refused when the room
   * is unknown in that region, banned (§2.5: a ban "stops anyone from joining"), or holds its
   * `limit` of writer and admin users already (§2.1).
   */
  join(
    region: string,
    uuid: string,
    fields: { name: string | null; role: '0' | '1' },
  ): NetlessMember | JoinRefusal {
    const room = this.#find(region, uuid);
    if (!room) {
      return 'NOT_FOUND';
    }
    if (room.isBan) {
      return 'BANNED';
    }
    const key = roomKey(region, uuid);
    const presence = this.#presence.get(key) ?? { nextMemberId: 0, session: null, replays: [] };
    this.#presence.set(key, presence);
    if (room.limit > 0 && (presence.session?.members.length ?? 0) >= room.limit) {
      return 'FULL';
    }
    const nowMs = this.#options.now();
    presence.session ??= { startedAt: nowMs, members: [] };
    const memberId = presence.nextMemberId++;
    const member: NetlessMember = {
      participantId: `${uuid}.${memberId}`,
      memberId,
      name: fields.name,
      role: fields.role,
      joinedAt: nowMs,
    };
    presence.session.members.push(member);
    this.#members.set(member.participantId, { region, uuid });
    return member;
  }

  /** One client leaves; the last to leave ends the session. False when no such member is in. */
  leave(participantId: string): boolean {
    const place = this.#members.get(participantId);
    const room = place && this.#find(place.region, place.uuid);
    const presence = place && this.#presence.get(roomKey(place.region, place.uuid));
    if (!room || !presence?.session) {
      return false;
    }
    this.#members.delete(participantId);
    presence.session.members = presence.session.members.filter(
      (member) => member.participantId !== participantId,
    );
    if (presence.session.members.length === 0) {
      this.#endSession(room, presence);
    }
    return true;
  }

  /**
   * What the API cannot show: every room with who is in it and the replays it keeps, for tests
   * and the sandbox (through `GET /__emulator/rooms`).
   */
  presence(): {
    region: string;
    uuid: string;
    isBan: boolean;
    isRecord: boolean;
    session: { startedAt: number; members: NetlessMember[] } | null;
    replays: (NetlessReplay & { ready: boolean })[];
  }[] {
    const nowMs = this.#options.now();
    return [...this.#rooms.entries()].flatMap(([region, rooms]) =>
      rooms.map((room) => {
        const presence = this.#presence.get(roomKey(region, room.uuid));
        return {
          region,
          uuid: room.uuid,
          isBan: room.isBan,
          isRecord: room.isRecord,
          session: presence?.session
            ? { startedAt: presence.session.startedAt, members: [...presence.session.members] }
            : null,
          replays: (presence?.replays ?? []).map((replay) => ({
            ...replay,
            ready: nowMs >= replay.readyAt,
          })),
        };
      }),
    );
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
    this.#presence.clear();
    this.#members.clear();
  }

  #find(region: string, uuid: string): NetlessEmulatedRoom | undefined {
    return this.#rooms.get(region)?.find((room) => room.uuid === uuid);
  }

  /**
   * The room becomes inactive. An `isRecord` room recorded it while active, and its replay data
   * is ready a little later (room-life §3: recording "stops automatically when the room becomes
   * inactive"; how long processing takes is not documented, so it is an emulator option).
   */
  #endSession(room: NetlessEmulatedRoom, presence: RoomPresence): void {
    const session = presence.session;
    if (!session) {
      return;
    }
    presence.session = null;
    if (room.isRecord) {
      const nowMs = this.#options.now();
      presence.replays.push({
        beginTimestamp: session.startedAt,
        duration: nowMs - session.startedAt,
        readyAt: nowMs + this.#options.recordingDelayMs,
      });
    }
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

function roomKey(region: string, uuid: string): string {
  return `${region}\u0000${uuid}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
