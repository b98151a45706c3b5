import { readFileSync } from 'node:fs';
import { roomToken, sdkToken, TokenRole, taskToken } from 'netless-token';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createNetlessAuth,
  type NetlessRole,
  type NetlessTokenKind,
  netlessStringToSign,
  signNetlessToken,
} from '../../../../src/providers/netless/netless-auth.js';

interface Vector {
  name: string;
  kind: NetlessTokenKind;
  role: NetlessRole;
  lifespanMs: number;
  uuid?: string;
  stringToSign: string;
  sig: string;
  token: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../fixtures/netless/token-vectors.json', import.meta.url), 'utf8'),
) as { accessKey: string; secretKey: string; nowMs: number; nonce: string; vectors: Vector[] };

/** Decodes a token's pairs, independently of the code under test. */
function decode(token: string): Record<string, string> {
  const body = token.slice(token.indexOf('_') + 1);
  return Object.fromEntries(new URLSearchParams(Buffer.from(body, 'base64url').toString('utf8')));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('signNetlessToken', () => {
  it.each(vectors.vectors)('reproduces the fact sheet worked example $name', (vector) => {
    const token = signNetlessToken({
      kind: vector.kind,
      accessKey: vectors.accessKey,
      secretKey: vectors.secretKey,
      role: vector.role,
      uuid: vector.uuid,
      lifespanMs: vector.lifespanMs,
      nowMs: vectors.nowMs,
      nonce: vectors.nonce,
    });
    expect(token).toBe(vector.token);
    const { sig, ...signed } = decode(token);
    expect(sig).toBe(vector.sig);
    expect(netlessStringToSign(signed)).toBe(vector.stringToSign);
  });

  it('leaves expireAt out of a token with lifespan 0', () => {
    const token = signNetlessToken({
      kind: 'SDK',
      accessKey: 'myAK',
      secretKey: 'mySK',
      role: 'reader',
      lifespanMs: 0,
      nowMs: 1,
      nonce: 'n',
    });
    expect(Object.keys(decode(token))).toEqual(['ak', 'nonce', 'role', 'sig']);
  });
});

describe('tokens against the netless-token package', () => {
  // The package only signs, with a UUID v1 nonce of its own: pin the clock, sign with it, read
  // its nonce back, and sign the same inputs with ours; the bytes must match.
  const cases = [
    { kind: 'SDK', role: 'admin', lifespanMs: 3_600_000, sign: sdkToken, tag: TokenRole.Admin },
    { kind: 'ROOM', role: 'writer', lifespanMs: 60_000, sign: roomToken, tag: TokenRole.Writer },
    { kind: 'ROOM', role: 'reader', lifespanMs: 0, sign: roomToken, tag: TokenRole.Reader },
    { kind: 'TASK', role: 'admin', lifespanMs: 1_000, sign: taskToken, tag: TokenRole.Admin },
  ] as const;

  it.each(cases)('signs a $kind $role token byte for byte as the package does', (testCase) => {
    const nowMs = 1_712_345_678_901;
    vi.spyOn(Date, 'now').mockReturnValue(nowMs);
    const uuid = testCase.kind === 'SDK' ? undefined : 'd07bcaf0a17911ea9d7e23232cddf42d';
    const theirs = testCase.sign('ak-Example_01', 'sk/with+chars=', testCase.lifespanMs, {
      role: testCase.tag,
      ...(uuid ? { uuid } : {}),
    });
    const nonce = decode(theirs).nonce;
    expect(nonce).toMatch(/^[0-9a-f-]{36}$/);
    const ours = signNetlessToken({
      kind: testCase.kind,
      accessKey: 'ak-Example_01',
      secretKey: 'sk/with+chars=',
      role: testCase.role,
      uuid,
      lifespanMs: testCase.lifespanMs,
      nowMs,
      nonce: nonce ?? '',
    });
    expect(ours).toBe(theirs);
  });
});

describe('createNetlessAuth', () => {
  it('mints an admin SDK token for REST calls and reuses it until five minutes before expiry', () => {
    let now = 1_700_000_000_000;
    let nonces = 0;
    const auth = createNetlessAuth({
      accessKey: 'myAK',
      secretKey: 'mySK',
      now: () => now,
      nonce: () => `nonce-${++nonces}`,
    });
    expect(auth.tokenSource).toBe('LOCAL_SIGNER');
    const first = auth.restToken();
    expect(decode(first)).toMatchObject({ role: '0', expireAt: String(now + 3_600_000) });
    now += 54 * 60_000;
    expect(auth.restToken()).toBe(first);
    now += 2 * 60_000;
    const renewed = auth.restToken();
    expect(renewed).not.toBe(first);
    expect(decode(renewed)).toMatchObject({ nonce: 'nonce-2', expireAt: String(now + 3_600_000) });
  });

  it('mints room tokens locally with the role, room and expiry asked for', () => {
    const auth = createNetlessAuth({ accessKey: 'myAK', secretKey: 'mySK', now: () => 5_000 });
    if (auth.tokenSource !== 'LOCAL_SIGNER') {
      throw new Error('expected the local signer');
    }
    const minted = auth.mintRoomToken('room1', 'reader', 10_000);
    expect(minted.token.startsWith('NETLESSROOM_')).toBe(true);
    expect(decode(minted.token)).toMatchObject({ role: '2', uuid: 'room1', expireAt: '15000' });
    expect(minted.issuedAt).toEqual(new Date(5_000));
    expect(minted.expiresAt).toEqual(new Date(15_000));
  });

  it('sends the configured SDK token as is without an access key pair', () => {
    const auth = createNetlessAuth({ sdkToken: 'NETLESSSDK_abc', now: Date.now });
    expect(auth.tokenSource).toBe('PROVIDER_API');
    expect(auth.restToken()).toBe('NETLESSSDK_abc');
  });

  it('prefers the access key pair when an SDK token is also configured', () => {
    const auth = createNetlessAuth({
      sdkToken: 'NETLESSSDK_abc',
      accessKey: 'myAK',
      secretKey: 'mySK',
      now: Date.now,
    });
    expect(auth.tokenSource).toBe('LOCAL_SIGNER');
    expect(auth.restToken()).not.toBe('NETLESSSDK_abc');
  });

  it.each([
    [{}, /configure sdkToken, or accessKey and secretKey/],
    [{ accessKey: 'myAK' }, /accessKey and secretKey must be given together/],
    [{ secretKey: 'mySK', sdkToken: 'NETLESSSDK_abc' }, /must be given together/],
    [{ sdkToken: 'NETLESSROOM_abc' }, /sdkToken must be an SDK token/],
  ])('refuses credentials %j that cannot work', (credentials, message) => {
    expect(() => createNetlessAuth({ ...credentials, now: Date.now })).toThrow(message);
  });

  it('never echoes a misplaced token in its error', () => {
    expect(() => createNetlessAuth({ sdkToken: 'NETLESSROOM_secret', now: Date.now })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret') }),
    );
  });
});
