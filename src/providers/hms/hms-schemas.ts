import { z } from 'zod';

/**
 * The fields of a 100ms room object we read (hms.md §3.7). Lenient: unknown fields pass, and
 * anything the docs show as sometimes missing, blank or null may be missing, blank or null
 * (§9: omitted vs null for unset fields is UNCONFIRMED).
 */
export const hmsRoomSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  enabled: z.boolean(),
  description: z.string().nullish(),
  template_id: z.string().nullish(),
  template: z.string().nullish(),
  region: z.string().nullish(),
  large_room: z.boolean().nullish(),
  size: z.number().nullish(),
  max_duration_seconds: z.number().nullish(),
  recording_source_template: z.boolean().nullish(),
  recording_info: z.object({ enabled: z.boolean().nullish() }).nullish(),
  // `recording` is the alternate name seen in list and disable examples (§3.7).
  recording: z.object({ enabled: z.boolean().nullish() }).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export type HmsRoomPayload = z.infer<typeof hmsRoomSchema>;

/**
 * `GET /v2/rooms` envelope (§3.3). An empty page's `data` may be `[]`, null or missing, and
 * `last` may be `""` or null at the end (both UNCONFIRMED), so all of them are accepted.
 */
export const hmsRoomListSchema = z.object({
  limit: z.number().nullish(),
  data: z.array(hmsRoomSchema).nullish(),
  last: z.string().nullish(),
});

export type HmsRoomListPayload = z.infer<typeof hmsRoomListSchema>;

/**
 * `GET /v2/templates/{template_id}`: only the role names are read. hms.md does not cover
 * templates; 100ms's own page does (100mslive/100ms-docs
 * `docs/server-side/v2/api-reference/policy/retrieve-a-template.mdx`): its example keys `roles`
 * by role name, while its template-object page calls `roles` an array of role objects. Both
 * forms are read.
 */
export const hmsTemplateSchema = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
  roles: z.union([
    z.record(z.string(), z.unknown()),
    z.array(z.object({ name: z.string().min(1) })),
  ]),
});

export type HmsTemplatePayload = z.infer<typeof hmsTemplateSchema>;

/**
 * The error body (§5): `{code, message, details[]}` today, `{code, message, data: {description}}`
 * in older responses.
 */
export const hmsErrorSchema = z.object({
  code: z.union([z.number(), z.string()]).nullish(),
  message: z.string().nullish(),
  details: z.array(z.unknown()).nullish(),
  data: z.object({ description: z.string().nullish() }).nullish(),
});
