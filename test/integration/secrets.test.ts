import { createHash } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { print } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import {
  CreateRoomDocument,
  CreateRoomTokenDocument,
  DeleteRoomDocument,
  DisableRoomDocument,
  EnableRoomDocument,
  ProviderRoomsDocument,
  RoomDocument,
  RoomsAcrossDocument,
  RoomWithTokensDocument,
  UpdateRoomDocument,
} from '../__generated__/graphql.js';
import { EMULATOR_CREDENTIALS } from '../helpers/emulator-credentials.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Issue 5: a full scenario with known secrets, and not one of them in any log line, error,
// metric or span. Minted room tokens may appear only in the response that minted them.

const CLIENT_KEY = 'ck_live_secrets_test_5f1d0c8e2b7a4d39';
const WRONG_CLIENT_KEY = 'ck_live_not_a_key_of_ours_9a8b7c6d5e';
const JWT_SECRET = 'jwt-secret-of-the-secrets-test-0f1e2d3c4b5a69788796';
const WRONG_JWT_SECRET = 'another-secret-that-signs-nothing-we-accept-0123';
const BAD_SIGNALWIRE_TOKEN = 'PTwrong-signalwire-token-for-the-secrets-test';
const BAD_VIDESK_TOKEN = 'vk_live_wrong_token_for_the_secrets_test';
const TIMEOUT_MS = 1_000;

const PROVIDERS = ['signalwire', 'netless', 'hms', 'videsk'] as const;
type ProviderKey = (typeof PROVIDERS)[number];
const ROOM_NAMES: Readonly<Record<ProviderKey, string>> = {
  signalwire: 'secret_scenario',
  netless: 'secret-scenario',
  hms: 'secret-scenario',
  videsk: 'secret-scenario',
};

const basic = (user: string, password: string) =>
  Buffer.from(`${user}:${password}`).toString('base64');

/** One HTTP exchange as the client saw it: the raw body and the response headers. */
interface Exchange {
  readonly label: string;
  readonly text: string;
  /** Room tokens this very response minted, which it may therefore contain. */
  readonly minted: string[];
}

