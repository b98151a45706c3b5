import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowOnlyOrigin, launchChromium } from '../helpers/browser.js';
import { startTestServer, type TestServer } from '../helpers/start-server.js';

// End to end: the service against its four emulators with no credentials (as the sandbox runs),
// and GraphiQL in headless Chromium (Debian's package) that can reach nothing but the service.
// The screenshot is a CI artifact; test/artifacts/ is git-ignored.
const SCREENSHOT = fileURLToPath(new URL('../artifacts/graphiql.png', import.meta.url));

// One line: Monaco re-indents pasted line breaks.
const QUERY = 'query Providers { providers { key kind displayName } }';

/** Every wait below is on a condition; this bounds each one, well inside the test's timeout. */
const WAIT_MS = 30_000;

let server: TestServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  try {
    await browser?.close();
  } finally {
    await server?.close();
  }
}, 60_000);

/**
 * The text of a Monaco editor as it shows it. Monaco renders each visible line as a positioned
 * `.view-line` (spaces as no-break spaces), not necessarily in document order.
 */
function editorText(editor: Locator): Promise<string> {
  return editor.evaluate((element) =>
    [...element.querySelectorAll<HTMLElement>('.view-lines .view-line')]
      .sort((a, b) => Number.parseFloat(a.style.top) - Number.parseFloat(b.style.top))
      .map((line) => (line.textContent ?? '').replaceAll('\u00a0', ' '))
      .join('\n'),
  );
}

/** Waits until the editor's text satisfies `done`, and returns that text. */
async function waitForEditorText(
  page: Page,
  editor: Locator,
  what: string,
  done: (text: string) => boolean,
): Promise<string> {
  const deadline = Date.now() + WAIT_MS;
  let text = '';
  for (;;) {
    text = await editorText(editor);
    if (done(text)) {
      return text;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${WAIT_MS} ms waiting for ${what}; the editor shows:\n${text}`,
      );
    }
    // The next animation frame: a condition poll, not a fixed sleep.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
  }
}

describe('GraphiQL in a browser with no network', () => {
  it('loads from the service alone, runs a query that lists the providers and shows the result', async () => {
    if (!server || !browser) {
      throw new Error('the service or Chromium did not start (see the beforeAll error)');
    }
    const origin = new URL(server.url).origin;
    const context = await browser.newContext({
      viewport: { width: 1440, height: 810 },
      serviceWorkers: 'block',
    });
    const network = await allowOnlyOrigin(context, origin);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    let screenshotTaken = false;
    try {
      const response = await page.goto(server.url, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('Video rooms GraphQL');

      // GraphiQL has rendered when its query editor shows the default query.
      const queryEditor = page.getByRole('region', { name: 'Operation Editor' });
      await waitForEditorText(page, queryEditor, 'the default query', (text) =>
        text.includes('query Overview'),
      );

      // Replace it with a query whose whole result fits in the result pane.
      await queryEditor.locator('.view-lines').click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.insertText(QUERY);
      await page.keyboard.press('Home'); // scrolls the start of the line back into view
      await waitForEditorText(page, queryEditor, 'the typed query', (text) => text === QUERY);
      // GraphiQL takes the operation name from its state, which follows the editor a moment
      // later; the tab is named after it. Running before then asks for "Overview" again.
      await page.getByRole('tab', { name: 'Providers' }).waitFor();

      await page.getByRole('button', { name: /^Execute query/ }).click();

      const resultEditor = page.getByRole('region', { name: 'Result Window' });
      const resultText = await waitForEditorText(page, resultEditor, 'the result', (text) => {
        if (text.includes('"errors"')) {
          throw new Error(`the query failed; the result pane shows:\n${text}`);
        }
        return text.includes('"videsk"') && text.trimEnd().endsWith('}');
      });
      for (const key of ['signalwire', 'netless', 'hms', 'videsk']) {
        expect(resultText).toContain(`"key": "${key}"`);
      }
      const displayName = (key: string) =>
        server?.fleet.providers.find((provider) => provider.key === key)?.displayName;
      expect(JSON.parse(resultText)).toEqual({
        data: {
          providers: [
            { key: 'signalwire', kind: 'SIGNALWIRE', displayName: displayName('signalwire') },
            { key: 'netless', kind: 'AGORA_WHITEBOARD', displayName: displayName('netless') },
            { key: 'hms', kind: 'HMS', displayName: displayName('hms') },
            { key: 'videsk', kind: 'VIDESK', displayName: displayName('videsk') },
          ],
        },
      });

      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
      screenshotTaken = true;

      // Nothing but the service was asked for: GraphiQL's script, styles, icon and editor
      // workers all come from its /graphql/graphiql/ files (fonts are inline in the styles).
      expect(network.blocked).toEqual([]);
      const assets = network.allowed.filter((entry) =>
        entry.startsWith(`GET ${origin}/graphql/graphiql/`),
      );
      expect(assets.some((entry) => entry.endsWith('.css'))).toBe(true);
      expect(assets.some((entry) => entry.endsWith('.ico'))).toBe(true);
      // The page's script and Monaco's editor workers.
      expect(new Set(assets.filter((entry) => entry.endsWith('.js'))).size).toBeGreaterThan(1);
      expect(network.webSockets).toEqual([]);
      expect(network.allowed).toContain(`GET ${server.url}`);
      expect(network.allowed).toContain(`POST ${server.url}`);
      expect(pageErrors).toEqual([]);
    } finally {
      if (!screenshotTaken) {
        // What the page showed when the test failed, as the same artifact.
        await mkdir(dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT }).catch(() => {});
      }
      await context.close();
    }
  }, 90_000);
});
