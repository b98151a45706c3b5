import { describe, expect, it } from 'vitest';
import { InputValidationError } from '../../../../src/domain/errors.js';
import {
  mapVideskRoom,
  toCreateBody,
  toPatchBody,
} from '../../../../src/providers/videsk/videsk-mappers.js';
import {
  type VideskRoom,
  videskRoomSchema,
} from '../../../../src/providers/videsk/videsk-schemas.js';
import { fixture, NOW, ROOM_ID } from './videsk-test-kit.js';

const documented = (): VideskRoom => videskRoomSchema.parse(fixture('get-room.200.json'));

describe('mapVideskRoom', () => {
  it('maps the documented room, externalId as name and the grants as settings', () => {
    expect(mapVideskRoom('videsk-eu', documented(), NOW)).toEqual({
      providerKey: 'videsk-eu',
      providerKind: 'VIDESK',
      nativeId: ROOM_ID,
      providerRoomId: ROOM_ID,
      name: 'standup-2024-08-14',
      displayName: 'Team standup meeting',
      description: null,
      status: 'ACTIVE',
      createdAt: null,
      updatedAt: null,
      notBefore: new Date('2024-08-14T15:00:00.000Z'),
      expiresAt: new Date('2024-08-14T18:00:00.000Z'),
      maxParticipants: null,
      recordingEnabled: null,
      region: null,
      settings: {
        kind: 'VIDESK',
        externalId: 'standup-2024-08-14',
        ended: false,
        authorizations: [
          {
            ip: '192.168.1.1',
            jti: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
            createdAt: new Date('2024-08-14T15:00:00.000Z'),
          },
        ],
      },
    });
  });

  it('shows ended rooms as ENDED and rooms past exp as EXPIRED', () => {
    const afterExp = Date.parse('2024-08-14T18:00:00.000Z');
    expect(mapVideskRoom('v', { ...documented(), ended: true }, NOW).status).toBe('ENDED');
    expect(mapVideskRoom('v', { ...documented(), ended: true }, afterExp).status).toBe('ENDED');
    expect(mapVideskRoom('v', documented(), afterExp).status).toBe('EXPIRED');
  });

  it('reads the settings object from `settings`, the key Videsk documents (§3.2)', () => {
    const fromSettings = { ...documented(), settings: { maxParticipants: 4 } };
    expect(mapVideskRoom('v', fromSettings, NOW)).toMatchObject({
      maxParticipants: 4,
      recordingEnabled: null,
    });
  });

  it('falls back to the Videsk name, then the id, when there is no externalId', () => {
    const bare = videskRoomSchema.parse({ id: ROOM_ID, name: 'Room x', exp: 'not a date' });
    expect(mapVideskRoom('v', bare, NOW)).toMatchObject({
      name: 'Room x',
      expiresAt: null,
      status: 'ACTIVE',
    });
    expect(mapVideskRoom('v', videskRoomSchema.parse({ id: ROOM_ID }), NOW).name).toBe(ROOM_ID);
  });
});

describe('toCreateBody', () => {
  it('trims the name into the externalId and leaves out what was not given', () => {
    expect(toCreateBody({ name: '  standup  ', recordingEnabled: false })).toEqual({
      externalId: 'standup',
      settings: { recordingEnabled: false },
    });
  });

  it('names every field it refuses at once', () => {
    const error = (() => {
      try {
        toCreateBody({
          name: '',
          displayName: 'n'.repeat(501),
          expiresAt: new Date(Number.NaN),
        });
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InputValidationError);
    expect((error as InputValidationError).issues.map((issue) => issue.path)).toEqual([
      ['input', 'name'],
      ['input', 'displayName'],
      ['input', 'expiresAt'],
    ]);
  });
});

describe('toPatchBody', () => {
  it('treats null as "not given", since Videsk cannot clear these fields', () => {
    expect(toPatchBody({ displayName: null, expiresAt: null, maxParticipants: null })).toEqual({});
  });
});