describe('no secret in logs, errors, metrics or traces', () => {
  const logLines: string[] = [];
  const exchanges: Exchange[] = [];
  const minted: string[] = [];
  const exporter = new InMemorySpanExporter();
  let server: TestServer;
  let jwt: string;
  let wrongJwt: string;
  let metricsText = '';
  let spansText: string[] = [];
  /** Credentials the service derived and sent upstream (Netless REST tokens, 100ms management tokens). */
  let sentUpstream: string[] = [];

  /** Sends a typed operation as the client whose credential is given, and records the exchange. */
  async function send<Result, Variables>(
    label: string,
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    credential: string = CLIENT_KEY,
  ): Promise<{ data?: Result | null; errors?: { extensions?: Record<string, unknown> }[] }> {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${credential}`,
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const text = await response.text();
    const headers = JSON.stringify([...response.headers]);
    const body = JSON.parse(text);
    const token: unknown = body?.data?.createRoomToken?.roomToken?.token;
    const own = typeof token === 'string' ? [token] : [];
    minted.push(...own);
    exchanges.push({ label, text: `${headers}\n${text}`, minted: own });
    return body;
  }

  beforeAll(async () => {
    const secret = new TextEncoder().encode(JWT_SECRET);
    jwt = await new SignJWT({ scope: 'rooms:read rooms:write tokens:create' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('secrets-test-service')
      .setExpirationTime('10m')
      .sign(secret);
    wrongJwt = await new SignJWT({ scope: 'rooms:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('intruder')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(WRONG_JWT_SECRET));
    server = await startTestServer({
      open: false,
      config: {
        tracing: 'otlp',
        upstreamTimeoutMs: TIMEOUT_MS,
        upstreamRetries: 1,
        clientApiKeys: [
          {
            id: 'secrets-test-key',
            sha256: createHash('sha256').update(CLIENT_KEY).digest('hex'),
            scopes: ['rooms:read', 'rooms:write', 'tokens:create'],
          },
        ],
        clientJwtSecret: JWT_SECRET,
      },
      providers: (emulated) => {
        const signalwire = emulated.find((account) => account.kind === 'signalwire');
        const videsk = emulated.find((account) => account.kind === 'videsk');
        if (signalwire?.kind !== 'signalwire' || videsk?.kind !== 'videsk') {
          throw new Error('the fleet lacks an emulator');
        }
        return [
          ...emulated,
          { ...signalwire, key: 'signalwire-bad', apiToken: BAD_SIGNALWIRE_TOKEN },
          { ...videsk, key: 'videsk-bad', apiToken: BAD_VIDESK_TOKEN },
        ];
      },
      spanExporter: exporter,
      logger: createLogger({
        level: 'trace',
        destination: { write: (line) => logLines.push(line) },
      }),
    });

    await runScenario();

    metricsText = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
    spansText = exporter.getFinishedSpans().map((span) =>
      JSON.stringify({
        name: span.name,
        attributes: span.attributes,
        status: span.status,
        events: span.events,
        links: span.links,
      }),
    );
    sentUpstream = server.fleet.running.flatMap(({ emulator }) =>
      emulator.log
        .all()
        .flatMap((entry) => [entry.headers.authorization, entry.headers.token])
        .filter((value): value is string => typeof value === 'string')
        .map((value) => value.replace(/^(Bearer|Basic) /, '')),
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  async function runScenario(): Promise<void> {
    const rooms = new Map<ProviderKey, string>();
    for (const [index, key] of PROVIDERS.entries()) {
      // Half the calls with the API key, half with the JWT.
      const credential = index % 2 === 0 ? CLIENT_KEY : jwt;
      const created = await send(
        `create ${key}`,
        CreateRoomDocument,
        { input: { providerKey: key, name: ROOM_NAMES[key] } },
        credential,
      );
      if (created.data?.createRoom.__typename !== 'CreateRoomSuccess') {
        throw new Error(`createRoom at ${key} failed: ${JSON.stringify(created)}`);
      }
      const id = created.data.createRoom.room.id;
      rooms.set(key, id);
      const roles =
        key === 'videsk' ? (['PARTICIPANT'] as const) : (['HOST', 'PARTICIPANT'] as const);
      for (const role of roles) {
        const token = await send(
          `token ${role} ${key}`,
          CreateRoomTokenDocument,
          {
            input: {
              roomId: id,
              role,
              identity: 'ada',
              // Videsk tokens last as long as the room and take no lifetime.
              ...(key === 'videsk' ? {} : { ttlSeconds: 600 }),
            },
          },
          credential,
        );
        if (token.data?.createRoomToken.__typename !== 'CreateRoomTokenSuccess') {
          throw new Error(`createRoomToken at ${key} failed: ${JSON.stringify(token)}`);
        }
      }
      await send(`get ${key}`, RoomDocument, { id });
      await send(`tokens ${key}`, RoomWithTokensDocument, { id }, jwt);
      await send(`list ${key}`, ProviderRoomsDocument, { key, first: 5 });
      await send(`update ${key}`, UpdateRoomDocument, { input: { id, displayName: 'Renamed' } });
      await send(`disable ${key}`, DisableRoomDocument, { input: { id } }, jwt);
      await send(`enable ${key}`, EnableRoomDocument, { input: { id } });
    }
    await send('list across', RoomsAcrossDocument, { first: 20 }, jwt);

    // Bad credentials at two accounts: an error each, inside a listing and from a mutation.
    const across = await send('list across with bad accounts', RoomsAcrossDocument, { first: 50 });
    expect(across.data?.rooms.errors.map((error) => error.code)).toEqual([
      'UPSTREAM_AUTH_FAILED',
      'UPSTREAM_AUTH_FAILED',
    ]);
    for (const key of ['signalwire-bad', 'videsk-bad']) {
      const refused = await send(`create at ${key}`, CreateRoomDocument, {
        input: { providerKey: key, name: 'never_made' },
      });
      expect(refused.data?.createRoom).toMatchObject({ code: 'UPSTREAM_AUTH_FAILED' });
    }

    // A 5xx on a read (retried, then given up) and on a token mint.
    server.emulator('hms').faults.add({ method: 'GET', status: 500, times: 2 });
    const fiveHundred = await send('hms 5xx', RoomDocument, { id: rooms.get('hms') ?? '' });
    expect(fiveHundred.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    server.emulator('signalwire').faults.add({ method: 'POST', status: 503, times: 1 });
    const tokenFailure = await send('signalwire token 5xx', CreateRoomTokenDocument, {
      input: { roomId: rooms.get('signalwire') ?? '', role: 'PARTICIPANT' },
    });
    expect(tokenFailure.data?.createRoomToken).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });

    // A provider that answers too late.
    server.emulator('videsk').faults.add({ method: 'GET', latencyMs: TIMEOUT_MS + 500, times: 1 });
    const late = await send('videsk timeout', RoomDocument, { id: rooms.get('videsk') ?? '' });
    expect(late.errors?.[0]?.extensions).toMatchObject({ providerCode: 'TIMEOUT' });

    // Client credentials that are not ours.
    for (const [label, credential] of [
      ['wrong client key', WRONG_CLIENT_KEY],
      ['JWT signed with another secret', wrongJwt],
    ] as const) {
      const refused = await send(label, RoomsAcrossDocument, { first: 1 }, credential);
      expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }

    // Delete where the provider can, and the typed refusal where it cannot.
    for (const key of PROVIDERS) {
      await send(`delete ${key}`, DeleteRoomDocument, { input: { id: rooms.get(key) ?? '' } });
    }
    const deleted = exchanges.find((exchange) => exchange.label === 'delete signalwire');
    expect(deleted?.text).toContain('DeleteRoomSuccess');
  }

  /** Every value that must stay out of what the service writes, with a name for failures. */
  function secrets(): [string, string][] {
    const { signalwire, netless, hms, videsk } = EMULATOR_CREDENTIALS;
    const named: [string, string][] = [
      ['SignalWire API token', signalwire.apiToken],
      ['SignalWire Basic credential', basic(signalwire.projectId, signalwire.apiToken)],
      ['wrong SignalWire API token', BAD_SIGNALWIRE_TOKEN],
      ['wrong SignalWire Basic credential', basic(signalwire.projectId, BAD_SIGNALWIRE_TOKEN)],
      ['Netless secret key', netless.secretKey],
      ['100ms app secret', hms.appSecret],
      ['Videsk API token', videsk.apiToken],
      ['wrong Videsk API token', BAD_VIDESK_TOKEN],
      ['client API key', CLIENT_KEY],
      ['wrong client API key', WRONG_CLIENT_KEY],
      ['client JWT secret', JWT_SECRET],
      ['client JWT', jwt],
      ['client JWT signature', jwt.split('.')[2] ?? jwt],
      ['foreign JWT', wrongJwt],
      ...sentUpstream.map((value, index): [string, string] => [
        `credential sent upstream #${index}`,
        value,
      ]),
    ];
    return named;
  }

  /** Where each captured text came from, for failure messages. */
  function captured(): [string, string][] {
    return [
      ...logLines.map((line, index): [string, string] => [`log line ${index}`, line]),
      ['/metrics', metricsText],
      ...spansText.map((span, index): [string, string] => [`span ${index}`, span]),
    ];
  }

  it('captured a full scenario: logs, metrics and spans from all four providers, and minted tokens', () => {
    expect(minted.length).toBe(7);
    expect(new Set(minted).size).toBe(7);
    expect(sentUpstream.length).toBeGreaterThan(0);
    const records = logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const provider of [...PROVIDERS, 'signalwire-bad', 'videsk-bad']) {
      expect(records.some((record) => record.provider === provider)).toBe(true);
      expect(metricsText).toContain(`upstream_requests_total{provider="${provider}"`);
      expect(
        spansText.some((span) => span.includes(`"video_rooms.provider.account":"${provider}"`)),
      ).toBe(true);
    }
    expect(records.filter((record) => record.msg === 'graphql request').length).toBe(
      exchanges.length,
    );
    expect(records.some((record) => record.level === 'warn')).toBe(true);
  });

  it('shows no provider credential, client credential or derived credential anywhere', () => {
    const leaks: string[] = [];
    const places: [string, string][] = [
      ...captured(),
      ...exchanges.map((exchange): [string, string] => [
        `response to ${exchange.label}`,
        exchange.text,
      ]),
    ];
    for (const [secretName, secret] of secrets()) {
      expect(secret.length).toBeGreaterThan(8);
      for (const [place, text] of places) {
        if (text.includes(secret)) {
          leaks.push(`${secretName} in ${place}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('shows each minted room token only in the response that minted it', () => {
    const leaks: string[] = [];
    for (const [index, token] of minted.entries()) {
      const owner = exchanges.find((exchange) => exchange.minted.includes(token));
      expect(owner?.text).toContain(token);
      for (const [place, text] of captured()) {
        if (text.includes(token)) {
          leaks.push(`minted token #${index} in ${place}`);
        }
      }
      for (const exchange of exchanges) {
        if (exchange !== owner && exchange.text.includes(token)) {
          leaks.push(`minted token #${index} in the response to ${exchange.label}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});
