import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HMS_REQUEST_RATE } from '../../../src/providers/hms/hms-request-rate.js';
import { NETLESS_REQUEST_RATE } from '../../../src/providers/netless/netless-request-rate.js';
import {
  accountRateLimitPolicy,
  documentedRateLimitPolicy,
} from '../../../src/providers/request-rate.js';
import { SIGNALWIRE_REQUEST_RATE } from '../../../src/providers/signalwire/signalwire-request-rate.js';
import { VIDESK_REQUEST_RATE } from '../../../src/providers/videsk/videsk-request-rate.js';
import { SHARED_DIR } from '../../helpers/shared-dir.js';

const sheet = (name: string) => readFileSync(`${SHARED_DIR}providers/${name}`, 'utf8');

describe('documented request rates', () => {
  it('SignalWire: what signalwire.md §1 states, reads unlimited and writes per 10 s', () => {
    const text = sheet('signalwire.md').replace(/\s+/g, ' ');
    const [, writes, seconds] =
      /POST\/PUT\/PATCH ([\d,]+) requests per (\d+) seconds/.exec(text) ?? [];
    expect(text).toContain('GET and DELETE "effectively unlimited"');
    expect(SIGNALWIRE_REQUEST_RATE.limits).toEqual([
      { methods: ['GET', 'DELETE'], requests: null, perMs: null },
      {
        methods: ['POST', 'PUT', 'PATCH'],
        requests: Number(writes?.replaceAll(',', '')),
        perMs: Number(seconds) * 1000,
      },
    ]);
    expect(SIGNALWIRE_REQUEST_RATE.source).toMatch(/^signalwire\.md §1/);
  });

  it('Netless: none, as agora-whiteboard.md §7 says', () => {
    expect(sheet('agora-whiteboard.md')).toContain(
      'Nothing is documented for the room or token endpoints.',
    );
    expect(NETLESS_REQUEST_RATE).toBeNull();
  });
});

describe('documentedRateLimitPolicy', () => {
  it('keeps every call within the published rate, reading the budget headers', () => {
    // Ten at once and ten more spread over the second: never more than 20 in any one second.
    expect(documentedRateLimitPolicy(VIDESK_REQUEST_RATE)).toEqual({
      requestsPerSecond: 10,
      burst: 10,
      appliesTo: 'all',
      headers: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
    });
  });

  it('paces only writes where reads are unlimited, within the published window', () => {
    // 13,800 per 10 s: 6,900 at once, 690/s after, never more than 13,800 in any 10 s.
    expect(documentedRateLimitPolicy(SIGNALWIRE_REQUEST_RATE)).toEqual({
      requestsPerSecond: 690,
      burst: 6_900,
      appliesTo: 'writes',
    });
  });

  it('imposes none where the provider publishes none', () => {
    expect(documentedRateLimitPolicy(HMS_REQUEST_RATE)).toBeNull();
    expect(documentedRateLimitPolicy(NETLESS_REQUEST_RATE)).toBeNull();
  });
});

describe('accountRateLimitPolicy', () => {
  const documented = documentedRateLimitPolicy(VIDESK_REQUEST_RATE);

  it("keeps the provider's policy when the account says nothing", () => {
    expect(accountRateLimitPolicy(documented, undefined)).toBe(documented);
  });

  it('turns the budget off for rateLimit: null', () => {
    expect(accountRateLimitPolicy(documented, null)).toBeNull();
  });

  it("takes the account's allowance, and the provider's headers and scope", () => {
    expect(accountRateLimitPolicy(documented, { requestsPerSecond: 100, burst: 5 })).toEqual({
      requestsPerSecond: 95,
      burst: 5,
      appliesTo: 'all',
      headers: { remaining: 'ratelimit-remaining', reset: 'ratelimit-reset' },
    });
    expect(accountRateLimitPolicy(null, { requestsPerSecond: 3 })).toEqual({
      requestsPerSecond: 2,
      burst: 1,
    });
    expect(accountRateLimitPolicy(null, { requestsPerSecond: 1 })).toEqual({
      requestsPerSecond: 0.5,
      burst: 1,
    });
  });
});
