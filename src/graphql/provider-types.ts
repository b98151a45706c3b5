import { PROVIDER_MODULES } from '../providers/provider-modules.js';
import { builder } from './builder.js';
import type { ProviderSchemaNotes } from './provider-graphql.js';

/** Each provider module's GraphQL types, made once, in the order of the list of modules. */
export const PROVIDER_SCHEMA_TYPES = PROVIDER_MODULES.map((module) => ({
  id: module.id,
  kind: module.kind,
  ...module.graphql(builder),
}));

/** What the providers say on one topic of a shared description, in the order of the list. */
export function providerNotes(topic: keyof ProviderSchemaNotes): string[] {
  return PROVIDER_SCHEMA_TYPES.flatMap(({ notes }) => notes?.[topic] ?? []);
}

/** The providers' notes on a topic as a parenthesis for a shared description, or nothing. */
export function notesInParentheses(topic: keyof ProviderSchemaNotes): string {
  const notes = providerNotes(topic);
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
}
