import { createHash } from 'node:crypto';
import { clientKey } from '../../client-key.js';
import type { Context } from '../../context.js';
import { InputValidationError, RoomNotFoundError } from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import { roomChangeEvent, roomLifecycleEvent } from '../../events/room-events.js';
import { roomKeyString } from '../../loaders/room-key.js';
import type { RoomProvider } from '../../providers/room-provider.js';
import { fingerprintOf } from '../../store/fingerprint.js';
import { runIdempotent } from '../../store/run-idempotent.js';
import { builder } from '../builder.js';
import { resultNames, target } from '../mutations.js';
import { RoomRef, RoomTokenRef } from '../refs.js';
import { assertSupported } from '../supported.js';
import { CREATE_ROOM_ERROR_TYPES } from './errors.js';
import {
  CreateRoomInput,
  CreateRoomTokenInput,
  RoomIdInput,
  UpdateRoomInput,
} from './room-inputs.js';

/** Which account kind each provider-options field of the inputs belongs to. */
const OPTIONS_KIND = { signalwire: 'SIGNALWIRE', hms: 'HMS' } as const;

/**
 * Provider kinds whose tokens name a role of the provider's own, per room: 100ms takes any role
 * of the room's template. Netless's three roles and SignalWire's permissions follow `role`, and
 * Videsk tokens carry no role, so a provider role there would be dropped or guessed at.
 */
const PROVIDER_ROLE_KINDS: ReadonlySet<RoomProvider['kind']> = new Set(['HMS']);

function assertProviderRoleFits(provider: RoomProvider, providerRole: string | null | undefined) {
  if (providerRole != null && !PROVIDER_ROLE_KINDS.has(provider.kind)) {
    throw new InputValidationError([
      {
        path: ['input', 'providerRole'],
        message: `applies to HMS accounts only, whose roles come from room templates; ${provider.key} is ${provider.kind}: use role`,
      },
    ]);
  }
}

/** Options for another provider kind are a mistake worth naming, not something to drop quietly. */
function assertOptionsFit(
  provider: RoomProvider,
  input: Partial<Record<keyof typeof OPTIONS_KIND, unknown>>,
): void {
  const issues = Object.entries(OPTIONS_KIND)
    .filter(
      ([field, kind]) =>
        input[field as keyof typeof OPTIONS_KIND] != null && provider.kind !== kind,
    )
    .map(([field, kind]) => ({
      path: ['input', field],
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

/** Strips GraphQL's explicit nulls on provider option objects, which adapters read as "absent". */
function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
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
      assertOptionsFit(provider, input);
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
        signalwire: orUndefined(request.signalwire),
        hms: orUndefined(request.hms),
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
      assertOptionsFit(provider, input);
      const room = await provider.updateRoom(
        nativeId,
        {
          displayName: input.displayName,
          description: input.description,
          notBefore: input.notBefore,
          expiresAt: input.expiresAt,
          maxParticipants: input.maxParticipants,
          recordingEnabled: input.recordingEnabled,
          signalwire: orUndefined(input.signalwire),
          hms: orUndefined(input.hms),
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
