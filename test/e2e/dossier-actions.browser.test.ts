/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch, newContext, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { DEMO_PASSWORD } from '../../db/seeds/demo';

const maybe = hasBrowser ? describe : describe.skip;
jest.setTimeout(BROWSER_TEST_MS);
const OUT = path.resolve(__dirname, '..', '..', 'test-results');

/**
 * Issue 13: a leader's dossier page opened four or five action forms at once (1,860 px tall at
 * 1366 px). One primary action shows; the others open with a click, no script needed.
 */
maybe("the leader's dossier page in Chromium", () => {
  let browser: Browser;
  let srv: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function signedIn(username: string, width: number): Promise<Page> {
    const ctx = await newContext(browser, { viewport: { width, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    return page;
  }

  it('shows one primary action open and the others a click away', async () => {
    const page = await signedIn('lanhdao.p1', 1366);
    await page.goto(`${srv.url}/ho-so?loc=cua-toi`);
    // The first dossier at a signing step (the leader's own FORWARD is "Ký duyệt", or "Ký số …" when
    // the procedure has a result to sign).
    const codes = await page
      .locator('main a[href^="/ho-so/"]')
      .evaluateAll((as) =>
        as.map((a) => (a as HTMLAnchorElement).pathname.split('/')[2]).filter((c) => /-\d{6}-\d{4,}$/.test(c)),
      );
    let found = false;
    for (const code of codes) {
      await page.goto(`${srv.url}/ho-so/${code}`);
      if (await page.getByRole('button', { name: /^Ký (duyệt$|số )/ }).isVisible()) {
        found = true;
        break;
      }
    }
    expect(found).toBe(true);
    const forms = page.locator('.dossier-actions form.action-form');
    expect(await forms.count()).toBeGreaterThanOrEqual(3);
    // Exactly one form, with one text box, is visible before any click.
    let visibleForms = 0;
    for (let i = 0; i < (await forms.count()); i++) if (await forms.nth(i).isVisible()) visibleForms++;
    expect(visibleForms).toBe(1);
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.screenshot({ path: path.join(OUT, 'dossier-leader-1366.png'), fullPage: true });
    fs.writeFileSync(path.join(OUT, 'dossier-leader-height.txt'), `${height}\n`);

    // "Từ chối giải quyết" opens with a click on its summary, and shows its reason box.
    const refuse = page.locator('details.action-more', {
      has: page.locator('summary', { hasText: 'Từ chối giải quyết' }),
    });
    await expect(refuse.locator('textarea').isVisible()).resolves.toBe(false);
    await refuse.locator('summary').click();
    await refuse.locator('textarea').waitFor({ state: 'visible' });

    // Opening every secondary action shows how tall the page was when all forms were open.
    await page.evaluate(() =>
      document.querySelectorAll('details.action-more').forEach((d) => d.setAttribute('open', '')),
    );
    const allOpen = await page.evaluate(() => document.documentElement.scrollHeight);
    fs.writeFileSync(path.join(OUT, 'dossier-leader-height.txt'), `collapsed ${height}\nall forms open ${allOpen}\n`);
    expect(height).toBeLessThan(allOpen - 250);

    const phone = await signedIn('lanhdao.p1', 390);
    await phone.goto(page.url());
    await phone.screenshot({ path: path.join(OUT, 'dossier-leader-390.png'), fullPage: true });
    const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(390);
    await phone.context().close();
    await page.context().close();
  });
});
