import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '../../../../src/config.js';

// The 100ms account's webhook secret (issue 17): the header 100ms is set to send, and its value.

const ENV = { HMS_APP_ACCESS_KEY: '65f0a1b2c3d4e5f601234567', HMS_APP_SECRET: 'secret-1' };
const WEBHOOK_SECRET = 'whs-0123456789abcdef';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error;
    }
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('100ms webhook secret header', () => {
  it('reads HMS_WEBHOOK_HEADER_NAME and HMS_WEBHOOK_SECRET, and keeps the value secret', () => {
    expect(loadConfig(ENV).providers[0]).not.toHaveProperty('webhookSecret');
    const config = loadConfig({
      ...ENV,
      HMS_WEBHOOK_HEADER_NAME: 'X-Hms-Webhook-Secret',
      HMS_WEBHOOK_SECRET: WEBHOOK_SECRET,
    });
    expect(config.providers[0]).toMatchObject({
      kind: 'hms',
      webhookHeaderName: 'X-Hms-Webhook-Secret',
      webhookSecret: WEBHOOK_SECRET,
    });
    expect(configSecrets(config)).toContain(WEBHOOK_SECRET);
  });

  it.each([
    [{ HMS_WEBHOOK_SECRET: WEBHOOK_SECRET }, 'HMS_WEBHOOK_HEADER_NAME: is required when'],
    [{ HMS_WEBHOOK_HEADER_NAME: 'x-hook' }, 'HMS_WEBHOOK_SECRET: is required when'],
    [
      { HMS_WEBHOOK_HEADER_NAME: 'x hook', HMS_WEBHOOK_SECRET: WEBHOOK_SECRET },
      'HMS_WEBHOOK_HEADER_NAME: must be an HTTP header name',
    ],
    [
      { HMS_WEBHOOK_HEADER_NAME: 'x-hook', HMS_WEBHOOK_SECRET: 'short-one' },
      'HMS_WEBHOOK_SECRET: must be at least 16 characters',
    ],
  ])('refuses %j, naming the variable to fix', (extra, message) => {
    const error = configError({ ...ENV, ...extra });
    expect(error.message).toContain(`Invalid configuration: ${message}`);
    expect(error.message).not.toContain(WEBHOOK_SECRET);
  });
});
