import type { RecordingDownload } from '../../domain/room-life.js';
import { builder } from '../builder.js';
import { childKeyString } from '../child-ids.js';
import { RecordingRef, RoomRef, RoomSessionRef } from '../refs.js';
import { forwardPageSize, pageConnection } from '../room-connection.js';
import { supportedMethod } from '../supported.js';
import { RecordingStatusEnum } from './enums.js';
import { roomOf } from './room-session.js';

const RecordingDownloadRef = builder.objectRef<RecordingDownload>('RecordingDownload').implement({
  description:
    "A short-lived link to a recording's file, minted when read and never kept past its expiry. The url is a secret while it lives.",
  fields: (t) => ({
    url: t.exposeString('url'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

builder.node(RecordingRef, {
  description: 'One recording of a room. Its fields need the rooms:read scope.',
  authScopes: { 'rooms:read': true },
  id: {
    resolve: (recording) =>
      childKeyString({
        providerKey: recording.providerKey,
        roomNativeId: recording.roomNativeId,
        nativeId: recording.nativeId,
      }),
    skipTypeScopes: true,
  },
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'sizeBytes' in value,
  fields: (t) => ({
    room: t.field({
      type: RoomRef,
      nullable: true,
      resolve: (recording, _args, context) => roomOf(recording, context),
    }),
    session: t.field({
      type: RoomSessionRef,
      nullable: true,
      description: 'The session it recorded, where the provider ties the two.',
      resolve: (recording, _args, context) => {
        if (recording.sessionNativeId === null) {
          return null;
        }
        const provider = context.registry.require(recording.providerKey);
        const get = supportedMethod(provider, 'listSessions', 'getSession');
        return get(recording.roomNativeId, recording.sessionNativeId, { context: context.call });
      },
    }),
    status: t.field({ type: RecordingStatusEnum, resolve: (recording) => recording.status }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    durationSeconds: t.exposeFloat('durationSeconds', { nullable: true }),
    sizeBytes: t.exposeFloat('sizeBytes', {
      nullable: true,
      description: 'Size of the file in bytes (a Float: files pass 2^31 bytes).',
    }),
    download: t.field({
      type: RecordingDownloadRef,
      nullable: true,
      description:
        'A fresh download link, minted by the provider when read; null until the recording is READY. Needs the recordings:read scope.',
      authScopes: { 'recordings:read': true },
      resolve: (recording, _args, context) => {
        const provider = context.registry.require(recording.providerKey);
        const mint = supportedMethod(provider, 'getRecordingDownload', 'getRecordingDownload');
        return recording.status === 'READY' ? mint(recording, { context: context.call }) : null;
      },
    }),
  }),
});

builder.objectFields(RoomRef, (t) => ({
  recordings: t.connection({
    type: RecordingRef,
    nullable: true,
    description: 'Recordings of this room, newest first. Forward paging only (first/after).',
    resolve: async (room, args, context) => {
      const limit = forwardPageSize(args, context, 'Room.recordings');
      const provider = context.registry.require(room.providerKey);
      const list = supportedMethod(provider, 'listRecordings', 'listRecordings');
      const page = await list(room.nativeId, {
        cursor: args.after ?? null,
        limit,
        context: context.call,
      });
      return pageConnection(page, args);
    },
  }),
}));
