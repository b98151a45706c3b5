/**
 * 100ms room settings and create/update options. Owned by the hms adapter's author:
 * fields are added here as the adapter maps them (see `../shared/providers/`).
 */
export interface HmsRoomSettings {
  readonly kind: 'HMS';
}

export interface HmsCreateSettings {}

export interface HmsUpdateSettings {}
