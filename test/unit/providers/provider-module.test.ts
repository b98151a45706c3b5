import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NO_ROOM_LIFE, type ProviderCapabilities } from '../../../src/domain/capabilities.js';
import type { ProviderModule } from '../../../src/providers/provider-module.js';
import { PROVIDER_MODULES } from '../../../src/providers/provider-modules.js';

const fields = { apiToken: z.string().min(1, 'is required') };
type FifthModule = ProviderModule<'fifth', typeof fields>;

const CAPABILITIES: ProviderCapabilities = {
  operations: {
    createRoom: 'NATIVE',
    getRoom: 'NATIVE',
    listRooms: 'NATIVE',
    updateRoom: 'UNSUPPORTED',
    disableRoom: 'UNSUPPORTED',
    enableRoom: 'UNSUPPORTED',
    deleteRoom: 'UNSUPPORTED',
    createRoomToken: 'UNSUPPORTED',
    listRoomTokens: 'UNSUPPORTED',
    ...NO_ROOM_LIFE,
  },
  disableEffect: null,
  enableUndoesDisable: false,
  tokenSource: 'PROVIDER_API',
  maxPageSize: 10,
  maxBatchSize: 10,
  notes: [],
};

const notBuiltHere = (): never => {
  throw new Error('not built in a type test');
};

/** A made-up fifth provider with every part: the cases below each take one away. */
const complete = {
  id: 'fifth',
  kind: 'FIFTH',
  displayName: 'Fifth',
  account: {
    fields,
    secrets(account) {
      return [account.apiToken];
    },
    env: {
      key: 'FIFTH_KEY',
      variables: { baseUrl: 'FIFTH_BASE_URL', apiToken: 'FIFTH_API_TOKEN' },
      required: ['apiToken'],
      baseUrl: (value) => value ?? 'https://api.fifth.example',
    },
  },
  capabilities: () => CAPABILITIES,
  requestRate: null,
  tokenPatterns: [],
  providerRoles: null,
  createProvider: notBuiltHere,
  graphql: notBuiltHere,
  startSandbox: notBuiltHere,
} satisfies FifthModule;

function without<Part extends keyof typeof complete>(part: Part): Omit<typeof complete, Part> {
  const { [part]: _left, ...rest } = complete;
  return rest;
}

/** Takes a module: where the argument is not one, `npm run typecheck` fails. */
function accept(module: FifthModule): string {
  return module.id;
}

/** The parts `ProviderModule` requires; a part added to it without a case below fails here. */
type RequiredPart = {
  [Part in keyof FifthModule]-?: undefined extends FifthModule[Part] ? never : Part;
}[keyof FifthModule];
const CHECKED = [
  'id',
  'kind',
  'displayName',
  'account',
  'capabilities',
  'requestRate',
  'tokenPatterns',
  'providerRoles',
  'createProvider',
  'graphql',
  'startSandbox',
] as const;
const everyPartChecked: [Exclude<RequiredPart, (typeof CHECKED)[number]>] extends [never]
  ? true
  : false = true;

describe('ProviderModule', () => {
  it('refuses, in type checking, a module missing any required part', () => {
    // Each call below must fail `npm run typecheck`; were one to pass, its @ts-expect-error
    // directive would be unused, which fails the type check too.
    // @ts-expect-error: no id
    accept(without('id'));
    // @ts-expect-error: no kind
    accept(without('kind'));
    // @ts-expect-error: no display name
    accept(without('displayName'));
    // @ts-expect-error: no account config
    accept(without('account'));
    // @ts-expect-error: no capabilities
    accept(without('capabilities'));
    // @ts-expect-error: no request rate (null says "none published"; absent says nothing)
    accept(without('requestRate'));
    // @ts-expect-error: no token shapes (an empty list says the provider has none to scrub)
    accept(without('tokenPatterns'));
    // @ts-expect-error: no word on provider roles
    accept(without('providerRoles'));
    // @ts-expect-error: no adapter factory
    accept(without('createProvider'));
    // @ts-expect-error: no GraphQL types
    accept(without('graphql'));
    // @ts-expect-error: no sandbox emulator
    accept(without('startSandbox'));
    // @ts-expect-error: no environment variables for the account
    accept({ ...complete, account: { fields, secrets: complete.account.secrets } });

    expect(everyPartChecked).toBe(true);
    expect(CHECKED.map((part) => Object.keys(without(part)).includes(part))).not.toContain(true);
    expect(accept(complete)).toBe('fifth');
  });
});

describe('PROVIDER_MODULES', () => {
  it('lists one module per provider folder, each with its emulator folder', () => {
    const folders = (path: string) =>
      readdirSync(new URL(`../../../src/${path}/`, import.meta.url), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    const ids = PROVIDER_MODULES.map((module) => module.id);
    expect(folders('providers')).toEqual([...ids].sort());
    expect(folders('emulators')).toEqual([...ids, 'shared'].sort());
  });

  it('gives each module its own id, kind and environment variables', () => {
    const ids = PROVIDER_MODULES.map((module) => module.id);
    const kinds = PROVIDER_MODULES.map((module) => module.kind);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(kinds).size).toBe(kinds.length);
    for (const module of PROVIDER_MODULES) {
      expect(module.id).toMatch(/^[a-z][a-z0-9]*$/);
      expect(module.kind).toMatch(/^[A-Z][A-Z0-9_]*$/);
      const prefix = `${module.id.toUpperCase()}_`;
      const variables = [module.account.env.key, ...Object.values(module.account.env.variables)];
      expect(variables.filter((name) => !name?.startsWith(prefix))).toEqual([]);
    }
  });
});
