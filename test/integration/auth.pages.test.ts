import request from 'supertest';
import { createApp } from '../../server/app';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';

describe.each(ENGINES)('sign-in, sessions and CSRF on %s', (engine) => {
  let t: TestApp;
  let unit: { id: number; code: string };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    unit = await buildUnit(t.tdb.db, { name: 'UBND phường Thử' });
    await buildUser(t.tdb.db, { username: 'admin', roles: ['admin'], fullName: 'Quản trị viên' });
    await buildUser(t.tdb.db, {
      username: 'chuyenvien',
      roles: ['specialist'],
      unitId: unit.id,
      fullName: 'Trần Thị Bích',
    });
  });
  afterAll(() => t.close());

  it('redirects staff pages to the sign-in form and serves it in Vietnamese', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dang-nhap?next=%2F');
    const page = await request(t.app).get('/dang-nhap');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tên đăng nhập');
    expect(page.text).toContain('<html lang="vi">');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('signs in through the form, shows name, unit and roles, and signs out', async () => {
    const agent = await signIn(t.app, 'chuyenvien', PASSWORD);
    const home = await agent.get('/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Trần Thị Bích');
    expect(home.text).toContain('UBND phường Thử');
    expect(home.text).toContain('Chuyên viên xử lý');
    expect(home.text).not.toContain('/quan-tri/nguoi-dung'); // no admin navigation for a specialist
    const cookie = home.request.cookies;
    expect(cookie).toBeDefined();
    const out = await agent
      .post('/dang-xuat')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(out.status).toBe(303);
    expect((await agent.get('/')).status).toBe(303);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const res = await request(t.app).get('/dang-nhap');
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/motcua\.sid=/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
  });

  it('refuses a form POST without a valid CSRF token with 403 and changes nothing', async () => {
    const agent = await signIn(t.app, 'admin', PASSWORD);
    const res = await agent
      .post('/quan-tri/don-vi')
      .type('form')
      .send({ code: 'CSRF.1', name: 'Không được tạo', level: 'province' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('biểu mẫu không hợp lệ');
    const forged = await agent
      .post('/quan-tri/don-vi')
      .type('form')
      .send({ _csrf: 'gia-mao', code: 'CSRF.2', name: 'X', level: 'province' });
    expect(forged.status).toBe(403);
    expect(await t.tdb.db('units').whereIn('code', ['CSRF.1', 'CSRF.2']).first()).toBeUndefined();
  });

  it('keeps sessions in the database: a second app instance (restart) knows the user', async () => {
    const page = await request(t.app).get('/dang-nhap');
    const anon = String(page.headers['set-cookie']).split(';')[0];
    const login = await request(t.app)
      .post('/dang-nhap')
      .set('Cookie', anon)
      .type('form')
      .send({ username: 'chuyenvien', password: PASSWORD, _csrf: csrfFrom(page.text) });
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const restarted = createApp(t.ctx);
    const res = await request(restarted).get('/').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Trần Thị Bích');
    const me = await t.tdb.db('users').where({ username: 'chuyenvien' }).first('id');
    expect(await t.tdb.db('sessions').where({ user_id: me.id }).first()).toBeDefined();
  });

  it('20 wrong passwords never give a 500 and end in 429 for that username, even with the right password', async () => {
    await buildUser(t.tdb.db, { username: 'nannhan', unitId: unit.id });
    const statuses: number[] = [];
    const agent = request.agent(t.app);
    for (let i = 0; i < 20; i++) {
      const page = await agent.get('/dang-nhap');
      const res = await agent
        .post('/dang-nhap')
        .type('form')
        .send({ username: 'nannhan', password: `sai-${i}`, _csrf: csrfFrom(page.text) });
      statuses.push(res.status);
    }
    expect(statuses).not.toContain(500);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    const page = await agent.get('/dang-nhap');
    const right = await agent
      .post('/dang-nhap')
      .type('form')
      .send({ username: 'nannhan', password: PASSWORD, _csrf: csrfFrom(page.text) });
    expect(right.status).toBe(429);
    expect(right.text).toMatch(/thử lại sau \d+ phút/);
    expect(right.headers['retry-after']).toBeDefined();
    // the API token endpoint shares the lockout
    const api = await request(t.app).post('/api/v1/tokens').send({ username: 'nannhan', password: PASSWORD });
    expect(api.status).toBe(429);
    expect(api.body.error.code).toBe('rate_limited');
    // another user is not affected
    expect(
      (await request(t.app).post('/api/v1/tokens').send({ username: 'chuyenvien', password: PASSWORD })).status,
    ).toBe(201);
  });

  it('a wrong password re-renders the form with the username kept', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/dang-nhap');
    const res = await agent
      .post('/dang-nhap')
      .type('form')
      .send({ username: 'admin', password: 'sai', _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(401);
    expect(res.text).toContain('value="admin"');
    expect(res.text).toContain('không đúng');
  });

  it('disabling a user through the admin page ends its open session at once', async () => {
    await buildUser(t.tdb.db, { username: 'sapkhoa', unitId: unit.id, fullName: 'Người Sắp Khóa' });
    const victim = await signIn(t.app, 'sapkhoa', PASSWORD);
    expect((await victim.get('/')).status).toBe(200);
    const admin = await signIn(t.app, 'admin', PASSWORD);
    const form = await admin.get('/quan-tri/nguoi-dung/sapkhoa');
    expect(form.status).toBe(200);
    const res = await admin
      .post('/quan-tri/nguoi-dung/sapkhoa')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), fullName: 'Người Sắp Khóa', unitCode: unit.code, roles: 'specialist' });
    expect(res.status).toBe(303);
    expect((await victim.get('/')).status).toBe(303);
  });

  it('admin forms show Vietnamese field errors and keep the input', async () => {
    const admin = await signIn(t.app, 'admin', PASSWORD);
    const page = await admin.get('/quan-tri/don-vi');
    const res = await admin
      .post('/quan-tri/don-vi')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: 'sai mã!', name: 'Tên giữ lại', level: 'district' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('value="Tên giữ lại"');
    expect(res.text).toContain('Mã định danh chỉ gồm chữ, số và dấu chấm');
    const ok = await admin
      .post('/quan-tri/don-vi')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: 'HTML.1', name: 'UBND tỉnh Mới', level: 'province' });
    expect(ok.status).toBe(303);
    expect((await admin.get('/quan-tri/don-vi')).text).toContain('Đã thêm đơn vị UBND tỉnh Mới');
  });

  it('renders 403 and 404 pages in Vietnamese', async () => {
    const agent = await signIn(t.app, 'chuyenvien', PASSWORD);
    const forbidden = await agent.get('/quan-tri/don-vi');
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).toContain('Không có quyền truy cập');
    const missing = await agent.get('/khong-co-trang-nay');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('Không tìm thấy');
  });

  it('healthz answers ok', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});
