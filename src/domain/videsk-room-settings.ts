/**
 * Videsk VPaaS room settings and create/update options. Owned by the videsk adapter's author:
 * fields are added here as the adapter maps them (see `../shared/providers/`).
 */
export interface VideskRoomSettings {
  readonly kind: 'VIDESK';
}

export interface VideskCreateSettings {}

export interface VideskUpdateSettings {}
