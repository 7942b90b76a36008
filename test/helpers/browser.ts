/// <reference lib="dom" />
import fs from 'node:fs';
import { chromium, Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser tests need Debian's Chromium; CI installs it, and there a missing browser is a failure. */
export const hasBrowser = fs.existsSync(CHROMIUM);
if (!hasBrowser && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run installs it`);

/**
 * Time limits for a machine whose two cores are busy with something else: a browser test may take
 * several times longer than on an idle machine, and must still pass. Every wait below is on a
 * condition (a selector, a URL, a new document); these limits only bound a wait that never ends.
 */
export const BROWSER_TEST_MS = 900_000;
export const ACTION_MS = 300_000;
export const NAVIGATION_MS = 300_000;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 180_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** A fresh context with the generous action and navigation limits. */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const ctx = await browser.newContext(options);
  ctx.setDefaultTimeout(ACTION_MS);
  ctx.setDefaultNavigationTimeout(NAVIGATION_MS);
  return ctx;
}

/** A page in its own fresh context (see newContext). */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  return (await newContext(browser, options)).newPage();
}

/**
 * Click a control that submits a form, and wait until the NEXT document has loaded and shows
 * `selector`. Waiting for the selector alone is not enough: the page being left may show the same
 * selector (a flash from the previous action), and on a busy machine the old page is still there
 * when the wait starts.
 */
export async function submitAndWait(page: Page, control: Locator, selector: string): Promise<void> {
  const loaded = page.waitForEvent('load', { timeout: NAVIGATION_MS });
  await control.click();
  await loaded;
  await page.locator(selector).first().waitFor({ state: 'attached' });
}
