import type { SignalWireRoomSettings } from '../../domain/room.js';
import { roomKeyString } from '../../loaders/room-key.js';
import { builder } from '../builder.js';
import { roomKeyFromGlobalId } from '../global-id.js';
import { ProviderRef, RoomRef, RoomTokenRef } from '../refs.js';
import { RoomStatusEnum, SignalWireRoomTypeEnum } from './enums.js';

const SignalWireRoomSettingsRef = builder
  .objectRef<SignalWireRoomSettings>('SignalWireRoomSettings')
  .implement({
    description: 'Settings only SignalWire rooms and conferences have.',
    isTypeOf: (value) => (value as { kind?: string }).kind === 'SIGNALWIRE',
    fields: (t) => ({
      roomType: t.field({ type: SignalWireRoomTypeEnum, resolve: (settings) => settings.roomType }),
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

export const RoomSettingsUnion = builder.unionType('RoomSettings', {
  description: 'Provider-specific settings, one type per provider kind.',
  types: [SignalWireRoomSettingsRef],
  resolveType: (settings) => {
    switch (settings.kind) {
      case 'SIGNALWIRE':
        return SignalWireRoomSettingsRef;
      default:
        return null;
    }
  },
});

builder.node(RoomRef, {
  description: 'A video room at one provider account.',
  id: { resolve: (room) => roomKeyString(room) },
  isTypeOf: (value) =>
    typeof value === 'object' && value !== null && 'nativeId' in value && 'providerKind' in value,
  // One promise per id, so a failing provider fails only its own ids in `nodes`.
  loadMany: (keys, context) => keys.map((key) => context.loaders.room.load(key)),
  fields: (t) => ({
    provider: t.field({
      type: ProviderRef,
      resolve: (room, _args, context) => context.registry.require(room.providerKey),
    }),
    providerRoomId: t.exposeString('providerRoomId', {
      description: 'The id the provider itself shows.',
    }),
    name: t.exposeString('name'),
    displayName: t.exposeString('displayName', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    status: t.field({ type: RoomStatusEnum, resolve: (room) => room.status }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: true }),
    notBefore: t.expose('notBefore', {
      type: 'DateTime',
      nullable: true,
      description: 'No one may join before this time.',
    }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description: 'No one may join after this time.',
    }),
    maxParticipants: t.exposeInt('maxParticipants', { nullable: true }),
    recordingEnabled: t.exposeBoolean('recordingEnabled', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    settings: t.field({
      type: RoomSettingsUnion,
      nullable: true,
      resolve: (room) => (room.settings?.kind === 'SIGNALWIRE' ? room.settings : null),
    }),
    tokens: t.field({
      type: [RoomTokenRef],
      nullable: true,
      description:
        'Tokens the provider keeps for this room (SignalWire conference tokens); an empty list when it keeps none for this room, null where the provider keeps none at all.',
      resolve: async (room, _args, context) => {
        const provider = context.registry.require(room.providerKey);
        if (provider.capabilities.operations.listRoomTokens === 'UNSUPPORTED') {
          return null;
        }
        return provider.listRoomTokens(room.nativeId, { signal: context.signal });
      },
    }),
  }),
});

builder.queryFields((t) => ({
  room: t.field({
    type: RoomRef,
    nullable: true,
    description: 'One room by global id; null when it does not exist.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const key = roomKeyFromGlobalId(args.id);
      return key ? context.loaders.room.load(roomKeyString(key)) : null;
    },
  }),
}));
