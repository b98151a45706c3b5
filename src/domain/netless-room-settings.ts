/**
 * Agora Interactive Whiteboard (Netless) room settings and create/update options. Owned by the netless adapter's author:
 * fields are added here as the adapter maps them (see `../shared/providers/`).
 */
export interface NetlessRoomSettings {
  readonly kind: 'AGORA_WHITEBOARD';
}

export interface NetlessCreateSettings {}

export interface NetlessUpdateSettings {}
