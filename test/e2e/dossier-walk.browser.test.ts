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

maybe('a dossier walked through every role in Chromium', () => {
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

  async function as(username: string): Promise<Page> {
    const ctx = await newContext(browser, { viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    page.on('dialog', (d) => d.accept()); // confirmations before irreversible actions
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    expect(page.url()).toBe(srv.url + '/');
    return page;
  }

  async function receive(): Promise<string> {
    const desk = await as('motcua.p1');
    await desk.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).first().click();
    await desk.getByLabel('Tìm thủ tục').fill('Giấy khen');
    await submitAndWait(desk, desk.getByRole('button', { name: 'Tìm' }), 'main');
    await desk.getByRole('link', { name: /tặng Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã/i }).click();
    await desk.getByLabel('Họ và tên').fill('Nguyễn Thị Thử Nghiệm');
    await desk.getByLabel('Số điện thoại').fill('0912345678');
    await desk.getByLabel(/Tờ trình đề nghị khen thưởng/).check();
    await desk.getByLabel(/Báo cáo thành tích/).check();
    await desk.getByRole('button', { name: 'Tiếp nhận và in giấy hẹn' }).click();
    await desk.waitForURL(/\/in\/01$/);
    await desk.waitForLoadState('load');
    const code = decodeURIComponent(new URL(desk.url()).pathname.split('/')[2]);
    expect(await desk.content()).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    await desk.screenshot({ path: path.join(OUT, 'receipt-01.png'), fullPage: true });
    await desk.context().close();
    return code;
  }

  async function act(username: string, code: string, button: string, comment?: string): Promise<Page> {
    const page = await as(username);
    await page.goto(`${srv.url}/ho-so/${code}`);
    // Only the step's main action is open; the others are a click away under "Thao tác khác".
    const more = page.locator('details.action-more', { has: page.locator('summary', { hasText: button }) });
    if ((await more.count()) && !(await more.evaluate((d) => (d as HTMLDetailsElement).open)))
      await more.locator('summary').click();
    const form = page.locator('form.action-form', { has: page.getByRole('button', { name: button, exact: true }) });
    if (comment) await form.locator('textarea').fill(comment);
    await submitAndWait(page, form.getByRole('button', { name: button, exact: true }), '.flash-success');
    return page;
  }

  it('intake → review → check → sign → number → result returned', async () => {
    const code = await receive();
    await (await act('chuyenvien.p1', code, 'Chuyển bước tiếp theo')).context().close();
    // The head drafts the decision from the procedure's template before it goes up for signature.
    const head = await as('truongphong.p1');
    await head.goto(`${srv.url}/ho-so/${code}`);
    await submitAndWait(head, head.getByRole('button', { name: 'Tạo dự thảo từ mẫu' }), '.flash-success');
    expect(await head.getByTestId('result-stage').textContent()).toContain('Dự thảo');
    await head.context().close();
    await (await act('truongphong.p1', code, 'Duyệt')).context().close();
    const leader = await act('lanhdao.p1', code, 'Ký số quyết định tặng giấy khen');
    expect(await leader.getByTestId('result-stage').textContent()).toContain('Đã ký số');
    await leader.context().close();
    const clerk = await act('vanthu.p1', code, 'Vào số, đóng dấu số kết quả');
    expect(await clerk.getByTestId('result-number').textContent()).toMatch(/^\d{2,}\/QĐ-/);
    const pdf = await clerk.request.get(
      await clerk
        .getByTestId('result-download')
        .getAttribute('href')
        .then((h) => srv.url + h),
    );
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await clerk.screenshot({ path: path.join(OUT, 'dossier-numbered.png'), fullPage: true });
    await clerk.context().close();
    const desk = await act('motcua.p1', code, 'Trả kết quả');
    expect(await desk.locator('.dossier-head .badge').first().textContent()).toContain('Đã trả kết quả');
    const timeline = await desk.locator('.timeline li').allTextContents();
    // Receipt, the draft, four hand-offs, the return.
    expect(timeline).toHaveLength(7);
    expect(timeline.join(' ')).toMatch(/Vào số \d{2,}\/QĐ-/);
    expect(await desk.locator('form.action-form').count()).toBe(0);
    await desk.screenshot({ path: path.join(OUT, 'dossier-returned.png'), fullPage: true });
    await desk.context().close();
  });

  it('supplement requested and received, then refused with a reason', async () => {
    const code = await receive();
    const specialist = await act(
      'chuyenvien.p1',
      code,
      'Yêu cầu bổ sung hồ sơ',
      'Bổ sung bản sao quyết định thành lập',
    );
    expect(await specialist.locator('.dossier-head .badge').first().textContent()).toContain('Chờ bổ sung hồ sơ');
    await specialist.context().close();
    await (await act('motcua.p1', code, 'Đã nhận hồ sơ bổ sung')).context().close();
    const again = await as('chuyenvien.p1');
    await again.goto(`${srv.url}/ho-so/${code}`);
    // the second request is announced as making the dossier late before it is sent
    expect(await again.locator('.warning').textContent()).toContain('trễ hạn');
    await again.context().close();
    const refused = await act('chuyenvien.p1', code, 'Từ chối giải quyết', 'Không đủ điều kiện khen thưởng');
    expect(await refused.locator('.dossier-head .badge').first().textContent()).toContain('Từ chối giải quyết');
    expect(await refused.locator('.timeline').textContent()).toContain('Không đủ điều kiện khen thưởng');
    await refused.screenshot({ path: path.join(OUT, 'dossier-refused.png'), fullPage: true });
    await refused.goto(`${srv.url}/ho-so/${code}/in/03`);
    expect(await refused.content()).toContain('PHIẾU TỪ CHỐI');
    await refused.context().close();
  });
});
