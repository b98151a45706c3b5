import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/observability/logger.js';
import { logBanner, type StartupFacts } from '../../../src/server/startup-banner.js';

const SANDBOX: StartupFacts = {
  origin: 'http://localhost:4000',
  reach: 'this machine on port 4000',
  sandbox: [
    { key: 'signalwire', kind: 'signalwire', baseUrl: 'http://127.0.0.1:41001/api/video' },
    { key: 'videsk', kind: 'videsk', baseUrl: 'http://127.0.0.1:41004' },
  ],
  accounts: [],
  allowAnonymous: false,
  state: 'in memory of this instance only',
  metrics: true,
  tracing: 'off',
};

function records(facts: StartupFacts) {
  const lines: Record<string, unknown>[] = [];
  logBanner(
    facts,
    createLogger({ level: 'info', destination: { write: (line) => lines.push(JSON.parse(line)) } }),
  );
  return lines;
}

describe('logBanner', () => {
  it('writes one record per line for machines, the open-access warning at warn, listening last', () => {
    const lines = records(SANDBOX);
    expect(lines.map((line) => line.msg)).toContain('  videsk (videsk) -> http://127.0.0.1:41004');
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual([
      expect.stringMatching(/^OPEN ACCESS: .*this machine on port 4000/),
    ]);
    expect(lines.at(-1)?.msg).toBe(
      'Video rooms GraphQL listening on http://localhost:4000/graphql (GraphiQL in a browser)',
    );
  });

  it('writes one block for a person at a terminal, and no log record', () => {
    const blocks: string[] = [];
    const lines: string[] = [];
    logBanner(
      SANDBOX,
      createLogger({ level: 'info', destination: { write: (line) => lines.push(line) } }),
      (text) => blocks.push(text),
    );
    expect(lines).toEqual([]);
    expect(blocks).toHaveLength(1);
    const block = blocks[0] ?? '';
    expect(block).toContain('listening on http://localhost:4000/graphql');
    expect(block).toContain('  signalwire (signalwire) -> http://127.0.0.1:41001/api/video');
    expect(block).toMatch(/ {2}! OPEN ACCESS: /);
    expect(block).toContain('http://localhost:4000/health, http://localhost:4000/ready');
  });

  it('names the configured accounts and warns when anonymous callers get every scope', () => {
    const lines = records({
      ...SANDBOX,
      sandbox: null,
      accounts: ['signalwire-eu (SIGNALWIRE)'],
      allowAnonymous: true,
    });
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'Providers: signalwire-eu (SIGNALWIRE)' });
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: expect.stringMatching(/^ALLOW_ANONYMOUS/),
    });
  });
});
