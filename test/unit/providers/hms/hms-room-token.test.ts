import { decodeJwt, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { InputValidationError, RoomNotFoundError } from '../../../../src/domain/errors.js';
import { ACCESS_KEY, createKit, NOW, ROOM_ID, SECRET } from './hms-test-kit.js';

let kit: ReturnType<typeof createKit>;

afterEach(async () => {
  await kit.close();
});

const NOW_S = NOW / 1000;

describe('createRoomToken', () => {
  it('signs an app token locally, with no request, and echoes what it put in', async () => {
    kit = createKit();
    const token = await kit.provider.createRoomToken(ROOM_ID, {
      role: 'HOST',
      identity: 'user-42',
      ttlSeconds: 900,
    });
    expect(kit.seen).toHaveLength(0);
    expect(token).toEqual({
      token: expect.stringMatching(/^eyJ/),
      providerKey: 'hms-test',
      roomNativeId: ROOM_ID,
      role: 'HOST',
      providerRole: 'host',
      permissions: [],
      identity: 'user-42',
      issuedAt: new Date(NOW),
      expiresAt: new Date(NOW + 900_000),
      providerTokenId: null,
    });
    const { payload } = await jwtVerify(token.token, new TextEncoder().encode(SECRET), {
      currentDate: new Date(NOW),
      algorithms: ['HS256'],
    });
    expect(payload).toMatchObject({
      access_key: ACCESS_KEY,
      room_id: ROOM_ID,
      user_id: 'user-42',
      role: 'host',
      type: 'app',
      version: 2,
      iat: NOW_S,
      exp: NOW_S + 900,
    });
  });

  it.each([
    ['HOST', 'host'],
    ['PARTICIPANT', 'guest'],
    ['VIEWER', 'viewer-realtime'],
  ] as const)('maps %s to the template role %s', async (role, providerRole) => {
    kit = createKit();
    const token = await kit.provider.createRoomToken(ROOM_ID, { role, identity: 'u' });
    expect(token.providerRole).toBe(providerRole);
    expect(decodeJwt(token.token).role).toBe(providerRole);
  });

  it('applies the default lifetime and gives a caller without an identity a fresh user_id', async () => {
    kit = createKit({ defaultTokenTtlSeconds: 7_200 });
    const token = await kit.provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT' });
    expect(token.expiresAt).toEqual(new Date(NOW + 7_200_000));
    expect(token.identity).toMatch(/^[0-9a-f-]{36}$/);
    expect(decodeJwt(token.token).user_id).toBe(token.identity);
  });

  it('refuses permissions and a bad lifetime, naming both fields', async () => {
    kit = createKit();
    await expect(
      kit.provider.createRoomToken(ROOM_ID, {
        role: 'HOST',
        permissions: ['room.self.audio.mute'],
        ttlSeconds: -1,
      }),
    ).rejects.toMatchObject({
      issues: [{ path: ['input', 'ttlSeconds'] }, { path: ['input', 'permissions'] }],
    });
    await expect(
      kit.provider.createRoomToken(ROOM_ID, { role: 'HOST', ttlSeconds: 1.5 }),
    ).rejects.toBeInstanceOf(InputValidationError);
  });

  it('refuses a handle that cannot be a 100ms room id (24 hex digits)', async () => {
    kit = createKit();
    await expect(
      kit.provider.createRoomToken('not-a-room', { role: 'HOST' }),
    ).rejects.toBeInstanceOf(RoomNotFoundError);
  });
});
