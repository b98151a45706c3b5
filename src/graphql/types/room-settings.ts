import type { RoomSettings } from '../../domain/room.js';
import { builder } from '../builder.js';
import { PROVIDER_SCHEMA_TYPES } from '../provider-types.js';

// One object type per provider kind, each made by its provider module: settings only that
// provider has, typed, never a bag.

export const RoomSettingsUnion = builder.unionType('RoomSettings', {
  description: 'Provider-specific settings, one type per provider kind.',
  types: PROVIDER_SCHEMA_TYPES.map(({ settings }) => settings),
  resolveType: (settings: RoomSettings) => {
    const provider = PROVIDER_SCHEMA_TYPES.find(({ kind }) => kind === settings.kind);
    if (!provider) {
      throw new Error(`No settings type for provider kind ${settings.kind}`);
    }
    return provider.settings;
  },
});
