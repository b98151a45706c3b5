import { z } from 'zod';

/** A 100ms role name as a template spells it; the template itself is the real check. */
const roleName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((value) => !/[\s\p{Cc}]/u.test(value), 'must not contain spaces or control characters');

/**
 * Which role of the app's templates each of our roles mints (`HMS_ROLE_MAP` is its JSON). Roles
 * left out keep the adapter's defaults (`host`, `guest`, `viewer-realtime`).
 */
const roleMap = z.preprocess(
  (value) => {
    if (typeof value !== 'string') {
      return value;
    }
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z.strictObject(
    {
      HOST: roleName.optional(),
      PARTICIPANT: roleName.optional(),
      VIEWER: roleName.optional(),
    },
    { error: 'must be a JSON object with some of HOST, PARTICIPANT, VIEWER, each a role name' },
  ),
);

/** An HTTP header name (RFC 9110 token characters). */
const headerName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name')
  .max(100, 'must be at most 100 characters');

/** What a 100ms account's config holds beyond the fields every account has. */
export const HMS_ACCOUNT_FIELDS = {
  appAccessKey: z.string().min(1, 'is required'),
  appSecret: z.string().min(1, 'is required'),
  roleMap: roleMap.optional(),
  /**
   * The "secret header" 100ms sends with every webhook (dashboard, Developer, webhook secret
   * headers: hms-room-life.md §4), e.g. `x-hms-webhook-secret`. With `webhookSecret`, the
   * account takes webhooks at `POST /webhooks/{key}`; without both, it takes none.
   */
  webhookHeaderName: headerName.optional(),
  /** That header's value: a shared secret, never logged. */
  webhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
};

/** The two webhook fields go together: one without the other is named as the one to fix. */
export function checkHmsAccount(
  account: { webhookHeaderName?: string; webhookSecret?: string },
  report: (field: string, message: string) => void,
): void {
  if (account.webhookHeaderName !== undefined && account.webhookSecret === undefined) {
    report('webhookSecret', 'is required when a webhook header name is set');
  }
  if (account.webhookSecret !== undefined && account.webhookHeaderName === undefined) {
    report('webhookHeaderName', 'is required when a webhook secret is set');
  }
}
