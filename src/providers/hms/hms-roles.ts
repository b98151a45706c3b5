import { InputValidationError, ProviderError } from '../../domain/errors.js';
import type { CreateRoomTokenInput, RoomTokenRole } from '../../domain/room-token.js';
import type { CallContext } from '../../http/call-context.js';
import type { HmsClient } from './hms-client.js';
import { HMS_DEFAULT_ROLE_MAP, isHmsId } from './hms-mappers.js';
import type { HmsTemplatePayload } from './hms-schemas.js';

/** Which template role each of our roles mints, per account (`roleMap` in config). */
export type HmsRoleMap = Readonly<Partial<Record<RoomTokenRole, string>>>;

/** The account's map over the defaults, so a map may name only the roles it changes. */
export function withDefaultRoles(map: HmsRoleMap | undefined): Record<RoomTokenRole, string> {
  return { ...HMS_DEFAULT_ROLE_MAP, ...map };
}

/** A template as the role check needs it. */
export interface HmsTemplateRoles {
  readonly id: string;
  readonly name: string | null;
  readonly roles: readonly string[];
}

/**
 * Reads a room's template for its role names, once per template per GraphQL operation: a
 * mutation with several `createRoomToken` fields for rooms of one template costs one
 * `GET /v2/templates/{id}`. The memo hangs off the operation's own call context, handed in
 * explicitly, and dies with it, so roles changed in the dashboard are seen by the next
 * operation. Null when 100ms does not know the template (404): then nothing can be checked.
 */
export function createTemplateReader(client: HmsClient) {
  const perOperation = new WeakMap<CallContext, Map<string, Promise<HmsTemplateRoles | null>>>();

  async function fetchTemplate(
    templateId: string,
    context: CallContext | undefined,
  ): Promise<HmsTemplateRoles | null> {
    try {
      const payload = await client.getTemplate(templateId, context);
      return { id: templateId, name: payload.name ?? null, roles: roleNames(payload) };
    } catch (error) {
      if (error instanceof ProviderError && error.status === 404) {
        return null;
      }
      throw error;
    }
  }

  return function readTemplate(
    templateId: string,
    context: CallContext | undefined,
  ): Promise<HmsTemplateRoles | null> {
    if (!isHmsId(templateId)) {
      // Not an id 100ms would have written (§1): nothing to ask about.
      return Promise.resolve(null);
    }
    if (context === undefined) {
      return fetchTemplate(templateId, context);
    }
    let memo = perOperation.get(context);
    if (!memo) {
      memo = new Map();
      perOperation.set(context, memo);
    }
    let pending = memo.get(templateId);
    if (!pending) {
      pending = fetchTemplate(templateId, context);
      // A failed read is not remembered: the next field may try again.
      pending.catch(() => memo?.delete(templateId));
      memo.set(templateId, pending);
    }
    return pending;
  };
}

function roleNames(payload: HmsTemplatePayload): string[] {
  return Array.isArray(payload.roles)
    ? payload.roles.map((role) => role.name)
    : Object.keys(payload.roles);
}

/** Most role names an error lists, so a template with many roles keeps the message short. */
const LISTED_ROLES = 20;

/**
 * Refuses a role the room's template lacks, naming the field that chose it: a token for it
 * would be signed fine and then refused at every join.
 */
export function checkRoleInTemplate(
  role: string,
  input: Pick<CreateRoomTokenInput, 'role' | 'providerRole'>,
  template: HmsTemplateRoles,
): void {
  if (template.roles.includes(role)) {
    return;
  }
  const where = template.name
    ? `template "${template.name}" (${template.id})`
    : `template ${template.id}`;
  const listed = template.roles.slice(0, LISTED_ROLES).map((name) => `"${name}"`);
  const more = template.roles.length > LISTED_ROLES ? ', …' : '';
  const roles = listed.length > 0 ? `its roles are ${listed.join(', ')}${more}` : 'it has no roles';
  const issue =
    input.providerRole != null
      ? {
          path: ['input', 'providerRole'],
          message: `is not a role of the room's ${where}; ${roles}`,
        }
      : {
          path: ['input', 'role'],
          message: `${input.role} maps to the 100ms role "${role}" (the account's roleMap), which the room's ${where} does not have; ${roles}`,
        };
  throw new InputValidationError([issue]);
}
