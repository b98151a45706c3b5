import { roomKeyString } from '../../loaders/room-key.js';
import { RoomRef, RoomTokenRef } from '../refs.js';
import { RoomTokenRoleEnum } from './enums.js';

RoomTokenRef.implement({
  description: 'A join token for one person. `token` is a secret: hand it only to that person.',
  fields: (t) => ({
    token: t.exposeString('token', {
      description:
        'The secret to join with. Never logged by this service. Needs the tokens:create scope, also when read through Room.tokens: whoever holds it can join the room.',
      authScopes: { 'tokens:create': true },
    }),
    room: t.field({
      type: RoomRef,
      nullable: true,
      resolve: (token, _args, context) =>
        context.loaders.room.load(
          roomKeyString({ providerKey: token.providerKey, nativeId: token.roomNativeId }),
        ),
    }),
    role: t.field({ type: RoomTokenRoleEnum, resolve: (token) => token.role }),
    providerRole: t.exposeString('providerRole', {
      nullable: true,
      description: "The provider's own name for the role.",
    }),
    permissions: t.exposeStringList('permissions', {
      description: 'Provider permission strings the token grants.',
    }),
    identity: t.exposeString('identity', { nullable: true }),
    issuedAt: t.expose('issuedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      nullable: true,
      description:
        'Always set on tokens this API mints; null only on tokens the provider keeps that never expire.',
    }),
    providerTokenId: t.exposeString('providerTokenId', {
      nullable: true,
      description: 'Set on tokens the provider keeps.',
    }),
  }),
});
