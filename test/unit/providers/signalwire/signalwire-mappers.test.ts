import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatTime,
  mapConference,
  mapConferenceToken,
  mapRoom,
  OPEN_ENDED_JOIN_UNTIL,
  parseNativeId,
  toNativeId,
} from '../../../../src/providers/signalwire/signalwire-mappers.js';
import {
  signalWireConferenceSchema,
  signalWireConferenceTokenSchema,
  signalWireListSchema,
  signalWireRoomSchema,
} from '../../../../src/providers/signalwire/signalwire-schemas.js';

function fixture(name: string): unknown {
  return JSON.parse(
    readFileSync(new URL(`../../../fixtures/signalwire/${name}`, import.meta.url), 'utf8'),
  );
}

const ID = 'c22d24f6-5a47-4597-9a23-c7d01e696b92';
const NOW = Date.parse('2026-03-01T12:00:00Z');
const room = signalWireRoomSchema.parse(fixture('get-room.200.json'));
const conference = signalWireConferenceSchema.parse(fixture('get-conference.200.json'));

describe('mapRoom', () => {
  it('maps the documented room object to a domain room', () => {
    expect(mapRoom('signalwire', room, NOW)).toEqual({
      providerKey: 'signalwire',
      providerKind: 'SIGNALWIRE',
      nativeId: `room:${ID}`,
      providerRoomId: ID,
      name: 'my_room',
      displayName: "My Room's Name",
      description: null,
      status: 'ACTIVE',
      createdAt: new Date('2022-01-01T10:00:00Z'),
      updatedAt: new Date('2022-01-01T11:00:00Z'),
      notBefore: null,
      expiresAt: null,
      maxParticipants: 20,
      recordingEnabled: false,
      region: null,
      settings: {
        kind: 'SIGNALWIRE',
        roomType: 'ROOM',
        quality: '720p',
        layout: 'grid-responsive',
        size: null,
        enableChat: null,
        enableRoomPreviews: false,
        removeAt: null,
        removeAfterSecondsElapsed: null,
      },
    });
  });

  it('maps the time window and removal settings', () => {
    const mapped = mapRoom(
      'signalwire',
      {
        ...room,
        join_from: '2026-03-01T09:00:00Z',
        join_until: '2026-03-02T09:00:00Z',
        remove_at: '2026-03-02T10:00:00Z',
        remove_after_seconds_elapsed: 900,
      },
      NOW,
    );
    expect(mapped.notBefore).toEqual(new Date('2026-03-01T09:00:00Z'));
    expect(mapped.expiresAt).toEqual(new Date('2026-03-02T09:00:00Z'));
    expect(mapped.status).toBe('ACTIVE');
    expect(mapped.settings).toMatchObject({
      removeAt: new Date('2026-03-02T10:00:00Z'),
      removeAfterSecondsElapsed: 900,
    });
  });

  it('reads a join_until that has passed as DISABLED', () => {
    expect(mapRoom('signalwire', { ...room, join_until: '2026-03-01T12:00:00Z' }, NOW).status).toBe(
      'DISABLED',
    );
    expect(mapRoom('signalwire', { ...room, join_until: '2026-03-01T12:00:01Z' }, NOW).status).toBe(
      'ACTIVE',
    );
  });

  it('reads the open-ended join_until as no expiry', () => {
    const mapped = mapRoom('signalwire', { ...room, join_until: OPEN_ENDED_JOIN_UNTIL }, NOW);
    expect(mapped.expiresAt).toBeNull();
    expect(mapped.status).toBe('ACTIVE');
  });
});

