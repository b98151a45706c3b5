import { z } from 'zod';
import type { ProviderModule } from '../provider-module.js';
import { SIGNALWIRE_TOKEN_PATTERNS } from './signalwire-auth.js';
import { signalWireGraphql } from './signalwire-graphql.js';
import { createSignalWireProvider, SIGNALWIRE_CAPABILITIES } from './signalwire-provider.js';
import { SIGNALWIRE_REQUEST_RATE } from './signalwire-request-rate.js';

const accountFields = {
  projectId: z.string().min(1, 'is required'),
  apiToken: z.string().min(1, 'is required'),
};

/** SignalWire Video: one account is one project of a space. */
export const signalWireModule = {
  id: 'signalwire',
  kind: 'SIGNALWIRE',
  displayName: 'SignalWire Video',
  account: {
    fields: accountFields,
    secrets(account) {
      return [account.apiToken];
    },
    env: {
      key: 'SIGNALWIRE_KEY',
      variables: {
        baseUrl: 'SIGNALWIRE_SPACE_URL',
        projectId: 'SIGNALWIRE_PROJECT_ID',
        apiToken: 'SIGNALWIRE_API_TOKEN',
      },
      required: ['projectId', 'apiToken'],
      baseUrl: spaceBaseUrl,
    },
  },
  capabilities() {
    return SIGNALWIRE_CAPABILITIES;
  },
  requestRate: SIGNALWIRE_REQUEST_RATE,
  tokenPatterns: SIGNALWIRE_TOKEN_PATTERNS,
  providerRoles: null,
  createProvider(account, base) {
    return createSignalWireProvider({
      ...base,
      projectId: account.projectId,
      apiToken: account.apiToken,
    });
  },
  graphql: signalWireGraphql,
  async startSandbox(options) {
    const { startSignalWireSandbox } = await import(
      '../../emulators/signalwire/signalwire-sandbox.js'
    );
    const { running, account } = await startSignalWireSandbox(options);
    return { running, account: { kind: 'signalwire', key: 'signalwire', ...account } };
  },
} satisfies ProviderModule<'signalwire', typeof accountFields>;

/** Accepts `acme.signalwire.com` or a full URL; the video API lives under `/api/video`. */
function spaceBaseUrl(space: string | undefined): string {
  if (!space) {
    return '';
  }
  const withScheme = (/^https?:\/\//.test(space) ? space : `https://${space}`).replace(/\/+$/, '');
  return withScheme.endsWith('/api/video') ? withScheme : `${withScheme}/api/video`;
}
