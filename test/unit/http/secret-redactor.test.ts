import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRedactor } from '../../../src/http/secret-redactor.js';

const TOKEN = 'PTa1b2c3d4e5f6-signalwire-api-token';
const BASIC = Buffer.from(`0c97f635-1c13-4fc1-86f7-bb2be859d8b9:${TOKEN}`).toString('base64');

describe('SecretRedactor', () => {
  it('replaces a kept secret and the forms it travels in', () => {
    const redactor = new SecretRedactor([TOKEN]);
    const secretWithSymbols = 's3cr3t/+=&"value\\';
    redactor.keep(secretWithSymbols);
    const forms = [
      TOKEN,
      Buffer.from(TOKEN).toString('base64'),
      Buffer.from(TOKEN).toString('base64url'),
      encodeURIComponent(secretWithSymbols),
      JSON.stringify(secretWithSymbols).slice(1, -1),
    ];
    for (const form of forms) {
      expect(redactor.redactValues(`before ${form} after`)).toBe(`before ${REDACTED} after`);
    }
  });

  it('replaces the longer of two secrets whole when one contains the other', () => {
    const redactor = new SecretRedactor([TOKEN, `Basic-${TOKEN}-suffix`]);
    expect(redactor.redactValues(`x Basic-${TOKEN}-suffix y`)).toBe(`x ${REDACTED} y`);
  });

  it('keeps a JSON line valid JSON', () => {
    const redactor = new SecretRedactor(['quote"and\\slash-secret']);
    const line = JSON.stringify({ msg: 'echo quote"and\\slash-secret back', level: 'info' });
    const redacted = redactor.redactValues(line);
    expect(JSON.parse(redacted)).toEqual({ msg: `echo ${REDACTED} back`, level: 'info' });
  });

  it('remembers derived values, forgetting the oldest past its capacity', () => {
    const redactor = new SecretRedactor([], { recentCapacity: 2 });
    const [first, second, third] = ['NETLESSROOM_first', 'NETLESSROOM_second', 'NETLESSROOM_third'];
    redactor.remember(first);
    redactor.remember(second);
    expect(redactor.redactValues(`${first} ${second}`)).toBe(`${REDACTED} ${REDACTED}`);
    redactor.remember(third);
    expect(redactor.redactValues(`${first} ${second} ${third}`)).toBe(
      `${first} ${REDACTED} ${REDACTED}`,
    );
  });

  it('forgets the least recently remembered, so a token said at each use stays', () => {
    const redactor = new SecretRedactor([], { recentCapacity: 2 });
    const inUse = 'NETLESSSDK_in-use';
    redactor.remember(inUse);
    for (const minted of ['NETLESSROOM_one', 'NETLESSROOM_two', 'NETLESSROOM_three']) {
      redactor.remember(minted);
      redactor.remember(inUse);
    }
    expect(redactor.redactValues(`${inUse} NETLESSROOM_two`)).toBe(`${REDACTED} NETLESSROOM_two`);
  });

  it('never forgets what it keeps, however many values it remembers', () => {
    const redactor = new SecretRedactor([TOKEN], { recentCapacity: 4 });
    for (let index = 0; index < 50; index++) {
      redactor.remember(`minted-token-number-${index}`);
    }
    expect(redactor.redactValues(TOKEN)).toBe(REDACTED);
    expect(redactor.redactValues('minted-token-number-0')).toBe('minted-token-number-0');
  });

  it('ignores values too short to search for', () => {
    const redactor = new SecretRedactor(['abc', '']);
    expect(redactor.redactValues('abc abc')).toBe('abc abc');
  });

  it('applies the pattern rules after the values in redact()', () => {
    const redactor = new SecretRedactor([TOKEN]);
    expect(redactor.redact(`${TOKEN} via Basic ${BASIC}`)).toBe(`${REDACTED} via Basic [redacted]`);
    expect(redactor.redactValues(`Basic ${BASIC}`)).toBe(`Basic ${BASIC}`);
  });

  it('leaves text without a known value as it was', () => {
    const redactor = new SecretRedactor([TOKEN]);
    const text = 'SignalWire rejected the request: name: Name must be present';
    expect(redactor.redactValues(text)).toBe(text);
  });
});
