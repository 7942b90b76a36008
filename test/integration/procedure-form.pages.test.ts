import fc from 'fast-check';
import request from 'supertest';
import { hostileString } from '../security/hostile';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';

/** The page's `name=value` of text inputs, as the browser would post them (entities decoded). */
function fields(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  const form = html.slice(
    html.indexOf('<form method="post" action="/quan-tri/thu-tuc/bieu-mau"'),
    html.indexOf('</form>', html.indexOf('id="pf"')),
  );
  for (const m of form.matchAll(/<input type="(?:text|hidden)"[^>]*?name="([^"]+)" value="([^"]*)"/g))
    out[m[1]] = m[2]
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const m of form.matchAll(/<input type="text"[^>]*?id="[^"]+" name="([^"]+)" value="([^"]*)"/g)) out[m[1]] = m[2];
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = /<option value="([^"]*)" selected>/.exec(m[2]) ?? /<option value="([^"]*)"/.exec(m[2]);
    out[m[1]] = sel ? sel[1] : '';
  }
  for (const m of form.matchAll(/<input type="checkbox"[^>]*name="([^"]+)" value="on" checked>/g)) out[m[1]] = 'on';
  return out;
}

/** The message shown at a field (its wrapper `data-field`). */
function errorAt(html: string, field: string): string | null {
  const at = html.indexOf(`data-field="${field}"`);
  if (at < 0) throw new Error(`no field ${field}`);
  const next = html.indexOf('data-field=', at + 1);
  const chunk = html.slice(at, next < 0 ? undefined : next);
  const m = /<p class="field-error">([^<]*)<\/p>/.exec(chunk)?.[1];
  return m === undefined
    ? null
    : m
        .replace(/&quot;/g, '"')
        .replace(/&#x3D;/g, '=')
        .replace(/&amp;/g, '&');
}

const steps = [
  { name: 'Thẩm định hồ sơ', role: 'specialist', duration: '3', durationUnit: 'days' },
  { name: 'Xem xét, trình ký', role: 'head', duration: '8', durationUnit: 'hours' },
  { name: 'Ký quyết định', role: 'leader', duration: '4', durationUnit: 'hours', signs: 'on' },
  { name: 'Vào số, đóng dấu', role: 'clerk', duration: '2', durationUnit: 'hours', numbers: 'on' },
];
const filled = (code: string): Record<string, string> => ({
  code,
  name: 'Cấp phép thử',
  field: 'Thử nghiệm',
  level: 'commune',
  totalDays: '5',
  fee: '0',
  'result.name': 'Giấy phép thử',
  'result.kind': 'GP',
  'documents.0.code': 'DON',
  'documents.0.name': 'Đơn đề nghị',
  'documents.0.required': 'on',
  ...Object.fromEntries(
    steps.flatMap((s, i) => Object.entries(s).map(([k, v]) => [`steps.${i}.${k}`, v] as [string, string])),
  ),
});

describe.each(ENGINES)('procedure form pages on %s', (engine) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let csrf: string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const unit = await buildUnit(t.tdb.db);
    await buildUnit(t.tdb.db, { code: 'SO.XD', name: 'Sở Xây dựng', level: 'province' });
    await buildUser(t.tdb.db, { username: 'quantri', roles: ['admin'] });
    await buildUser(t.tdb.db, { username: 'chuyenvien', roles: ['specialist'], unitId: unit.id });
    admin = await signIn(t.app, 'quantri', PASSWORD);
    csrf = csrfFrom((await admin.get('/quan-tri/thu-tuc/moi/bieu-mau')).text);
  });
  afterAll(() => t.close());

  const submit = (body: Record<string, string>) =>
    admin
      .post('/quan-tri/thu-tuc/bieu-mau')
      .type('form')
      .send({ _csrf: csrf, ...body });
  const versions = async (code: string) =>
    (await t.tdb
      .db('procedure_versions as v')
      .join('procedures as p', 'p.id', 'v.procedure_id')
      .where('p.code', code)
      .orderBy('v.version')
      .select('v.version', 'v.definition')) as Array<{ version: number; definition: string | object }>;
  const def = (row: { definition: string | object }) =>
    (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as {
      steps: Array<{ code: string; hours: number; role: string; unit: string }>;
      name: string;
    };

  it('is for admins only: a specialist gets 403 and saves nothing, a visitor is sent to sign in', async () => {
    const staff = await signIn(t.app, 'chuyenvien', PASSWORD);
    expect((await staff.get('/quan-tri/thu-tuc/moi/bieu-mau')).status).toBe(403);
    const page = await staff.get('/');
    const res = await staff
      .post('/quan-tri/thu-tuc/bieu-mau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...filled('9.000001'), action: 'save' });
    expect(res.status).toBe(403);
    expect(await versions('9.000001')).toHaveLength(0);
    expect((await request(t.app).get('/quan-tri/thu-tuc/moi/bieu-mau')).status).toBe(303);
  });

  it('shows an empty form with roles, units and links to the JSON editor (and back)', async () => {
    const res = await admin.get('/quan-tri/thu-tuc/moi/bieu-mau');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Thêm thủ tục</h1>');
    expect(res.text).toContain('href="/quan-tri/thu-tuc/moi" data-testid="json-editor-link"');
    expect(res.text).toContain('<option value="leader">Lãnh đạo UBND</option>');
    expect(res.text).toContain('<option value="SO.XD">Sở Xây dựng (SO.XD)</option>');
    expect(res.text).toContain('<option value="commune">Cấp xã</option>');
    expect(res.text).toContain('<script src="/assets/procedure-form.js" defer></script>');
    expect(res.text).not.toMatch(/<script>|style="/);
    const list = await admin.get('/quan-tri/thu-tuc');
    expect(list.text).toContain('href="/quan-tri/thu-tuc/moi/bieu-mau">Soạn bằng biểu mẫu</a>');
  });

  it('bad input: every message at its field, 422, nothing saved', async () => {
    const body = {
      ...filled('9.000002'),
      totalDays: '1',
      'steps.2.duration': 'hai',
      'steps.1.role': '',
      name: '',
      action: 'save',
    };
    const res = await submit(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain('Biểu mẫu chưa hợp lệ');
    expect(errorAt(res.text, 'name')).toBe('Tên thủ tục không được để trống');
    expect(errorAt(res.text, 'steps.2.duration')).toBe('Số giờ xử lý của bước phải là một số');
    expect(errorAt(res.text, 'steps.1.role')).toBe('Thiếu vai trò xử lý bước');
    expect(res.text).toContain('href="#f-steps-2-duration"');
    // The input is kept as typed.
    expect(fields(res.text)['steps.2.duration']).toBe('hai');
    expect(await versions('9.000002')).toHaveLength(0);

    const over = await submit({ ...filled('9.000002'), totalDays: '1', action: 'check' });
    expect(over.status).toBe(422);
    expect(errorAt(over.text, 'steps')).toBe(
      'Tổng số giờ của các bước (38) vượt quá thời hạn giải quyết (1 ngày = 8 giờ)',
    );
    expect(over.text).toMatch(
      /class="pf-budget over"[^>]*>Tổng thời gian các bước: 38 giờ \/ thời hạn giải quyết: 8 giờ/,
    );
  });

  it('add, remove and move rows by round trip, without saving', async () => {
    const added = await submit({ ...filled('9.000003'), action: 'add-step' });
    expect(added.status).toBe(200);
    expect(added.text).toContain('name="steps.4.name" value=""');
    expect(added.text).toContain('value="remove-step:4"');
    const moved = await submit({ ...filled('9.000003'), action: 'up-step:1' });
    const f = fields(moved.text);
    expect([f['steps.0.name'], f['steps.1.name']]).toEqual(['Xem xét, trình ký', 'Thẩm định hồ sơ']);
    expect([f['steps.0.role'], f['steps.1.role'], f['steps.1.durationUnit']]).toEqual(['head', 'specialist', 'days']);
    const removed = await submit({ ...filled('9.000003'), action: 'remove-step:0' });
    expect(fields(removed.text)['steps.0.name']).toBe('Xem xét, trình ký');
    expect(removed.text).not.toContain('name="steps.3.name"');
    const doc = await submit({ ...filled('9.000003'), action: 'add-document' });
    expect(doc.text).toContain('name="documents.1.code" value=""');
    expect(fields(doc.text)['documents.1.required']).toBe('on');
    const checked = await submit({ ...filled('9.000003'), action: 'check' });
    expect(checked.status).toBe(200);
    expect(checked.text).toContain('Biểu mẫu hợp lệ');
    expect(checked.text).toContain('<svg');
    expect(await versions('9.000003')).toHaveLength(0);
  });

  it('the live check answers JSON: messages by field, the budget, the diagram when valid', async () => {
    const bad = await admin
      .post('/quan-tri/thu-tuc/bieu-mau/kiem-tra')
      .type('form')
      .send({ _csrf: csrf, ...filled('9.000004'), 'steps.3.duration': '0' });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ ok: false, diagram: null });
    expect(bad.body.errors).toEqual([
      { path: 'steps.3.hours', field: 'steps.3.duration', message: 'Số giờ xử lý của bước phải lớn hơn 0' },
    ]);
    const good = await admin
      .post('/quan-tri/thu-tuc/bieu-mau/kiem-tra')
      .type('form')
      .send({ _csrf: csrf, ...filled('9.000004') });
    expect(good.body.ok).toBe(true);
    expect(good.body.diagram).toContain('<svg');
    expect(good.body.budget.text).toBe(
      'Tổng thời gian các bước: 38 giờ / thời hạn giải quyết: 40 giờ (5 ngày làm việc)',
    );
    expect(good.body.codes).toEqual(['tham_dinh_ho_so', 'xem_xet_trinh_ky', 'ky_quyet_dinh', 'vao_so_dong_dau']);
    const noCsrf = await admin.post('/quan-tri/thu-tuc/bieu-mau/kiem-tra').type('form').send(filled('9.000004'));
    expect(noCsrf.status).toBe(403);
    expect(await versions('9.000004')).toHaveLength(0);
  });

  it('save makes version 1, the form of it saves version 2; the same page sent twice saves once', async () => {
    const page = await admin.get('/quan-tri/thu-tuc/moi/bieu-mau');
    const formToken = /name="formToken" value="([^"]+)"/.exec(page.text)![1];
    const body = { ...filled('9.000005'), 'steps.2.unit': 'SO.XD', formToken, action: 'save' };
    const first = await submit(body);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/quan-tri/thu-tuc/9.000005');
    const shown = await admin.get('/quan-tri/thu-tuc/9.000005');
    expect(shown.text).toContain('Đã lưu phiên bản 1 của thủ tục 9.000005');
    expect((await submit(body)).headers.location).toBe('/quan-tri/thu-tuc/9.000005');
    expect(shown.text).toContain('href="/quan-tri/thu-tuc/9.000005/bieu-mau">Soạn bằng biểu mẫu</a>');
    let saved = await versions('9.000005');
    expect(saved).toHaveLength(1);
    expect(def(saved[0]).steps.map((s) => [s.code, s.hours, s.role, s.unit])).toEqual([
      ['tham_dinh_ho_so', 24, 'specialist', 'competent'],
      ['xem_xet_trinh_ky', 8, 'head', 'competent'],
      ['ky_quyet_dinh', 4, 'leader', 'SO.XD'],
      ['vao_so_dong_dau', 2, 'clerk', 'competent'],
    ]);

    const edit = await admin.get('/quan-tri/thu-tuc/9.000005/bieu-mau');
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('<h1>Sửa thủ tục 9.000005</h1>');
    expect(edit.text).toContain('phiên bản 2 của thủ tục');
    expect(edit.text).toContain('href="/quan-tri/thu-tuc/9.000005/sua" data-testid="json-editor-link"');
    const f = fields(edit.text);
    expect(f).toMatchObject({
      'steps.0.duration': '3',
      'steps.0.durationUnit': 'days',
      'steps.2.unit': 'SO.XD',
      'steps.2.signs': 'on',
    });
    const second = await submit({ ...f, name: 'Cấp phép thử (sửa đổi)', action: 'save' });
    expect(second.status).toBe(303);
    saved = await versions('9.000005');
    expect(saved.map((v) => [v.version, def(v).name])).toEqual([
      [1, 'Cấp phép thử'],
      [2, 'Cấp phép thử (sửa đổi)'],
    ]);
    expect(def(saved[1]).steps).toEqual(def(saved[0]).steps);
    expect((await admin.get('/quan-tri/thu-tuc/9.000005')).text).toContain('Đã lưu phiên bản 2 của thủ tục 9.000005');
  });

  it('a unit that does not exist is refused at its step by the service, nothing saved', async () => {
    const res = await submit({ ...filled('9.000006'), 'steps.1.unit': 'KHONG.CO', action: 'save' });
    expect(res.status).toBe(422);
    expect(errorAt(res.text, 'steps.1.unit')).toBe('Bước "xem_xet_trinh_ky" giao cho đơn vị "KHONG.CO" không tồn tại');
    expect(await versions('9.000006')).toHaveLength(0);
  });

  it('hostile field names and values never give a 500, and a refused save writes nothing', async () => {
    const key = fc.oneof(
      fc.constantFrom('code', 'name', 'totalDays', 'fee', 'level', 'result.kind', 'action', '__proto__', 'constructor'),
      fc
        .tuple(
          fc.constantFrom('steps', 'documents'),
          fc.oneof(fc.nat(60), fc.constantFrom('1e9', '-1', '99999999')),
          fc.constantFrom('code', 'name', 'role', 'unit', 'duration', 'durationUnit', 'signs', 'required', ''),
        )
        .map((p) => p.join('.')),
    );
    const before = await t.tdb.db('procedure_versions').count({ n: '*' });
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(key, fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })), { maxKeys: 12 }),
        fc.boolean(),
        async (body, live) => {
          const res = await admin
            .post(live ? '/quan-tri/thu-tuc/bieu-mau/kiem-tra' : '/quan-tri/thu-tuc/bieu-mau')
            .type('form')
            .send({ ...body, _csrf: csrf, action: live ? undefined : 'save' });
          expect(res.status).toBeLessThan(500);
          // A body past the form size limit is refused before it is read (413); any other is refused at its fields.
          if (!live) expect([413, 422]).toContain(res.status);
        },
      ),
      { numRuns: 25 },
    );
    expect(await t.tdb.db('procedure_versions').count({ n: '*' })).toEqual(before);
  });

  it('an unknown procedure has no form (404)', async () => {
    expect((await admin.get('/quan-tri/thu-tuc/KHONG.CO/bieu-mau')).status).toBe(404);
  });
});
