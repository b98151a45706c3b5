import { describe, expect, it } from 'vitest';
import type { ProviderConfig } from '../../../src/config.js';
import { cursorKeyOf } from '../../../src/providers/create-registry.js';
import { CursorKey } from '../../../src/providers/cursor-key.js';

const SIGNALWIRE: ProviderConfig = {
  kind: 'signalwire',
  key: 'signalwire',
  baseUrl: 'https://acme.signalwire.com/api/video',
  projectId: '0c97f635-1c13-4fc1-86f7-bb2be859d8b9',
  apiToken: 'PTsignalwire-api-token-of-the-cursor-tests',
};
const VIDESK: ProviderConfig = {
  kind: 'videsk',
  key: 'videsk',
  baseUrl: 'https://api.videsk.io',
  apiToken: 'vk_live_videsk_api_token_of_the_cursor_tests',
};
const STATE = { p: 'PAc1', s: 2 };

describe('CursorKey', () => {
  it('opens what it sealed, for the same scope only', () => {
    const key = CursorKey.fromSecret('a secret of the cursor key unit tests, 32+');
    const cursor = key.seal('rooms:a', STATE);
    expect(key.open('rooms:a', cursor)).toEqual(STATE);
    expect(key.open('rooms:b', cursor)).toBeUndefined();
  });

  it('shows neither its bytes nor its secret when logged or serialised', () => {
    const secret = 'a secret that must not show, 32+ characters';
    const key = CursorKey.fromSecret(secret);
    expect(JSON.stringify({ key })).toBe('{"key":{}}');
    expect(String(Object.keys(key))).toBe('');
    expect(key.seal('rooms:a', STATE)).not.toContain(Buffer.from(secret).toString('base64url'));
  });
});

describe('cursorKeyOf', () => {
  const open = (by: CursorKey, cursor: string) => by.open('rooms:signalwire', cursor);

  it('agrees across instances with the same CURSOR_SECRET, whatever their accounts', () => {
    const secret = 'the deployment cursor secret, 32+ characters';
    const one = cursorKeyOf({ cursorSecret: secret, providers: [SIGNALWIRE] });
    const other = cursorKeyOf({ cursorSecret: secret, providers: [VIDESK, SIGNALWIRE] });
    expect(open(other, one.seal('rooms:signalwire', STATE))).toEqual(STATE);
  });

  it('without CURSOR_SECRET, agrees across instances with the same accounts in any order', () => {
    const one = cursorKeyOf({ providers: [SIGNALWIRE, VIDESK] });
    const other = cursorKeyOf({ providers: [VIDESK, SIGNALWIRE] });
    expect(open(other, one.seal('rooms:signalwire', STATE))).toEqual(STATE);
  });

  it('without CURSOR_SECRET, differs once a credential differs', () => {
    const one = cursorKeyOf({ providers: [SIGNALWIRE] });
    const rotated = cursorKeyOf({
      providers: [{ ...SIGNALWIRE, apiToken: 'PTanother-signalwire-api-token-value' }],
    });
    expect(open(rotated, one.seal('rooms:signalwire', STATE))).toBeUndefined();
  });
});
