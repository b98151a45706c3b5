import { GraphQLError } from 'graphql';
import type { Context } from '../../context.js';
import { EVENT_SOURCES, type LoggedEvent, ROOM_EVENT_TYPES } from '../../domain/room-event.js';
import { EventCursorError } from '../../events/event-log.js';
import { eventsAfter } from '../../events/event-stream.js';
import type { CallContext } from '../../http/call-context.js';
import type { Loaders } from '../../loaders/create-loaders.js';
import { roomKeyString } from '../../loaders/room-key.js';
import { builder } from '../builder.js';
import { roomKeyFromGlobalId } from '../global-id.js';
import { ParticipantRef, ProviderRef, RecordingRef, RoomRef, RoomSessionRef } from '../refs.js';
import { ForbiddenError } from './forbidden-error.js';

const RoomEventTypeEnum = builder.enumType('RoomEventType', { values: ROOM_EVENT_TYPES });
const EventSourceEnum = builder.enumType('EventSource', {
  description:
    'API: a write through this service. WEBHOOK: the provider told us. POLL: a read saw it change.',
  values: EVENT_SOURCES,
});

/**
 * One event as a subscriber gets it, with its own loaders and call context: a subscription lives
 * far longer than one operation's deadline and must not read rooms cached from long ago, so each
 * event's fields are resolved fresh (and batched among themselves).
 */
interface DeliveredEvent {
  readonly event: LoggedEvent;
  readonly call: CallContext;
  readonly loaders: Loaders;
}

const RoomEventRef = builder.objectRef<DeliveredEvent>('RoomEvent').implement({
  description: 'Something that happened to a room, in one shape whatever provider it happened at.',
  fields: (t) => ({
    id: t.id({
      description:
        'Stable: the same change at the provider has the same id whichever source saw it.',
      resolve: ({ event }) => event.id,
    }),
    cursor: t.string({
      description:
        'Where to resume: pass it as `after` to get the events that came after this one.',
      resolve: ({ event }) => event.cursor,
    }),
    type: t.field({ type: RoomEventTypeEnum, resolve: ({ event }) => event.type }),
    occurredAt: t.field({ type: 'DateTime', resolve: ({ event }) => event.occurredAt }),
    observedAt: t.field({ type: 'DateTime', resolve: ({ event }) => event.observedAt }),
    source: t.field({ type: EventSourceEnum, resolve: ({ event }) => event.source }),
    provider: t.field({
      type: ProviderRef,
      nullable: true,
      resolve: ({ event }, _args, context) => context.registry.get(event.providerKey) ?? null,
    }),
    roomId: t.id({
      resolve: ({ event }) =>
        builderGlobalId(
          roomKeyString({ providerKey: event.providerKey, nativeId: event.roomNativeId }),
        ),
    }),
    room: t.field({
      type: RoomRef,
      nullable: true,
      description: 'The room as it is now; null once it is gone.',
      resolve: ({ event, loaders }) =>
        loaders.room.load(
          roomKeyString({ providerKey: event.providerKey, nativeId: event.roomNativeId }),
        ),
    }),
    session: t.field({
      type: RoomSessionRef,
      nullable: true,
      resolve: ({ event, call }, _args, context) => {
        const provider = context.registry.get(event.providerKey);
        if (!event.sessionNativeId || !provider?.getSession) {
          return null;
        }
        return provider.getSession(event.roomNativeId, event.sessionNativeId, { context: call });
      },
    }),
    participant: t.field({
      type: ParticipantRef,
      nullable: true,
      description: 'For PARTICIPANT_ events: the person as they were when it happened.',
      resolve: ({ event }) => event.participant,
    }),
    recording: t.field({
      type: RecordingRef,
      nullable: true,
      resolve: ({ event, call }, _args, context) => {
        const provider = context.registry.get(event.providerKey);
        if (!event.recordingNativeId || !provider?.getRecording) {
          return null;
        }
        return provider.getRecording(event.roomNativeId, event.recordingNativeId, {
          context: call,
        });
      },
    }),
  }),
});

