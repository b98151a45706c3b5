import { ProviderAuthError } from '../../domain/errors.js';
import type { CallContext } from '../../http/call-context.js';
import { callDeadline } from '../../http/call-deadline.js';
import { pathSegment } from '../../http/path-segment.js';
import { createUpstreamClient, type UpstreamCall } from '../../http/upstream-client.js';
import { type BaseProviderOptions, upstreamPolicy } from '../provider-options.js';
import type { ManagementTokenSource } from './hms-auth.js';
import { parseHmsError } from './hms-errors.js';
import {
  type HmsRoomListPayload,
  type HmsRoomPayload,
  type HmsTemplatePayload,
  hmsRoomListSchema,
  hmsRoomSchema,
  hmsTemplateSchema,
} from './hms-schemas.js';

/** The create / update body we send (hms.md §3.1, §3.5, §3.6); only fields we set. */
export interface HmsRoomBody {
  name?: string;
  description?: string;
  template_id?: string;
  recording_info?: { enabled: boolean };
  region?: string;
  large_room?: boolean;
  size?: number;
  max_duration_seconds?: number;
  enabled?: boolean;
}

/** `limit` bounds of `GET /v2/rooms` (§3.3); outside them the behaviour is undocumented. */
export const HMS_PAGE_LIMITS = { min: 10, max: 100 } as const;

export interface HmsListQuery {
  /** The `last` id of the previous page; the page starts after it. */
  readonly start: string | null;
  /** 10..100 (§3.3); left to 100ms's default when absent. */
  readonly limit?: number;
  readonly enabled: boolean;
  /** The exact-name filter (§3.3). */
  readonly name?: string;
}

/** The 100ms room endpoints, each returning a schema-checked payload. */
export interface HmsClient {
  createRoom(body: HmsRoomBody, context?: CallContext): Promise<HmsRoomPayload>;
  getRoom(id: string, operation: string, context?: CallContext): Promise<HmsRoomPayload>;
  listRooms(query: HmsListQuery, context?: CallContext): Promise<HmsRoomListPayload>;
  /** One template, for its role names (see `hmsTemplateSchema`). */
  getTemplate(id: string, context?: CallContext): Promise<HmsTemplatePayload>;
  /** Update and enable/disable share `POST /rooms/{id}` (§3.5, §3.6). */
  postRoom(
    id: string,
    body: HmsRoomBody,
    operation: string,
    context?: CallContext,
  ): Promise<HmsRoomPayload>;
}

/** Sends one call with the account's management token; see `createHmsTransport`. */
export type HmsSend = <T>(call: UpstreamCall<T>) => Promise<T>;

/**
 * The account's upstream client with 100ms auth: every call carries the cached management
 * token, and a 401/403 mints a fresh one and tries once more, as the official SDK does (§2.2).
 * Both tries share one deadline. The room and room-life clients both send through it.
 */
export function createHmsTransport(
  options: BaseProviderOptions & { readonly tokens: ManagementTokenSource },
): HmsSend {
  const upstream = createUpstreamClient({
    ...upstreamPolicy(options),
    baseUrl: withVersionPath(options.baseUrl),
    // The bearer token is added per call, so a 401 retry knows which token to drop.
    headers: () => ({}),
    parseError: parseHmsError,
  });

  return async function send<T>(call: UpstreamCall<T>): Promise<T> {
    const deadline = callDeadline(call.method, call.context, options.timeoutMs);
    try {
      const token = await options.tokens.token();
      try {
        return await upstream.send({ ...call, deadline, extraHeaders: bearer(token) });
      } catch (error) {
        if (!(error instanceof ProviderAuthError)) {
          throw error;
        }
        options.tokens.invalidate(token);
        const fresh = await options.tokens.token();
        return await upstream.send({ ...call, deadline, extraHeaders: bearer(fresh) });
      }
    } finally {
      deadline.end();
    }
  };
}

/** The 100ms room endpoints, sent through the account's transport. */
export function createHmsClient(send: HmsSend): HmsClient {
  return {
    createRoom(body, context) {
      return send({
        method: 'POST',
        path: '/rooms',
        body,
        schema: hmsRoomSchema,
        operation: 'createRoom',
        context,
        // Create is an upsert keyed on the name (§3.2): repeating it returns the same room with
        // the same settings, so a retry after a lost answer cannot make a duplicate.
        idempotent: true,
      });
    },
    getRoom(id, operation, context) {
      return send({ method: 'GET', path: roomPath(id), schema: hmsRoomSchema, operation, context });
    },
    listRooms(query, context) {
      const params = new URLSearchParams();
      if (query.limit !== undefined) {
        params.set('limit', String(query.limit));
      }
      if (query.name !== undefined) {
        params.set('name', query.name);
      }
      params.set('enabled', String(query.enabled));
      if (query.start !== null) {
        params.set('start', query.start);
      }
      return send({
        method: 'GET',
        path: `/rooms?${params.toString()}`,
        schema: hmsRoomListSchema,
        operation: query.name === undefined ? 'listRooms' : 'findCreatedRoom',
        context,
      });
    },
    getTemplate(id, context) {
      return send({
        method: 'GET',
        path: `/templates/${pathSegment(id)}`,
        schema: hmsTemplateSchema,
        operation: 'createRoomToken',
        context,
      });
    },
    postRoom(id, body, operation, context) {
      return send({
        method: 'POST',
        path: roomPath(id),
        body,
        schema: hmsRoomSchema,
        operation,
        context,
        // Enable/disable set a flag to an absolute value (§3.6): repeating is harmless. A
        // general update stays unmarked, since a rename may race another.
        idempotent: 'enabled' in body && Object.keys(body).length === 1,
      });
    },
  };
}

function roomPath(id: string): string {
  return `/rooms/${pathSegment(id)}`;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * The API lives under `/v2` (§1). A bare origin (the emulator's URL, say) gets it added; a base
 * that already carries a path is taken as given.
 */
function withVersionPath(baseUrl: string): string {
  const url = new URL(baseUrl);
  return url.pathname === '/' ? `${url.origin}/v2` : baseUrl;
}
