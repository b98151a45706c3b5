import type { Context } from '../../context.js';
import { InputValidationError } from '../../domain/errors.js';
import type { Room } from '../../domain/room.js';
import type { RoomSession } from '../../domain/room-life.js';
import { roomKeyString } from '../../loaders/room-key.js';
import { builder } from '../builder.js';
import { childGlobalId, childKeyString } from '../child-ids.js';
import { ParticipantRef, RoomRef, RoomSessionRef } from '../refs.js';
import { forwardPageSize, pageConnection } from '../room-connection.js';
import { supportedMethod } from '../supported.js';
import { RoomRoleEnum, SessionStatusEnum } from './enums.js';

/** The room a session, recording or participant belongs to, through the request's loader. */
export function roomOf(
  child: { providerKey: string; roomNativeId: string },
  context: Context,
): Promise<Room | null> {
  return context.loaders.room.load(
    roomKeyString({ providerKey: child.providerKey, nativeId: child.roomNativeId }),
  );
}

builder.node(RoomSessionRef, {
  description:
    'One continuous stretch of a room being in use, from its first join to its last leave. Its fields need the rooms:read scope.',
  authScopes: { 'rooms:read': true },
  id: {
    resolve: (session) =>
      childKeyString({
        providerKey: session.providerKey,
        roomNativeId: session.roomNativeId,
        nativeId: session.nativeId,
      }),
    skipTypeScopes: true,
  },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'participantCount' in value,
  fields: (t) => ({
    room: t.field({
      type: RoomRef,
      nullable: true,
      resolve: (session, _args, context) => roomOf(session, context),
    }),
    status: t.field({ type: SessionStatusEnum, resolve: (session) => session.status }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    participantCount: t.exposeInt('participantCount', {
      nullable: true,
      description:
        'People in it now (LIVE) or who took part (ENDED); null where the provider does not say.',
    }),
    participants: t.connection({
      type: ParticipantRef,
      nullable: true,
      description:
        'Who is or was in the session, in the order they joined. Costs no upstream call where the session answer already carries them.',
      resolve: async (session, args, context) => {
        const limit = forwardPageSize(args, context, 'RoomSession.participants');
        if (session.participants !== null) {
          return pageConnection(pageOfCarried(session, args.after ?? null, limit), args);
        }
        const provider = context.registry.require(session.providerKey);
        const list = supportedMethod(provider, 'listParticipants', 'listParticipants');
        const page = await list(session, {
          cursor: args.after ?? null,
          limit,
          context: context.call,
        });
        return pageConnection(page, args);
      },
    }),
  }),
});

/**
 * A page of the participants a session answer carried, with cursors that are positions in that
 * list: the list is the provider's whole answer, so paging it asks nothing more.
 */
function pageOfCarried(session: RoomSession, after: string | null, limit: number) {
  const all = session.participants ?? [];
  const start = after === null ? 0 : carriedPosition(after) + 1;
  const taken = all.slice(start, start + limit);
  return {
    edges: taken.map((node, offset) => ({ node, cursor: `carried:${start + offset}` })),
    hasNextPage: start + taken.length < all.length,
  };
}

function carriedPosition(cursor: string): number {
  const match = /^carried:(\d{1,6})$/.exec(cursor);
  if (!match) {
    throw new InputValidationError([
      { path: ['after'], message: 'is not a cursor this API issued' },
    ]);
  }
  return Number(match[1]);
}

builder.objectType(ParticipantRef, {
  description: "One person's presence in a session: a join, and the leave that ended it.",
  fields: (t) => ({
    id: t.id({
      description: 'Opaque; what removeParticipant takes.',
      resolve: (participant) =>
        childGlobalId('Participant', {
          providerKey: participant.providerKey,
          roomNativeId: participant.roomNativeId,
          nativeId: participant.nativeId,
        }),
    }),
    identity: t.exposeString('identity', {
      nullable: true,
      description: 'The user id the join token carried.',
    }),
    displayName: t.exposeString('displayName', { nullable: true }),
    role: t.field({
      type: RoomRoleEnum,
      nullable: true,
      description: "The provider's role mapped back to ours; null when it maps to none.",
      resolve: (participant) => participant.role,
    }),
    providerRole: t.exposeString('providerRole', { nullable: true }),
    joinedAt: t.expose('joinedAt', { type: 'DateTime', nullable: true }),
    leftAt: t.expose('leftAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Null while the person is still in.',
    }),
  }),
});

builder.objectFields(RoomRef, (t) => ({
  activeSession: t.field({
    type: RoomSessionRef,
    nullable: true,
    description:
      'The live session, or null when nobody is in the room. Batched: the rooms of one page cost one call where the provider lists live sessions across rooms.',
    resolve: (room, _args, context) => context.loaders.activeSession.load(roomKeyString(room)),
  }),
  sessions: t.connection({
    type: RoomSessionRef,
    nullable: true,
    description: 'Past and live sessions, newest first. Forward paging only (first/after).',
    resolve: async (room, args, context) => {
      const limit = forwardPageSize(args, context, 'Room.sessions');
      const provider = context.registry.require(room.providerKey);
      const list = supportedMethod(provider, 'listSessions', 'listSessions');
      const page = await list(room.nativeId, {
        cursor: args.after ?? null,
        limit,
        context: context.call,
      });
      return pageConnection(page, args);
    },
  }),
}));
