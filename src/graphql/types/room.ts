import { roomKeyString } from '../../loaders/room-key.js';
import { builder } from '../builder.js';
import { roomKeyFromGlobalId } from '../global-id.js';
import { notesInParentheses } from '../provider-types.js';
import { ProviderRef, RoomRef, RoomTokenRef } from '../refs.js';
import { RoomStatusEnum } from './enums.js';
import { RoomSettingsUnion } from './room-settings.js';

builder.node(RoomRef, {
  description:
    "A video room at one provider account. Its fields need the rooms:read scope wherever a Room appears (a query, a mutation's payload, RoomToken.room); only `id`, which the caller sent or its own write just made, comes with the scope that reached the Room.",
  // On the type, not on each field that returns a Room: a payload or a field added later
  // cannot forget it. A field without the scope answers FORBIDDEN.
  authScopes: { 'rooms:read': true },
  id: { resolve: (room) => roomKeyString(room), skipTypeScopes: true },
  isTypeOf: (value) =>
    typeof value === 'object' && value !== null && 'nativeId' in value && 'providerKind' in value,
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
      resolve: (room) => room.settings,
    }),
    tokens: t.field({
      type: [RoomTokenRef],
      nullable: true,
      description: `Tokens the provider keeps for this room${notesInParentheses('keptTokens')}; an empty list when it keeps none for this room, null where the provider keeps none at all. On the room a createRoom just made, also the token the provider's create answer carried${notesInParentheses('createAnswerTokens')}, which cannot be read again later. Needs the rooms:read scope; each token secret also needs tokens:create.`,
      authScopes: { 'rooms:read': true },
      resolve: async (room, _args, context) => {
        if (room.issuedTokens) {
          return room.issuedTokens;
        }
        const provider = context.registry.require(room.providerKey);
        if (provider.capabilities.operations.listRoomTokens === 'UNSUPPORTED') {
          return null;
        }
        return provider.listRoomTokens(room.nativeId, { context: context.call });
      },
    }),
  }),
});

builder.queryFields((t) => ({
  room: t.field({
    type: RoomRef,
    nullable: true,
    description: 'One room by global id; null when it does not exist. Needs the rooms:read scope.',
    authScopes: { 'rooms:read': true },
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context) => {
      const key = roomKeyFromGlobalId(args.id);
      return key ? context.loaders.room.load(roomKeyString(key)) : null;
    },
  }),
}));
