/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { mainPages, Server, Sessions } from './main-pages';

const maybe = hasBrowser ? describe : describe.skip;
jest.setTimeout(BROWSER_TEST_MS * 2);

const PHONE = 390;

maybe('every main page on a 390 px phone', () => {
  let browser: Browser;
  let srv: Server;

  beforeAll(async () => {
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('reflows to the width of the screen: no sideways scrolling, the header spans the width', async () => {
    // Print views too: the A4 sheet takes the screen's width (the register's table scrolls inside it).
    const pages = await mainPages(srv);
    const sessions = new Sessions(browser, srv, { viewport: { width: PHONE, height: 844 }, isMobile: true });
    const faults: string[] = [];
    try {
      for (const p of pages) {
        const page = await sessions.open(p);
        const m = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          header: document.querySelector('header')?.getBoundingClientRect().width ?? null,
          // A cell narrower than a short word means one word per line (the old work list).
          narrowCells: Array.from(document.querySelectorAll('main td')).filter((td) => {
            const r = td.getBoundingClientRect();
            return r.width > 0 && r.width < 120 && r.height > 150;
          }).length,
        }));
        if (m.scroll > PHONE) faults.push(`${p.name} (${p.path}): ${m.scroll} px wide`);
        if (m.header !== null && m.header < m.scroll) faults.push(`${p.name}: header ${m.header} px of ${m.scroll}`);
        if (m.narrowCells > 0) faults.push(`${p.name}: ${m.narrowCells} cells squeezed to one word per line`);
      }
    } finally {
      await sessions.close();
    }
    expect(faults).toEqual([]);
  });
});
