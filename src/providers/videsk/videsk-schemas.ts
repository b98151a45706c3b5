import { z } from 'zod';

/**
 * Response schemas for the Videsk VPaaS Rooms API (`../shared/providers/videsk.md` §2–§3). They
 * check only the fields the mappers read, and leniently: unknown keys are dropped, and optional
 * fields may be absent or null, since the public schema stops after `authorizations`.
 */

const optionalString = z.string().nullish();

/** The room's `settings` object (§3.2); only the fields of the documented example. */
export const videskRoomSettingsSchema = z
  .object({
    maxParticipants: z.number().nullish(),
    recordingEnabled: z.boolean().nullish(),
  })
  .nullish();

export const videskAuthorizationSchema = z.object({
  ip: optionalString,
  jti: optionalString,
  createdAt: optionalString,
});

export const videskRoomSchema = z.object({
  id: z.string().min(1),
  name: optionalString,
  externalId: optionalString,
  exp: optionalString,
  nbf: optionalString,
  // §2: `ended`, `createdAt` and `updatedAt` are probable but not in the published schema.
  ended: z.boolean().nullish(),
  createdAt: optionalString,
  updatedAt: optionalString,
  authorizations: z.array(videskAuthorizationSchema).nullish(),
  settings: videskRoomSettingsSchema,
});
export type VideskRoom = z.infer<typeof videskRoomSchema>;

/**
 * `POST /vpaas/rooms` answers the room and a first `accessToken` next to it (§3.2; placement
 * UNCONFIRMED, top-level as the seed's example shows). Optional, so a create never fails on it.
 */
export const videskCreatedRoomSchema = videskRoomSchema.extend({
  accessToken: z.string().min(1).nullish(),
});
export type VideskCreatedRoom = z.infer<typeof videskCreatedRoomSchema>;

/** The Feathers page envelope of `GET /vpaas/rooms` (§3.1). */
export const videskRoomPageSchema = z.object({
  total: z.number().int().nonnegative(),
  limit: z.number().nullish(),
  skip: z.number().nullish(),
  data: z.array(videskRoomSchema),
});
export type VideskRoomPage = z.infer<typeof videskRoomPageSchema>;

/** `POST /vpaas/rooms/{roomId}/join` (§3.6). */
export const videskJoinSchema = z.object({
  accessToken: z.string().min(1),
});
export type VideskJoin = z.infer<typeof videskJoinSchema>;

/** A Feathers error body (§6); every key is optional so a proxy's body still parses. */
export const videskErrorSchema = z.object({
  name: z.string().nullish(),
  message: z.string().nullish(),
  code: z.number().nullish(),
  className: z.string().nullish(),
  data: z.unknown().optional(),
});
export type VideskErrorBody = z.infer<typeof videskErrorSchema>;
