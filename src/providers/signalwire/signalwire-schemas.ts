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

// Room life (`signalwire-room-life.md`): sessions, their members and recordings. Read-only over
// REST; only the fields the mappers read are checked.

/** A room session, list item or `GET /room_sessions/{id}` summary (`signalwire-room-life.md` §1). */
export const signalWireSessionSchema = z.object({
  id: z.string(),
  room_id: z.string().nullable().optional(),
  status: nullableString,
  start_time: nullableString,
  end_time: nullableString,
});
export type SignalWireSession = z.infer<typeof signalWireSessionSchema>;

/** A member of a session, past or present (§2). REST carries no role and no user id. */
export const signalWireMemberSchema = z.object({
  id: z.string(),
  name: nullableString,
  join_time: nullableString,
  leave_time: nullableString,
});
export type SignalWireMember = z.infer<typeof signalWireMemberSchema>;

/** A room recording (§3); `uri` is a temporary link, valid `media_ttl` seconds. */
export const signalWireRecordingSchema = z.object({
  id: z.string(),
  room_session_id: z.string().nullable().optional(),
  status: nullableString,
  started_at: nullableString,
  finished_at: nullableString,
  duration: z.number().nullable().optional(),
  size_in_bytes: z.number().nullable().optional(),
  uri: nullableString,
  created_at: nullableString,
});
export type SignalWireRecording = z.infer<typeof signalWireRecordingSchema>;
