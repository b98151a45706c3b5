import { InputValidationError, type ValidationIssue } from '../../domain/errors.js';
import type { CreateRoomInput, Room } from '../../domain/room.js';
import type { CreateRoomTokenInput, RoomToken, RoomTokenRole } from '../../domain/room-token.js';
import type { NetlessRole } from './netless-auth.js';
import type { NetlessCreateRoomBody } from './netless-client.js';
import type { NetlessRoomSettings } from './netless-room-settings.js';
import type { NetlessRoom } from './netless-schemas.js';

/** What a room payload does not say about itself. */
export interface NetlessRoomContext {
  readonly providerKey: string;
  /** The `region` header the room was read through: rooms live per data centre (§1, §8.3). */
  readonly region: string;
}

/** HOST, PARTICIPANT and VIEWER map to the three Netless roles, most power first (§5). */
export const NETLESS_ROLES: Readonly<Record<RoomTokenRole, NetlessRole>> = {
  HOST: 'admin',
  PARTICIPANT: 'writer',
  VIEWER: 'reader',
};

/**
 * Maps a v5 room. The API has no name, so the uuid stands in unless a legacy `name` came back
 * (§2.1); a ban is the only way a room stops taking joins, so it alone decides the status.
 */
export function toRoom(payload: NetlessRoom, context: NetlessRoomContext): Room {
  const limit = payload.limit ?? 0;
  return {
    providerKey: context.providerKey,
    providerKind: 'AGORA_WHITEBOARD',
    nativeId: payload.uuid,
    providerRoomId: payload.uuid,
    name: payload.name ?? payload.uuid,
    displayName: null,
    description: null,
    status: payload.isBan ? 'DISABLED' : 'ACTIVE',
    createdAt: parseDate(payload.createdAt),
    updatedAt: null,
    notBefore: null,
    expiresAt: null,
    maxParticipants: limit > 0 ? limit : null,
    recordingEnabled: payload.isRecord ?? null,
    region: context.region,
    settings: {
      kind: 'AGORA_WHITEBOARD',
      teamUuid: payload.teamUUID ?? null,
      appUuid: payload.appUUID ?? null,
      limit,
    } satisfies NetlessRoomSettings,
  };
}

export interface MintedRoomToken {
  readonly token: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

/** Builds the domain token; Netless tokens carry no identity or permission list of their own. */
export function toRoomToken(
  minted: MintedRoomToken,
  context: {
    providerKey: string;
    roomNativeId: string;
    role: RoomTokenRole;
    identity: string | null;
  },
): RoomToken {
  return {
    token: minted.token,
    providerKey: context.providerKey,
    roomNativeId: context.roomNativeId,
    role: context.role,
    providerRole: NETLESS_ROLES[context.role],
    permissions: [],
    identity: context.identity,
    issuedAt: minted.issuedAt,
    expiresAt: minted.expiresAt,
    providerTokenId: null,
  };
}

function parseDate(value: string | undefined): Date | null {
  if (value === undefined) {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Rejects what Netless cannot keep before any call (§2.2 takes only `isRecord` and `limit`). */
export function toCreateRoomBody(input: CreateRoomInput, region: string): NetlessCreateRoomBody {
  const issues: ValidationIssue[] = [];
  for (const field of ['displayName', 'description', 'notBefore', 'expiresAt'] as const) {
    if (input[field] != null) {
      issues.push({ path: ['input', field], message: 'is not supported by Agora whiteboard' });
    }
  }
  if (input.region != null && input.region !== region) {
    issues.push({
      path: ['input', 'region'],
      message: `must be ${region}, the data centre of this Agora whiteboard account`,
    });
  }
  const max = input.maxParticipants;
  if (max != null && (!Number.isInteger(max) || max < 1)) {
    issues.push({ path: ['input', 'maxParticipants'], message: 'must be a positive integer' });
  }
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
  return {
    ...(input.recordingEnabled != null ? { isRecord: input.recordingEnabled } : {}),
    ...(max != null ? { limit: max } : {}),
  };
}

/**
 * The token lifespan in milliseconds from the requested TTL or the service default; refuses
 * permission lists, which Netless roles cannot carry.
 */
export function toTokenLifespanMs(input: CreateRoomTokenInput, defaultTtlSeconds: number): number {
  const issues: ValidationIssue[] = [];
  if (input.permissions != null && input.permissions.length > 0) {
    issues.push({
      path: ['input', 'permissions'],
      message: 'is not supported by Agora whiteboard: each role carries fixed rights',
    });
  }
  const ttl = input.ttlSeconds ?? defaultTtlSeconds;
  // A lifespan of 0 would mint a token that never expires (§4.1); the service always sets one.
  if (!Number.isFinite(ttl) || ttl <= 0) {
    issues.push({ path: ['input', 'ttlSeconds'], message: 'must be a positive number of seconds' });
  }
  if (issues.length > 0) {
    throw new InputValidationError(issues);
  }
  return Math.max(1, Math.round(ttl * 1000));
}
