import { describe, expect, it } from 'vitest';
import { describeRoute, redact as redactText } from '../../../src/http/redact.js';
import { PROVIDER_TOKEN_PATTERNS } from '../../../src/providers/provider-modules.js';

/** The rules with every provider's token shapes, as the service applies them to free text. */
const redact = (text: string) => redactText(text, PROVIDER_TOKEN_PATTERNS);

const BASIC = 'MGM5N2Y2MzUtMWMxMy00ZmMxOnBUNDNzM2NyM3Q='; // base64("<project>:<token>")
const JWT =
  'eyJ0eXAiOiJWUlQiLCJhbGciOiJIUzUxMiJ9.eyJpYXQiOjE2MjIxMjAxMjMsInIiOiJteV9yb29tIn0.5mu_H2PjQLtNBbMsBlS0c91EgsDjJzvZ';
const VPT = 'vpt_62c65414de4d067d07415a7ced8183be';

describe('redact', () => {
  it('strips a Basic credential', () => {
    const out = redact(`upstream refused Basic ${BASIC} for this project`);
    expect(out).not.toContain(BASIC);
    expect(out).toBe('upstream refused Basic [redacted] for this project');
  });

  it('strips a Bearer token', () => {
    const out = redact('sent Bearer abc.DEF-123_xyz/+= to the API');
    expect(out).toBe('sent Bearer [redacted] to the API');
  });

  it('strips a JWT wherever it appears', () => {
    const out = redact(`joined with ${JWT}, then left`);
    expect(out).not.toContain(JWT);
    expect(out).not.toContain('eyJ');
    expect(out).toContain('[redacted-jwt]');
  });

  it('strips SignalWire conference tokens (vpt_)', () => {
    const out = redact(`the moderator link uses ${VPT}.`);
    expect(out).toBe('the moderator link uses [redacted-token].');
  });

  it('strips Netless SDK, room and task tokens', () => {
    const token = 'NETLESSROOM_YWs9bXlBSyZub25jZT0wZjdkM2E0MC03YjFlLTExZWUtOWMxYS00ZDJiOWMwZTZmMTE';
    expect(redact(`invalid signature of token ${token} here`)).toBe(
      'invalid signature of token [redacted-token] here',
    );
    expect(redact('NETLESSSDK_abc-def_1 and NETLESSTASK_x')).toBe(
      '[redacted-token] and [redacted-token]',
    );
  });

  it('strips a URL whole, with the user and password in it', () => {
    const out = redact('GET https://project:s3cr3t@acme.signalwire.com/api/video failed');
    expect(out).toBe('GET [redacted-url] failed');
  });

  it('strips values of secret-looking keys in JSON and query strings', () => {
    expect(redact('{"password": "hunter2", "name": "my_room"}')).toBe(
      '{"password": "[redacted]", "name": "my_room"}',
    );
    expect(redact('?api_key=abc123&page_size=10')).toBe('?api_key=[redacted]&page_size=10');
    expect(redact(`"token":"${VPT}"`)).not.toContain(VPT);
  });

  it('strips the credential after an Authorization key, not only the scheme word', () => {
    expect(redact('Authorization: Basic dXNlcjpwYXNz')).not.toContain('dXNlcjpwYXNz');
    expect(redact('authorization=Bearer abc.def')).not.toContain('abc.def');
  });

  it('strips upstream URLs with their host and query', () => {
    const text = redact('see https://acme.signalwire.com/api/video/rooms?page_token=PAsecret now');
    expect(text).toBe('see [redacted-url] now');
  });

  it('leaves text without secrets unchanged', () => {
    const text = 'SignalWire rejected the request: name: Name must be present';
    expect(redact(text)).toBe(text);
  });
});

describe('describeRoute', () => {
  it('keeps the method and path and drops the query', () => {
    expect(describeRoute('GET', '/rooms?page_size=50&page_token=PAabc')).toBe('GET /rooms');
    expect(describeRoute('DELETE', '/rooms/c22d24f6')).toBe('DELETE /rooms/c22d24f6');
  });
});
