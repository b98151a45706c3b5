import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CursorKey } from '../../src/providers/cursor-key.js';
import {
  CreateRoomDocument,
  ProviderRoomsDocument,
  RoomsAcrossDocument,
} from '../__generated__/graphql.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Issue 13, class 4: a listing cursor is client input. One the client changed, one from another
// deployment, one of the old unsealed form, one carrying an upstream path: each is
// BAD_USER_INPUT naming `after`, and none makes an upstream call.

const CURSOR_SECRET = 'the cursor secret of the cursors integration test';
const KINDS = ['signalwire', 'netless', 'hms', 'videsk'] as const;
const CONFERENCE_ID = '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b';

const unsealed = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
const ours = CursorKey.fromSecret(CURSOR_SECRET);
const theirs = CursorKey.fromSecret('another deployment with its own secret, 32+ chars');

/** Flips one bit of the character at `index`, keeping it a base64url character. */
function flip(cursor: string, index: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const char = cursor[index] ?? 'A';
  const swapped = alphabet[alphabet.indexOf(char) ^ 1] ?? 'A';
  return cursor.slice(0, index) + swapped + cursor.slice(index + 1);
}

let server: TestServer;
/** A real second-edge cursor of each account, and of the cross-account listing. */
const issued = new Map<string, string>();

beforeAll(async () => {
  server = await startTestServer({ config: { cursorSecret: CURSOR_SECRET } });
  for (const key of KINDS) {
    for (const index of [1, 2, 3]) {
      const created = await server.execute(CreateRoomDocument, {
        input: { providerKey: key, name: `cursor_${key}_${index}` },
      });
      expect(created.data?.createRoom.__typename).toBe('CreateRoomSuccess');
    }
    const page = await server.execute(ProviderRoomsDocument, { key, first: 2 });
    issued.set(key, page.data?.provider?.rooms.edges[0]?.cursor ?? '');
  }
  const across = await server.execute(RoomsAcrossDocument, { first: 2 });
  issued.set('across', across.data?.rooms.edges[0]?.cursor ?? '');
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  for (const kind of KINDS) {
    server.emulator(kind).log.clear();
  }
});

function upstreamRequests(): number {
  return KINDS.reduce((sum, kind) => sum + server.emulator(kind).log.all().length, 0);
}

function expectRefusedAfter(result: {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}): void {
  expect(result.errors).toHaveLength(1);
  expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  expect(result.errors?.[0]?.message).toMatch(/^after: /);
}

describe.each(KINDS)('Provider.rooms(after) at %s', (key) => {
  const scope = `rooms:${key}`;
  const cases: [string, () => string][] = [
    ['a flipped bit in the state', () => flip(issued.get(key) ?? '', 2)],
    [
      'a flipped bit in the seal',
      () => flip(issued.get(key) ?? '', (issued.get(key) ?? '').length - 3),
    ],
    ['a cursor of another deployment', () => theirs.seal(scope, { p: null, s: 1 })],
    ['a cursor of another account', () => ours.seal('rooms:other', { p: null, s: 1 })],
    ['an old unsealed cursor', () => unsealed({ p: null, s: 1 })],
    [
      'an old unsealed cursor carrying a path',
      () => unsealed({ p: `c:/conferences/${CONFERENCE_ID}/conference_tokens`, s: 0 }),
    ],
  ];

  it('resumes from a cursor sealed with the same secret, as another instance would issue it', async () => {
    const cursor = ours.seal(scope, { p: null, s: 1 });
    const page = await server.execute(ProviderRoomsDocument, { key, first: 1, after: cursor });
    expect(page.errors).toBeUndefined();
    expect(page.data?.provider?.rooms.edges).toHaveLength(1);
  });

  it.each(cases)(
    'refuses %s as BAD_USER_INPUT on after, calling no provider',
    async (_case, make) => {
      const result = await server.execute(ProviderRoomsDocument, { key, first: 2, after: make() });
      expectRefusedAfter(result);
      expect(upstreamRequests()).toBe(0);
    },
  );
});

describe('Provider.rooms(after) at signalwire, sealed by this very deployment', () => {
  it('refuses a position that is a path, calling no provider', async () => {
    // What a cursor held before positions were page tokens: a path GET with the account's token.
    const cursor = ours.seal('rooms:signalwire', {
      p: `c:/conferences/${CONFERENCE_ID}/conference_tokens`,
      s: 0,
    });
    const result = await server.execute(ProviderRoomsDocument, {
      key: 'signalwire',
      first: 2,
      after: cursor,
    });
    expectRefusedAfter(result);
    expect(upstreamRequests()).toBe(0);
  });
});

describe('rooms(after) across accounts', () => {
  const allDone = Object.fromEntries(KINDS.map((key) => [key, { done: true }]));
  const cases: [string, () => string][] = [
    ['a flipped bit in the state', () => flip(issued.get('across') ?? '', 2)],
    [
      'a flipped bit in the seal',
      () => flip(issued.get('across') ?? '', (issued.get('across') ?? '').length - 3),
    ],
    ['a cursor of another deployment', () => theirs.seal('rooms-across', allDone)],
    ['an old unsealed cursor marking every account done', () => unsealed(allDone)],
    ['an account cursor handed to the cross-account listing', () => issued.get('signalwire') ?? ''],
  ];

  it('resumes from its own cursor', async () => {
    const page = await server.execute(RoomsAcrossDocument, {
      first: 2,
      after: issued.get('across'),
    });
    expect(page.errors).toBeUndefined();
    expect(page.data?.rooms.edges).toHaveLength(2);
  });

  it.each(cases)(
    'refuses %s as BAD_USER_INPUT on after, calling no provider',
    async (_case, make) => {
      const result = await server.execute(RoomsAcrossDocument, { first: 5, after: make() });
      expectRefusedAfter(result);
      expect(upstreamRequests()).toBe(0);
    },
  );
});