describe('mapConference', () => {
  it('maps the documented conference object, with size standing in for the member cap', () => {
    expect(mapConference('signalwire-eu', conference, NOW)).toEqual({
      providerKey: 'signalwire-eu',
      providerKind: 'SIGNALWIRE',
      nativeId: `conference:${ID}`,
      providerRoomId: ID,
      name: 'my_conference',
      displayName: "My Conference's Name",
      description: null,
      status: 'ACTIVE',
      createdAt: new Date('2022-01-01T10:00:00Z'),
      updatedAt: new Date('2022-01-01T11:00:00Z'),
      notBefore: null,
      expiresAt: null,
      maxParticipants: 50,
      recordingEnabled: false,
      region: null,
      settings: {
        kind: 'SIGNALWIRE',
        roomType: 'CONFERENCE',
        quality: '720p',
        layout: 'grid-responsive',
        size: 'medium',
        enableChat: true,
        enableRoomPreviews: false,
        removeAt: null,
        removeAfterSecondsElapsed: null,
      },
    });
  });

  it.each([
    ['small', 10],
    ['large', 300],
    [null, null],
    ['huge', null],
  ])('maps size %s to maxParticipants %s', (size, maxParticipants) => {
    expect(mapConference('signalwire', { ...conference, size }, NOW).maxParticipants).toBe(
      maxParticipants,
    );
  });

  it('reads a passed join_until as DISABLED', () => {
    const mapped = mapConference(
      'signalwire',
      { ...conference, join_until: '2026-02-28T00:00:00Z' },
      NOW,
    );
    expect(mapped.status).toBe('DISABLED');
    expect(mapped.expiresAt).toEqual(new Date('2026-02-28T00:00:00Z'));
  });
});

describe('mapConferenceToken', () => {
  const list = signalWireListSchema(signalWireConferenceTokenSchema).parse(
    fixture('list-conference-tokens.200.json'),
  );

  it('maps the moderator token to HOST and the guest token to PARTICIPANT', () => {
    const [moderator, guest] = list.data.map((token) =>
      mapConferenceToken('signalwire', `conference:${ID}`, token),
    );
    expect(moderator).toEqual({
      token: 'vpt_62c65414de4d067d07415a7ced8183be',
      providerKey: 'signalwire',
      roomNativeId: `conference:${ID}`,
      role: 'HOST',
      providerRole: 'Moderator',
      permissions: ['room.member.audio_mute', 'room.set_layout', 'room.self.audio_mute'],
      identity: null,
      issuedAt: null,
      expiresAt: null,
      providerTokenId: '5a0e1f6e-9b3c-4d7a-8f2e-1c2d3e4f5a6b',
    });
    expect(guest).toMatchObject({ role: 'PARTICIPANT', providerRole: 'Guest' });
  });

  it('matches the role name case-insensitively and treats an unnamed token as PARTICIPANT', () => {
    const token = { id: ID, token: 'vpt_00', scopes: null };
    expect(mapConferenceToken('k', 'conference:x', { ...token, name: 'moderator' }).role).toBe(
      'HOST',
    );
    const unnamed = mapConferenceToken('k', 'conference:x', { ...token, name: null });
    expect(unnamed).toMatchObject({ role: 'PARTICIPANT', providerRole: null, permissions: [] });
  });
});

describe('native ids', () => {
  it('round-trips rooms and conferences', () => {
    expect(toNativeId({ roomType: 'ROOM', id: ID })).toBe(`room:${ID}`);
    expect(parseNativeId(`room:${ID}`)).toEqual({ roomType: 'ROOM', id: ID });
    expect(parseNativeId(`conference:${ID}`)).toEqual({ roomType: 'CONFERENCE', id: ID });
  });

  it('lowercases the uuid', () => {
    expect(parseNativeId(`room:${ID.toUpperCase()}`)).toEqual({ roomType: 'ROOM', id: ID });
  });

  it.each([
    ['an unknown prefix', `stream:${ID}`],
    ['a room name instead of a uuid', 'room:my_room'],
    ['no prefix', ID],
    ['an empty string', ''],
    ['a valid handle with junk after it', `room:${ID}:x`],
    ['a valid handle with a path after it', `conference:${ID}/..`],
    ['a prefix in another case', `ROOM:${ID}`],
    ['a dot segment', 'room:.'],
  ])('rejects %s', (_case, nativeId) => {
    expect(parseNativeId(nativeId)).toBeNull();
  });
});

describe('formatTime', () => {
  it('writes whole seconds with a Z, as SignalWire does', () => {
    expect(formatTime(new Date('2026-03-01T12:00:00.987Z'))).toBe('2026-03-01T12:00:00Z');
  });
});
