import type { z } from 'zod';
import type { ProviderCapabilities } from '../domain/capabilities.js';
import type { ProviderKind } from '../domain/provider-kind.js';
import type { ProviderGraphql } from '../graphql/provider-graphql.js';
import type { BaseProviderOptions } from './provider-options.js';
import type { DocumentedRequestRate, RateLimitOverride } from './request-rate.js';
import type { RoomProvider } from './room-provider.js';

/**
 * Everything the service knows about one provider, declared in the provider's own folder
 * (`<id>-module.ts`). The service reaches providers only through the list of modules
 * (`provider-modules.ts`): the config schema, the environment variables, the adapters, the
 * GraphQL settings and option types, the `ProviderKind` enum and the sandbox all come from it.
 *
 * Declare a module with `satisfies ProviderModule<'<id>', typeof accountFields>`, so a missing
 * part fails type checking and the module keeps its own precise types.
 */
export interface ProviderModule<
  Id extends string = string,
  Fields extends z.ZodRawShape = z.ZodRawShape,
> {
  /**
   * The short id: the config `kind`, the folder and file prefix, the prefix of its environment
   * variables, and the name of its options field on `CreateRoomInput` and `UpdateRoomInput`.
   */
  readonly id: Id;
  /** Its `ProviderKind` enum value (SCREAMING_SNAKE): `Provider.kind`, `RoomSettings.kind`. */
  readonly kind: ProviderKind;
  /** The provider's name, for people. */
  readonly displayName: string;
  /** The account config: fields, rules, secrets, environment variables. */
  readonly account: ProviderAccount<Fields>;
  /**
   * What an account of this kind can do: the source of `Provider.capabilities`, and what its
   * adapter reports. A function, since it may depend on the account's credentials.
   */
  capabilities(account: AccountConfig<Id, Fields>): ProviderCapabilities;
  /**
   * The request rate the provider publishes, or null where it publishes none: each account's
   * upstream client paces itself to it unless the account's `rateLimit` says otherwise.
   */
  readonly requestRate: DocumentedRequestRate | null;
  /**
   * Where role names of the provider's own come from, when its tokens may name one
   * (`CreateRoomTokenInput.providerRole`), e.g. "room templates"; null where tokens follow `role`.
   */
  readonly providerRoles: string | null;
  /**
   * Shapes of the tokens the provider issues (global regexps), scrubbed by shape from free text
   * the service writes (error messages, logged errors), on top of the secret values it knows.
   */
  readonly tokenPatterns: readonly RegExp[];
  /** Builds the adapter of one account, handed the service-wide part of its options. */
  createProvider(account: AccountConfig<Id, Fields>, base: BaseProviderOptions): RoomProvider;
  /**
   * The GraphQL types of this kind: its `RoomSettings` member and its create and update option
   * inputs, made with the service's builder (the only place outside `graphql/` that makes types).
   */
  readonly graphql: ProviderGraphql;
  /**
   * Starts the provider's emulator for the sandbox and says which account points at it. The
   * emulator is loaded here, by a dynamic import of its `<id>-sandbox.ts`, and nowhere else: the
   * adapter and the emulator share no code, and a service with real accounts never loads it.
   */
  startSandbox(options: SandboxOptions): Promise<ProviderSandbox<AccountConfig<Id, Fields>>>;
}

/**
 * The settings every account has, whatever its kind; `config.ts` checks them. (A type, not an
 * interface: an account of one kind must fit the account of any kind.)
 */
export type AccountBase<Id extends string = string> = {
  /** Which module serves the account: its `id`. */
  kind: Id;
  /** Names the account: in global ids, `Provider.key`, metrics. Unique per service. */
  key: string;
  displayName?: string | undefined;
  baseUrl: string;
  /** The account's own request rate, or null for none; the provider's documented one when absent. */
  rateLimit?: RateLimitOverride | null | undefined;
};

/** The fields a module adds to every account of its kind, as config validation outputs them. */
export type AccountFields<Fields extends z.ZodRawShape> = z.infer<z.ZodObject<Fields>>;

/** One validated account of a module's kind. */
export type AccountConfig<Id extends string, Fields extends z.ZodRawShape> = AccountBase<Id> &
  AccountFields<Fields>;

/** The account config of one module, from the module's type. */
export type AccountConfigOf<Module> =
  Module extends ProviderModule<infer Id, infer Fields> ? AccountConfig<Id, Fields> : never;

export interface ProviderAccount<Fields extends z.ZodRawShape> {
  /** The fields beyond `AccountBase`, each with its rule and a message naming what is wrong. */
  readonly fields: Fields;
  /** Rules across fields; each failure is reported on the field to fix, like a field's own. */
  check?(account: AccountFields<Fields>, report: (field: string, message: string) => void): void;
  /**
   * The account's secret values: never shown, redacted wherever they turn up, and what derived
   * keys come from. Identifiers that travel in the clear (project ids, access keys) are not.
   */
  secrets(account: AccountFields<Fields>): readonly (string | undefined)[];
  /** The single account of this kind the environment can configure. */
  readonly env: AccountEnv<Fields>;
}

/**
 * The environment variables of one account of this kind. It is configured as soon as any of
 * them is set, and validation errors then name the variable, not the field.
 */
export interface AccountEnv<Fields extends z.ZodRawShape> {
  /** Sets the account key, which is the module id when unset: `<ID>_KEY`. */
  readonly key: string;
  /** Variable of each field, `baseUrl` first. */
  readonly variables: { readonly baseUrl: string } & {
    readonly [Field in keyof Fields & string]?: string;
  };
  /** Fields sent as '' when their variable is unset, so the error names that variable. */
  readonly required: readonly (keyof Fields & string)[];
  /** The base URL from its variable's value (a default where the provider has one), or ''. */
  baseUrl(value: string | undefined): string;
}

export interface SandboxOptions {
  /** The emulator's documented port (`npm run emulators`); port 0 otherwise. */
  readonly fixedPort: boolean;
  readonly host: string;
  /**
   * Requests per second an emulator that enforces a rate allows instead of the documented one,
   * and the account then paces itself to: benchmarks raise it, to measure the service.
   */
  readonly rateLimitPerSecond?: number;
}

export interface ProviderSandbox<Account> {
  /** The running emulator (the entry's own type: request log, faults, admin). */
  readonly running: { readonly url: string; close(): Promise<void> };
  /** The account that points at it, as a config file would list it. */
  readonly account: Account;
}
