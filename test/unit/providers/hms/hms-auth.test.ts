import { createHmac } from 'node:crypto';
import HMS from '@100mslive/server-sdk';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createManagementTokenSource,
  signAppToken,
} from '../../../../src/providers/hms/hms-auth.js';
import { ACCESS_KEY, NOW, ROOM_ID, SECRET } from './hms-test-kit.js';

const credentials = { appAccessKey: ACCESS_KEY, appSecret: SECRET };
const NOW_S = NOW / 1000;

function officialSdk() {
  const sdk = new HMS.SDK(ACCESS_KEY, SECRET);
  sdk.setLogLevel('silent');
  return sdk;
}

/** HS256 over `header.payload` with the secret as raw UTF-8 bytes (hms.md §2.1), by hand. */
function hasValidHs256Signature(token: string, secret: string): boolean {
  const [header, payload, signature] = token.split('.');
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  return signature === expected;
}

describe('management token (hms.md §2.2)', () => {
  it('carries exactly the documented claims, back-dated 10 s like the official SDK', async () => {
    const source = createManagementTokenSource(credentials, () => NOW);
    const token = await source.token();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      currentDate: new Date(NOW),
    });
    expect(payload).toEqual({
      access_key: ACCESS_KEY,
      type: 'management',
      version: 2,
      iat: NOW_S - 10,
      nbf: NOW_S - 10,
      exp: NOW_S - 10 + 3600,
      jti: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
    });
    expect(payload).not.toHaveProperty('room_id');
    expect(payload).not.toHaveProperty('role');
    expect(payload).not.toHaveProperty('user_id');
  });

  it('is signed with the secret as raw UTF-8, not base64-decoded', async () => {
    const secret = 'c2VjcmV0LWxvb2tzLWxpa2UtYmFzZTY0'; // valid base64, used as text anyway
    const source = createManagementTokenSource(
      { appAccessKey: ACCESS_KEY, appSecret: secret },
      () => NOW,
    );
    const token = await source.token();
    expect(hasValidHs256Signature(token, secret)).toBe(true);
    expect(hasValidHs256Signature(token, Buffer.from(secret, 'base64').toString('latin1'))).toBe(
      false,
    );
  });

  it('has the same claim names as one minted by the official @100mslive/server-sdk', async () => {
    const sdk = officialSdk();
    const theirs = decodeJwt((await sdk.auth.getManagementToken()).token);
    const ours = decodeJwt(await createManagementTokenSource(credentials, Date.now).token());
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(ours.type).toBe(theirs.type);
    expect(ours.version).toBe(theirs.version);
  });

  it('is cached, shared by concurrent callers, and dropped only when the stale one is named', async () => {
    let now = NOW;
    const source = createManagementTokenSource(credentials, () => now);
    const [a, b] = await Promise.all([source.token(), source.token()]);
    expect(a).toBe(b);
    source.invalidate('some-other-token');
    expect(await source.token()).toBe(a);
    source.invalidate(a);
    const fresh = await source.token();
    expect(fresh).not.toBe(a);
    // 59 minutes on, within the renewal margin of the one-hour lifetime: a new token.
    now += 59 * 60 * 1000 + 1000;
    expect(await source.token()).not.toBe(fresh);
  });
});

describe('app token (hms.md §2.3)', () => {
  it('carries room_id, user_id, role, type app and version 2, and verifies with jose', async () => {
    const token = await signAppToken(credentials, {
      roomId: ROOM_ID,
      userId: 'user-42',
      role: 'host',
      issuedAt: NOW_S,
      expiresAt: NOW_S + 600,
    });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      currentDate: new Date(NOW),
      algorithms: ['HS256'],
    });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(payload).toEqual({
      access_key: ACCESS_KEY,
      room_id: ROOM_ID,
      user_id: 'user-42',
      role: 'host',
      type: 'app',
      version: 2,
      iat: NOW_S,
      nbf: NOW_S,
      exp: NOW_S + 600,
      jti: expect.any(String),
    });
    expect(hasValidHs256Signature(token, SECRET)).toBe(true);
  });

  it('has the same claim names as an auth token minted by the official SDK', async () => {
    const sdk = officialSdk();
    const theirs = decodeJwt(
      (await sdk.auth.getAuthToken({ roomId: ROOM_ID, role: 'host', userId: 'user-42' })).token,
    );
    const ours = decodeJwt(
      await signAppToken(credentials, {
        roomId: ROOM_ID,
        userId: 'user-42',
        role: 'host',
        issuedAt: NOW_S,
        expiresAt: NOW_S + 600,
      }),
    );
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect({ type: ours.type, version: ours.version }).toEqual({
      type: theirs.type,
      version: theirs.version,
    });
  });
});
