import type { ProviderGraphql } from '../../graphql/provider-graphql.js';
import type { NetlessRoomSettings } from './netless-room-settings.js';

/** Netless's settings type; it takes no options of its own (rooms cannot be updated). */
export const netlessGraphql: ProviderGraphql = (builder) => ({
  settings: builder.objectRef<NetlessRoomSettings>('NetlessRoomSettings').implement({
    description: 'Settings only Agora whiteboard (Netless) rooms have.',
    fields: (t) => ({
      teamUuid: t.exposeString('teamUuid', { nullable: true }),
      appUuid: t.exposeString('appUuid', { nullable: true }),
      limit: t.exposeInt('limit', {
        description:
          'Most people holding writer or admin tokens at once; 0 means no limit. Readers do not count.',
      }),
    }),
  }),
});
