import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { csrfFrom, signIn, type TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildDossierApp, receive, type World } from '../factories/dossiers';

/** The admin's unit pages (design.md §13): the tree with search, merge preview and confirm, retire. */
describe.each(ENGINES)('unit pages on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let target: { id: number; code: string };

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    target = await buildUnit(t.tdb.db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Hợp Nhất' });
    const a = await buildUser(t.tdb.db, { roles: ['admin'] });
    admin = await signIn(t.app, a.username, PASSWORD);
    await receive(t.app, w, '1.000775');
    await receive(t.app, w, '1.000775');
  });
  afterAll(() => t.close());

  it('shows the tree and finds a unit ignoring diacritics, with its parents for context', async () => {
    const all = await admin.get('/quan-tri/don-vi');
    expect(all.status).toBe(200);
    expect(all.text).toContain('UBND tỉnh Thử');
    expect(all.text).toMatch(/class="depth-2">UBND xã Hợp Nhất/);
    const found = await admin.get('/quan-tri/don-vi?q=hop%20nhat');
    expect(found.text).toContain('UBND xã Hợp Nhất');
    expect(found.text).toContain('UBND huyện Thử'); // its parent, for context
    expect(found.text).not.toMatch(/scope="row" class="depth-\d">UBND xã Hai/);
  });

  it('refuses to retire a unit with work in progress, with the reason', async () => {
    const page = await admin.get('/quan-tri/don-vi');
    const res = await admin
      .post(`/quan-tri/don-vi/${w.commune.code}/ngung-hoat-dong`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Còn 2 hồ sơ đang giải quyết');
  });

  it('previews the merge with counts and lists, then merges on confirm with a flash of what moved', async () => {
    const page = await admin.get(`/quan-tri/don-vi/${w.commune.code}/sap-nhap?vao=${target.code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Sẽ chuyển sang UBND xã Hợp Nhất');
    expect(page.text).toMatch(/<strong>2<\/strong> hồ sơ đang giải quyết/);
    expect(page.text).toContain('Xác nhận sáp nhập');
    const done = await admin
      .post(`/quan-tri/don-vi/${w.commune.code}/sap-nhap`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), intoCode: target.code });
    expect(done.status).toBe(303);
    const list = await admin.get('/quan-tri/don-vi');
    expect(list.text).toMatch(/Đã sáp nhập đơn vị .* chuyển 5 người dùng, 2 hồ sơ/);
    expect(list.text).toMatch(/Đã sáp nhập<\/span> vào UBND xã Hợp Nhất ngày \d{2}\/\d{2}\/\d{4}/);
    const code = /href="\/ho-so\/([^"]+)"/.exec(page.text)![1];
    const history = await admin.get(`/ho-so/${code}`);
    expect(history.text).toContain('Chuyển đơn vị do sáp nhập');
    expect(history.text).toContain('Chuyển từ UBND xã Một sang UBND xã Hợp Nhất do sáp nhập đơn vị');
    const units = (await request(t.app).get('/api/v1/units').set(bearer(w.tokens.admin))).body.items;
    expect(units.find((u: { code: string }) => u.code === w.commune.code).active).toBe(false);
  });

  it('shows the refusal instead of the confirm button (into a unit below), and retires an idle unit', async () => {
    const page = await admin.get(`/quan-tri/don-vi/${w.district.code}/sap-nhap?vao=${target.code}`);
    expect(page.text).toContain('Không thể sáp nhập');
    expect(page.text).not.toContain('Xác nhận sáp nhập');
    const idle = await buildUnit(t.tdb.db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Nghỉ' });
    const res = await admin
      .post(`/quan-tri/don-vi/${idle.code}/ngung-hoat-dong`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect((await admin.get('/quan-tri/don-vi')).text).toContain('Đơn vị UBND xã Nghỉ đã ngừng hoạt động.');
  });
});
