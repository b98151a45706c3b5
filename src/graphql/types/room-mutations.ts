import { createHash } from 'node:crypto';
import { clientKey } from '../../client-key.js';
import type { Context } from '../../context.js';
import { InputValidationError, RoomNotFoundError } from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import { roomChangeEvent, roomLifecycleEvent } from '../../events/room-events.js';
import { roomKeyString } from '../../loaders/room-key.js';
import { PROVIDER_MODULES } from '../../providers/provider-modules.js';
import type { RoomProvider } from '../../providers/room-provider.js';
import { fingerprintOf } from '../../store/fingerprint.js';
import { runIdempotent } from '../../store/run-idempotent.js';
import { builder } from '../builder.js';
import { resultNames, target } from '../mutations.js';
import { PROVIDER_SCHEMA_TYPES } from '../provider-types.js';
import { RoomRef, RoomTokenRef } from '../refs.js';
import { assertSupported } from '../supported.js';
import { CREATE_ROOM_ERROR_TYPES } from './errors.js';
import {
  CreateRoomInput,
  CreateRoomTokenInput,
  RoomIdInput,
  UpdateRoomInput,
} from './room-inputs.js';

/** Providers whose tokens may name a role of the provider's own (`providerRole`). */
const PROVIDER_ROLE_MODULES = PROVIDER_MODULES.filter((module) => module.providerRoles !== null);

function assertProviderRoleFits(provider: RoomProvider, providerRole: string | null | undefined) {
  if (
    providerRole != null &&
    !PROVIDER_ROLE_MODULES.some((module) => module.kind === provider.kind)
  ) {
    const kinds = PROVIDER_ROLE_MODULES.map((module) => module.kind).join(' and ');
    const sources = PROVIDER_ROLE_MODULES.map((module) => module.providerRoles).join(' or ');
    throw new InputValidationError([
      {
        path: ['input', 'providerRole'],
        message: `applies to ${kinds} accounts only, whose roles come from ${sources}; ${provider.key} is ${provider.kind}: use role`,
      },
    ]);
  }
}

/**
 * The provider options of a create or update input, each under its module's id, with GraphQL's
 * explicit nulls made absent (adapters read null and absent alike, as "no options").
 */
function providerOptions(input: object): Record<string, unknown> {
  const fields: Readonly<Record<string, unknown>> = input as Readonly<Record<string, unknown>>;
  return Object.fromEntries(
    PROVIDER_SCHEMA_TYPES.flatMap(({ id }) => (fields[id] == null ? [] : [[id, fields[id]]])),
  );
}

/** Options for another provider kind are a mistake worth naming, not something to drop quietly. */
function assertOptionsFit(provider: RoomProvider, options: Readonly<Record<string, unknown>>) {
  const issues = PROVIDER_SCHEMA_TYPES.filter(
    ({ id, kind }) => options[id] !== undefined && provider.kind !== kind,
  ).map(({ id, kind }) => ({
    path: ['input', id],
    message: `applies to ${kind} accounts only; ${provider.key} is ${provider.kind}`,
  }));
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
}

/** Disables or enables a room; the new state primes the loader for the payload's `room`. */
async function switchRoom(context: Context, id: string, operation: 'disableRoom' | 'enableRoom') {
  const { provider, nativeId } = target(context, id, ['input', 'id'], operation);
  const room = await provider[operation](nativeId, { context: context.call });
  context.loaders.prime(room);
  await context.events.publish([
    roomChangeEvent(operation === 'disableRoom' ? 'ROOM_DISABLED' : 'ROOM_ENABLED', room, API),
  ]);
  return room;
}

const API = { source: 'API' } as const;

/**
 * Where a createRoom idempotencyKey lives: per client (kind and id) and per account, so two
 * clients never see each other's rooms. The parts go in a JSON array, which no choice of ids
 * and keys can make ambiguous, then are hashed to a fixed length for the store.
 */
function idempotencyScope(context: Context, providerKey: string, idempotencyKey: string): string {
  const parts = JSON.stringify([clientKey(context.client), providerKey, idempotencyKey]);
  return `createRoom:${createHash('sha256').update(parts).digest('hex')}`;
}

