import type { RoomTokenRole } from '../../domain/room-token.js';

const ROOM_WIDE = [
  'room.hide_video_muted',
  'room.show_video_muted',
  'room.list_available_layouts',
  'room.lock',
  'room.unlock',
  'room.playback',
  'room.playback_seek',
  'room.prioritize_handraise',
  'room.recording',
  'room.set_layout',
  'room.set_position',
  'room.set_meta',
  'room.stream',
] as const;

const ANY_MEMBER = [
  'room.member.audio_mute',
  'room.member.audio_unmute',
  'room.member.video_mute',
  'room.member.video_unmute',
  'room.member.deaf',
  'room.member.undeaf',
  'room.member.set_input_volume',
  'room.member.set_output_volume',
  'room.member.set_input_sensitivity',
  'room.member.set_position',
  'room.member.set_meta',
  'room.member.raisehand',
  'room.member.lowerhand',
  'room.member.remove',
  'room.member.promote',
  'room.member.demote',
] as const;

/** The defaults SignalWire applies when `permissions` is left out (`signalwire.md` §5.3). */
const SELF_DEFAULTS = [
  'room.self.audio_mute',
  'room.self.audio_unmute',
  'room.self.video_mute',
  'room.self.video_unmute',
  'room.self.deaf',
  'room.self.undeaf',
  'room.self.set_input_volume',
  'room.self.set_output_volume',
  'room.self.set_input_sensitivity',
  'room.self.screenshare',
  'room.self.additional_source',
] as const;

const SELF_OTHERS = [
  'room.self.set_position',
  'room.self.set_meta',
  'room.self.raisehand',
  'room.self.lowerhand',
] as const;

/**
 * Every permission the token API accepts: the spec's enum plus `room.stream.start`, which only
 * the permissions page lists (`signalwire.md` §5.3 takes the union).
 */
export const SIGNALWIRE_PERMISSIONS: ReadonlySet<string> = new Set([
  ...ROOM_WIDE,
  'room.stream.start',
  ...ANY_MEMBER,
  ...SELF_DEFAULTS,
  ...SELF_OTHERS,
]);

/**
 * What each role gets when the caller names no permissions. HOST follows the guide's
 * moderator ("permissions to affect the room and any member", §3.4); VIEWER joins as audience,
 * whose permission list SignalWire forces to empty (§5.1).
 */
export function defaultPermissions(role: RoomTokenRole): string[] {
  switch (role) {
    case 'HOST':
      return [...ROOM_WIDE, ...ANY_MEMBER, ...SELF_DEFAULTS, ...SELF_OTHERS];
    case 'PARTICIPANT':
      return [...SELF_DEFAULTS];
    case 'VIEWER':
      return [];
  }
}
