import { hmsModule } from './hms/hms-module.js';
import { netlessModule } from './netless/netless-module.js';
import type { AccountConfigOf, ProviderModule } from './provider-module.js';
import { signalWireModule } from './signalwire/signalwire-module.js';
import { videskModule } from './videsk/videsk-module.js';

/**
 * Every provider the service speaks to, and the only place that names them all: config, the
 * registry, the GraphQL schema and the sandbox read the providers from here. A new provider is
 * its two folders (`providers/<id>/`, `emulators/<id>/`) and one line in this list.
 */
export const PROVIDER_MODULES = [
  signalWireModule,
  netlessModule,
  hmsModule,
  videskModule,
] as const satisfies readonly ProviderModule[];

/** The shapes of every provider's tokens, for scrubbing text that may hold any of them. */
export const PROVIDER_TOKEN_PATTERNS: readonly RegExp[] = PROVIDER_MODULES.flatMap(
  (module) => module.tokenPatterns,
);

/** One configured account, of any kind: a union over the modules, told apart by `kind`. */
export type ProviderConfig = AccountConfigOf<(typeof PROVIDER_MODULES)[number]>;

/** The module of a config `kind`. */
export function providerModule(id: string): ProviderModule | undefined {
  return PROVIDER_MODULES.find((module) => module.id === id);
}

/** The module of a `ProviderKind` value. */
export function moduleOfKind(kind: string): ProviderModule | undefined {
  return PROVIDER_MODULES.find((module) => module.kind === kind);
}
