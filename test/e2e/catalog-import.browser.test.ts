/// <reference lib="dom" />
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { BROWSER_TEST_MS, hasBrowser, launch, newContext, submitAndWait } from '../helpers/browser';
import { startServer } from '../helpers/server';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const maybe = hasBrowser ? describe : describe.skip;
// A real browser on a machine that may be busy: generous limits, every wait on a condition.
jest.setTimeout(BROWSER_TEST_MS);
const OUT = path.resolve(__dirname, '..', '..', 'test-results');

const HEADER = [
  'Mã thủ tục',
  'Tên thủ tục',
  'Lĩnh vực',
  'Cấp thực hiện',
  'Thời hạn giải quyết',
  'Phí, lệ phí',
  'Thành phần hồ sơ',
];
/** A national export: a title row, the header, three new procedures and two bad rows. */
function rows(prefix: string): string[][] {
  return [
    ['DANH SÁCH THỦ TỤC HÀNH CHÍNH'],
    HEADER,
    [
      `${prefix}.1`,
      'Thủ tục cấp Giấy chứng nhận đủ điều kiện an toàn thực phẩm',
      'An toàn thực phẩm',
      'Cấp Xã',
      '15 ngày làm việc',
      '500.000 đồng',
      '- Đơn đề nghị\n- Bản thuyết minh cơ sở vật chất',
    ],
    [
      `${prefix}.2`,
      'Thủ tục chứng thực bản sao từ bản chính',
      'Chứng thực',
      'Cấp Xã',
      'Trong ngày',
      '2.000 đồng/trang',
      'Bản chính; Bản sao',
    ],
    [`${prefix}.3`, 'Thủ tục đăng ký thường trú', 'Cư trú', 'Cấp Xã', '07 ngày làm việc', 'Không', 'Tờ khai'],
    ['', 'Thủ tục thiếu mã', 'Hộ tịch', 'Cấp Xã', '5 ngày làm việc', 'Không', ''],
    [`${prefix}.4`, 'Thủ tục cấp phép', 'Tài nguyên nước', 'Cấp Tỉnh, Cấp Huyện', '3 tháng', 'Không', ''],
  ];
}

maybe('an admin imports procedures from the national catalogue in Chromium', () => {
  let browser: Browser;
  let srv: Awaited<ReturnType<typeof startServer>>;
  let dir: string;

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-import-'));
    const csv = rows('9.9901').map((r) =>
      r.map((c) => (/[;"\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';'),
    );
    fs.writeFileSync(path.join(dir, 'danh-muc.csv'), '\uFEFF' + csv.join('\r\n'));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('TTHC');
    rows('9.9902').forEach((r) => ws.addRow(r));
    await wb.xlsx.writeFile(path.join(dir, 'danh-muc.xlsx'));
    fs.writeFileSync(path.join(dir, 'anh.pdf'), '%PDF-1.4\n1 0 obj\n');
    srv = await startServer();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function admin(width: number): Promise<Page> {
    const ctx = await newContext(browser, { viewport: { width, height: 900 }, locale: 'vi-VN' });
    const page = await ctx.newPage();
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu').fill('admin-e2e-pass');
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    return page;
  }
  const axe = async (page: Page) => {
    await page.evaluate(AXE); // through the debugger: the page's CSP does not apply
    return page.evaluate(async () => {
      const run = (
        window as unknown as {
          axe: { run: (d: Document, o: object) => Promise<{ violations: Array<{ id: string }> }> };
        }
      ).axe.run;
      return (await run(document, { resultTypes: ['violations'] })).violations.map((v) => v.id);
    });
  };
  const count = (page: Page, n: number) => page.locator('[data-testid=import-counts] .stat').nth(n).textContent();

  it.each([
    [1366, 'danh-muc.csv', '9.9901'],
    [390, 'danh-muc.xlsx', '9.9902'],
  ])(
    'at %i px: a bad file is refused, then %s is previewed, confirmed once and listed',
    async (width, file, prefix) => {
      const page = await admin(width);
      await page.goto(srv.url + '/quan-tri/thu-tuc');
      await submitAndWait(page, page.getByRole('link', { name: 'Nhập từ danh mục thủ tục quốc gia' }), '#f-file');
      await page.setInputFiles('#f-file', path.join(dir, 'anh.pdf'));
      await submitAndWait(page, page.getByRole('button', { name: 'Xem trước' }), '.flash-error');
      await expect(page.locator('.flash-error').textContent()).resolves.toContain('Tệp không phải CSV hoặc XLSX');

      await page.setInputFiles('#f-file', path.join(dir, file));
      await submitAndWait(page, page.getByRole('button', { name: 'Xem trước' }), '[data-testid=import-counts]');
      expect([await count(page, 0), await count(page, 1), await count(page, 2), await count(page, 3)]).toEqual([
        '3',
        '0',
        '0',
        '2',
      ]);
      const bad = page.locator('[data-testid=import-bad] tbody tr');
      await expect(bad.nth(0).textContent()).resolves.toContain('Dòng 6');
      await expect(bad.nth(1).textContent()).resolves.toContain('gồm hai cấp');
      await expect(page.locator('[data-testid=import-created]').textContent()).resolves.toContain(
        'Thẩm định hồ sơ (Chuyên viên xử lý): 72 giờ',
      );
      expect(await axe(page)).toEqual([]);
      await page.screenshot({ path: path.join(OUT, `h16-import-preview-e2e-${width}.png`), fullPage: true });

      await submitAndWait(page, page.getByRole('button', { name: /^Xác nhận nhập 3 thủ tục/ }), '.flash-success');
      await expect(page.locator('.flash-success').textContent()).resolves.toContain('Đã nhập 3 thủ tục mới');
      expect(await axe(page)).toEqual([]);
      await page.screenshot({ path: path.join(OUT, `h16-import-result-e2e-${width}.png`), fullPage: true });
      const result = page.url();

      // Back to the preview and confirm again: the first import stands, nothing twice.
      await page.goBack();
      await submitAndWait(page, page.getByRole('button', { name: /^Xác nhận nhập 3 thủ tục/ }), 'h1');
      expect(page.url()).toBe(result);
      await page.goto(`${srv.url}/quan-tri/thu-tuc?q=${prefix}`);
      await expect(page.locator('[data-testid=procedures] caption').textContent()).resolves.toContain('3 thủ tục');
    },
  );
});
