import type {
  ProviderCapabilities,
  RoomOperation,
  SupportLevel,
} from '../../domain/capabilities.js';
import { ROOM_OPERATIONS } from '../../domain/capabilities.js';

import { builder } from '../builder.js';
import { providerNotes } from '../provider-types.js';
import { ProviderRef, RoomRef } from '../refs.js';
import { forwardPageSize, roomConnection } from '../room-connection.js';
import {
  DisableEffectEnum,
  ProviderKindEnum,
  RoomOperationEnum,
  SupportLevelEnum,
  TokenSourceEnum,
} from './enums.js';

const OperationSupportRef = builder
  .objectRef<{ operation: RoomOperation; support: SupportLevel; note: string | null }>(
    'OperationSupport',
  )
  .implement({
    fields: (t) => ({
      operation: t.field({ type: RoomOperationEnum, resolve: (entry) => entry.operation }),
      support: t.field({ type: SupportLevelEnum, resolve: (entry) => entry.support }),
      note: t.exposeString('note', {
        nullable: true,
        description: 'Where the operation means something else here, or why it is missing.',
      }),
    }),
  });

const CapabilitiesRef = builder.objectRef<ProviderCapabilities>('ProviderCapabilities').implement({
  description:
    'What this provider account can do, and how. Unsupported operations fail fast with UnsupportedOperationError.',
  fields: (t) => ({
    operations: t.field({
      type: [OperationSupportRef],
      resolve: (capabilities) =>
        ROOM_OPERATIONS.map((operation) => ({
          operation,
          support: capabilities.operations[operation],
          note: capabilities.operationNotes?.[operation] ?? null,
        })),
    }),
    disableEffect: t.field({
      type: DisableEffectEnum,
      nullable: true,
      description: 'What disableRoom does to people inside; null when disable is unsupported.',
      resolve: (capabilities) => capabilities.disableEffect,
    }),
    enableUndoesDisable: t.exposeBoolean('enableUndoesDisable'),
    tokenSource: t.field({
      type: TokenSourceEnum,
      resolve: (capabilities) => capabilities.tokenSource,
    }),
    maxPageSize: t.exposeInt('maxPageSize', {
      description: 'Largest page one upstream list call returns.',
    }),
    maxBatchSize: t.exposeInt('maxBatchSize', { description: 'Most rooms fetched in one batch.' }),
    notes: t.exposeStringList('notes', {
      description: 'How emulated or partial operations behave.',
    }),
  }),
});

/** What one account is at some of the providers, as the modules say it. */
function accountExamples(): string {
  const examples = providerNotes('account');
  return examples.length === 0 ? '' : `, e.g. ${examples.join(' or ')}`;
}

builder.node(ProviderRef, {
  description: `One configured provider account${accountExamples()}. Its fields need the rooms:read scope wherever a Provider appears.`,
  // On the type, as on Room, so no field that returns an account can skip the check.
  authScopes: { 'rooms:read': true },
  id: { resolve: (provider) => provider.key },
  isTypeOf: (value) =>
    typeof value === 'object' && value !== null && 'capabilities' in value && 'listRooms' in value,
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The account key from configuration.' }),
    kind: t.field({ type: ProviderKindEnum, resolve: (provider) => provider.kind }),
    displayName: t.exposeString('displayName'),
    capabilities: t.field({ type: CapabilitiesRef, resolve: (provider) => provider.capabilities }),
    rooms: t.connection({
      type: RoomRef,
      description:
        "Rooms of this account in the provider's own order. Forward paging only (first/after). Needs the rooms:read scope.",
      authScopes: { 'rooms:read': true },
      resolve: async (provider, args, context) => {
        const limit = forwardPageSize(args, context, 'Provider.rooms');
        const listed = provider.listRooms({
          cursor: args.after ?? null,
          limit,
          context: context.call,
        });
        // Lookups of this account's rooms in the same operation wait for this list.
        context.loaders.listing(
          [provider.key],
          listed.then((page) => page.edges.map((edge) => edge.room)),
        );
        return roomConnection(await listed, args, context);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  providers: t.field({
    type: [ProviderRef],
    description:
      'Every configured provider account, in configuration order. Needs the rooms:read scope.',
    authScopes: { 'rooms:read': true },
    resolve: (_root, _args, context) => context.registry.all(),
  }),
  provider: t.field({
    type: ProviderRef,
    nullable: true,
    description:
      'One provider account by its configuration key; null when there is none. Needs the rooms:read scope.',
    authScopes: { 'rooms:read': true },
    args: { key: t.arg.string({ required: true }) },
    resolve: (_root, args, context) => context.registry.get(args.key) ?? null,
  }),
}));
