import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulators/shared/emulator-host.js';
import { createVideskEmulator } from '../../src/emulators/videsk/videsk-emulator.js';
import { type ServerProcess, startServerProcess } from '../helpers/server-process.js';

// Credentials rotated while the service runs: the provider accepts the old and the new token for
// a while, the operator writes the new one into CONFIG_FILE and sends SIGHUP, then the provider
// revokes the old one. A stream of requests runs throughout and none may fail.

const OLD_TOKEN = 'vk_live_rotation_old_00000000000000';
const NEW_TOKEN = 'vk_live_rotation_new_11111111111111';
const KEY_ALPHA = 'vr_alpha_key_4f3e2d1c0b9a8776';
const KEY_BETA = 'vr_beta_key_0a1b2c3d4e5f6a7b8';
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const clientKey = (id: string, key: string) => ({
  id,
  sha256: sha256(key),
  scopes: ['rooms:read'],
});
const LIST = JSON.stringify({
  query: '{ provider(key: "videsk") { rooms(first: 1) { edges { node { id } } } } }',
});

const dir = mkdtempSync(join(tmpdir(), 'vrg-reload-'));
const configFile = join(dir, 'config.json');
/** Mutable on purpose: the emulator reads them per request, as a provider's dashboard would. */
const apiTokens: Record<string, string> = { [OLD_TOKEN]: 'acme' };
const revokedApiTokens: string[] = [];
let videsk: RunningEmulator;
let server: ServerProcess | undefined;

function writeConfig(settings: Record<string, unknown>): void {
  writeFileSync(configFile, JSON.stringify(settings));
}

function account(apiToken: string, baseUrl = videsk.url) {
  return { kind: 'videsk', key: 'videsk', baseUrl, apiToken };
}

beforeAll(async () => {
  videsk = await startEmulator(
    createVideskEmulator({ apiTokens, revokedApiTokens, rateLimitPerSecond: 100_000 }),
  );
});
afterAll(async () => {
  await server?.kill();
  await videsk.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Requests from four clients at once, one after another, until stopped. */
function requestStream(origin: string) {
  const failures: string[] = [];
  let succeeded = 0;
  let running = true;
  const worker = async () => {
    while (running) {
      try {
        const response = await fetch(`${origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_ALPHA}` },
          body: LIST,
        });
        const body = (await response.json()) as { errors?: unknown };
        if (response.status !== 200 || body.errors) {
          failures.push(`${response.status} ${JSON.stringify(body)}`);
        } else {
          succeeded++;
        }
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  const workers = Promise.all([worker(), worker(), worker(), worker()]);
  return {
    failures,
    succeeded: () => succeeded,
    /** Resolves once `more` further requests have succeeded (or fails after 10 s). */
    async another(more: number) {
      const target = succeeded + more;
      const deadline = Date.now() + 10_000;
      while (succeeded < target) {
        if (Date.now() > deadline) {
          throw new Error(`only ${succeeded} of ${target} requests succeeded; ${failures[0]}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async stop() {
      running = false;
      await workers;
    },
  };
}

const tokenOf = (entry: { headers: Readonly<Record<string, unknown>> }) =>
  String(entry.headers.authorization).replace(/^Bearer /, '');

describe('SIGHUP', () => {
  it('puts a rotated provider credential and new client keys in force without failing a request', async () => {
    writeConfig({
      clientApiKeys: [clientKey('alpha', KEY_ALPHA)],
      providers: [account(OLD_TOKEN)],
    });
    const running = await startServerProcess({ CONFIG_FILE: configFile });
    server = running;
    const stream = requestStream(running.origin);
    await stream.another(20);

    apiTokens[NEW_TOKEN] = 'acme';
    writeConfig({
      maxDepth: 20,
      clientApiKeys: [clientKey('alpha', KEY_ALPHA), clientKey('beta', KEY_BETA)],
      providers: [account(NEW_TOKEN)],
    });
    videsk.emulator.log.clear();
    running.signal('SIGHUP');
    // The file watch may see the new file before the signal does: either one reloads it.
    await running.waitForRecord(
      (record) => /^(SIGHUP|CONFIG_FILE changed): configuration reloaded/.test(record.msg ?? ''),
      5_000,
    );
    // New calls take the new token at once: the swap happens before the line is written.
    const sawNewToken = Date.now();
    while (!videsk.emulator.log.all().some((entry) => tokenOf(entry) === NEW_TOKEN)) {
      expect(Date.now() - sawNewToken).toBeLessThan(1_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Calls that began on the old accounts finish there, then the old pools close.
    await running.waitForRecord(
      (record) => /previous provider accounts finished/.test(record.msg ?? ''),
      10_000,
    );
    delete apiTokens[OLD_TOKEN];
    revokedApiTokens.push(OLD_TOKEN);
    videsk.emulator.log.clear();
    await stream.another(20);
    expect(new Set(videsk.emulator.log.all().map(tokenOf))).toEqual(new Set([NEW_TOKEN]));

    const beta = await fetch(`${running.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_BETA}` },
      body: LIST,
    });
    expect(beta.status).toBe(200);
    expect(running.records).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/: changed settings that need a restart: MAX_DEPTH$/),
      }),
    );

    // A bad file is refused in one line naming the setting; the running one keeps serving.
    writeConfig({
      clientApiKeys: [clientKey('alpha', KEY_ALPHA)],
      providers: [account(NEW_TOKEN, 'not a url')],
    });
    running.signal('SIGHUP');
    await running.waitForRecord((record) => record.level === 'error', 5_000);
    await stream.another(20);

    // Without a signal, a change to the file is seen within a second or so and taken.
    writeConfig({
      clientApiKeys: [clientKey('alpha', KEY_ALPHA)],
      providers: [account(NEW_TOKEN)],
    });
    await running.waitForRecord(
      (record) => /^CONFIG_FILE changed: configuration reloaded; /.test(record.msg ?? ''),
      5_000,
    );
    const afterWatch = await fetch(`${running.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_BETA}` },
      body: LIST,
    });
    expect(afterWatch.status).toBe(401);
    await stream.another(20);
    await stream.stop();
    const errors = running.records.filter((record) => record.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/configuration reload refused, the current one keeps serving/);
    expect(errors[0]?.msg).toContain(
      'providers[0].baseUrl (in CONFIG_FILE): must be an http(s) URL',
    );
    expect(stream.failures).toEqual([]);
    // No line in the whole run carried a credential.
    const everything = JSON.stringify(running.records);
    for (const secret of [OLD_TOKEN, NEW_TOKEN, KEY_ALPHA, KEY_BETA]) {
      expect(everything).not.toContain(secret);
    }
  });
});
