/// <reference lib="dom" />
import { chromium, Browser, Page } from 'playwright-core';
import { BROWSER_TEST_MS, CHROMIUM, hasBrowser, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { fromTypedDate, toTypedDate } from '../../server/schemas/dates.schema';
import { mainPages, pageAs, Server, Sessions } from './main-pages';

const maybe = hasBrowser ? describe : describe.skip;
jest.setTimeout(BROWSER_TEST_MS * 2);

describe('a date as people type it', () => {
  it('reads dd/mm/yyyy (and the YYYY-MM-DD of links), and shows dd/mm/yyyy', () => {
    expect(fromTypedDate('05/11/2026')).toBe('2026-11-05');
    expect(fromTypedDate(' 5/1/2026 ')).toBe('2026-01-05');
    expect(fromTypedDate('05.11.2026')).toBe('2026-11-05');
    expect(fromTypedDate('05112026')).toBe('2026-11-05');
    expect(fromTypedDate('2026-11-05')).toBe('2026-11-05');
    expect(fromTypedDate('31/02/2026')).toBe('31/02/2026'); // no such day: left for the validator
    expect(fromTypedDate('11/31/2026')).toBe('11/31/2026'); // mm/dd is not read as a date
    expect(toTypedDate('2026-11-05')).toBe('05/11/2026');
    expect(toTypedDate('hôm qua')).toBe('hôm qua');
  });
});

/**
 * An English browser (Chromium started with --lang=en-US, context locale en-US): a native date input
 * would show mm/dd/yyyy there. Every date field must still read and show dd/mm/yyyy.
 */
maybe('dates in an English-language browser', () => {
  let browser: Browser;
  let srv: Server;
  const en = { locale: 'en-US', timezoneId: 'Asia/Ho_Chi_Minh' };

  beforeAll(async () => {
    srv = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 180_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--lang=en-US'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
  });

  /** Native date pickers, and any date written month first, on the page. */
  const faultsOf = (page: Page) =>
    page.evaluate(() => {
      const out: string[] = [];
      for (const el of Array.from(document.querySelectorAll('input'))) {
        if (['date', 'datetime-local', 'month', 'week'].includes(el.type))
          out.push(`native ${el.type} input "${el.name}" (shows mm/dd/yyyy in English)`);
        if (/mm\/dd/i.test(el.placeholder)) out.push(`placeholder ${el.placeholder}`);
        if (el.value && /^\d{4}-\d{2}-\d{2}$/.test(el.value) && el.type !== 'hidden')
          out.push(`input "${el.name}" shows ${el.value}`);
      }
      const text = document.body.innerText;
      for (const m of text.matchAll(/\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g))
        if (Number(m[2]) > 12) out.push(`month-first date "${m[0]}"`);
      if (/mm\/dd\/yyyy/i.test(text)) out.push('text mm/dd/yyyy');
      return out;
    });

  it('shows no native date input and no month-first date on any main page', async () => {
    const pages = await mainPages(srv);
    const sessions = new Sessions(browser, srv, en);
    const faults: string[] = [];
    try {
      for (const p of pages) {
        const page = await sessions.open(p);
        expect(await page.evaluate(() => navigator.language)).toBe('en-US');
        for (const f of await faultsOf(page)) faults.push(`${p.name} (${p.path}): ${f}`);
      }
    } finally {
      await sessions.close();
    }
    expect(faults).toEqual([]);
  });

  it('reads the report period typed as dd/mm/yyyy and shows it back that way', async () => {
    const page = await pageAs(browser, srv, 'lanhdao.tpbl', en);
    await page.goto(srv.url + '/bao-cao');
    await page.getByLabel('Từ ngày').fill('01/10/2026');
    await page.getByLabel('Đến ngày').fill('31/10/2026');
    await submitAndWait(page, page.getByRole('button', { name: 'Xem báo cáo' }), '.report-head');
    expect(new URL(page.url()).searchParams.get('tu')).toBe('01/10/2026');
    expect(await page.getByLabel('Từ ngày').inputValue()).toBe('01/10/2026');
    expect(await page.getByLabel('Đến ngày').inputValue()).toBe('31/10/2026');
    expect(await page.locator('.field-error').count()).toBe(0);
    // A link built by the app (YYYY-MM-DD) still works, and is shown as dd/mm/yyyy.
    await page.goto(srv.url + '/bao-cao?tu=2026-09-01&den=2026-09-30');
    expect(await page.getByLabel('Từ ngày').inputValue()).toBe('01/09/2026');
    // Month first is refused with a message in Vietnamese, the typed value kept.
    await page.goto(srv.url + '/bao-cao?tu=09/30/2026&den=10/31/2026');
    expect(await page.getByLabel('Từ ngày').inputValue()).toBe('09/30/2026');
    expect(await page.locator('.field-error').first().innerText()).toMatch(/ngày\/tháng\/năm/);
    await page.context().close();
  });

  it('reads the register period (form 07) typed as dd/mm/yyyy', async () => {
    const page = await pageAs(browser, srv, 'motcua.tpbl', en);
    await page.goto(srv.url + '/so-theo-doi');
    await page.getByLabel('Từ ngày').fill('01/10/2026');
    await page.getByLabel('Đến ngày').fill('31/10/2026');
    await submitAndWait(page, page.getByRole('button', { name: 'Xem' }), '.form-sub');
    expect(await page.locator('.form-sub').innerText()).toContain('Từ ngày 01/10/2026 đến ngày 31/10/2026');
    expect(await page.getByLabel('Từ ngày').inputValue()).toBe('01/10/2026');
    await page.context().close();
  });

  it('reads a dispatch due date typed as dd/mm/yyyy', async () => {
    const page = await pageAs(browser, srv, 'chuyenvien.snv', en);
    await page.goto(srv.url + '/cong-van/moi');
    const due = new Date(Date.now() + 20 * 86_400_000 + 7 * 3_600_000);
    const typed = `${String(due.getUTCDate()).padStart(2, '0')}/${String(due.getUTCMonth() + 1).padStart(2, '0')}/${due.getUTCFullYear()}`;
    await page.getByLabel('Trích yếu').fill('Xin ý kiến về lịch tiếp công dân (kiểm thử ngày tháng)');
    await page.getByLabel(/^Nội dung/).fill('Đề nghị các đơn vị góp ý.');
    await page.getByLabel('Hạn trả lời').fill(typed);
    await page.getByLabel('UBND phường 1', { exact: true }).check();
    await submitAndWait(page, page.getByRole('button', { name: 'Lưu dự thảo' }), '.flash-success');
    expect(page.url()).toMatch(/\/cong-van\/\d+$/);
    expect(await page.locator('main').innerText()).toContain(typed);
    await page.context().close();
  });
});
