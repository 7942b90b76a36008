/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch, newContext, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { DEMO_PASSWORD } from '../../db/seeds/demo';
import { vnDate } from '../../workflows/calendar';

const maybe = hasBrowser ? describe : describe.skip;
// A real browser on a machine that may be busy: generous limits, every wait on a condition.
jest.setTimeout(BROWSER_TEST_MS);
const OUT = path.resolve(__dirname, '..', '..', 'test-results');
const TITLE = 'V/v lấy ý kiến về vị trí khu đất (kiểm thử trình duyệt)';

/** Consultation inside a dossier (design.md §11), from the dossier page, at desktop and phone widths. */
maybe('a consultation drafted from the dossier page in Chromium', () => {
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

  async function as(username: string, width: number): Promise<Page> {
    const ctx = await newContext(browser, {
      viewport: { width, height: 900 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = await ctx.newPage();
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    return page;
  }

  /** A dossier of phường 1 at a specialist's step: the first of chuyenvien.p1's work that is. */
  async function dossierAtSpecialistStep(): Promise<string> {
    const tok = await fetch(`${srv.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'chuyenvien.p1', password: DEMO_PASSWORD }),
    }).then((r) => r.json());
    const list = await fetch(`${srv.url}/api/v1/dossiers?mine=1&pageSize=100`, {
      headers: { Authorization: `Bearer ${tok.token}` },
    }).then((r) => r.json());
    const d = (list.items as Array<{ code: string; step: { role: string } | null }>).find(
      (x) => x.step?.role === 'specialist',
    );
    if (!d) throw new Error('the demo data has no dossier at a specialist step of phường 1');
    return d.code;
  }

  it('the acting specialist consults two units; the dossier lists the draft at 1280 and 390 px', async () => {
    const code = await dossierAtSpecialistStep();
    const spec = await as('chuyenvien.p1', 1280);
    await spec.goto(`${srv.url}/ho-so/${code}`);
    const section = spec.locator('[data-testid=consultations]');
    await expect(section.getByRole('heading', { name: 'Lấy ý kiến cơ quan liên quan' }).count()).resolves.toBe(1);
    await section.getByRole('link', { name: 'Lấy ý kiến', exact: true }).click();
    await spec.waitForURL(new RegExp(`/ho-so/${code}/lay-y-kien$`));
    expect(await spec.locator('h1').textContent()).toBe('Lấy ý kiến cơ quan liên quan');
    // The handling unit does not consult itself.
    expect(await spec.getByLabel('UBND phường 1', { exact: true }).count()).toBe(0);

    // A past date is refused beside its field, with the input kept.
    await spec.getByLabel('Trích yếu').fill(TITLE);
    await spec.getByLabel(/^Nội dung/).fill('Đề nghị cho ý kiến về sự phù hợp quy hoạch của khu đất.');
    await spec.getByLabel('Hạn trả lời').fill('01/01/2020');
    await spec.getByLabel('UBND phường 2', { exact: true }).check();
    await spec.getByLabel('Sở Tài nguyên và Môi trường tỉnh Bạc Liêu', { exact: true }).check();
    await submitAndWait(spec, spec.getByRole('button', { name: 'Lưu dự thảo' }), '#e-dueDate');
    expect(await spec.locator('#e-dueDate').textContent()).toContain('Hạn trả lời phải từ hôm nay trở đi');
    // Said once, beside the field; the top says only that nothing was saved.
    expect(await spec.locator('.flash-error').textContent()).toBe(
      'Công văn chưa được lưu: vui lòng kiểm tra các mục được đánh dấu.',
    );
    expect(await spec.getByLabel('Trích yếu').inputValue()).toBe(TITLE);
    expect(await spec.getByLabel('UBND phường 2', { exact: true }).isChecked()).toBe(true);

    const due = vnDate(new Date(Date.now() + 7 * 86_400_000))
      .split('-')
      .reverse()
      .join('/');
    await spec.getByLabel('Hạn trả lời').fill(due);
    await spec.locator('input[name=files]').setInputFiles({
      name: 'so-do-khu-dat.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% so do\n'),
    });
    await spec.screenshot({ path: path.join(OUT, 'consultation-new.png'), fullPage: true });
    await submitAndWait(spec, spec.getByRole('button', { name: 'Lưu dự thảo' }), '.flash-success');
    await spec.waitForURL(/\/cong-van\/\d+$/);
    expect(await spec.locator('.flash-success').textContent()).toContain(
      `lấy ý kiến cho hồ sơ ${code}, gửi 2 đơn vị, kèm 1 tệp`,
    );
    // The dispatch page leads back to the dossier; from there on it is a dispatch like any other.
    await spec.getByRole('link', { name: `Lấy ý kiến cho hồ sơ ${code}` }).click();
    await spec.waitForURL(new RegExp(`/ho-so/${code}#lay-y-kien$`));
    const item = spec.locator('[data-testid=consultations] .consult').first();
    expect(await item.textContent()).toContain(TITLE);
    expect(await item.textContent()).toContain('Dự thảo công văn');
    const units = await item.locator('.reply-unit').allTextContents();
    expect(units.sort()).toEqual(['Sở Tài nguyên và Môi trường tỉnh Bạc Liêu', 'UBND phường 2']);
    await spec.locator('[data-testid=consultations]').screenshot({ path: path.join(OUT, 'consultation-dossier.png') });
    await spec.screenshot({ path: path.join(OUT, 'consultation-dossier-page.png'), fullPage: true });
    await spec.context().close();

    // A 390 px phone: the section fits the width (no sideways scrolling), the button stays reachable.
    const phone = await as('chuyenvien.p1', 390);
    await phone.goto(`${srv.url}/ho-so/${code}#lay-y-kien`);
    const box = await phone.locator('[data-testid=consultations]').boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.locator('[data-testid=consultations]').screenshot({ path: path.join(OUT, 'consultation-phone.png') });
    await phone.goto(`${srv.url}/ho-so/${code}/lay-y-kien`);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(OUT, 'consultation-new-phone.png'), fullPage: true });
    await phone.context().close();
  });
});
