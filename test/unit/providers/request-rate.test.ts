import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NETLESS_REQUEST_RATE } from '../../../src/providers/netless/netless-request-rate.js';
import { SIGNALWIRE_REQUEST_RATE } from '../../../src/providers/signalwire/signalwire-request-rate.js';
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
