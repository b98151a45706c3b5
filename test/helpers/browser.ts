import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/** Debian's `chromium` package, which `.ci/run` installs when it is missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a headless Chromium that starts no traffic of its own: no component or safe-browsing
 * updates, no sync, no QUIC. The host resolver maps every name but 127.0.0.1 (where the service
 * listens) to "not found", so even a request that escaped the page's routes would go nowhere.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/**
 * Launches headless Chromium from the Debian package in a fresh profile. Throws (so the test
 * fails, never skips) with what is missing and how to get it when the browser cannot start.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: install Debian's "chromium" package ` +
        '(apt-get install chromium; .ci/run does this). The GraphiQL browser test needs it.',
    );
  }
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 30_000,
    });
  } catch (error) {
    throw new Error(
      `Chromium at ${CHROMIUM_PATH} could not start (a missing shared library or a broken ` +
        `install?). Run "${CHROMIUM_PATH} --headless --no-sandbox --dump-dom about:blank" to ` +
        `see why. Playwright said: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** What a context tried to reach beyond the one origin it may use. */
export interface OffOriginLog {
  /** `METHOD url` of every HTTP(S) request to another origin; each was aborted. */
  readonly blocked: string[];
  /** URL of every WebSocket the pages opened, to any origin. */
  readonly webSockets: string[];
  /** `METHOD url` of every request the pages made to the allowed origin. */
  readonly allowed: string[];
}

/**
 * Cuts a browser context off from everything but `origin`: every other HTTP(S) request is
 * aborted before it leaves the browser, and recorded. (`data:` and `blob:` URLs, which GraphiQL
 * uses for its favicon and editor workers, never reach the network and are not routed.)
 */
export async function allowOnlyOrigin(
  context: BrowserContext,
  origin: string,
): Promise<OffOriginLog> {
  const log: OffOriginLog = { blocked: [], webSockets: [], allowed: [] };
  await context.route('**/*', async (route) => {
    const request = route.request();
    const entry = `${request.method()} ${request.url()}`;
    if (new URL(request.url()).origin === origin) {
      log.allowed.push(entry);
      await route.continue();
    } else {
      log.blocked.push(entry);
      await route.abort('blockedbyclient');
    }
  });
  context.on('page', (page) => {
    page.on('websocket', (socket) => log.webSockets.push(socket.url()));
  });
  return log;
}
