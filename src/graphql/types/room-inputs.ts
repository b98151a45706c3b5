import { z } from 'zod';
import { builder } from '../builder.js';
import { RoomTokenRoleEnum, SignalWireRoomTypeEnum } from './enums.js';

// Rules that hold for every provider; a provider's own limits (SignalWire's name pattern, say)
// are checked by its adapter, which reports them the same way, before any upstream call.

const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');

/** 100ms's session length bounds, in seconds, on create and update alike. */
const MAX_DURATION_RULE = {
  schema: z.number().int().min(120, 'must be at least 120').max(43_200, 'must be at most 43200'),
};

/** The same rule on create and update; a provider's own cap is its adapter's to check. */
const MAX_PARTICIPANTS_RULE = {
  schema: z.number().int().min(1, 'must be at least 1').max(100_000, 'must be at most 100000'),
};

const ROOM_ID_DESCRIPTION = 'Global id of the room (Room.id).';

export const SignalWireRoomOptionsInput = builder.inputType('SignalWireRoomOptionsInput', {
  description:
    'Settings only SignalWire has. Ignored for no other provider: sending them elsewhere is an error.',
  fields: (t) => ({
    roomType: t.field({
      type: SignalWireRoomTypeEnum,
      description: 'Create only. Defaults to ROOM (no UI).',
    }),
    quality: t.string({ validate: { schema: z.enum(['720p', '1080p'], 'must be 720p or 1080p') } }),
    layout: t.string({ validate: { schema: text(64) } }),
    size: t.string({
      validate: { schema: z.enum(['small', 'medium', 'large'], 'must be small, medium or large') },
    }),
    enableChat: t.boolean(),
    enableRoomPreviews: t.boolean(),
  }),
});

export const HmsRoomOptionsInput = builder.inputType('HmsRoomOptionsInput', {
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

export const HmsRoomUpdateOptionsInput = builder.inputType('HmsRoomUpdateOptionsInput', {
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
    signalwire: t.field({ type: SignalWireRoomOptionsInput }),
    hms: t.field({ type: HmsRoomOptionsInput }),
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

/**
 * Whether an update asks for any change. `signalwire.roomType` is fixed at creation, so it
 * changes nothing. An update without a change would still send an (empty) write upstream.
 */
const changesSomething = (input: object): boolean =>
  Object.entries(input).some(([field, value]) => {
    if (field === 'id' || value === null || value === undefined) {
      return false;
    }
    if (field === 'signalwire' || field === 'hms') {
      return Object.entries(value).some(
        ([option, setting]) =>
          !(field === 'signalwire' && option === 'roomType') &&
          setting !== null &&
          setting !== undefined,
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
    signalwire: t.field({ type: SignalWireRoomOptionsInput }),
    hms: t.field({ type: HmsRoomUpdateOptionsInput }),
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
      description:
        "The provider's own role name, passed through unchanged instead of the one `role` maps to: a role of the room's template on 100ms accounts (checked against it). Refused on other providers, whose roles follow `role`.",
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
