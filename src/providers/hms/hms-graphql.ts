import { z } from 'zod';
import { text } from '../../graphql/input-rules.js';
import type { ProviderGraphql } from '../../graphql/provider-graphql.js';
import type { HmsCreateOptions, HmsRoomSettings, HmsUpdateOptions } from './hms-room-settings.js';

/** 100ms's session length bounds, in seconds, on create and update alike. */
const MAX_DURATION_RULE = {
  schema: z.number().int().min(120, 'must be at least 120').max(43_200, 'must be at most 43200'),
};

/** 100ms's settings type and its create and update options. */
export const hmsGraphql: ProviderGraphql = (builder) => {
  const settings = builder.objectRef<HmsRoomSettings>('HmsRoomSettings').implement({
    description: 'Settings only 100ms rooms have.',
    fields: (t) => ({
      templateId: t.exposeString('templateId', {
        nullable: true,
        description: 'The template the room follows; it defines the roles tokens may name.',
      }),
      templateName: t.exposeString('templateName', { nullable: true }),
      largeRoom: t.exposeBoolean('largeRoom', {
        nullable: true,
        description: 'Up to 20000 peers instead of 2500.',
      }),
      maxDurationSeconds: t.exposeInt('maxDurationSeconds', { nullable: true }),
      recordingFollowsTemplate: t.exposeBoolean('recordingFollowsTemplate', { nullable: true }),
    }),
  });

  const createOptions = builder.inputRef<HmsCreateOptions>('HmsRoomOptionsInput').implement({
    description: 'Settings only 100ms has, on create.',
    fields: (t) => ({
      templateId: t.string({
        description: 'Template to use (24-hex id); the workspace default when left out.',
        validate: { schema: z.string().regex(/^[0-9a-f]{24}$/, 'must be a 24-character hex id') },
      }),
      largeRoom: t.boolean({ description: 'Allows up to 20000 peers instead of 2500.' }),
      maxDurationSeconds: t.int({ validate: MAX_DURATION_RULE }),
    }),
  });

  const updateOptions = builder.inputRef<HmsUpdateOptions>('HmsRoomUpdateOptionsInput').implement({
    description: 'Settings only 100ms has, on update.',
    fields: (t) => ({
      name: t.string({
        description: 'Renames the room.',
        validate: { schema: text(128).min(1, 'must not be empty') },
      }),
      region: t.string({
        description: 'in, us, eu or auto.',
        validate: { schema: z.enum(['in', 'us', 'eu', 'auto'], 'must be in, us, eu or auto') },
      }),
      largeRoom: t.boolean(),
      maxDurationSeconds: t.int({ validate: MAX_DURATION_RULE }),
    }),
  });

  return {
    settings,
    createOptions,
    updateOptions,
    notes: {
      providerRole: "a role of the room's template on 100ms accounts (checked against it)",
    },
  };
};
