import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { sdkToken, TokenRole } from 'netless-token';
import type { TestServer } from './start-server.js';

/**
 * Changes made at a provider behind the service's back, straight to its emulator's REST API
 * with the account's own credentials (as another app of the same account would make them), and
 * the emulators' admin routes that stand in for clients joining and leaving.
 */
export type ProviderId = 'signalwire' | 'netless' | 'hms' | 'videsk';

// biome-ignore lint/suspicious/noExplicitAny: provider answers are read field by field.
export type Json = any;

/** The account the sandbox configured on the emulator of `kind`. */
function account(server: TestServer, kind: ProviderId): Record<string, string> {
  const found = server.fleet.providers.find((provider) => provider.kind === kind);
  if (!found) {
    throw new Error(`no ${kind} account`);
  }
  return found as unknown as Record<string, string>;
}

/** The emulator's origin (`http://127.0.0.1:<port>`). */
export function emulatorOrigin(server: TestServer, kind: ProviderId): string {
  return new URL(account(server, kind).baseUrl ?? '').origin;
}

/** The headers the provider's REST API authenticates a request by (its fact sheet, §auth). */
async function authHeaders(server: TestServer, kind: ProviderId): Promise<Record<string, string>> {
  const credentials = account(server, kind);
  switch (kind) {
    case 'signalwire':
      return {
        authorization: `Basic ${Buffer.from(`${credentials.projectId}:${credentials.apiToken}`).toString('base64')}`,
      };
    case 'netless':
      return {
        token: sdkToken(credentials.accessKey ?? '', credentials.secretKey ?? '', 60_000, {
          role: TokenRole.Admin,
        }),
        region: credentials.region ?? '',
      };
    case 'hms': {
      // A management token (hms.md §2.1), signed here with jose, not by the adapter.
      const now = Math.floor(Date.now() / 1000) - 5;
      const token = await new SignJWT({
        access_key: credentials.appAccessKey,
        type: 'management',
        version: 2,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(now)
        .setNotBefore(now)
        .setExpirationTime(now + 600)
        .setJti(randomUUID())
        .sign(new TextEncoder().encode(credentials.appSecret));
      return { authorization: `Bearer ${token}` };
    }
    case 'videsk':
      return { authorization: `Bearer ${credentials.apiToken}` };
  }
}

/**
 * One call to the provider's REST API, relative to the account's base URL (`/rooms` at
 * SignalWire is `…/api/video/rooms`); answers the status and the parsed body.
 */
export async function atProvider(
  server: TestServer,
  kind: ProviderId,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${account(server, kind).baseUrl}${path}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(await authHeaders(server, kind)),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** One of the emulator's admin routes (`/__emulator/join`, `/leave`, …). */
export async function emulatorAdmin(
  server: TestServer,
  kind: ProviderId,
  route: string,
  body: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${emulatorOrigin(server, kind)}/__emulator${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
