import type { ProviderModule } from '../provider-module.js';
import { checkHmsAccount, HMS_ACCOUNT_FIELDS } from './hms-account.js';
import { hmsGraphql } from './hms-graphql.js';
import { createHmsProvider, HMS_CAPABILITIES } from './hms-provider.js';
import { HMS_REQUEST_RATE } from './hms-request-rate.js';

/** 100ms: one account is one app (workspace); tokens name roles of the room's template. */
export const hmsModule = {
  id: 'hms',
  kind: 'HMS',
  displayName: '100ms',
  account: {
    fields: HMS_ACCOUNT_FIELDS,
    check: checkHmsAccount,
    secrets(account) {
      return [account.appSecret, account.webhookSecret];
    },
    env: {
      key: 'HMS_KEY',
      variables: {
        baseUrl: 'HMS_BASE_URL',
        appAccessKey: 'HMS_APP_ACCESS_KEY',
        appSecret: 'HMS_APP_SECRET',
        roleMap: 'HMS_ROLE_MAP',
        webhookHeaderName: 'HMS_WEBHOOK_HEADER_NAME',
        webhookSecret: 'HMS_WEBHOOK_SECRET',
      },
      required: ['appAccessKey', 'appSecret'],
      baseUrl: (value) => value ?? 'https://api.100ms.live/v2',
    },
  },
  capabilities() {
    return HMS_CAPABILITIES;
  },
  requestRate: HMS_REQUEST_RATE,
  tokenPatterns: [],
  providerRoles: 'room templates',
  createProvider(account, base) {
    return createHmsProvider({
      ...base,
      appAccessKey: account.appAccessKey,
      appSecret: account.appSecret,
      roleMap: account.roleMap,
      webhookSecret:
        account.webhookHeaderName && account.webhookSecret
          ? { headerName: account.webhookHeaderName, value: account.webhookSecret }
          : undefined,
    });
  },
  graphql: hmsGraphql,
  async startSandbox(options) {
    const { startHmsSandbox } = await import('../../emulators/hms/hms-sandbox.js');
    const key = 'hms';
    const { running, account } = await startHmsSandbox(options, key);
    return { running, account: { kind: 'hms', key, ...account } };
  },
} satisfies ProviderModule<'hms', typeof HMS_ACCOUNT_FIELDS>;
