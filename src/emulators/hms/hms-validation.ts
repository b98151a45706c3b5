import type { HmsRecordingInfo, HmsUploadInfo } from './hms-store.js';

/** A 400 in 100ms's words: a summary `message` and the specific reasons in `details` (§5). */
export class RoomFieldError extends Error {
  constructor(
    readonly details: readonly string[],
    message = 'Invalid body param',
  ) {
    super(message);
  }
}

/** The room fields of a create or update body, checked and normalised. */
export interface RoomFields {
  name?: string;
  description?: string;
  templateId?: string;
  recordingInfo?: HmsRecordingInfo;
  region?: string;
  largeRoom?: boolean;
  size?: number;
  maxDurationSeconds?: number;
  webhook?: { url: string; headers?: Record<string, string> };
  polls?: string[];
  /** Update only (§3.6). */
  enabled?: boolean;
}

const NAME_PATTERN = /^[A-Za-z0-9.\-:_]+$/;
const REGIONS = ['in', 'us', 'eu', 'auto'];
const UPLOAD_TYPES = ['s3', 'gs', 'oss', 'azure'];

/**
 * Reads the documented fields (hms.md §3.1, §3.5) and refuses bad ones with the documented
 * texts where the docs give them. Unknown fields are ignored.
 */
export function readRoomFields(
  body: Record<string, unknown>,
  mode: 'create' | 'update',
): RoomFields {
  const fields: RoomFields = {};
  if ('template' in body) {
    throw invalid('template. Use template_id');
  }
  if ('template_id' in body) {
    // Update does not document `template_id` (§3.5, UNCONFIRMED); the strict reading refuses it.
    if (mode === 'update' || typeof body.template_id !== 'string') {
      throw invalid('template_id');
    }
    fields.templateId = body.template_id;
  }
  if ('name' in body) {
    // The exact text for a bad name is UNCONFIRMED (§3.1).
    if (typeof body.name !== 'string' || !NAME_PATTERN.test(body.name)) {
      throw invalid('name');
    }
    // Whether names come back lower-cased is UNCONFIRMED (§3.1); lower-casing is the reading
    // under which a client that expects its own spelling back learns otherwise.
    fields.name = body.name.toLowerCase();
  }
  if ('description' in body) {
    fields.description = stringField(body.description, 'description');
  }
  if ('region' in body) {
    if (typeof body.region !== 'string' || !REGIONS.includes(body.region)) {
      throw new RoomFieldError([], 'Error: region not supported');
    }
    fields.region = body.region;
  }
  if ('recording_info' in body) {
    fields.recordingInfo = recordingInfo(body.recording_info);
  }
  if ('large_room' in body) {
    fields.largeRoom = booleanField(body.large_room, 'large_room');
  }
  if ('size' in body) {
    const size = body.size;
    if (typeof size !== 'number' || !Number.isInteger(size)) {
      throw invalid('size');
    }
    if (size < 0) {
      throw invalid('room size less than 0');
    }
    fields.size = size;
  }
  if ('max_duration_seconds' in body) {
    const seconds = body.max_duration_seconds;
    if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
      throw invalid('max_duration_seconds');
    }
    if (seconds < 120) {
      throw invalid('max_duration_seconds less than 120 seconds');
    }
    if (seconds > 43200) {
      throw invalid('max_duration_seconds greater than 43200 seconds');
    }
    fields.maxDurationSeconds = seconds;
  }
  if ('webhook' in body) {
    fields.webhook = webhook(body.webhook);
  }
  if ('polls' in body) {
    const polls = body.polls;
    if (!Array.isArray(polls) || !polls.every((poll) => typeof poll === 'string')) {
      throw invalid('polls');
    }
    fields.polls = polls;
  }
  if (mode === 'update' && 'enabled' in body) {
    fields.enabled = booleanField(body.enabled, 'enabled');
  }
  return fields;
}

function recordingInfo(value: unknown): HmsRecordingInfo {
  if (!isObject(value)) {
    throw invalid('recording_info');
  }
  const enabled =
    'enabled' in value ? booleanField(value.enabled, 'recording_info.enabled') : false;
  if (!('upload_info' in value)) {
    return { enabled };
  }
  const upload = value.upload_info;
  if (!isObject(upload) || typeof upload.type !== 'string' || !UPLOAD_TYPES.includes(upload.type)) {
    throw new RoomFieldError([], 'Invalid upload configuration');
  }
  if (typeof upload.location !== 'string' || upload.location === '') {
    throw new RoomFieldError([], 'Bucket location is missing');
  }
  return { enabled, upload_info: upload as HmsUploadInfo };
}

function webhook(value: unknown): RoomFields['webhook'] {
  if (!isObject(value) || typeof value.url !== 'string' || value.url === '') {
    throw invalid('webhook');
  }
  const headers = value.headers;
  if (headers === undefined) {
    return { url: value.url };
  }
  if (!isObject(headers) || !Object.values(headers).every((v) => typeof v === 'string')) {
    throw invalid('webhook.headers');
  }
  return { url: value.url, headers: headers as Record<string, string> };
}

function stringField(value: unknown, name: string): string {
  if (typeof value !== 'string') {
    throw invalid(name);
  }
  return value;
}

function booleanField(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') {
    throw invalid(name);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Invalid body param: <what>`, the form of the documented size and duration errors (§3.1). */
function invalid(what: string): RoomFieldError {
  return new RoomFieldError([`Invalid body param: ${what}`]);
}
