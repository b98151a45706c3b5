import { z } from 'zod';
import type { ProviderModule } from '../provider-module.js';
import { VIDESK_DEFAULT_BASE_URL } from './videsk-client.js';
import { videskGraphql } from './videsk-graphql.js';
import { createVideskProvider, VIDESK_CAPABILITIES } from './videsk-provider.js';
import { VIDESK_REQUEST_RATE } from './videsk-request-rate.js';

const accountFields = {
  apiToken: z.string().min(1, 'is required'),
};

/** Videsk VPaaS: one account is one API token. */
export const videskModule = {
  id: 'videsk',
  kind: 'VIDESK',
  displayName: 'Videsk VPaaS',
  account: {
    fields: accountFields,
    secrets(account) {
      return [account.apiToken];
    },
    env: {
      key: 'VIDESK_KEY',
      variables: { baseUrl: 'VIDESK_BASE_URL', apiToken: 'VIDESK_API_TOKEN' },
      required: ['apiToken'],
      baseUrl: (value) => value ?? VIDESK_DEFAULT_BASE_URL,
    },
  },
  capabilities() {
    return VIDESK_CAPABILITIES;
  },
  requestRate: VIDESK_REQUEST_RATE,
  tokenPatterns: [],
  providerRoles: null,
  createProvider(account, base) {
    return createVideskProvider({ ...base, apiToken: account.apiToken });
  },
  graphql: videskGraphql,
  async startSandbox(options) {
    const { startVideskSandbox } = await import('../../emulators/videsk/videsk-sandbox.js');
    const { running, account } = await startVideskSandbox(options);
    return { running, account: { kind: 'videsk', key: 'videsk', ...account } };
  },
} satisfies ProviderModule<'videsk', typeof accountFields>;
