import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 32;
/** Bound into every MAC, so a cursor of another format version never opens as this one. */
const FORMAT = 'video-rooms-graphql/cursor/v1';

/**
 * The key that seals listing cursors: what a client gets back as `endCursor` or `edges.cursor`
 * is the state (base64url JSON) and an HMAC-SHA256 of it, `<state>.<mac>`. A cursor that was
 * changed in any byte, sealed with another deployment's key or for another listing, or written
 * before cursors were sealed, does not open, so a client can neither point a listing elsewhere
 * nor mark positions it never reached.
 *
 * Every instance configured alike derives the same key (`fromSecret`), so a cursor from one
 * instance resumes on any other. The bytes stay in a private field: logging the object shows
 * nothing.
 */
export class CursorKey {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /**
   * The key derived with HKDF-SHA256 from a secret: `CURSOR_SECRET`, or the configured provider
   * credentials when that is unset. HKDF cannot be run backwards, so MACs made with the result
   * reveal nothing of what it came from.
   */
  static fromSecret(secret: string): CursorKey {
    const derived = hkdfSync('sha256', secret, FORMAT, 'listing cursors', MAC_BYTES);
    return new CursorKey(Buffer.from(derived));
  }

  /** A key of this process alone, for adapters and tools built without configuration. */
  static ephemeral(): CursorKey {
    return new CursorKey(randomBytes(MAC_BYTES));
  }

  /** Seals `state` for one listing (`scope`: an account's rooms, the cross-account listing). */
  seal(scope: string, state: unknown): string {
    const payload = Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
    return `${payload}.${this.#mac(scope, payload)}`;
  }

  /** The state sealed in `cursor` for `scope`, or undefined when this key did not seal it so. */
  open(scope: string, cursor: string): unknown {
    const dot = cursor.indexOf('.');
    if (dot <= 0 || dot !== cursor.lastIndexOf('.')) {
      return undefined;
    }
    const payload = cursor.slice(0, dot);
    // Compared as text: decoding would let the unused bits of the last base64url character vary.
    const given = Buffer.from(cursor.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.#mac(scope, payload), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return undefined;
    }
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }

  #mac(scope: string, payload: string): string {
    // Newlines occur neither in base64url nor in scopes, so no two inputs read alike.
    return createHmac('sha256', this.#key)
      .update(`${FORMAT}\n${scope}\n${payload}`)
      .digest('base64url');
  }
}