builder.mutationFields((t) => ({
  createRoom: t.field({
    type: RoomRef,
    description: 'Creates a room at one provider account. Needs the rooms:write scope.',
    authScopes: { 'rooms:write': true },
    errors: resultNames('CreateRoom', 'room', CREATE_ROOM_ERROR_TYPES),
    args: { input: t.arg({ type: CreateRoomInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const provider = context.registry.require(input.providerKey);
      assertSupported(provider, 'createRoom');
      const options = providerOptions(input);
      assertOptionsFit(provider, options);
      const { idempotencyKey, ...request } = input;
      const creation = {
        name: request.name,
        displayName: request.displayName,
        description: request.description,
        notBefore: request.notBefore,
        expiresAt: request.expiresAt,
        maxParticipants: request.maxParticipants,
        recordingEnabled: request.recordingEnabled,
        region: request.region,
        ...options,
      };
      const create = async () => {
        const room = await provider.createRoom(creation, { context: context.call });
        context.loaders.prime(room);
        await context.events.publish([roomLifecycleEvent('ROOM_CREATED', room, API)]);
        return room;
      };
      // Asked only when an earlier create under this key was sent and got no answer.
      const findCreated = provider.findCreatedRoom
        ? async () => {
            const room = await provider.findCreatedRoom?.(creation, { context: context.call });
            return room ? roomKeyString(room) : null;
          }
        : undefined;
      if (!idempotencyKey) {
        return create();
      }
      let created: Room | null = null;
      const outcome = await runIdempotent(
        context.idempotency.store,
        {
          key: idempotencyScope(context, provider.key, idempotencyKey),
          fingerprint: fingerprintOf(request),
          ttlMs: context.idempotency.ttlMs,
          waitMs: context.idempotency.waitMs,
          signal: context.call.signal,
        },
        async () => {
          created = await create();
          return roomKeyString(created);
        },
        findCreated,
      );
      if (created) {
        return created;
      }
      // A repeat: answer with the room the first request created, as it is now.
      const room = await context.loaders.room.load(outcome.value);
      if (!room) {
        throw new RoomNotFoundError(provider.key, outcome.value);
      }
      return room;
    },
  }),

  updateRoom: t.field({
    type: RoomRef,
    description: 'Changes a room; fields left out keep their values. Needs the rooms:write scope.',
    authScopes: { 'rooms:write': true },
    errors: resultNames('UpdateRoom', 'room'),
    args: { input: t.arg({ type: UpdateRoomInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { provider, nativeId } = target(context, input.id, ['input', 'id'], 'updateRoom');
      const options = providerOptions(input);
      assertOptionsFit(provider, options);
      const room = await provider.updateRoom(
        nativeId,
        {
          displayName: input.displayName,
          description: input.description,
          notBefore: input.notBefore,
          expiresAt: input.expiresAt,
          maxParticipants: input.maxParticipants,
          recordingEnabled: input.recordingEnabled,
          ...options,
        },
        { context: context.call },
      );
      context.loaders.prime(room);
      await context.events.publish([roomChangeEvent('ROOM_UPDATED', room, API)]);
      return room;
    },
  }),

  disableRoom: t.field({
    type: RoomRef,
    description:
      'Stops new joins. Provider.capabilities.disableEffect says what happens to people inside. Needs the rooms:write scope.',
    authScopes: { 'rooms:write': true },
    errors: resultNames('DisableRoom', 'room'),
    args: { input: t.arg({ type: RoomIdInput, required: true }) },
    resolve: (_root, { input }, context) => switchRoom(context, input.id, 'disableRoom'),
  }),

  enableRoom: t.field({
    type: RoomRef,
    description:
      'Lets people join again after disableRoom, where the provider can undo it. Needs the rooms:write scope.',
    authScopes: { 'rooms:write': true },
    errors: resultNames('EnableRoom', 'room'),
    args: { input: t.arg({ type: RoomIdInput, required: true }) },
    resolve: (_root, { input }, context) => switchRoom(context, input.id, 'enableRoom'),
  }),

  deleteRoom: t.field({
    type: 'ID',
    description:
      "Deletes a room for good. Returns the deleted room's id. Needs the rooms:write scope.",
    authScopes: { 'rooms:write': true },
    errors: resultNames('DeleteRoom', 'deletedRoomId'),
    args: { input: t.arg({ type: RoomIdInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { provider, nativeId } = target(context, input.id, ['input', 'id'], 'deleteRoom');
      await provider.deleteRoom(nativeId, { context: context.call });
      await context.events.publish([
        roomLifecycleEvent('ROOM_DELETED', { providerKey: provider.key, nativeId }, API),
      ]);
      context.loaders.forget(roomKeyString({ providerKey: provider.key, nativeId }));
      return input.id;
    },
  }),

  createRoomToken: t.field({
    type: RoomTokenRef,
    description: 'Mints a join token for one person. Needs the tokens:create scope.',
    authScopes: { 'tokens:create': true },
    errors: resultNames('CreateRoomToken', 'roomToken'),
    args: { input: t.arg({ type: CreateRoomTokenInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { provider, nativeId } = target(
        context,
        input.roomId,
        ['input', 'roomId'],
        'createRoomToken',
      );
      assertProviderRoleFits(provider, input.providerRole);
      // Through the loader: a missing room is a typed error before anything is minted, and the
      // token's own `room` field then costs nothing.
      const room = await context.loaders.room.load(
        roomKeyString({ providerKey: provider.key, nativeId }),
      );
      if (!room) {
        throw new RoomNotFoundError(provider.key, input.roomId);
      }
      return provider.createRoomToken(
        nativeId,
        {
          role: input.role,
          identity: input.identity,
          permissions: input.permissions,
          ttlSeconds: input.ttlSeconds,
          providerRole: input.providerRole,
        },
        { context: context.call, room },
      );
    },
  }),
}));
