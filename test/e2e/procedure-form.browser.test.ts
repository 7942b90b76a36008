/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch, newContext, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { DEMO_PASSWORD } from '../../db/seeds/demo';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const maybe = hasBrowser ? describe : describe.skip;
// A real browser on a machine that may be busy: generous limits, every wait on a condition.
jest.setTimeout(BROWSER_TEST_MS);
const OUT = path.resolve(__dirname, '..', '..', 'test-results');
const CODE = '9.990016';
const WARD = '000.01.01.H05'; // UBND phường 1: its desk receives commune procedures

maybe('an admin writes a procedure with the form in Chromium (no JSON typed)', () => {
  let browser: Browser;
  let srv: Awaited<ReturnType<typeof startServer>>;
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

  async function admin(width: number, javaScriptEnabled = true): Promise<Page> {
    const ctx = await newContext(browser, {
      javaScriptEnabled,
      viewport: { width, height: 900 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill('admin-e2e-pass');
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    return page;
  }

  const api = async (method: string, url: string, token: string | null, body?: unknown) => {
    const res = await fetch(srv.url + '/api/v1' + url, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  /** A dossier of the procedure received at the ward's desk through the API; its procedure version. */
  async function receiveOne(): Promise<{ code: string; version: () => Promise<number> }> {
    const { token } = await api('POST', '/tokens', null, { username: 'motcua.p1', password: DEMO_PASSWORD });
    const d = await api('POST', '/dossiers', token, {
      procedureCode: CODE,
      applicant: { fullName: 'Nguyễn Văn Thử' },
      documents: ['DON_DE_NGHI'],
      competentUnitCode: WARD,
    });
    return {
      code: d.code,
      version: async () => (await api('GET', `/dossiers/${d.code}`, token)).procedure.version as number,
    };
  }

  /** Step `n` (from 1) of the form. */
  const step = (page: Page, n: number) => page.locator('fieldset.pf-step').nth(n - 1);
  /** Wait until the live check has answered for what was typed last (its status line is there). */
  const settled = async (page: Page, text: RegExp) => {
    await page.locator('[data-live]').filter({ hasText: text }).waitFor();
  };

  it('builds four steps, sees the diagram, saves version 1; edits it to version 2; a dossier keeps version 1', async () => {
    const page = await admin(1366);
    await page.goto(srv.url + '/quan-tri/thu-tuc');
    await page.getByRole('link', { name: 'Soạn bằng biểu mẫu' }).first().click();
    await page.getByRole('heading', { name: 'Thêm thủ tục' }).waitFor();

    await page.getByLabel('Mã thủ tục').fill(CODE);
    await page.getByLabel('Tên thủ tục').fill('Đăng ký hoạt động tín ngưỡng (thử biểu mẫu)');
    await page.getByLabel('Lĩnh vực').fill('Tín ngưỡng, tôn giáo');
    await page.getByLabel('Cấp thực hiện').selectOption({ label: 'Cấp xã' });
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('5');
    await page.getByLabel('Mã giấy tờ').first().fill('DON_DE_NGHI');
    await page.getByLabel('Tên giấy tờ').first().fill('Văn bản đăng ký');

    const rows: Array<[string, string, string, 'giờ' | 'ngày']> = [
      ['Thẩm định hồ sơ', 'Chuyên viên xử lý', '2', 'ngày'],
      ['Xem xét, trình ký', 'Lãnh đạo phòng', '8', 'giờ'],
      ['Ký văn bản', 'Lãnh đạo UBND', '4', 'giờ'],
      ['Vào số, đóng dấu', 'Văn thư', '2', 'giờ'],
    ];
    for (const [i, [name, role, duration, unit]] of rows.entries()) {
      if (i > 0) await page.getByRole('button', { name: '+ Thêm bước' }).click();
      const row = step(page, i + 1);
      await row.getByLabel('Tên bước').fill(name);
      await row.getByLabel('Vai trò xử lý').selectOption({ label: role });
      await row.getByLabel('Thời gian xử lý').fill(duration);
      await row.getByLabel(/Đơn vị thời gian/).selectOption({ label: unit });
    }
    expect(await page.locator('fieldset.pf-step').count()).toBe(4);

    // A fault shows at its field as it is typed: 5 days is 40 hours, the steps take 30.
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('3');
    await settled(page, /lỗi cần sửa/);
    expect(await page.locator('[data-field="steps"] .field-error').innerText()).toBe(
      'Tổng số giờ của các bước (30) vượt quá thời hạn giải quyết (3 ngày = 24 giờ)',
    );
    await page.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('5');
    await settled(page, /Biểu mẫu hợp lệ/);
    expect(await page.locator('.pf-side [data-budget]').innerText()).toBe(
      'Tổng thời gian các bước: 30 giờ / thời hạn giải quyết: 40 giờ (5 ngày làm việc)',
    );
    const diagram = page.locator('.pf-side figure.diagram svg');
    await diagram.locator('text', { hasText: '4. Vào số, đóng dấu' }).waitFor();
    expect(await diagram.locator('text', { hasText: '3. Ký văn bản' }).count()).toBe(1);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(OUT, 'procedure-form-1366.png'), fullPage: true });
    // axe on the filled form (rows added by the script included): no violations.
    await page.evaluate(AXE); // through the debugger: the page's CSP does not apply
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              d: Document,
              o: object,
            ) => Promise<{ violations: Array<{ id: string; nodes: Array<{ target: unknown[] }> }> }>;
          };
        }
      ).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
    });
    expect(violations).toEqual([]);

    await submitAndWait(page, page.getByRole('button', { name: 'Lưu phiên bản mới' }), '.flash-success');
    expect(page.url()).toBe(`${srv.url}/quan-tri/thu-tuc/${CODE}`);
    expect(await page.locator('.flash-success').innerText()).toBe(`Đã lưu phiên bản 1 của thủ tục ${CODE}`);
    expect(await page.getByTestId('steps').locator('tbody tr').count()).toBe(4);

    const dossier = await receiveOne();
    expect(await dossier.version()).toBe(1);

    // Version 2, with the form again on a phone: a fifth step, moved up one place, and a longer deadline.
    const phone = await admin(390);
    await phone.goto(`${srv.url}/quan-tri/thu-tuc/${CODE}`);
    await phone.getByRole('link', { name: 'Soạn bằng biểu mẫu' }).click();
    await phone.getByRole('heading', { name: `Sửa thủ tục ${CODE}` }).waitFor();
    expect(await step(phone, 1).getByLabel('Thời gian xử lý').inputValue()).toBe('2');
    await phone.getByLabel('Thời hạn giải quyết (ngày làm việc)').fill('6');
    await phone.getByRole('button', { name: '+ Thêm bước' }).click();
    await step(phone, 5).getByLabel('Tên bước').fill('Kiểm tra thực địa');
    await step(phone, 5).getByLabel('Vai trò xử lý').selectOption({ label: 'Chuyên viên xử lý' });
    await step(phone, 5).getByLabel('Thời gian xử lý').fill('6');
    for (let n = 5; n > 2; n--) await step(phone, n).getByRole('button', { name: '↑ Lên trên' }).click();
    expect(await step(phone, 2).getByLabel('Tên bước').inputValue()).toBe('Kiểm tra thực địa');
    await settled(phone, /Biểu mẫu hợp lệ/);
    await phone.locator('.pf-side figure.diagram svg text', { hasText: '2. Kiểm tra thực địa' }).waitFor();
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: path.join(OUT, 'procedure-form-390.png'), fullPage: true });
    await submitAndWait(phone, phone.getByRole('button', { name: 'Lưu phiên bản mới' }), '.flash-success');
    expect(await phone.locator('.flash-success').innerText()).toBe(`Đã lưu phiên bản 2 của thủ tục ${CODE}`);
    expect(await phone.getByTestId('steps').locator('tbody tr').nth(1).innerText()).toContain('Kiểm tra thực địa');

    expect(await dossier.version()).toBe(1);
    expect(await (await receiveOne()).version()).toBe(2);
    expect(cspErrors).toEqual([]);
  });

  it('without JavaScript every button is a round trip: add, move and remove a step, check, message at its field', async () => {
    const page = await admin(1366, false);
    await page.goto(`${srv.url}/quan-tri/thu-tuc`);
    const demo = page.getByTestId('procedures').getByRole('link', { name: 'Soạn bằng biểu mẫu' }).first();
    await submitAndWait(page, demo, 'fieldset.pf-step');
    const count = await page.locator('fieldset.pf-step').count();
    await submitAndWait(page, page.getByRole('button', { name: '+ Thêm bước' }), 'fieldset.pf-step');
    expect(await page.locator('fieldset.pf-step').count()).toBe(count + 1);
    await step(page, count + 1)
      .getByLabel('Tên bước')
      .fill('Bước thêm không cần JavaScript');
    await submitAndWait(page, step(page, count + 1).getByRole('button', { name: '↑ Lên trên' }), 'fieldset.pf-step');
    expect(await step(page, count).getByLabel('Tên bước').inputValue()).toBe('Bước thêm không cần JavaScript');
    await submitAndWait(page, page.getByRole('button', { name: 'Kiểm tra', exact: true }), '.flash');
    expect(await step(page, count).locator('[data-field$=".role"] .field-error').innerText()).toBe(
      'Thiếu vai trò xử lý bước',
    );
    expect(await step(page, count).locator('[data-field$=".duration"] .field-error').innerText()).toBe(
      'Thiếu số giờ xử lý của bước',
    );
    await step(page, count).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, 'procedure-form-errors-1366.png') });
    await submitAndWait(page, step(page, count).getByRole('button', { name: /^Xóa bước/ }), 'fieldset.pf-step');
    expect(await page.locator('fieldset.pf-step').count()).toBe(count);
    await submitAndWait(page, page.getByRole('button', { name: 'Kiểm tra', exact: true }), '.flash-success');
    await page.locator('.pf-side figure.diagram svg').waitFor();
  });
});
