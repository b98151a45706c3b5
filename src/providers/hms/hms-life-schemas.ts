import { z } from 'zod';

// The room-life answers of 100ms (hms-room-life.md), checked for the fields we read only, and
// leniently: unknown fields pass; anything the docs show as sometimes missing, blank or null
// may be missing, blank or null.

/** A peer of a session (§1, §2): inside `peers`, keyed by peer id. */
export const hmsPeerSchema = z.object({
  id: z.string().nullish(),
  name: z.string().nullish(),
  role: z.string().nullish(),
  user_id: z.string().nullish(),
  joined_at: z.string().nullish(),
  // Absent, null, blank or Go's zero time while the peer is still in (§1, UNCONFIRMED).
  left_at: z.string().nullish(),
});

export type HmsPeerPayload = z.infer<typeof hmsPeerSchema>;

/** A session (§1): `GET /v2/sessions/{id}`, and each item of `GET /v2/sessions`. */
export const hmsSessionSchema = z.object({
  id: z.string().min(1),
  room_id: z.string().min(1),
  active: z.boolean(),
  // An object keyed by peer id, not an array (§1).
  peers: z.record(z.string(), hmsPeerSchema).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export type HmsSessionPayload = z.infer<typeof hmsSessionSchema>;

/** `{limit, data, last}`, the envelope of every v2 list (hms.md §3.3). */
function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    limit: z.number().nullish(),
    data: z.array(item).nullish(),
    last: z.string().nullish(),
  });
}

export const hmsSessionListSchema = listOf(hmsSessionSchema);
export type HmsSessionListPayload = z.infer<typeof hmsSessionListSchema>;

/** One asset of a recording (§3): only what picks the file and sizes it. */
export const hmsAssetSchema = z.object({
  id: z.string().min(1),
  type: z.string(),
  status: z.string().nullish(),
  size: z.number().nullish(),
  duration: z.number().nullish(),
});

export type HmsAssetPayload = z.infer<typeof hmsAssetSchema>;

/**
 * A recording job (§3): start, stop, get, and each item of the list (which leaves out
 * `recording_assets`).
 */
export const hmsRecordingSchema = z.object({
  id: z.string().min(1),
  room_id: z.string().min(1),
  session_id: z.string().nullish(),
  status: z.string(),
  created_at: z.string().nullish(),
  started_at: z.string().nullish(),
  stopped_at: z.string().nullish(),
  recording_assets: z.array(hmsAssetSchema).nullish(),
});

export type HmsRecordingPayload = z.infer<typeof hmsRecordingSchema>;

export const hmsRecordingListSchema = listOf(hmsRecordingSchema);
export type HmsRecordingListPayload = z.infer<typeof hmsRecordingListSchema>;

/** `GET /v2/recording-assets/{id}/presigned-url` (§3): `{id, path, url, expiry}`. */
export const hmsPresignedUrlSchema = z.object({
  url: z.string().min(1),
  // Seconds; echoes `presign_duration` (example 3600).
  expiry: z.number().nullish(),
});

export type HmsPresignedUrlPayload = z.infer<typeof hmsPresignedUrlSchema>;

/** `{"message": "..."}`: remove-peers and end-room (§1, §2). Nothing in it is read. */
export const hmsMessageSchema = z.object({ message: z.string().nullish() });
