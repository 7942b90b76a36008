import fs from 'node:fs';
import { chromium, Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser tests need Debian's Chromium; CI installs it, and there a missing browser is a failure. */
export const hasBrowser = fs.existsSync(CHROMIUM);
if (!hasBrowser && process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run installs it`);

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
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
