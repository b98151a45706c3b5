import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * The Videsk emulator's state: rooms per account and the access-token signer. Written from
 * `../shared/providers/videsk.md` §2, §4 and §5; shares nothing with `src/providers/videsk/`.
 */

export interface StoredAuthorization {
  readonly ip: string;
  readonly jti: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

export interface StoredRoom {
  readonly id: string;
  readonly account: string;
  readonly externalId: string;
  name: string;
  /** Epoch milliseconds. */
  exp: number;
  nbf: number;
  ended: boolean;
  readonly createdAt: number;
  updatedAt: number;
  /** The create body's `settings` object (§3.2), echoed back as given. */
  readonly settings: Readonly<Record<string, unknown>> | null;
  readonly authorizations: StoredAuthorization[];
}

/**
 * One client connected to a room with an access token (`POST /__emulator/join`): what Videsk's
 * media plane knows and its REST API does not show (videsk-room-life.md §2: no participant
 * endpoint). Present while `leftAt` is null and the room's window is open.
 */
export interface StoredPresence {
  /** What the join answers as `participantId` and the leave takes. */
  readonly id: string;
  readonly roomId: string;
  /** The `jti` of the token it joined with. */
  readonly jti: string;
  readonly name: string | null;
  readonly ip: string;
  /** Epoch milliseconds. */
  readonly joinedAt: number;
  leftAt: number | null;
}

export type NewRoom = Pick<StoredRoom, 'account' | 'name' | 'exp' | 'nbf' | 'settings'> & {
  /** Defaults to the new room's id (§3.2 PROPOSAL). */
  readonly externalId?: string;
};

/** The outcome of checking an access token the way the Videsk browser SDK does (§4). */
export type AccessTokenCheck =
  | { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> }
  | {
      readonly ok: false;
      readonly message: 'jwt malformed' | 'invalid signature' | 'jwt expired' | 'jwt not active';
    };

export interface VideskStore {
  create(room: NewRoom): StoredRoom;
  /** By id first, then by externalId, within one account (§3.3 PROPOSAL). */
  find(account: string, roomId: string): StoredRoom | undefined;
  findByExternalId(account: string, externalId: string): StoredRoom | undefined;
  /** By id alone, whatever the account: the room an access token names. */
  findById(roomId: string): StoredRoom | undefined;
  /** The account's rooms in creation order. */
  list(account: string): StoredRoom[];
  /** Signs a new access token for the room and records the grant in `authorizations` (§5). */
  issueAccessToken(room: StoredRoom, ip: string): string;
  verifyAccessToken(token: string): AccessTokenCheck;
  /** A client connects with a token of the room's: a presence, and an authorized access (§5). */
  connect(
    room: StoredRoom,
    access: { jti: string; name: string | null; ip: string },
  ): StoredPresence;
  findPresence(id: string): StoredPresence | undefined;
  /**
   * Who is in the room now. Videsk expels users at `exp` by itself (videsk-room-life.md §1), so
   * a presence past the room's `exp` has left then.
   */
  presentIn(room: StoredRoom): StoredPresence[];
  /** Everyone still in leaves at `at`: the room ended (videsk-room-life.md §1 PROPOSAL). */
  disconnectAll(room: StoredRoom, at: number): void;
  reset(): void;
}

export function createVideskStore(options: { now: () => number; secret: string }): VideskStore {
  const rooms = new Map<string, StoredRoom>();
  const presences = new Map<string, StoredPresence>();
  let counter = randomBytes(3).readUIntBE(0, 3);

  /** A Mongo-style ObjectId: 4 bytes of seconds, 5 random bytes, a 3-byte counter (§1). */
  function objectId(): string {
    counter = (counter + 1) % 0xffffff;
    const seconds = Math.floor(options.now() / 1000)
      .toString(16)
      .padStart(8, '0');
    return `${seconds}${randomBytes(5).toString('hex')}${counter.toString(16).padStart(6, '0')}`;
  }

  function sign(input: string): Buffer {
    return createHmac('sha256', options.secret).update(input).digest();
  }

  /**
   * When Videsk writes an `authorizations` entry is UNCONFIRMED (videsk.md §5): the schema calls
   * them "authorized access attempts", and `/join` answers "Successfully joined room" when it
   * issues a token. The emulator writes one at both moments it can observe: each token issued
   * (create, `/join`, PATCH `generateToken`, the sheet's PROPOSAL) and each client that connects
   * with one (`POST /__emulator/join`), with the address of whoever made the request.
   */
  function recordAuthorization(room: StoredRoom, ip: string, jti: string, at: number): void {
    room.authorizations.push({ ip, jti, createdAt: at });
  }

  function leave(presence: StoredPresence, at: number): void {
    presence.leftAt ??= at;
  }

  return {
    create(room) {
      const id = objectId();
      const at = options.now();
      const stored: StoredRoom = {
        ...room,
        id,
        externalId: room.externalId ?? id,
        ended: false,
        createdAt: at,
        updatedAt: at,
        authorizations: [],
      };
      rooms.set(id, stored);
      return stored;
    },

    find(account, roomId) {
      const byId = rooms.get(roomId);
      if (byId && byId.account === account) {
        return byId;
      }
      return this.findByExternalId(account, roomId);
    },

    findByExternalId(account, externalId) {
      for (const room of rooms.values()) {
        if (room.account === account && room.externalId === externalId) {
          return room;
        }
      }
      return undefined;
    },

    list(account) {
      return [...rooms.values()].filter((room) => room.account === account);
    },

    issueAccessToken(room, ip) {
      const at = options.now();
      const jti = randomUUID();
      // §4 PROPOSAL: HS256 with an emulator-only secret; the room's window becomes nbf/exp.
      const header = { alg: 'HS256', typ: 'JWT' };
      const claims = {
        sub: room.id,
        room: room.id,
        externalId: room.externalId,
        jti,
        iat: Math.floor(at / 1000),
        nbf: Math.floor(room.nbf / 1000),
        exp: Math.floor(room.exp / 1000),
      };
      const unsigned = `${base64url(header)}.${base64url(claims)}`;
      recordAuthorization(room, ip, jti, at);
      return `${unsigned}.${sign(unsigned).toString('base64url')}`;
    },

    verifyAccessToken(token) {
      const parts = token.split('.');
      if (parts.length !== 3) {
        return { ok: false, message: 'jwt malformed' };
      }
      const [header = '', payload = '', signature = ''] = parts;
      const claims = decodeJson(payload);
      const head = decodeJson(header);
      if (!claims || !head || head.alg !== 'HS256') {
        return { ok: false, message: 'jwt malformed' };
      }
      const expected = sign(`${header}.${payload}`);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, message: 'invalid signature' };
      }
      // The `jsonwebtoken` rules whose messages the SDK shows (§4): expired at exp, early before nbf.
      const nowSeconds = Math.floor(options.now() / 1000);
      if (typeof claims.exp === 'number' && nowSeconds >= claims.exp) {
        return { ok: false, message: 'jwt expired' };
      }
      if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds) {
        return { ok: false, message: 'jwt not active' };
      }
      return { ok: true, claims };
    },

    findById(roomId) {
      return rooms.get(roomId);
    },

    connect(room, access) {
      const at = options.now();
      const presence: StoredPresence = {
        id: randomUUID(),
        roomId: room.id,
        ...access,
        joinedAt: at,
        leftAt: null,
      };
      presences.set(presence.id, presence);
      recordAuthorization(room, access.ip, access.jti, at);
      return presence;
    },

    findPresence(id) {
      const presence = presences.get(id);
      const room = presence && rooms.get(presence.roomId);
      if (presence && room && room.exp <= options.now()) {
        leave(presence, room.exp);
      }
      return presence;
    },

    presentIn(room) {
      const at = options.now();
      const present: StoredPresence[] = [];
      for (const presence of presences.values()) {
        if (presence.roomId !== room.id) {
          continue;
        }
        if (room.exp <= at) {
          leave(presence, room.exp);
        }
        if (presence.leftAt === null) {
          present.push(presence);
        }
      }
      return present;
    },

    disconnectAll(room, at) {
      for (const presence of this.presentIn(room)) {
        leave(presence, at);
      }
    },

    reset() {
      rooms.clear();
      presences.clear();
    },
  };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodeJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
