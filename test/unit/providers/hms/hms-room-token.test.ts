import { decodeJwt, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { InputValidationError, RoomNotFoundError } from '../../../../src/domain/errors.js';
import type { Room } from '../../../../src/domain/room.js';
import { createCallContext } from '../../../../src/http/call-context.js';
import { toRoom } from '../../../../src/providers/hms/hms-mappers.js';
import { ACCESS_KEY, createKit, fixture, NOW, ROOM_ID, SECRET } from './hms-test-kit.js';

let kit: ReturnType<typeof createKit>;

afterEach(async () => {
  await kit.close();
});

const NOW_S = NOW / 1000;
/** The docs' template example (see the fixture): roles backstage, invitee, stage, viewer. */
const TEMPLATE_ID = '627ce5b637300e55a72ba7ed';

/** The room as the caller holds it; without a template nothing is looked up. */
function roomWith(templateId: string | null): { room: Room } {
  const room = toRoom(
    { ...fixture('create-room.200.json'), id: ROOM_ID, template_id: templateId ?? '' },
    'hms-test',
  );
  return { room };
}
const NO_TEMPLATE = roomWith(null);

describe('createRoomToken', () => {
  it('signs an app token locally, with no request, and echoes what it put in', async () => {
    kit = createKit();
    const token = await kit.provider.createRoomToken(
      ROOM_ID,
      { role: 'HOST', identity: 'user-42', ttlSeconds: 900 },
      NO_TEMPLATE,
    );
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
    const token = await kit.provider.createRoomToken(ROOM_ID, { role, identity: 'u' }, NO_TEMPLATE);
    expect(token.providerRole).toBe(providerRole);
    expect(decodeJwt(token.token).role).toBe(providerRole);
  });

  it('applies the default lifetime and gives a caller without an identity a fresh user_id', async () => {
    kit = createKit({ defaultTokenTtlSeconds: 7_200 });
    const token = await kit.provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT' }, NO_TEMPLATE);
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

describe('roles of the room template', () => {
  it("mints the account's roleMap name, once the room's template is read and has it", async () => {
    kit = createKit({ roleMap: { HOST: 'stage', VIEWER: 'viewer' } });
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 200, fixture('get-template.200.json'));
    const token = await kit.provider.createRoomToken(
      ROOM_ID,
      { role: 'HOST' },
      roomWith(TEMPLATE_ID),
    );
    expect(token).toMatchObject({ role: 'HOST', providerRole: 'stage' });
    expect(decodeJwt(token.token).role).toBe('stage');
    expect(kit.seen.map((request) => `${request.method} ${request.path}`)).toEqual([
      `GET /v2/templates/${TEMPLATE_ID}`,
    ]);
  });

  it('passes providerRole through unchanged, checked against the template', async () => {
    kit = createKit();
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 200, fixture('get-template.200.json'));
    const token = await kit.provider.createRoomToken(
      ROOM_ID,
      { role: 'PARTICIPANT', providerRole: 'backstage' },
      roomWith(TEMPLATE_ID),
    );
    expect(token).toMatchObject({ role: 'PARTICIPANT', providerRole: 'backstage' });
    expect(decodeJwt(token.token).role).toBe('backstage');
  });

  it('refuses a role the template lacks, naming the field that chose it', async () => {
    kit = createKit();
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 200, fixture('get-template.200.json'));
    const context = createCallContext();
    const byRole = await kit.provider
      .createRoomToken(ROOM_ID, { role: 'HOST' }, { ...roomWith(TEMPLATE_ID), context })
      .catch((error: unknown) => error);
    expect(byRole).toBeInstanceOf(InputValidationError);
    expect(byRole).toMatchObject({
      issues: [
        {
          path: ['input', 'role'],
          message: `HOST maps to the 100ms role "host" (the account's roleMap), which the room's template "nixon-samuel_eventapp_bf337846-259e-40c1-97bd-52ac0e876d55" (${TEMPLATE_ID}) does not have; its roles are "backstage", "invitee", "stage", "viewer"`,
        },
      ],
    });
    const byName = await kit.provider
      .createRoomToken(
        ROOM_ID,
        { role: 'HOST', providerRole: 'Stage' },
        { ...roomWith(TEMPLATE_ID), context },
      )
      .catch((error: unknown) => error);
    expect(byName).toMatchObject({ issues: [{ path: ['input', 'providerRole'] }] });
    // One operation, one template read: the second check used the first answer.
    expect(kit.seen).toHaveLength(1);
  });

  it('reads the template again in another operation, since roles may change in between', async () => {
    kit = createKit();
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 200, fixture('get-template.200.json'));
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 200, fixture('get-template.200.json'));
    for (const context of [createCallContext(), createCallContext()]) {
      await kit.provider.createRoomToken(
        ROOM_ID,
        { role: 'VIEWER', providerRole: 'viewer' },
        { ...roomWith(TEMPLATE_ID), context },
      );
    }
    expect(kit.seen).toHaveLength(2);
  });

  it('mints unchecked when 100ms does not know the template (404)', async () => {
    kit = createKit();
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 404, { code: 404, message: 'Not found' });
    const token = await kit.provider.createRoomToken(
      ROOM_ID,
      { role: 'HOST' },
      roomWith(TEMPLATE_ID),
    );
    expect(token.providerRole).toBe('host');
  });

  it('reads the room first when the caller holds no copy of it', async () => {
    kit = createKit();
    kit.reply('GET', `/v2/rooms/${ROOM_ID}`, 200, {
      ...fixture<Record<string, unknown>>('create-room.200.json'),
      template_id: TEMPLATE_ID,
    });
    kit.reply('GET', `/v2/templates/${TEMPLATE_ID}`, 200, fixture('get-template.200.json'));
    await expect(
      kit.provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT', providerRole: 'invitee' }),
    ).resolves.toMatchObject({ providerRole: 'invitee' });
    kit.reply('GET', `/v2/rooms/${ROOM_ID}`, 404, fixture('room-not-found-legacy.404.json'));
    await expect(
      kit.provider.createRoomToken(ROOM_ID, { role: 'PARTICIPANT' }),
    ).rejects.toBeInstanceOf(RoomNotFoundError);
  });
});
