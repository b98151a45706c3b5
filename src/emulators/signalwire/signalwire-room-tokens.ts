import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const HEADER = { typ: 'VRT', alg: 'HS512' } as const;

/**
 * Signs and checks room tokens (`signalwire.md` §5.2): HS512 JWTs with the header of the spec's
 * example. SignalWire signs with its own key, which clients never hold; each emulator has a
 * secret of its own, so a token verifies only at the emulator that issued it, as a real one
 * only at SignalWire.
 */
export class RoomTokenSigner {
  readonly #key = randomBytes(64);

  sign(claims: Readonly<Record<string, unknown>>): string {
    const signingInput = `${encode(HEADER)}.${encode(claims)}`;
    return `${signingInput}.${this.#mac(signingInput).toString('base64url')}`;
  }

  /**
   * The claims of a token this signer made, byte for byte; undefined for anything else (another
   * key, another header, a changed claim, not a JWT at all).
   */
  verify(token: string): Record<string, unknown> | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) {
      return undefined;
    }
    const [header = '', claims = '', signature = ''] = parts;
    const given = Buffer.from(signature, 'base64url');
    const expected = this.#mac(`${header}.${claims}`);
    // The signature compared as bytes, and its text too: base64url's last character has spare
    // bits, so two texts can decode alike.
    if (
      given.length !== expected.length ||
      !timingSafeEqual(given, expected) ||
      given.toString('base64url') !== signature
    ) {
      return undefined;
    }
    const decodedHeader = decode(header);
    const decodedClaims = decode(claims);
    if (
      decodedHeader?.typ !== HEADER.typ ||
      decodedHeader.alg !== HEADER.alg ||
      decodedClaims === undefined
    ) {
      return undefined;
    }
    return decodedClaims;
  }

  #mac(signingInput: string): Buffer {
    return createHmac('sha512', this.#key).update(signingInput).digest();
  }
}

function encode(part: object): string {
  return Buffer.from(JSON.stringify(part)).toString('base64url');
}

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
