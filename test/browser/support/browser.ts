import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';
import { CHROMIUM_PATH, RESULTS_DIR } from './paths';

/** Headless, offline-friendly flags: nothing but the pages under test talks to the network. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-proxy-server',
];

/** Playwright's own waits give up well before Jest's test timeout, so the failure screenshot is taken. */
const ACTION_TIMEOUT_MS = 10_000;

/**
 * Debian's Chromium (or CHROMIUM_PATH), headless, with a fresh profile (playwright makes a
 * temporary user-data-dir per launch). A missing or broken Chromium is an error, never a skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH). ` +
        'The browser suite fails without a browser; it never skips.',
    );
  }
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${(error as Error).message}`);
  }
}

export interface BrowserScenario {
  context: BrowserContext;
  page: Page;
  /** Console messages and uncaught errors of every page of the context, as they arrive. */
  console: string[];
}

/**
 * Runs one test in a fresh browser context (its own cookie jar). When the test fails, every
 * page of the context is saved as a screenshot under test-results/browser/, and the paths and
 * the browser console are added to the error.
 */
export async function inBrowser(browser: Browser, run: (scenario: BrowserScenario) => Promise<void>): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  const console: string[] = [];
  context.on('page', (page) => {
    page.on('console', (message) => console.push(`[${message.type()}] ${page.url()}: ${message.text()}`));
    page.on('pageerror', (error) => console.push(`[pageerror] ${page.url()}: ${error.message}`));
  });
  const page = await context.newPage();
  try {
    await run({ context, page, console });
  } catch (error) {
    const shots = await screenshotAll(context);
    if (error instanceof Error) {
      error.message +=
        `\n\nScreenshots: ${shots.length > 0 ? shots.join(', ') : 'none could be taken'}` +
        `\nBrowser console (last 30 lines):\n${console.slice(-30).join('\n') || '(empty)'}`;
    }
    throw error;
  } finally {
    await context.close();
  }
}

async function screenshotAll(context: BrowserContext): Promise<string[]> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const name = (expect.getState().currentTestName ?? 'browser-test')
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
  const paths: string[] = [];
  for (const [index, page] of context.pages().entries()) {
    const path = join(RESULTS_DIR, `FAILED-${name}${index > 0 ? `-${index + 1}` : ''}.png`);
    try {
      await page.screenshot({ path, fullPage: true, timeout: 5000 });
      paths.push(path);
    } catch {
      // a crashed or closed page has nothing to show
    }
  }
  return paths;
}

/** Polls `check` until it returns true (for things the page does not signal, like console lines). */
export async function eventually(check: () => boolean, what: string, timeoutMs = ACTION_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
