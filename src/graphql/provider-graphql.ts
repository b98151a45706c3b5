import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { RoomSettings } from '../domain/room.js';
import type { builder } from './builder.js';

/** The service's one SchemaBuilder, as a provider module's GraphQL part receives it. */
export type Builder = typeof builder;
/** The schema types of that builder, for Pothos's generic types. */
export type Types = Builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/**
 * What a provider does that the shared descriptions give as an example, by topic. The schema's
 * text stays one text; the provider-specific words in it come from the provider's folder.
 */
export interface ProviderSchemaNotes {
  /** What one account is at this provider (the `Provider` type's example). */
  readonly account?: string;
  /** Which tokens the provider keeps for a room (`Room.tokens`). */
  readonly keptTokens?: string;
  /** Providers whose create answer carries a join token (`Room.tokens`). */
  readonly createAnswerTokens?: string;
  /** Where `CreateRoomTokenInput.providerRole` applies, and how it is checked. */
  readonly providerRole?: string;
}

/** A provider's GraphQL types. */
export interface ProviderSchemaTypes {
  /** Its member of the `RoomSettings` union, for rooms whose settings have its kind. */
  readonly settings: ObjectRef<Types, RoomSettings>;
  /** Its options on `CreateRoomInput`, under the module's id; absent where it takes none. */
  readonly createOptions?: InputObjectRef<Types, unknown>;
  /** Its options on `UpdateRoomInput`, under the module's id; absent where it takes none. */
  readonly updateOptions?: InputObjectRef<Types, unknown>;
  /** Options of `updateOptions` fixed at creation: setting one alone changes nothing. */
  readonly fixedAtCreation?: readonly string[];
  readonly notes?: ProviderSchemaNotes;
}

/**
 * A provider module's GraphQL part: makes its types with the builder it is handed. A function,
 * so the provider's folder needs no runtime import of the builder and nothing is made twice.
 */
export type ProviderGraphql = (builder: Builder) => ProviderSchemaTypes;
