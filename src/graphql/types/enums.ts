import {
  DISABLE_EFFECTS,
  ROOM_OPERATIONS,
  SUPPORT_LEVELS,
  TOKEN_SOURCES,
} from '../../domain/capabilities.js';
import { ROOM_STATUSES } from '../../domain/room.js';
import { RECORDING_STATUSES, SESSION_STATUSES } from '../../domain/room-life.js';
import { ROOM_TOKEN_ROLES } from '../../domain/room-token.js';
import { PROVIDER_MODULES } from '../../providers/provider-modules.js';
import { builder } from '../builder.js';

// Built from the domain constants and the list of provider modules, so the schema enums and
// the TypeScript unions cannot drift.

export const ProviderKindEnum = builder.enumType('ProviderKind', {
  description: 'The kind of video provider an account belongs to.',
  values: PROVIDER_MODULES.map((module) => module.kind),
});

export const RoomStatusEnum = builder.enumType('RoomStatus', {
  description:
    'ACTIVE accepts joins; DISABLED blocks new joins (disableRoom); ENDED is closed for good; EXPIRED is past its expiry; UNKNOWN could not be mapped.',
  values: ROOM_STATUSES,
});

export const RoomTokenRoleEnum = builder.enumType('RoomTokenRole', {
  description:
    'HOST manages the room and others; PARTICIPANT sends and receives; VIEWER only receives.',
  values: ROOM_TOKEN_ROLES,
});

export const SupportLevelEnum = builder.enumType('SupportLevel', {
  description:
    'NATIVE: one documented upstream call. EMULATED: built from other calls (see notes). UNSUPPORTED: fails fast.',
  values: SUPPORT_LEVELS,
});

export const RoomOperationEnum = builder.enumType('RoomOperation', { values: ROOM_OPERATIONS });

export const DisableEffectEnum = builder.enumType('DisableEffect', {
  description: 'What disableRoom does to people already in the room.',
  values: DISABLE_EFFECTS,
});

export const TokenSourceEnum = builder.enumType('TokenSource', {
  description: 'Whether room tokens are signed by the service or fetched from the provider.',
  values: TOKEN_SOURCES,
});

export const RoomRoleEnum = builder.enumType('RoomRole', {
  description:
    "A person's role in a room, mapped back from the provider's own: HOST manages the room and others; PARTICIPANT sends and receives; VIEWER only receives.",
  values: ROOM_TOKEN_ROLES,
});

export const SessionStatusEnum = builder.enumType('SessionStatus', {
  description: 'LIVE: someone is in the room now. ENDED: the session is over.',
  values: SESSION_STATUSES,
});

export const RecordingStatusEnum = builder.enumType('RecordingStatus', {
  description:
    'RECORDING: being recorded now. PROCESSING: stopped, its file not ready yet. READY: its file can be downloaded. FAILED: no file will come.',
  values: RECORDING_STATUSES,
});
