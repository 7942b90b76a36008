/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch, newPage, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { DEMO_PASSWORD } from '../../db/seeds/demo';

const maybe = hasBrowser ? describe : describe.skip;
// A real browser on a machine that may be busy: generous limits, every wait on a condition.
jest.setTimeout(BROWSER_TEST_MS);

maybe('sign-in in a real browser (Chromium)', () => {
  let browser: Browser;
  let srv: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  it('signs a demo user in through the form, shows their name, and signs out', async () => {
    const page = await newPage(browser);
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(srv.url + '/');
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('lanhdao.p1');
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    expect(page.url()).toBe(srv.url + '/');
    const name = await page.getByTestId('user-name').textContent();
    expect(name?.trim().length).toBeGreaterThan(3);
    expect(await page.locator('h1').textContent()).toContain(`Xin chào, ${name?.trim()}`);
    expect(await page.locator('.who-meta').textContent()).toContain('Lãnh đạo UBND');
    // the stylesheet loaded under the CSP (the header is brand red)
    const bg = await page.locator('header.topbar').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe('rgb(164, 22, 26)');

    await submitAndWait(page, page.getByRole('button', { name: 'Đăng xuất' }), '.flash');
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    expect(await page.locator('.flash').textContent()).toContain('Bạn đã đăng xuất');
    await page.goto(srv.url + '/');
    await page.waitForURL(/\/dang-nhap/);
    expect(new URL(page.url()).pathname).toBe('/dang-nhap');
    expect(cspErrors).toEqual([]);
  });

  it('shows a Vietnamese error for a wrong password', async () => {
    const page = await newPage(browser);
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('lanhdao.p1');
    await page.getByLabel('Mật khẩu').fill('sai-mat-khau');
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '.flash-error');
    expect(await page.locator('.flash-error').textContent()).toContain('Tên đăng nhập hoặc mật khẩu không đúng');
    expect(await page.getByLabel('Tên đăng nhập').inputValue()).toBe('lanhdao.p1');
  });
});
