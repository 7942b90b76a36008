/// <reference lib="dom" />
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { ensureOut, mainPages, OUT, Server, Sessions } from './main-pages';

const maybe = hasBrowser ? describe : describe.skip;
jest.setTimeout(BROWSER_TEST_MS * 2);

/** The pages a person looks at first, at a desk (1366 px) and on a phone (390 px). */
const SHOWN = [
  'trang-chu',
  'danh-sach-ho-so',
  'ho-so',
  'tiep-nhan',
  'in-01',
  'in-02',
  'in-03',
  'in-04',
  'in-06',
  'in-07',
  'tra-cuu',
  'tra-cuu-ma',
  'bao-cao',
];

maybe('screenshots of the main pages at 1366 px and 390 px', () => {
  let browser: Browser;
  let srv: Server;

  beforeAll(async () => {
    ensureOut();
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it.each([1366, 390])('saves a full-page PNG of every main page at %i px', async (width) => {
    const pages = (await mainPages(srv)).filter((p) => SHOWN.includes(p.name));
    expect(pages).toHaveLength(SHOWN.length);
    const sessions = new Sessions(browser, srv, { viewport: { width, height: width > 600 ? 900 : 844 } });
    try {
      for (const p of pages) {
        const page = await sessions.open(p);
        const file = path.join(OUT, `${p.name}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
      }
    } finally {
      await sessions.close();
    }
  });
});
