/**
 * The provider kinds the service speaks to. The values are also the GraphQL `ProviderKind` enum,
 * so the schema and the TypeScript union cannot drift apart.
 */
export const PROVIDER_KINDS = ['SIGNALWIRE', 'AGORA_WHITEBOARD', 'HMS', 'VIDESK'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Short ids used for folders, config `kind` values and log fields. */
export const PROVIDER_FOLDER_IDS = {
  SIGNALWIRE: 'signalwire',
  AGORA_WHITEBOARD: 'netless',
  HMS: 'hms',
  VIDESK: 'videsk',
} as const satisfies Record<ProviderKind, string>;

export type ProviderFolderId = (typeof PROVIDER_FOLDER_IDS)[ProviderKind];

export function kindFromFolderId(id: string): ProviderKind | undefined {
  return PROVIDER_KINDS.find((kind) => PROVIDER_FOLDER_IDS[kind] === id);
}
