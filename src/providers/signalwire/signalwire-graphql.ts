import { z } from 'zod';
import { text } from '../../graphql/input-rules.js';
import type { ProviderGraphql } from '../../graphql/provider-graphql.js';
import { SIGNALWIRE_ROOM_TYPES, type SignalWireRoomSettings } from './signalwire-room-settings.js';

/** SignalWire's settings type, its room type enum, and its options (the same on create and update). */
export const signalWireGraphql: ProviderGraphql = (builder) => {
  const roomType = builder.enumType('SignalWireRoomType', {
    description: "CONFERENCE: a room with SignalWire's prebuilt UI. ROOM: a room without UI.",
    values: SIGNALWIRE_ROOM_TYPES,
  });

  const settings = builder.objectRef<SignalWireRoomSettings>('SignalWireRoomSettings').implement({
    description: 'Settings only SignalWire rooms and conferences have.',
    fields: (t) => ({
      roomType: t.field({ type: roomType, resolve: (room) => room.roomType }),
      quality: t.exposeString('quality', { nullable: true, description: '720p or 1080p.' }),
      layout: t.exposeString('layout', { nullable: true }),
      size: t.exposeString('size', {
        nullable: true,
        description: 'Conferences: small, medium or large (10, 50, 300 people).',
      }),
      enableChat: t.exposeBoolean('enableChat', {
        nullable: true,
        description: 'Conferences only.',
      }),
      enableRoomPreviews: t.exposeBoolean('enableRoomPreviews', { nullable: true }),
      removeAt: t.expose('removeAt', {
        type: 'DateTime',
        nullable: true,
        description: 'Rooms only: everyone is removed at this time.',
      }),
      removeAfterSecondsElapsed: t.exposeInt('removeAfterSecondsElapsed', { nullable: true }),
    }),
  });

  const options = builder.inputType('SignalWireRoomOptionsInput', {
    description:
      'Settings only SignalWire has. Ignored for no other provider: sending them elsewhere is an error.',
    fields: (t) => ({
      roomType: t.field({
        type: roomType,
        description: 'Create only. Defaults to ROOM (no UI).',
      }),
      quality: t.string({
        validate: { schema: z.enum(['720p', '1080p'], 'must be 720p or 1080p') },
      }),
      layout: t.string({ validate: { schema: text(64) } }),
      size: t.string({
        validate: {
          schema: z.enum(['small', 'medium', 'large'], 'must be small, medium or large'),
        },
      }),
      enableChat: t.boolean(),
      enableRoomPreviews: t.boolean(),
    }),
  });

  return {
    settings,
    createOptions: options,
    updateOptions: options,
    fixedAtCreation: ['roomType'],
    notes: { account: 'a SignalWire space', keptTokens: 'SignalWire conference tokens' },
  };
};
