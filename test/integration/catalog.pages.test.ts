import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { definition } from '../factories/dossiers';

/** The text of the editor's textarea, entities decoded as a browser would. */
function textarea(html: string): string {
  const m = /<textarea[^>]*name="definition"[^>]*>\n?([\s\S]*?)<\/textarea>/.exec(html);
  if (!m) throw new Error('no definition textarea');
  return m[1]
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

describe.each(ENGINES)('procedure catalog pages on %s', (engine) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let csrf: string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const unit = await buildUnit(t.tdb.db);
    await buildUser(t.tdb.db, { username: 'quantri', roles: ['admin'] });
    await buildUser(t.tdb.db, { username: 'chuyenvien', roles: ['specialist'], unitId: unit.id });
    admin = await signIn(t.app, 'quantri', PASSWORD);
    csrf = csrfFrom((await admin.get('/quan-tri/thu-tuc/moi')).text);
  });
  afterAll(() => t.close());

  const preview = (text: string) =>
    admin.post('/quan-tri/thu-tuc/xem-truoc').type('form').send({ _csrf: csrf, definition: text });
  const save = (text: string) => admin.post('/quan-tri/thu-tuc').type('form').send({ _csrf: csrf, definition: text });
  const versions = async (code: string) =>
    (await t.tdb
      .db('procedure_versions as v')
      .join('procedures as p', 'p.id', 'v.procedure_id')
      .where('p.code', code)
      .orderBy('v.version')
      .select('v.version', 'v.definition')) as Array<{
      version: number;
      definition: string;
    }>;

  it('is for admins only: a specialist gets 403, a visitor is sent to sign in', async () => {
    const staff = await signIn(t.app, 'chuyenvien', PASSWORD);
    for (const path of ['/quan-tri/thu-tuc', '/quan-tri/thu-tuc/moi']) expect((await staff.get(path)).status).toBe(403);
    const page = await staff.get('/');
    const res = await staff
      .post('/quan-tri/thu-tuc')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), definition: JSON.stringify(definition('9.000001')) });
    expect(res.status).toBe(403);
    expect(await versions('9.000001')).toHaveLength(0);
    const anon = await request(t.app).get('/quan-tri/thu-tuc');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe('/dang-nhap?next=%2Fquan-tri%2Fthu-tuc');
  });

  it('opens the editor for a new procedure with a template and both buttons', async () => {
    const res = await admin.get('/quan-tri/thu-tuc/moi');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Thêm thủ tục');
    expect(JSON.parse(textarea(res.text))).toMatchObject({ code: '', steps: expect.any(Array) });
    expect(res.text).toContain('>Xem trước</button>');
    expect(res.text).toContain('formaction="/quan-tri/thu-tuc">Lưu phiên bản mới</button>');
    expect(res.text).toContain('name="_csrf"');
  });

  it('shows where bad JSON breaks, in Vietnamese, and keeps the input', async () => {
    const bad = '{\n  "code": "1.1",\n  "name": "Thử <đậm> & \'x\'",\n  "totalDays": 10,\n}';
    const res = await preview(bad);
    expect(res.status).toBe(422);
    expect(res.text).toContain('JSON không đúng cú pháp ở dòng 5, cột 1');
    expect(res.text).not.toContain('<đậm>');
    expect(textarea(res.text)).toBe(bad);
    const empty = await preview('   ');
    expect(empty.text).toContain('Chưa nhập định nghĩa thủ tục');
  });

  it('lists every fault of an invalid definition in Vietnamese, by path and line, input kept', async () => {
    const input = JSON.stringify(
      definition('9.000002', {
        steps: [
          { code: 'review', name: 'Thẩm định', role: 'chief', hours: 8 },
          { code: 'review', name: 'Ký', role: 'leader', hours: -1 },
        ],
      }),
      null,
      2,
    );
    const res = await preview(input);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Định nghĩa chưa hợp lệ: 3 lỗi');
    expect(res.text).toContain('<code>steps.0.role</code>: Vai trò &quot;chief&quot; không hợp lệ');
    expect(res.text).toContain('Số giờ xử lý của bước phải lớn hơn 0');
    expect(res.text).toContain('Mã bước &quot;review&quot; bị trùng');
    const roleLine = input.split('\n').findIndex((l) => l.includes('"chief"')) + 1;
    expect(res.text).toContain(`<a href="#dong-${roleLine}">Dòng ${roleLine}</a> · <code>steps.0.role</code>`);
    expect(res.text).toMatch(new RegExp(`<li id="dong-${roleLine}" class="line-error">`));
    expect(textarea(res.text)).toBe(input);
    expect(res.text).not.toContain('<svg');
    const unknownUnit = await preview(
      JSON.stringify(
        definition('9.000002', { steps: [{ code: 'a', name: 'A', role: 'leader', hours: 8, unit: 'KHONG.CO' }] }),
      ),
    );
    expect(unknownUnit.status).toBe(422);
    expect(unknownUnit.text).toContain('không tồn tại');
    expect(await versions('9.000002')).toHaveLength(0);
  });

  it('previews a valid definition with its diagram without saving it', async () => {
    const input = JSON.stringify(definition('9.000003'));
    const res = await preview(input);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Định nghĩa hợp lệ');
    expect(res.text).toMatch(/<svg[^>]+role="img"/);
    expect(res.text).toContain('Thẩm định hồ sơ');
    expect(textarea(res.text)).toBe(input);
    expect(await versions('9.000003')).toHaveLength(0);
  });

  it('saves version 1 then 2, lists it and shows each version with its diagram', async () => {
    const first = await save(JSON.stringify(definition('9.000004')));
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/quan-tri/thu-tuc/9.000004');
    const shown = await admin.get(first.headers.location);
    expect(shown.text).toContain('Đã lưu phiên bản 1 của thủ tục 9.000004');
    expect(shown.text).toMatch(/<svg[^>]+role="img"/);
    expect(shown.text).toContain('Tờ trình đề nghị khen thưởng');
    expect(shown.text).toContain('<td>Lãnh đạo phòng</td>');

    const edit = await admin.get('/quan-tri/thu-tuc/9.000004/sua');
    expect(edit.text).toContain('phiên bản 2');
    const changed = {
      ...JSON.parse(textarea(edit.text)),
      name: 'Tên mới của thủ tục',
      steps: [{ code: 'sign', name: 'Ký duyệt', role: 'leader', hours: 8 }],
    };
    const second = await save(JSON.stringify(changed));
    expect(second.status).toBe(303);
    expect((await admin.get(second.headers.location)).text).toContain('Đã lưu phiên bản 2 của thủ tục 9.000004');

    const stored = await versions('9.000004');
    expect(stored.map((v) => v.version)).toEqual([1, 2]);
    expect(JSON.parse(stored[1].definition).name).toBe('Tên mới của thủ tục');

    const list = await admin.get('/quan-tri/thu-tuc?q=9.000004');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Tên mới của thủ tục');
    expect(list.text).toMatch(/<td class="num">1<\/td><td class="num">2<\/td>/); // one step, version 2
    expect((await admin.get('/quan-tri/thu-tuc?q=khong-co-gi')).text).toContain('Không có thủ tục nào khớp');

    const old = await admin.get('/quan-tri/thu-tuc/9.000004?version=1');
    expect(old.text).toContain('Đây là phiên bản cũ');
    expect(old.text).toContain('Xem xét, trình ký');
    expect((await admin.get('/quan-tri/thu-tuc/9.000004?version=7')).status).toBe(404);
    expect((await admin.get('/quan-tri/thu-tuc/khong-co')).status).toBe(404);
  });

  it('re-renders an invalid save with 422, the errors and the input', async () => {
    const input = JSON.stringify({ ...definition('9.000005'), totalDays: 1 });
    const res = await save(input);
    expect(res.status).toBe(422);
    expect(res.text).toContain('vượt quá thời hạn giải quyết');
    expect(textarea(res.text)).toBe(input);
    expect(await versions('9.000005')).toHaveLength(0);
  });

  it('refuses a save without a CSRF token with 403 and stores nothing', async () => {
    const res = await admin
      .post('/quan-tri/thu-tuc')
      .type('form')
      .send({ definition: JSON.stringify(definition('9.000006')) });
    expect(res.status).toBe(403);
    const forged = await admin
      .post('/quan-tri/thu-tuc')
      .type('form')
      .send({ _csrf: 'gia-mao', definition: JSON.stringify(definition('9.000006')) });
    expect(forged.status).toBe(403);
    expect(await versions('9.000006')).toHaveLength(0);
  });
});
