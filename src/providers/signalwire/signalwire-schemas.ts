import { z } from 'zod';

// Lenient: only the fields the mappers read are checked, and unknown keys pass through,
// so a field SignalWire adds later does not break us (STYLE.md §1.5).

const nullableString = z.string().nullable().optional();
const nullableBoolean = z.boolean().nullable().optional();

/** A conference (room with the prebuilt UI), `signalwire.md` §3.2. */
export const signalWireConferenceSchema = z.object({
  id: z.string(),
  name: z.string(),
  display_name: nullableString,
  description: nullableString,
  join_from: nullableString,
  join_until: nullableString,
  quality: nullableString,
  layout: nullableString,
  size: nullableString,
  record_on_start: nullableBoolean,
  enable_chat: nullableBoolean,
  enable_room_previews: nullableBoolean,
  created_at: nullableString,
  updated_at: nullableString,
});
export type SignalWireConference = z.infer<typeof signalWireConferenceSchema>;

/** A room without UI, `signalwire.md` §4.2. */
export const signalWireRoomSchema = z.object({
  id: z.string(),
  name: z.string(),
  display_name: nullableString,
  description: nullableString,
  max_members: z.number().nullable().optional(),
  quality: nullableString,
  layout: nullableString,
  join_from: nullableString,
  join_until: nullableString,
  remove_at: nullableString,
  remove_after_seconds_elapsed: z.number().nullable().optional(),
  record_on_start: nullableBoolean,
  enable_room_previews: nullableBoolean,
  created_at: nullableString,
  updated_at: nullableString,
});
export type SignalWireRoom = z.infer<typeof signalWireRoomSchema>;

/** The list envelope of every video list, `signalwire.md` §6. */
export function signalWireListSchema<T extends z.ZodType>(item: T) {
  return z.object({
    links: z.object({ next: z.string().nullable().optional() }).optional(),
    data: z.array(item),
  });
}

/** `signalwire.md` §3.4. */
export const signalWireConferenceTokenSchema = z.object({
  id: z.string(),
  name: z.string().nullable().optional(),
  token: z.string(),
  scopes: z.array(z.string()).nullable().optional(),
});
export type SignalWireConferenceToken = z.infer<typeof signalWireConferenceTokenSchema>;

/** `signalwire.md` §5.2: the only key is `token`. */
export const signalWireRoomTokenSchema = z.object({ token: z.string() });

/** §7: `{"error": "..."}` for most statuses, `{"errors": [...]}` for 422. */
export const signalWireErrorBodySchema = z.object({
  error: z.string().optional(),
  errors: z
    .array(
      z.object({
        code: z.string().optional(),
        message: z.string().optional(),
        attribute: z.string().nullable().optional(),
      }),
    )
    .optional(),
});
