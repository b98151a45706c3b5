import type { HmsRoomSettings } from '../../domain/hms-room-settings.js';
import type { NetlessRoomSettings } from '../../domain/netless-room-settings.js';
import type { ProviderRoomSettings, SignalWireRoomSettings } from '../../domain/room.js';
import type { VideskAuthorization, VideskRoomSettings } from '../../domain/videsk-room-settings.js';
import { builder } from '../builder.js';
import { SignalWireRoomTypeEnum } from './enums.js';

// One object type per provider kind: settings only that provider has, typed, never a bag.

const SignalWireRoomSettingsRef = builder
  .objectRef<SignalWireRoomSettings>('SignalWireRoomSettings')
  .implement({
    description: 'Settings only SignalWire rooms and conferences have.',
    fields: (t) => ({
      roomType: t.field({ type: SignalWireRoomTypeEnum, resolve: (settings) => settings.roomType }),
      quality: t.exposeString('quality', { nullable: true, description: '720p or 1080p.' }),
      layout: t.exposeString('layout', { nullable: true }),
      size: t.exposeString('size', {
        nullable: true,
        description: 'Conferences: small, medium or large (10, 50, 300 people).',
      }),
      enableChat: t.exposeBoolean('enableChat', {
        nullable: true,
        description: 'Conferences only.',
      }),
      enableRoomPreviews: t.exposeBoolean('enableRoomPreviews', { nullable: true }),
      removeAt: t.expose('removeAt', {
        type: 'DateTime',
        nullable: true,
        description: 'Rooms only: everyone is removed at this time.',
      }),
      removeAfterSecondsElapsed: t.exposeInt('removeAfterSecondsElapsed', { nullable: true }),
    }),
  });

const NetlessRoomSettingsRef = builder
  .objectRef<NetlessRoomSettings>('NetlessRoomSettings')
  .implement({
    description: 'Settings only Agora whiteboard (Netless) rooms have.',
    fields: (t) => ({
      teamUuid: t.exposeString('teamUuid', { nullable: true }),
      appUuid: t.exposeString('appUuid', { nullable: true }),
      limit: t.exposeInt('limit', {
        description:
          'Most people holding writer or admin tokens at once; 0 means no limit. Readers do not count.',
      }),
    }),
  });

const HmsRoomSettingsRef = builder.objectRef<HmsRoomSettings>('HmsRoomSettings').implement({
  description: 'Settings only 100ms rooms have.',
  fields: (t) => ({
    templateId: t.exposeString('templateId', {
      nullable: true,
      description: 'The template the room follows; it defines the roles tokens may name.',
    }),
    templateName: t.exposeString('templateName', { nullable: true }),
    largeRoom: t.exposeBoolean('largeRoom', {
      nullable: true,
      description: 'Up to 20000 peers instead of 2500.',
    }),
    maxDurationSeconds: t.exposeInt('maxDurationSeconds', { nullable: true }),
    recordingFollowsTemplate: t.exposeBoolean('recordingFollowsTemplate', { nullable: true }),
  }),
});

const VideskAuthorizationRef = builder
  .objectRef<VideskAuthorization>('VideskAuthorization')
  .implement({
    description: 'One access token Videsk issued for the room.',
    fields: (t) => ({
      ip: t.exposeString('ip', { nullable: true }),
      jti: t.exposeString('jti', {
        nullable: true,
        description: 'The token id (RoomToken.providerTokenId).',
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime', nullable: true }),
    }),
  });

const VideskRoomSettingsRef = builder
  .objectRef<VideskRoomSettings>('VideskRoomSettings')
  .implement({
    description: 'Settings only Videsk rooms have.',
    fields: (t) => ({
      externalId: t.exposeString('externalId', { nullable: true }),
      ended: t.exposeBoolean('ended', {
        description:
          "True once the room has ended; ended rooms cannot be reopened. False means only that Videsk's answer did not say so: its documented examples carry no `ended` field.",
      }),
      authorizations: t.field({
        type: [VideskAuthorizationRef],
        resolve: (settings) => [...settings.authorizations],
      }),
    }),
  });

export const RoomSettingsUnion = builder.unionType('RoomSettings', {
  description: 'Provider-specific settings, one type per provider kind.',
  types: [
    SignalWireRoomSettingsRef,
    NetlessRoomSettingsRef,
    HmsRoomSettingsRef,
    VideskRoomSettingsRef,
  ],
  resolveType: (settings: ProviderRoomSettings) => {
    switch (settings.kind) {
      case 'SIGNALWIRE':
        return SignalWireRoomSettingsRef;
      case 'AGORA_WHITEBOARD':
        return NetlessRoomSettingsRef;
      case 'HMS':
        return HmsRoomSettingsRef;
      case 'VIDESK':
        return VideskRoomSettingsRef;
    }
  },
});
