import { describe, expect, it } from 'vitest';
import { HEALTH_PATH, probeAnswer, READY_PATH } from '../../../src/server/probes.js';

describe('probeAnswer', () => {
  const up = async () => true;
  const down = async () => false;

  it('is ready with a loaded configuration, Redis up, and no drain', async () => {
    expect(await probeAnswer(READY_PATH, { draining: () => false, redisUp: up })).toEqual({
      status: 200,
      body: { status: 'ready', checks: { config: 'loaded', redis: 'up' } },
    });
  });

  it('says Redis is not configured rather than up when there is none', async () => {
    expect(await probeAnswer(READY_PATH, { draining: () => false })).toMatchObject({
      status: 200,
      body: { checks: { redis: 'not configured' } },
    });
  });

  it('is not ready while Redis does not answer', async () => {
    expect(await probeAnswer(READY_PATH, { draining: () => false, redisUp: down })).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { config: 'loaded', redis: 'down' } },
    });
  });

  it('is not ready once draining, while liveness still answers 200', async () => {
    const sources = { draining: () => true, redisUp: up };
    expect(await probeAnswer(READY_PATH, sources)).toMatchObject({
      status: 503,
      body: { status: 'draining' },
    });
    expect(await probeAnswer(HEALTH_PATH, sources)).toEqual({
      status: 200,
      body: { status: 'ok', draining: true },
    });
  });

  it('leaves any other path to the app', async () => {
    expect(await probeAnswer('/graphql', { draining: () => false })).toBeNull();
  });
});
