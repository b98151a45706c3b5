import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../../src/http/secret-redactor.js';
import { createLogger, errorDetail } from '../../../src/observability/logger.js';

function capture(level: 'info' | 'trace' | 'warn' = 'trace') {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line) => lines.push(line) } });
  return {
    logger,
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON object per line with an ISO time and the level by name', () => {
    const { logger, records } = capture();
    logger.info({ requestId: 'r1' }, 'hello');
    const [record] = records();
    expect(record).toMatchObject({ level: 'info', msg: 'hello', requestId: 'r1' });
    expect(String(record?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('writes nothing below its level', () => {
    const { logger, records } = capture('warn');
    logger.info('not shown');
    logger.debug('not shown');
    logger.warn('shown');
    expect(records().map((record) => record.msg)).toEqual(['shown']);
  });

  it('censors credentials in headers and accounts, whatever object they come in', () => {
    const { logger, records } = capture();
    logger.info(
      {
        headers: { authorization: 'Basic cHJvamVjdDpQVHNlY3JldA==', accept: 'application/json' },
        request: { headers: { authorization: 'Bearer eyJhbGciOi.x.y', token: 'NETLESSROOM_abc' } },
        account: { key: 'hms', appSecret: 'hms-app-secret' },
        providers: [{ key: 'videsk', apiToken: 'vk_live_0123' }],
        secretKey: 'netless-secret',
      },
      'with secrets',
    );
    const line = JSON.stringify(records()[0]);
    for (const secret of [
      'cHJvamVjdDpQVHNlY3JldA==',
      'eyJhbGciOi',
      'NETLESSROOM_abc',
      'hms-app-secret',
      'vk_live_0123',
      'netless-secret',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('application/json');
    expect(line).toContain('[redacted]');
  });
});

describe('createLogger for a terminal', () => {
  it('writes readable lines, not JSON, with the same redaction', () => {
    let text = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    const logger = createLogger({ level: 'info', pretty: true, destination });
    logger.info({ requestId: 'r1', account: { appSecret: 'hms-app-secret' } }, 'graphql request');
    logger.warn('OPEN ACCESS: anyone can call');

    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(() => JSON.parse(lines[0] ?? '')).toThrow();
    expect(lines[0]).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: graphql request .*"requestId":"r1"/,
    );
    expect(lines[1]).toMatch(/WARN: OPEN ACCESS: anyone can call$/);
    expect(text).not.toContain('hms-app-secret');
    expect(text).toContain('[redacted]');
  });
});

describe('createLogger with a redactor', () => {
  const SECRET = 'PTsignalwire-secret-token-of-the-logger-test';
  const MINTED = 'NETLESSROOM_minted-token-of-the-logger-test';

  it('scrubs known values from every line at every level, wherever they sit', () => {
    const lines: string[] = [];
    const redactor = new SecretRedactor([SECRET]);
    const logger = createLogger({
      level: 'trace',
      destination: { write: (line) => lines.push(line) },
      redactor,
    });
    redactor.remember(MINTED);
    const child = logger.child({ note: `bound ${SECRET}` });
    child.trace({ detail: { deep: [`echo ${MINTED}`] } }, `trace ${SECRET}`);
    logger.debug(`base64 ${Buffer.from(SECRET).toString('base64')}`);
    logger.info({ providerCode: SECRET }, 'info');
    logger.warn(new Error(`upstream said ${SECRET}`), 'warn');
    logger.error({ message: encodeURIComponent(MINTED) }, 'error');
    logger.fatal(`fatal ${MINTED}`);

    expect(lines).toHaveLength(6);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      expect(line).not.toContain(SECRET);
      expect(line).not.toContain(Buffer.from(SECRET).toString('base64'));
      expect(line).not.toContain(MINTED);
      expect(line).toContain('[redacted]');
    }
  });
});

describe('errorDetail', () => {
  it('gives the redacted stack of an error, without its cause', () => {
    const cause = new Error('the request options held authorization: Bearer abc.def');
    const error = new Error('calling https://user:pw@api.example.com/v1?token=zzz failed', {
      cause,
    });
    const detail = errorDetail(error);
    expect(detail).toContain('failed');
    expect(detail).not.toContain('api.example.com');
    expect(detail).not.toContain('zzz');
    expect(detail).not.toContain('abc.def');
  });

  it('redacts text and other values too', () => {
    expect(errorDetail('sent Bearer s3cr3t')).toBe('sent Bearer [redacted]');
    expect(errorDetail(42)).toBe('42');
  });
});
