import type { Room } from '../domain/room.js';
import type { Participant, Recording, RoomSession } from '../domain/room-life.js';
import type { RoomToken } from '../domain/room-token.js';
import type { RoomProvider } from '../providers/room-provider.js';
import { builder } from './builder.js';

// Refs only, no fields: Provider and Room point at each other, and keeping the refs here
// lets each type module import the other's ref without an import cycle.
export const ProviderRef = builder.objectRef<RoomProvider>('Provider');
export const RoomRef = builder.objectRef<Room>('Room');
export const RoomTokenRef = builder.objectRef<RoomToken>('RoomToken');
export const RoomSessionRef = builder.objectRef<RoomSession>('RoomSession');
export const ParticipantRef = builder.objectRef<Participant>('Participant');
export const RecordingRef = builder.objectRef<Recording>('Recording');
