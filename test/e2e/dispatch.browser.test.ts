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
const TITLE = 'Xin ý kiến dự thảo Quy trình nội bộ lĩnh vực thi đua, khen thưởng (kiểm thử trình duyệt)';
const OPINION = 'Đề nghị rút thời gian bước “Thẩm định hồ sơ” còn 32 giờ làm việc.';

maybe('a comment-solicitation dispatch walked through both units in Chromium', () => {
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

  async function as(username: string): Promise<Page> {
    const ctx = await newContext(browser, {
      viewport: { width: 1280, height: 900 },
      locale: 'vi-VN',
      timezoneId: 'Asia/Ho_Chi_Minh',
    });
    const page = await ctx.newPage();
    page.on('dialog', (d) => d.accept()); // confirmations before ISSUE and CLOSE
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(srv.url + '/dang-nhap');
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(DEMO_PASSWORD);
    await submitAndWait(page, page.getByRole('button', { name: 'Đăng nhập' }), '[data-testid=user-name]');
    expect(page.url()).toBe(srv.url + '/');
    return page;
  }

  /** Open the dispatch as `username` and press one action button (its form's fields filled first). */
  async function act(
    username: string,
    id: number,
    button: string,
    fill?: (form: ReturnType<Page['locator']>) => Promise<void>,
  ): Promise<Page> {
    const page = await as(username);
    await page.goto(`${srv.url}/cong-van/${id}`);
    const form = page.locator('form.action-form', { has: page.getByRole('button', { name: button, exact: true }) });
    if (fill) await fill(form);
    await submitAndWait(page, form.getByRole('button', { name: button, exact: true }), '.flash-success');
    return page;
  }

  it('drafts, approves, issues; a commune assigns, drafts and approves its reply; the synthesis shows it', async () => {
    const spec = await as('chuyenvien.snv');
    await spec
      .getByRole('navigation', { name: 'Điều hướng chính' })
      .getByRole('link', { name: 'Công văn', exact: true })
      .click();
    await spec.getByRole('link', { name: /Soạn công văn xin ý kiến/ }).click();
    await spec.getByLabel('Trích yếu').fill(TITLE);
    await spec
      .getByLabel(/^Nội dung/)
      .fill('Đề nghị UBND các xã, phường góp ý dự thảo (gửi kèm).\nQuá hạn không trả lời được xem như thống nhất.');
    await spec.getByLabel('Hạn trả lời').fill(vnDate(new Date(Date.now() + 10 * 86_400_000)));
    // dispatch.js: ticking a group ticks its communes (the server expands it anyway). Two tiers since
    // 2025: the group is the province's communes and wards; the departments are not among them.
    const communes = Number(
      (await srv.running.ctx.db('units').where({ level: 'commune', active: true }).count({ n: '*' }))[0].n,
    );
    await spec.getByLabel('Tất cả xã, phường của tỉnh Bạc Liêu').check();
    expect(await spec.getByLabel('UBND phường 1', { exact: true }).isChecked()).toBe(true);
    expect(await spec.getByLabel('UBND xã Hiệp Thành', { exact: true }).isChecked()).toBe(true);
    expect(await spec.getByLabel('UBND phường Hộ Phòng', { exact: true }).isChecked()).toBe(true);
    expect(await spec.getByLabel('Sở Tư pháp tỉnh Bạc Liêu', { exact: true }).isChecked()).toBe(false);
    await spec.locator('input[name=files]').setInputFiles({
      name: 'du-thao-quy-trinh.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% du thao\n'),
    });
    await spec.screenshot({ path: path.join(OUT, 'dispatch-new.png'), fullPage: true });
    await submitAndWait(spec, spec.getByRole('button', { name: 'Lưu dự thảo' }), '.flash-success');
    await spec.waitForURL(/\/cong-van\/\d+$/);
    const id = Number(new URL(spec.url()).pathname.split('/').pop());
    expect(await spec.locator('.flash-success').textContent()).toContain(`gửi ${communes} đơn vị, kèm 1 tệp`);
    expect(await spec.locator('#tep').textContent()).toContain('du-thao-quy-trinh.pdf');
    await submitAndWait(spec, spec.getByRole('button', { name: 'Trình duyệt', exact: true }), '.flash-success');
    await spec.context().close();

    await (await act('lanhdao.snv', id, 'Duyệt')).context().close();
    const clerk = await act('vanthu.snv', id, 'Ban hành');
    expect(await clerk.locator('.dispatch-head h1').textContent()).toMatch(/Công văn số \d{2}\/SNV/);
    await clerk.screenshot({ path: path.join(OUT, 'dispatch-issued.png'), fullPage: true });
    await clerk.context().close();

    const head = await as('truongphong.p1');
    await head.goto(`${srv.url}/cong-van?loc=den`);
    await head.getByRole('link', { name: TITLE }).click();
    await head.getByLabel('Chuyên viên được giao').selectOption('chuyenvien.p1');
    await submitAndWait(head, head.getByRole('button', { name: 'Giao xử lý', exact: true }), '.flash-success');
    await head.context().close();

    const drafter = await act('chuyenvien.p1', id, 'Trình lãnh đạo duyệt', async (form) => {
      await form.getByLabel('Thống nhất, có ý kiến góp ý').check();
      await form.getByLabel('Nội dung ý kiến góp ý').fill(OPINION);
    });
    expect(await drafter.locator('.reply-panel').textContent()).toContain('Chờ lãnh đạo duyệt');
    await drafter.screenshot({ path: path.join(OUT, 'dispatch-reply-pending.png'), fullPage: true });
    await drafter.context().close();
    const leader = await act('lanhdao.p1', id, 'Duyệt, gửi trả lời');
    expect(await leader.locator('.reply-panel').textContent()).toContain('Đã trả lời');
    await leader.context().close();

    const back = await as('chuyenvien.snv');
    await back.goto(`${srv.url}/cong-van/${id}`);
    const p1Row = back.locator('table.tracking tr', { hasText: 'UBND phường 1' });
    expect(await p1Row.textContent()).toContain('Đã trả lời');
    expect(await p1Row.textContent()).toContain('Thống nhất, có ý kiến góp ý');
    expect(await back.locator('.tracking-bar').textContent()).toContain(`đã trả lời 1/${communes}`);
    await back.screenshot({ path: path.join(OUT, 'dispatch-tracking.png'), fullPage: true });
    await back.getByRole('link', { name: 'Bảng tổng hợp, tiếp thu, giải trình' }).click();
    await back.waitForURL(/\/tong-hop$/);
    const row = back.locator('table.synthesis tr', { hasText: 'UBND phường 1' });
    expect(await row.textContent()).toContain(OPINION);
    await row.locator('textarea').fill('Tiếp thu: đã điều chỉnh thời gian thẩm định còn 32 giờ.');
    await submitAndWait(back, row.getByRole('button', { name: 'Lưu' }), '.print-flash');
    expect(
      await back.locator('table.synthesis tr', { hasText: 'UBND phường 1' }).locator('textarea').inputValue(),
    ).toContain('Tiếp thu');
    expect(await back.getByTestId('counts').textContent()).toContain(
      `Tổng số đơn vị được xin ý kiến: ${communes}; đã trả lời: 1`,
    );
    await back.screenshot({ path: path.join(OUT, 'dispatch-synthesis.png'), fullPage: true });
    await back.emulateMedia({ media: 'print' });
    await back.screenshot({ path: path.join(OUT, 'dispatch-synthesis-print.png'), fullPage: true });
    await back.pdf({ path: path.join(OUT, 'dispatch-synthesis.pdf'), preferCSSPageSize: true });
    await back.emulateMedia({ media: 'screen' });
    await back.goto(`${srv.url}/cong-van`);
    expect(await back.locator('table.dispatch-list').textContent()).toContain(`đã trả lời 1/${communes}`);
    await back.screenshot({ path: path.join(OUT, 'dispatch-list.png'), fullPage: true });
    await back.context().close();
    expect(cspErrors).toEqual([]);
  });

  it('Back after saving a draft keeps what was typed, and saving again lands on the draft already made', async () => {
    const count = async () => Number((await srv.running.ctx.db('dispatches').count({ n: '*' }))[0].n);
    const title = 'Xin ý kiến dự thảo kế hoạch (quay lại rồi gửi lại)';
    const summary = 'Đề nghị góp ý.';
    const due = vnDate(new Date(Date.now() + 10 * 86_400_000));
    const spec = await as('chuyenvien.snv');
    await spec.goto(`${srv.url}/cong-van/moi`);
    const fill = async () => {
      await spec.getByLabel('Trích yếu').fill(title);
      await spec.getByLabel(/^Nội dung/).fill(summary);
      await spec.getByLabel('Hạn trả lời').fill(due);
      await spec.getByLabel('Sở Tư pháp tỉnh Bạc Liêu', { exact: true }).check();
    };
    const token = () => spec.locator('input[name=formToken]').inputValue();
    await fill();
    const firstToken = await token();
    const before = await count();
    await submitAndWait(spec, spec.getByRole('button', { name: 'Lưu dự thảo' }), '.flash-success');
    await spec.waitForURL(/\/cong-van\/\d+$/);
    const first = spec.url();

    // Back: Chromium fetches the form again (the server sends a new token) and puts back what was
    // typed; app.js puts back the token this history entry first had (contract.md §2).
    await spec.goBack();
    await spec.getByRole('button', { name: 'Lưu dự thảo' }).waitFor();
    expect(await spec.getByLabel('Trích yếu').inputValue()).toBe(title);
    expect(await spec.getByLabel(/^Nội dung/).inputValue()).toBe(summary);
    expect(await spec.getByLabel('Hạn trả lời').inputValue()).toBe(due);
    expect(await spec.getByLabel('Sở Tư pháp tỉnh Bạc Liêu', { exact: true }).isChecked()).toBe(true);
    expect(await token()).toBe(firstToken);
    // Wait for whichever message the next page shows, so a second draft fails here at once.
    await submitAndWait(spec, spec.getByRole('button', { name: 'Lưu dự thảo' }), '.flash');
    await spec.waitForURL(/\/cong-van\/\d+$/);
    expect(spec.url()).toBe(first);
    expect(await spec.locator('.flash').first().getAttribute('class')).toContain('flash-info');
    expect(await spec.locator('.flash-info').textContent()).toContain('Biểu mẫu này đã được gửi trước đó');
    expect(await count()).toBe(before + 1);

    // A new visit to the form (the link) is a new form: it saves a second draft.
    await spec.goto(`${srv.url}/cong-van`);
    await spec.getByRole('link', { name: /Soạn công văn xin ý kiến/ }).click();
    await spec.getByRole('button', { name: 'Lưu dự thảo' }).waitFor();
    expect(await token()).not.toBe(firstToken);
    await fill();
    await submitAndWait(spec, spec.getByRole('button', { name: 'Lưu dự thảo' }), '.flash-success');
    await spec.waitForURL(/\/cong-van\/\d+$/);
    expect(spec.url()).not.toBe(first);
    expect(await count()).toBe(before + 2);
    await spec.context().close();
  });
});
