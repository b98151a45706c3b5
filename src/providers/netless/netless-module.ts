import { z } from 'zod';
import type { ProviderModule } from '../provider-module.js';
import { NETLESS_TOKEN_PATTERNS } from './netless-auth.js';
import { netlessGraphql } from './netless-graphql.js';
import {
  createNetlessProvider,
  NETLESS_DEFAULT_BASE_URL,
  netlessCapabilities,
} from './netless-provider.js';
import { NETLESS_REQUEST_RATE } from './netless-request-rate.js';
import { NETLESS_ASSUMPTIONS } from './netless-schemas.js';

/** Regions of the Agora whiteboard API (`agora-whiteboard.md` §1). */
const REGIONS = NETLESS_ASSUMPTIONS.regions;

const accountFields = {
  region: z.enum(REGIONS, `must be one of ${REGIONS.join(', ')}`).optional(),
  sdkToken: z
    .string()
    .startsWith('NETLESSSDK_', 'must be an SDK token (NETLESSSDK_...)')
    .optional(),
  accessKey: z.string().min(1).optional(),
  secretKey: z.string().min(1).optional(),
};

/**
 * The Agora Interactive Whiteboard (Netless): an access key pair signs tokens locally; an SDK
 * token alone has them minted upstream.
 */
export const netlessModule = {
  id: 'netless',
  kind: 'AGORA_WHITEBOARD',
  displayName: 'Agora Interactive Whiteboard',
  account: {
    fields: accountFields,
    check(account, report) {
      if ((account.accessKey === undefined) !== (account.secretKey === undefined)) {
        report(
          account.accessKey === undefined ? 'accessKey' : 'secretKey',
          'is required with the other half of the key pair',
        );
      } else if (account.accessKey === undefined && account.sdkToken === undefined) {
        report('sdkToken', 'is required unless accessKey and secretKey are given');
      }
    },
    secrets(account) {
      return [account.secretKey, account.sdkToken];
    },
    env: {
      key: 'NETLESS_KEY',
      variables: {
        baseUrl: 'NETLESS_BASE_URL',
        region: 'NETLESS_REGION',
        sdkToken: 'NETLESS_SDK_TOKEN',
        accessKey: 'NETLESS_ACCESS_KEY',
        secretKey: 'NETLESS_SECRET_KEY',
      },
      required: [],
      baseUrl: (value) => value ?? NETLESS_DEFAULT_BASE_URL,
    },
  },
  capabilities(account) {
    return netlessCapabilities(
      account.accessKey !== undefined && account.secretKey !== undefined
        ? 'LOCAL_SIGNER'
        : 'PROVIDER_API',
    );
  },
  requestRate: NETLESS_REQUEST_RATE,
  tokenPatterns: NETLESS_TOKEN_PATTERNS,
  providerRoles: null,
  createProvider(account, base) {
    return createNetlessProvider({
      ...base,
      region: account.region,
      sdkToken: account.sdkToken,
      accessKey: account.accessKey,
      secretKey: account.secretKey,
    });
  },
  graphql: netlessGraphql,
  async startSandbox(options) {
    const { startNetlessSandbox } = await import('../../emulators/netless/netless-sandbox.js');
    const { running, account } = await startNetlessSandbox(options);
    return { running, account: { kind: 'netless', key: 'netless', ...account } };
  },
} satisfies ProviderModule<'netless', typeof accountFields>;
