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
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

maybe('the intake form in a real browser (Chromium)', () => {
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

  async function desk(width: number, height: number): Promise<Page> {
    const ctx = await newContext(browser, { viewport: { width, height }, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('motcua.p1');
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    return page;
  }

  it('a file over 10 MB is named beside the file field before anything is sent; the form is kept', async () => {
    const page = await desk(1366, 900);
    const cspErrors: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posts.push(r.url());
    });
    await page.goto(srv.url + '/ho-so/moi?thu-tuc=1.000775');
    await page.getByLabel('Họ và tên').fill('Nguyễn Thị Thử Tệp');
    await page.getByLabel(/Tờ trình đề nghị khen thưởng/).check();
    await page.getByLabel(/Báo cáo thành tích/).check();
    const big = Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]);
    await page.getByLabel('Tệp đính kèm (bản quét)').setInputFiles({
      name: 'ban-quet-lon.pdf',
      mimeType: 'application/pdf',
      buffer: big,
    });
    const error = page.locator('#e-files');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toContain('Tệp "ban-quet-lon.pdf" nặng 11 MB, vượt quá 10 MB.');
    // Submitting is stopped in the page: no POST leaves, the typed input stays.
    await page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }).click();
    await error.waitFor({ state: 'visible' });
    expect(posts).toEqual([]);
    expect(await page.getByLabel('Họ và tên').inputValue()).toBe('Nguyễn Thị Thử Tệp');
    await page.screenshot({ path: path.join(OUT, 'intake-file-too-large-1366.png'), fullPage: true });

    // A good file clears the message; the form posts to a URL without the token and opens the receipt.
    await page.getByLabel('Tệp đính kèm (bản quét)').setInputFiles({
      name: 'to-trinh.pdf',
      mimeType: 'application/pdf',
      buffer: PDF,
    });
    await error.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }).click();
    await page.waitForURL(/\/in\/01$/);
    expect(posts).toEqual([srv.url + '/ho-so/moi']);
    expect(page.url()).not.toContain('_csrf');
    expect(cspErrors).toEqual([]);
    await page.context().close();
  });

  it('the file field speaks Vietnamese in an English browser: "Chọn tệp…" and the chosen names', async () => {
    const page = await desk(390, 800);
    await page.goto(srv.url + '/ho-so/moi?thu-tuc=1.000775');
    const pick = page.locator('label.file-pick');
    await pick.waitFor({ state: 'visible' });
    expect(await pick.textContent()).toBe('Chọn tệp…');
    expect(await page.locator('.file-names').textContent()).toBe('Chưa chọn tệp nào');
    // The browser's own control ("Choose Files / No file chosen") is not what a person sees.
    expect(await page.locator('#f-files').evaluate((e) => e.getBoundingClientRect().width)).toBeLessThanOrEqual(1);
    await page
      .getByLabel('Tệp đính kèm (bản quét)')
      .setInputFiles({ name: 'to-trinh.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.waitForFunction(() => document.querySelector('.file-names')?.textContent === 'to-trinh.pdf');
    await page.context().close();
  });

  it('Back after intake and submit again shows the dossier already received', async () => {
    const page = await desk(1366, 900);
    await page.goto(srv.url + '/ho-so/moi?thu-tuc=1.000775');
    await page.getByLabel('Họ và tên').fill('Trần Văn Quay Lại');
    await page.getByLabel(/Tờ trình đề nghị khen thưởng/).check();
    await page.getByLabel(/Báo cáo thành tích/).check();
    await page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }).click();
    await page.waitForURL(/\/in\/01$/);
    const first = page.url();
    await page.goBack();
    await page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }).waitFor();
    const loaded = page.waitForEvent('load');
    await page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }).click();
    await loaded;
    await page.waitForURL(/\/in\/01$/);
    expect(page.url()).toBe(first);
    expect(await page.locator('.print-flash').textContent()).toContain('đã được tiếp nhận trước đó');
    await page.context().close();
  });

  for (const [width, height] of [
    [1366, 900],
    [390, 844],
  ] as const) {
    it(`the form with every problem shown at once, at ${width} px`, async () => {
      const page = await desk(width, height);
      await page.goto(srv.url + '/ho-so/moi?thu-tuc=1.000775');
      await page.screenshot({ path: path.join(OUT, `intake-form-${width}.png`), fullPage: true });
      await page.getByLabel('Số điện thoại').fill('abc');
      await submitAndWait(page, page.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }), '.error-summary');
      expect(await page.locator('.error-summary li').allTextContents()).toEqual([
        'Họ và tên / tên tổ chức',
        'Số điện thoại',
        'Thành phần hồ sơ đã nhận',
      ]);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(width);
      await page.screenshot({ path: path.join(OUT, `intake-errors-${width}.png`), fullPage: true });
      await page.context().close();
    });
  }
});
