import type { InputFieldBuilder } from '@pothos/core';
import { z } from 'zod';
import { builder } from '../builder.js';
import { text } from '../input-rules.js';
import type { Types } from '../provider-graphql.js';
import { PROVIDER_SCHEMA_TYPES, providerNotes } from '../provider-types.js';
import { RoomTokenRoleEnum } from './enums.js';

// Rules that hold for every provider; a provider's own limits (a name pattern, say) are checked
// by its adapter, which reports them the same way, before any upstream call. Options only one
// provider takes are its module's input types, each under the module's id.

/** The same rule on create and update; a provider's own cap is its adapter's to check. */
const MAX_PARTICIPANTS_RULE = {
  schema: z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000'),
};

const ROOM_ID_DESCRIPTION = 'Global id of the room (Room.id).';

/** Each provider's own options, under its module id; only providers that take some have one. */
function providerOptionFields(
  t: InputFieldBuilder<Types, 'InputObject'>,
  on: 'createOptions' | 'updateOptions',
) {
  return Object.fromEntries(
    PROVIDER_SCHEMA_TYPES.flatMap((provider) => {
      const type = provider[on];
      return type ? [[provider.id, t.field({ type })]] : [];
    }),
  );
}

const windowRule = (input: { notBefore?: Date | null; expiresAt?: Date | null }) =>
  !input.notBefore || !input.expiresAt || input.expiresAt.getTime() > input.notBefore.getTime();
const windowMessage = { message: 'expiresAt must be later than notBefore', path: ['expiresAt'] };

export const CreateRoomInput = builder.inputType('CreateRoomInput', {
  fields: (t) => ({
    providerKey: t.string({
      required: true,
      description: 'Key of the provider account (Provider.key).',
      validate: { schema: text(64).min(1, 'must not be empty') },
    }),
    name: t.string({
      required: true,
      description: 'Unique name at the provider.',
      validate: { schema: text(128).min(1, 'must not be empty') },
    }),
    displayName: t.string({ validate: { schema: text(200) } }),
    description: t.string({ validate: { schema: text(3000) } }),
    notBefore: t.field({ type: 'DateTime' }),
    expiresAt: t.field({ type: 'DateTime' }),
    maxParticipants: t.int({ validate: MAX_PARTICIPANTS_RULE }),
    recordingEnabled: t.boolean(),
    region: t.string({ validate: { schema: text(32) } }),
    ...providerOptionFields(t, 'createOptions'),
    idempotencyKey: t.string({
      description:
        'Makes a retry safe: the same key with the same input creates one room and returns it every time; the same key with other input is an IdempotencyConflictError. Kept for IDEMPOTENCY_TTL_SECONDS.',
      validate: {
        schema: z
          .string()
          .min(8, 'must be at least 8 characters')
          .max(255, 'must be at most 255 characters')
          .regex(/^[A-Za-z0-9._:-]+$/, 'may use only letters, digits, ".", "_", ":" and "-"'),
      },
    }),
  }),
  validate: [windowRule, windowMessage],
});

/** Each provider's update options that are fixed at creation, by module id. */
const FIXED_AT_CREATION = new Map<string, ReadonlySet<string>>(
  PROVIDER_SCHEMA_TYPES.map(({ id, fixedAtCreation }) => [id, new Set(fixedAtCreation ?? [])]),
);

/**
 * Whether an update asks for any change. A provider option fixed at creation (a room type, say)
 * changes nothing. An update without a change would still send an (empty) write upstream.
 */
const changesSomething = (input: object): boolean =>
  Object.entries(input).some(([field, value]) => {
    if (field === 'id' || value === null || value === undefined) {
      return false;
    }
    const fixed = FIXED_AT_CREATION.get(field);
    if (fixed) {
      return Object.entries(value).some(
        ([option, setting]) => !fixed.has(option) && setting !== null && setting !== undefined,
      );
    }
    return true;
  });

export const UpdateRoomInput = builder.inputType('UpdateRoomInput', {
  description:
    'A partial update: fields left out or null keep their values. At least one must change something.',
  fields: (t) => ({
    id: t.id({ required: true, description: ROOM_ID_DESCRIPTION }),
    displayName: t.string({ validate: { schema: text(200) } }),
    description: t.string({ validate: { schema: text(3000) } }),
    notBefore: t.field({ type: 'DateTime' }),
    expiresAt: t.field({ type: 'DateTime' }),
    maxParticipants: t.int({ validate: MAX_PARTICIPANTS_RULE }),
    recordingEnabled: t.boolean(),
    ...providerOptionFields(t, 'updateOptions'),
  }),
  validate: [
    [windowRule, windowMessage],
    [changesSomething, { message: 'must change at least one field besides id' }],
  ],
});

export const RoomIdInput = builder.inputType('RoomIdInput', {
  description: 'Names one room.',
  fields: (t) => ({
    id: t.id({ required: true, description: ROOM_ID_DESCRIPTION }),
  }),
});

export const CreateRoomTokenInput = builder.inputType('CreateRoomTokenInput', {
  fields: (t) => ({
    roomId: t.id({ required: true, description: ROOM_ID_DESCRIPTION }),
    role: t.field({ type: RoomTokenRoleEnum, required: true }),
    identity: t.string({
      description: 'Who the token is for (user name or id).',
      validate: { schema: text(256).min(1, 'must not be empty') },
    }),
    permissions: t.stringList({
      description: "Provider permission strings; the role's defaults when left out.",
      validate: { schema: z.array(text(128)).max(100, 'must list at most 100 permissions') },
    }),
    providerRole: t.string({
      description: `The provider's own role name, passed through unchanged instead of the one \`role\` maps to: ${providerNotes('providerRole').join('; ')}. Refused on other providers, whose roles follow \`role\`.`,
      validate: {
        schema: text(100)
          .min(1, 'must not be empty')
          .refine((value) => !/\s/.test(value), 'must not contain spaces'),
      },
    }),
    ttlSeconds: t.int({
      description: 'Lifetime in seconds (60 to 2592000); the service default when left out.',
      validate: {
        schema: z
          .number()
          .int()
          .min(60, 'must be at least 60')
          .max(2_592_000, 'must be at most 2592000 (30 days)'),
      },
    }),
  }),
});