/** The global id of a room key, as the Room type encodes it. */
function builderGlobalId(roomKey: string): string {
  return Buffer.from(`Room:${roomKey}`, 'utf8').toString('base64');
}

interface EventFilter {
  readonly providerKeys: ReadonlySet<string> | null;
  readonly roomKeys: ReadonlySet<string> | null;
  readonly types: ReadonlySet<string> | null;
}

function filterOf(
  args: {
    providerKeys?: readonly string[] | null;
    roomIds?: readonly string[] | null;
    types?: readonly string[] | null;
  },
  context: Context,
): EventFilter {
  const unknown = (args.providerKeys ?? []).filter((key) => !context.registry.get(key));
  if (unknown.length > 0) {
    throw badInput(
      'providerKeys',
      `names no configured account: ${unknown.slice(0, 5).join(', ')}`,
    );
  }
  const roomKeys = (args.roomIds ?? []).map((id) => {
    const key = roomKeyFromGlobalId(id);
    if (!key) {
      throw badInput('roomIds', 'holds an id that is not a Room id issued by this API');
    }
    return roomKeyString(key);
  });
  return {
    providerKeys: args.providerKeys?.length ? new Set(args.providerKeys) : null,
    roomKeys: roomKeys.length ? new Set(roomKeys) : null,
    types: args.types?.length ? new Set(args.types) : null,
  };
}

function matches(filter: EventFilter, event: LoggedEvent): boolean {
  return (
    (!filter.providerKeys || filter.providerKeys.has(event.providerKey)) &&
    (!filter.roomKeys ||
      filter.roomKeys.has(
        roomKeyString({ providerKey: event.providerKey, nativeId: event.roomNativeId }),
      )) &&
    (!filter.types || filter.types.has(event.type))
  );
}

function badInput(argument: string, rule: string): GraphQLError {
  return new GraphQLError(`${argument} ${rule}`, {
    extensions: { code: 'BAD_USER_INPUT', argument },
  });
}

/** The events for one subscriber, each with fresh loaders, ending when its request does. */
async function* deliveries(
  context: Context,
  after: string | null,
  filter: EventFilter,
): AsyncGenerator<DeliveredEvent> {
  // Ends when the client goes away, or when the service drains (the client then resumes with
  // `after` on another instance).
  const signal = context.call.signal
    ? AbortSignal.any([context.call.signal, context.events.closing])
    : context.events.closing;
  const unwatch = context.watch(filter.providerKeys ? [...filter.providerKeys] : null);
  try {
    for await (const event of eventsAfter(context.events.log, after, signal)) {
      if (matches(filter, event)) {
        yield { event, ...context.fresh() };
      }
    }
  } catch (error) {
    if (error instanceof EventCursorError) {
      throw badInput('after', error.message);
    }
    throw error;
  } finally {
    unwatch();
  }
}

builder.subscriptionField('roomEvents', (t) =>
  t.field({
    type: RoomEventRef,
    description:
      'Room events as they happen, from writes through this service, provider webhooks and polling. With `after` (an event cursor), the events after it are replayed first, within the retention window, then live ones follow, with no gap and no duplicate. Needs the events:read scope.',
    authScopes: { 'events:read': true },
    args: {
      providerKeys: t.arg.stringList({ description: 'Only these accounts.' }),
      roomIds: t.arg.idList({ description: 'Only these rooms.' }),
      types: t.arg({ type: [RoomEventTypeEnum], description: 'Only these types.' }),
      after: t.arg.string({ description: 'The cursor of the last event seen.' }),
    },
    subscribe: (_root, args, context) => {
      // The scope plugin checks a subscription field per event, in `resolve`: without this, a
      // client without the scope would hold a stream open and get one refusal per event.
      if (!context.client.scopes.has('events:read')) {
        throw new ForbiddenError(['events:read']);
      }
      return deliveries(context, args.after ?? null, filterOf(args, context));
    },
    resolve: (delivered) => delivered,
  }),
);
