/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch, newContext, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { DEMO_PASSWORD } from '../../db/seeds/demo';

const maybe = hasBrowser ? describe : describe.skip;
// A real browser on a machine that may be busy: generous limits, every wait on a condition.
jest.setTimeout(BROWSER_TEST_MS);
const OUT = path.resolve(__dirname, '..', '..', 'test-results');
const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

maybe('the printable công văn and the synthesis in Chromium', () => {
  let browser: Browser;
  let srv: Awaited<ReturnType<typeof startServer>>;
  let closedId = 0;
  const cspErrors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  async function as(username: string, viewport: { width: number; height: number }): Promise<Page> {
    const ctx = await newContext(browser, { viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    return page;
  }

  /** The demo's dispatch of the Department of Home Affairs in this state (its page's badge says so). */
  async function findIn(page: Page, state: string): Promise<number> {
    await page.goto(`${srv.url}/cong-van`);
    const hrefs = await page
      .locator('a[href^="/cong-van/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '').filter((h) => /^\/cong-van\/\d+$/.test(h)));
    for (const href of hrefs) {
      const html = await page.evaluate(async (h) => (await fetch(h)).text(), href);
      if (html.includes(`badge-dispatch-${state}`)) return Number(href.split('/').pop());
    }
    throw new Error(`no ${state} dispatch in the demo data`);
  }
  const findClosed = (page: Page) => findIn(page, 'closed');

  it('shows the công văn on A4 with the Decree 30 blocks, at desktop and phone widths', async () => {
    for (const [name, viewport] of Object.entries(WIDTHS)) {
      const page = await as('chuyenvien.snv', viewport);
      if (!closedId) closedId = await findClosed(page);
      await page.goto(`${srv.url}/cong-van/${closedId}`);
      await page.getByRole('link', { name: 'In công văn' }).click();
      await page.waitForURL(/\/in$/);
      const sheet = page.getByTestId('cong-van');
      await sheet.waitFor();
      expect(await page.getByTestId('agency-top').textContent()).toMatch(/^UBND TỈNH /);
      expect(await page.getByTestId('agency').textContent()).toMatch(/^SỞ NỘI VỤ/);
      expect(await page.getByTestId('number').textContent()).toMatch(/^Số: \d{2}\/\S+$/);
      expect(await page.getByTestId('about').textContent()).toMatch(/^V\/v /);
      expect(await page.getByTestId('place-date').textContent()).toMatch(/, ngày \d{2} tháng \d{2} năm \d{4}$/);
      expect(await page.getByTestId('recipients').textContent()).toContain('Lưu: VT.');
      expect((await page.getByTestId('signature').textContent())?.trim()).toMatch(/GIÁM ĐỐC/);
      // The place-and-date line is italic, the agency block upper case and centred over its column.
      expect(await page.getByTestId('place-date').evaluate((e) => getComputedStyle(e).fontStyle)).toBe('italic');
      // Nothing runs off the sheet at this width.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(1);
      await page.screenshot({ path: path.join(OUT, `cong-van-print-${name}.png`), fullPage: true });
      const pdf = await page.evaluate(async (h) => {
        const r = await fetch(h);
        return { type: r.headers.get('content-type'), head: (await r.text()).slice(0, 5) };
      }, `/cong-van/${closedId}/in.pdf`);
      expect(pdf).toEqual({ type: 'application/pdf', head: '%PDF-' });
      await page.context().close();
    }
  });

  it('lets the drafter edit the demo draft with "Sửa", then delete it with "Xóa"', async () => {
    const page = await as('chuyenvien.snv', WIDTHS.desktop);
    page.on('dialog', (d) => d.accept()); // the confirmation before "Xóa"
    const id = await findIn(page, 'draft');
    await page.goto(`${srv.url}/cong-van/${id}`);
    await page.getByTestId('edit-draft').click();
    await page.waitForURL(/\/sua$/);
    const title = page.getByLabel('Trích yếu');
    expect(await title.inputValue()).not.toBe('');
    await title.fill('Dự thảo đã sửa trong trình duyệt');
    await submitAndWait(page, page.getByRole('button', { name: 'Lưu thay đổi' }), '.flash-success');
    expect(page.url()).toBe(`${srv.url}/cong-van/${id}`);
    expect(await page.locator('h1 + .trich-yeu').textContent()).toBe('Dự thảo đã sửa trong trình duyệt');
    // Only the title changed: the history says so (the summary came back with the browser's CRLF line breaks).
    expect(await page.locator('.timeline li').last().textContent()).toContain('Sửa: trích yếu');
    expect(await page.locator('.timeline li').last().textContent()).not.toContain('nội dung');
    await page.screenshot({ path: path.join(OUT, 'dispatch-draft-edited.png'), fullPage: true });
    await submitAndWait(page, page.getByRole('button', { name: 'Xóa', exact: true }), '.flash-success');
    expect(page.url()).toBe(`${srv.url}/cong-van`);
    expect(await page.content()).not.toContain('Dự thảo đã sửa trong trình duyệt');
    expect((await page.goto(`${srv.url}/cong-van/${id}`))?.status()).toBe(404);
    await page.context().close();
  });

  it('shows the synthesis headed by the parent body, at desktop and phone widths', async () => {
    for (const [name, viewport] of Object.entries(WIDTHS)) {
      const page = await as('chuyenvien.snv', viewport);
      if (!closedId) closedId = await findClosed(page);
      await page.goto(`${srv.url}/cong-van/${closedId}/tong-hop`);
      const top = page.getByTestId('agency-top');
      await top.waitFor();
      expect(await top.textContent()).toMatch(/^UBND TỈNH /);
      const [a, b] = [await top.boundingBox(), await page.getByTestId('agency').boundingBox()];
      expect(a!.y).toBeLessThan(b!.y); // above the issuing unit
      expect(await page.getByTestId('counts').textContent()).toMatch(/^Tổng số đơn vị được xin ý kiến: \d+/);
      await page.screenshot({ path: path.join(OUT, `dispatch-synthesis-${name}.png`), fullPage: true });
      await page.context().close();
    }
    expect(cspErrors).toEqual([]);
  });
});
