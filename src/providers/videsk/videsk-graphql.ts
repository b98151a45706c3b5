import type { ProviderGraphql } from '../../graphql/provider-graphql.js';
import type { VideskAuthorization, VideskRoomSettings } from './videsk-room-settings.js';

/** Videsk's settings type; every create and update field it documents is a common one. */
export const videskGraphql: ProviderGraphql = (builder) => {
  const authorization = builder.objectRef<VideskAuthorization>('VideskAuthorization').implement({
    description: 'One access token Videsk issued for the room.',
    fields: (t) => ({
      ip: t.exposeString('ip', { nullable: true }),
      jti: t.exposeString('jti', {
        nullable: true,
        description: 'The token id (RoomToken.providerTokenId).',
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true }),
    }),
  });

  const settings = builder.objectRef<VideskRoomSettings>('VideskRoomSettings').implement({
    description: 'Settings only Videsk rooms have.',
    fields: (t) => ({
      externalId: t.exposeString('externalId', { nullable: true }),
      ended: t.exposeBoolean('ended', {
        description:
          "True once the room has ended; ended rooms cannot be reopened. False means only that Videsk's answer did not say so: its documented examples carry no `ended` field.",
      }),
      authorizations: t.field({
        type: [authorization],
        resolve: (room) => [...room.authorizations],
      }),
    }),
  });

  return { settings, notes: { createAnswerTokens: 'Videsk' } };
};
