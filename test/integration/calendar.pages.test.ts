import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';

/** The class attribute of a day's cell in the year grid. */
function cellClass(html: string, date: string): string {
  const m = new RegExp(`<td class="([^"]+)" data-date="${date}"`).exec(html);
  if (!m) throw new Error(`no cell for ${date}`);
  return m[1];
}

describe.each(ENGINES)('working calendar page on %s', (engine) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let csrf: string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const unit = await buildUnit(t.tdb.db);
    await buildUser(t.tdb.db, { username: 'quantri', roles: ['admin'] });
    await buildUser(t.tdb.db, { username: 'motcua', roles: ['intake'], unitId: unit.id });
    admin = await signIn(t.app, 'quantri', PASSWORD);
    csrf = csrfFrom((await admin.get('/quan-tri/lich')).text);
  });
  afterAll(() => t.close());

  const mark = (body: Record<string, string>) =>
    admin
      .post('/quan-tri/lich')
      .type('form')
      .send({ _csrf: csrf, nam: '2027', ...body });
  const year2027 = () => admin.get('/quan-tri/lich?nam=2027');
  const overrides = () => t.tdb.db('calendar_days').select('date', 'kind', 'name').orderBy('date');

  it('is for admins only', async () => {
    const staff = await signIn(t.app, 'motcua', PASSWORD);
    expect((await staff.get('/quan-tri/lich')).status).toBe(403);
    const res = await staff
      .post('/quan-tri/lich')
      .type('form')
      .send({ _csrf: csrfFrom((await staff.get('/')).text), date: '2027-03-10', kind: 'holiday' });
    expect(res.status).toBe(403);
    expect((await request(t.app).get('/quan-tri/lich')).status).toBe(303);
    expect(await overrides()).toHaveLength(0);
  });

  it('shows twelve month grids, Monday first, with Tết and its compensation days', async () => {
    const res = await year2027();
    expect(res.status).toBe(200);
    expect(res.text).toContain('Lịch làm việc năm 2027');
    expect(res.text.match(/<table class="cal-month">/g)).toHaveLength(12);
    expect(res.text).toContain('<th scope="col">T2</th>');
    // 2027-02-06 (Saturday) is lunar new year's day; 2027-02-05 is its eve.
    expect(cellClass(res.text, '2027-02-06')).toContain('cal-holiday');
    expect(cellClass(res.text, '2027-02-05')).toContain('cal-holiday');
    expect(cellClass(res.text, '2027-02-04')).toContain('cal-work');
    expect(cellClass(res.text, '2027-02-13')).toContain('cal-weekend');
    expect(res.text).toMatch(/<td>06\/02\/2027<\/td><td>Thứ Bảy<\/td><td>Tết Nguyên đán \(mùng 1\)<\/td>/);
    expect(res.text).toContain('Nghỉ bù Tết Nguyên đán');
    expect(res.text).toContain('Giỗ Tổ Hùng Vương');
    // February 2027 starts on a Monday: no blank cell before the 1st.
    expect(res.text).toMatch(
      /<caption>Tháng 2<\/caption>[\s\S]*?<tbody>\s*<tr><td class="cal-day cal-work" data-date="2027-02-01"/,
    );
  });

  it('adds an extra day off (dd/mm/yyyy) and a make-up working day (ISO), then deletes them', async () => {
    const off = await mark({ date: '10/03/2027', kind: 'holiday', name: 'Nghỉ theo thông báo <số 1>' });
    expect(off.status).toBe(303);
    expect(off.headers.location).toBe('/quan-tri/lich?nam=2027#dieu-chinh');
    const work = await mark({ date: '2027-02-13', kind: 'workday', name: '' });
    expect(work.status).toBe(303);
    expect(await overrides()).toEqual([
      { date: '2027-02-13', kind: 'workday', name: null },
      { date: '2027-03-10', kind: 'holiday', name: 'Nghỉ theo thông báo <số 1>' },
    ]);

    let page = await year2027();
    expect(page.text).toContain('Đã đánh dấu ngày 13/02/2027 là ngày làm việc bù');
    expect(cellClass(page.text, '2027-03-10')).toContain('cal-off');
    expect(cellClass(page.text, '2027-02-13')).toContain('cal-makeup');
    expect(page.text).toContain('Nghỉ theo thông báo &lt;số 1&gt;');
    expect(page.text).toMatch(
      /<tr data-date="2027-03-10">[\s\S]*?Nghỉ thêm[\s\S]*?action="\/quan-tri\/lich\/2027-03-10\/xoa"/,
    );

    const del = await admin.post('/quan-tri/lich/2027-03-10/xoa').type('form').send({ _csrf: csrf });
    expect(del.status).toBe(303);
    page = await year2027();
    expect(page.text).toContain('Đã xóa điều chỉnh ngày 10/03/2027');
    expect(cellClass(page.text, '2027-03-10')).toContain('cal-work');
    expect(page.text).not.toContain('<tr data-date="2027-03-10">');
    expect(await overrides()).toHaveLength(1);

    const again = await admin.post('/quan-tri/lich/2027-03-10/xoa').type('form').send({ _csrf: csrf });
    expect(again.status).toBe(303);
    expect((await year2027()).text).toContain('không có điều chỉnh nào');
    expect((await admin.post('/quan-tri/lich/2027-02-30/xoa').type('form').send({ _csrf: csrf })).status).toBe(404);
  });

  it('re-renders an invalid date with 422, the errors in Vietnamese and the input kept', async () => {
    const res = await mark({ date: '31/02/2027', kind: 'holiday', name: 'Giữ lại tên này' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy');
    expect(res.text).toContain('value="31/02/2027"');
    expect(res.text).toContain('value="Giữ lại tên này"');
    expect(res.text).toMatch(/value="holiday" checked/);
    expect(res.text).toContain('Lịch làm việc năm 2027');
    const noKind = await mark({ date: '', name: '' });
    expect(noKind.status).toBe(422);
    expect(noKind.text).toContain('Nhập ngày cần điều chỉnh');
    expect(noKind.text).toContain('Chọn loại điều chỉnh');
    expect(await overrides()).toHaveLength(1);
  });

  it('refuses a form without a CSRF token with 403 and changes nothing', async () => {
    const res = await admin.post('/quan-tri/lich').type('form').send({ date: '2027-03-11', kind: 'holiday' });
    expect(res.status).toBe(403);
    const del = await admin.post('/quan-tri/lich/2027-02-13/xoa').type('form').send({});
    expect(del.status).toBe(403);
    expect(await overrides()).toEqual([{ date: '2027-02-13', kind: 'workday', name: null }]);
  });
});
