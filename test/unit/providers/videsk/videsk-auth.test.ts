import { describe, expect, it } from 'vitest';
import {
  readAccessTokenClaims,
  videskAuthHeaders,
} from '../../../../src/providers/videsk/videsk-auth.js';
import { fixture, jwtWith } from './videsk-test-kit.js';

describe('videskAuthHeaders', () => {
  it('sends the API token as a Bearer credential', () => {
    expect(videskAuthHeaders({ apiToken: 'vk_live_abc' })).toEqual({
      authorization: 'Bearer vk_live_abc',
    });
  });

  it('refuses an empty token without echoing it', () => {
    expect(() => videskAuthHeaders({ apiToken: '  ' })).toThrow(/non-empty apiToken/);
  });
});

describe('readAccessTokenClaims', () => {
  it('reads the claims of the fact sheet §4 token shape without verifying it', () => {
    const token = jwtWith({
      sub: '6742b1f0c9e77a0012ab34cd',
      room: '6742b1f0c9e77a0012ab34cd',
      externalId: 'ticket-981',
      jti: '3b9c2f0e-6a51-4d2c-9e0b-5f1d7c8a2e44',
      iat: 1_795_428_001,
      nbf: 1_795_428_000,
      exp: 1_795_438_800,
    });
    expect(readAccessTokenClaims(token)).toEqual({
      issuedAt: new Date('2026-11-23T10:00:01.000Z'),
      expiresAt: new Date('2026-11-23T13:00:00.000Z'),
      jti: '3b9c2f0e-6a51-4d2c-9e0b-5f1d7c8a2e44',
    });
  });

  it('reads nothing from the documented, truncated example token', () => {
    const { accessToken } = fixture<{ accessToken: string }>('join-room.201.json');
    expect(readAccessTokenClaims(accessToken)).toEqual({
      expiresAt: null,
      issuedAt: null,
      jti: null,
    });
  });

  it('reads claims of the wrong type, or no JWT at all, as absent', () => {
    expect(readAccessTokenClaims(jwtWith({ exp: '1795914000', jti: 42 }))).toEqual({
      expiresAt: null,
      issuedAt: null,
      jti: null,
    });
    expect(readAccessTokenClaims('opaque-token').expiresAt).toBeNull();
    expect(readAccessTokenClaims('a.%%%.b').expiresAt).toBeNull();
  });
});
