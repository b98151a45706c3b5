/**
 * The kind of provider an account belongs to, as the GraphQL `ProviderKind` enum spells it
 * (SCREAMING_SNAKE). Each provider module declares its own; the enum is built from the list of
 * modules, so the domain names no provider.
 */
export type ProviderKind = string;
