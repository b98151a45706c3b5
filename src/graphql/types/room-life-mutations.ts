import { InputValidationError, RoomNotFoundError } from '../../domain/errors.js';
import {
  participantEvent,
  recordingEvent,
  roomChangeEvent,
  sessionEvent,
} from '../../events/room-events.js';
import { roomKeyString } from '../../loaders/room-key.js';
import { builder } from '../builder.js';
import { childKeyFromGlobalId } from '../child-ids.js';
import { resultNames, target } from '../mutations.js';
import { RecordingRef, RoomRef } from '../refs.js';
import { supportedMethod } from '../supported.js';

const ROOM_ID = 'The global id of a Room, as returned by this API.';

const API = { source: 'API' } as const;

const RemoveParticipantInput = builder.inputType('RemoveParticipantInput', {
  fields: (t) => ({
    roomId: t.id({ required: true, description: ROOM_ID }),
    participantId: t.id({
      required: true,
      description: 'A Participant id of this room, as returned by this API.',
    }),
  }),
});

const EndRoomSessionInput = builder.inputType('EndRoomSessionInput', {
  fields: (t) => ({
    roomId: t.id({ required: true, description: ROOM_ID }),
    lock: t.boolean({
      defaultValue: false,
      description:
        'Also keep anyone from joining afterwards, where the provider can (Provider.capabilities notes say how it is undone).',
    }),
  }),
});

const RecordingRoomInput = builder.inputType('RecordingRoomInput', {
  fields: (t) => ({ roomId: t.id({ required: true, description: ROOM_ID }) }),
});

builder.mutationFields((t) => ({
  removeParticipant: t.field({
    type: 'ID',
    description:
      "Takes one person out of the room's live session; returns the participant id removed. It does not stop them joining again. Needs the rooms:write scope.",
    authScopes: { 'rooms:write': true },
    errors: resultNames('RemoveParticipant', 'removedParticipantId'),
    args: { input: t.arg({ type: RemoveParticipantInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { provider, nativeId } = target(
        context,
        input.roomId,
        ['input', 'roomId'],
        'removeParticipant',
      );
      const participant = childKeyFromGlobalId('Participant', input.participantId);
      if (
        !participant ||
        participant.providerKey !== provider.key ||
        participant.roomNativeId !== nativeId
      ) {
        throw new InputValidationError([
          { path: ['input', 'participantId'], message: 'is not a Participant id of this room' },
        ]);
      }
      const remove = supportedMethod(provider, 'removeParticipant', 'removeParticipant');
      const key = roomKeyString({ providerKey: provider.key, nativeId });
      // Read before the removal, so the session still shows who is leaving (where it carries
      // its participants); a session that cannot be read leaves the event with the id alone.
      const session = provider.getActiveSessions
        ? await context.loaders.activeSession.load(key).catch(() => null)
        : null;
      await remove(nativeId, participant.nativeId, { context: context.call });
      context.loaders.activeSession.clear(key);
      // The person as the live session showed them, where it carried them; else by id alone.
      const known = session?.participants?.find(
        (person) => person.nativeId === participant.nativeId,
      );
      const left = {
        providerKey: provider.key,
        roomNativeId: nativeId,
        sessionNativeId: session?.nativeId ?? null,
        nativeId: participant.nativeId,
        identity: null,
        displayName: null,
        role: null,
        providerRole: null,
        joinedAt: null,
        ...known,
        leftAt: new Date(),
      };
      await context.events.publish([participantEvent('PARTICIPANT_LEFT', left, API)]);
      return input.participantId;
    },
  }),

  endRoomSession: t.field({
    type: RoomRef,
    description:
      "Ends the room's live session for everyone in it (nothing happens when nobody is in it); with lock, nobody may join afterwards where the provider can. Returns the room as it is then: the ended session is the first of its sessions. Needs the rooms:write scope.",
    authScopes: { 'rooms:write': true },
    errors: resultNames('EndRoomSession', 'room'),
    args: { input: t.arg({ type: EndRoomSessionInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { provider, nativeId } = target(
        context,
        input.roomId,
        ['input', 'roomId'],
        'endRoomSession',
      );
      const end = supportedMethod(provider, 'endRoomSession', 'endRoomSession');
      const ended = await end(nativeId, { lock: input.lock ?? false }, { context: context.call });
      if (ended) {
        await context.events.publish([sessionEvent('SESSION_ENDED', ended, API)]);
      }
      const key = roomKeyString({ providerKey: provider.key, nativeId });
      // The room's state and live session changed: later reads in this operation ask again.
      context.loaders.activeSession.clear(key).prime(key, null);
      context.loaders.forget(key);
      const room = await context.loaders.room.load(key);
      if (!room) {
        throw new RoomNotFoundError(provider.key, nativeId);
      }
      if (input.lock && (room.status === 'DISABLED' || room.status === 'ENDED')) {
        // Locking is the room's disable too (a ban, an end): the same event polling would see.
        await context.events.publish([roomChangeEvent('ROOM_DISABLED', room, API)]);
      }
      return room;
    },
  }),

  startRecording: t.field({
    type: RecordingRef,
    description: "Starts recording the room's live session. Needs the rooms:write scope.",
    authScopes: { 'rooms:write': true },
    errors: resultNames('StartRecording', 'recording'),
    args: { input: t.arg({ type: RecordingRoomInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { provider, nativeId } = target(
        context,
        input.roomId,
        ['input', 'roomId'],
        'startRecording',
      );
      const start = supportedMethod(provider, 'startRecording', 'startRecording');
      const recording = await start(nativeId, { context: context.call });
      await context.events.publish([recordingEvent('RECORDING_STARTED', recording, API)]);
      return recording;
    },
  }),

  stopRecording: t.field({
    type: [RecordingRef],
    description:
      'Stops every recording running in the room; returns them as they stop. Needs the rooms:write scope.',
    authScopes: { 'rooms:write': true },
    errors: resultNames('StopRecording', 'recordings'),
    args: { input: t.arg({ type: RecordingRoomInput, required: true }) },
    resolve: (_root, { input }, context) => {
      const { provider, nativeId } = target(
        context,
        input.roomId,
        ['input', 'roomId'],
        'stopRecording',
      );
      const stop = supportedMethod(provider, 'stopRecording', 'stopRecording');
      return stop(nativeId, { context: context.call });
    },
  }),
}));
