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

/** What a 100ms account's config holds beyond the fields every account has. */
export const HMS_ACCOUNT_FIELDS = {
  appAccessKey: z.string().min(1, 'is required'),
  appSecret: z.string().min(1, 'is required'),
  roleMap: roleMap.optional(),
};
