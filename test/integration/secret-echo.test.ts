import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { type DocumentNode, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretRedactor } from '../../src/http/secret-redactor.js';
import { createLogger } from '../../src/observability/logger.js';
import {
  CreateRoomDocument,
  DisableRoomDocument,
  ProviderRoomsDocument,
  RoomDocument,
} from '../__generated__/graphql.js';
import { EMULATOR_CREDENTIALS } from '../helpers/emulator-credentials.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// Issue 13, class 5: a provider whose error body repeats the account's own credentials, or what
// the service derived from them, must not get them shown: not in the GraphQL response (message,
// providerCode, extensions), not in any log line even at trace level, not in a span, not on
// /metrics. The emulators are scripted to echo them in their own error shapes.

const { signalwire, netless, hms, videsk } = EMULATOR_CREDENTIALS;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const BASIC = b64(`${signalwire.projectId}:${signalwire.apiToken}`);
const ERROR_CODES_URL = 'https://signalwire.com/docs/apis/error-codes';

describe('provider credentials echoed in upstream errors', () => {
  const logLines: string[] = [];
  const responses: string[] = [];
  const exporter = new InMemorySpanExporter();
  let server: TestServer;
  let metrics = '';
  let spans = '';
  /** Tokens the service derived and sent upstream: the Netless SDK token, 100ms management JWTs. */
  const derived: string[] = [];

  async function send(body: object): Promise<Record<string, unknown>> {
    const response = await server.post(JSON.stringify(body));
    const text = await response.text();
    responses.push(text);
    return JSON.parse(text) as Record<string, unknown>;
  }

  function run(document: DocumentNode, variables: object) {
    return send({ query: print(document), variables });
  }

  beforeAll(async () => {
    const redactor = new SecretRedactor();
    server = await startTestServer({
      redactor,
      config: { tracing: 'otlp', logLevel: 'trace' },
      spanExporter: exporter,
      logger: createLogger({
        level: 'trace',
        destination: { write: (line) => logLines.push(line) },
        redactor,
      }),
    });

    // Rooms to act on, and the derived credentials each provider was sent.
    const ids = new Map<string, string>();
    for (const key of ['signalwire', 'netless', 'hms', 'videsk']) {
      const created = await run(CreateRoomDocument, {
        input: { providerKey: key, name: `echo_${key}` },
      });
      const room = (created.data as { createRoom: { room?: { id: string } } }).createRoom.room;
      ids.set(key, room?.id ?? '');
    }
    for (const kind of ['netless', 'hms']) {
      for (const entry of server.emulator(kind).log.all()) {
        const sent = entry.headers.token ?? entry.headers.authorization;
        if (typeof sent === 'string') {
          derived.push(sent.replace(/^Bearer /, ''));
        }
      }
    }
    const netlessSdkToken = derived[0] ?? '';
    const hmsManagementToken = derived.at(-1) ?? '';
    const everything = [
      signalwire.apiToken,
      BASIC,
      b64(signalwire.apiToken),
      netless.secretKey,
      netlessSdkToken,
      hms.appSecret,
      hmsManagementToken,
      videsk.apiToken,
    ].join(' ');

    // SignalWire: a 422 whose code, message and attribute repeat the token and the Basic value.
    server.emulator('signalwire').faults.add({
      method: 'POST',
      status: 422,
      times: 1,
      body: {
        errors: [
          {
            type: 'validation_error',
            code: signalwire.apiToken,
            message: `bad credentials ${everything}`,
            attribute: BASIC,
            url: ERROR_CODES_URL,
          },
        ],
      },
    });
    await run(CreateRoomDocument, { input: { providerKey: 'signalwire', name: 'refused' } });
    // ...and a 401 on a read, which comes back as a GraphQL error with extensions.
    server.emulator('signalwire').faults.add({
      method: 'GET',
      status: 401,
      times: 1,
      body: { error: `Unauthorized: ${BASIC} ${b64(signalwire.apiToken)}` },
    });
    await run(RoomDocument, { id: ids.get('signalwire') });

    // Netless: a token-access message, which becomes the providerCode, repeating the secret key
    // and the SDK token the service signed with it.
    server.emulator('netless').faults.add({
      method: 'PATCH',
      status: 403,
      times: 1,
      body: { message: `token access role ${netless.secretKey} ${netlessSdkToken} forbidden` },
    });
    await run(DisableRoomDocument, { input: { id: ids.get('netless') } });
    server.emulator('netless').faults.add({
      method: 'GET',
      status: 401,
      times: 1,
      body: { message: `invalid signature of token ${netlessSdkToken} ${everything}` },
    });
    await run(ProviderRoomsDocument, { key: 'netless', first: 2 });

    // 100ms: the app secret and the management token in the message and the code.
    server.emulator('hms').faults.add({
      method: 'POST',
      status: 400,
      times: 1,
      body: {
        code: hms.appSecret,
        message: `Token validation error ${hmsManagementToken}`,
        details: [everything],
      },
    });
    await run(CreateRoomDocument, { input: { providerKey: 'hms', name: 'refused' } });

    // Videsk: the API token in the className (its provider code) and the message.
    server.emulator('videsk').faults.add({
      method: 'GET',
      status: 403,
      times: 1,
      body: {
        name: 'Forbidden',
        message: `token ${everything} is not allowed`,
        code: 403,
        className: videsk.apiToken,
        errors: {},
      },
    });
    await run(RoomDocument, { id: ids.get('videsk') });

    // An operation named after a credential a GraphQL name can spell reaches a metric label.
    await send({ query: `query ${videsk.apiToken} { providers { key } }` });

    metrics = await (await fetch(server.url.replace(/\/graphql$/, '/metrics'))).text();
    spans = JSON.stringify(
      exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        attributes: span.attributes,
        status: span.status,
        events: span.events,
      })),
    );
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  function secrets(): [string, string][] {
    return [
      ['SignalWire API token', signalwire.apiToken],
      ['SignalWire Basic credential', BASIC],
      ['SignalWire API token in base64', b64(signalwire.apiToken)],
      ['Netless secret key', netless.secretKey],
      ['Netless SDK token the service signed', derived[0] ?? 'missing'],
      ['100ms app secret', hms.appSecret],
      ['100ms management token', derived.at(-1) ?? 'missing'],
      ['Videsk API token', videsk.apiToken],
    ];
  }

  it('made the providers echo their credentials, and the service saw them', () => {
    const echoed = ['signalwire', 'netless', 'hms', 'videsk'].flatMap((kind) =>
      server
        .emulator(kind)
        .log.all()
        .filter((entry) => (entry.response?.status ?? 200) >= 400)
        .map((entry) => JSON.stringify(entry.response?.body)),
    );
    expect(echoed.length).toBeGreaterThanOrEqual(6);
    for (const [name, secret] of secrets()) {
      expect(
        echoed.some((body) => body.includes(secret)),
        name,
      ).toBe(true);
    }
    // The typed errors still say what happened, with the provider's code (scrubbed).
    const text = responses.join('\n');
    expect(text).toContain('UPSTREAM_REJECTED');
    expect(text).toContain('UPSTREAM_AUTH_FAILED');
    expect(text).toContain('"providerCode":"[redacted]"');
    // Trace is on, so even the debug lines (every upstream call, Yoga's own) were written.
    const levels = new Set(logLines.map((line) => (JSON.parse(line) as { level: string }).level));
    expect([...levels].sort()).toEqual(['debug', 'info']);
    expect(metrics).toContain('graphql_operation_duration_seconds');
    expect(spans).toContain('video_rooms.provider.account');
  });

  it.each([
    ['the GraphQL responses', () => responses.join('\n')],
    ['the log lines', () => logLines.join('\n')],
    ['the spans', () => spans],
    ['/metrics', () => metrics],
  ])('shows none of them in %s', (_place, text) => {
    const leaks = secrets()
      .filter(([, secret]) => text().includes(secret))
      .map(([name]) => name);
    expect(leaks).toEqual([]);
  });
});
