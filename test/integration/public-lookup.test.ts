import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';

describe.each(ENGINES)('public lookup on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let code: string;
  const PRIVATE = {
    idNumber: '094123456789',
    phone: '0987654321',
    email: 'bimat@example.vn',
    address: '12 Đường Bí Mật, Phường 1',
  };

  beforeAll(async () => {
    t = await buildTestApp(engine, { PUBLIC_RATE_LIMIT: '25' });
    w = await buildWorld(t.app, t.tdb.db);
    await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
    const d = await receive(t.app, w, '1.000775', {
      applicant: { fullName: 'Nguyễn Văn <script>alert(1)</script>', ...PRIVATE },
      note: 'Ghi chú nội bộ XYZ',
    });
    code = d.code;
    await send(t.app, w.tokens.specialist, code, {
      type: 'REQUEST_SUPPLEMENT',
      version: 1,
      comment: ASK,
    });
  });
  const ASK = 'Bổ sung bản sao Báo cáo thành tích có xác nhận của thủ trưởng đơn vị.';
  afterAll(() => t.close());

  it('returns exactly the contract fields, with the name masked, and no private value anywhere', async () => {
    const res = await request(t.app).get(`/api/v1/public/dossiers/${code}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'applicantName',
        'code',
        'completedAt',
        'dueAt',
        'procedureName',
        'receivedAt',
        'receivingUnitName',
        'status',
        'statusText',
      ].sort(),
    );
    expect(res.body).toMatchObject({
      code,
      status: 'waiting_supplement',
      statusText: 'Chờ bổ sung hồ sơ',
      completedAt: null,
      receivingUnitName: 'UBND xã Một',
    });
    expect(res.body.applicantName).toBe('Nguyễn V. <.');
    const html = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(code)}`);
    expect(html.status).toBe(200);
    for (const body of [res.text, html.text]) {
      for (const secret of [...Object.values(PRIVATE), 'Ghi chú nội bộ XYZ', 'Nguyễn Thử', 'Văn'])
        expect(body).not.toContain(secret);
    }
    expect(html.text).toContain('Chờ bổ sung hồ sơ');
    expect(res.text).not.toContain(ASK); // the JSON keeps its nine keys
    expect(html.text).toContain('Đã tiếp nhận, đang xử lý');
    expect(html.headers['set-cookie']).toBeUndefined(); // no session for citizens
  });

  it('escapes hostile names in the page', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: { fullName: '<img src=x onerror=alert(1)> "Trần"' } });
    const html = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(d.code)}`);
    expect(html.text).not.toContain('<img src=x');
    expect(html.text).toContain('&lt;img');
  });

  it('answers 404 for unknown or malformed codes, in Vietnamese', async () => {
    const res = await request(t.app).get('/api/v1/public/dossiers/000.00.00.X99-990101-0001');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/Không tìm thấy hồ sơ/);
    expect((await request(t.app).get(`/api/v1/public/dossiers/${encodeURIComponent("' OR 1=1 --")}`)).status).toBe(404);
    const html = await request(t.app).get('/tra-cuu?ma=khong_co'); // letters, digits, . and - only (ours or the portal's)
    expect(html.status).toBe(404);
    expect(html.text).toContain('Mã hồ sơ không đúng định dạng');
    expect((await request(t.app).get('/tra-cuu')).status).toBe(200);
  });

  it('rate limits each client address with a clear message (429)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await request(t.app).get(`/api/v1/public/dossiers/${code}`)).status);
    expect(statuses).toContain(429);
    expect(statuses.indexOf(429)).toBeGreaterThan(15);
    const res = await request(t.app).get(`/api/v1/public/dossiers/${code}`);
    expect(res.status).toBe(429);
    expect(res.body.error.message).toMatch(/quá nhiều lần/);
  });
});

describe.each(ENGINES)('public lookup: what a citizen must do next, on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let code: string;
  const ASK = 'Bổ sung bản sao Báo cáo thành tích có xác nhận của thủ trưởng đơn vị.';

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
    await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
    code = (await receive(t.app, w, '1.000775')).code;
    const asked = await send(t.app, w.tokens.specialist, code, {
      type: 'REQUEST_SUPPLEMENT',
      version: 1,
      comment: ASK,
    });
    expect(asked.status).toBe(200);
    const unit = await request(t.app)
      .patch(`/api/v1/units/${w.commune.code}`)
      .set(bearer(w.tokens.admin))
      .send({ address: 'Số 5 Lê Lợi, xã Một', phone: '0291 3822 701' });
    expect(unit.status).toBe(200);
    expect(unit.body).toMatchObject({ address: 'Số 5 Lê Lợi, xã Một', phone: '0291 3822 701' });
  });
  afterAll(() => t.close());

  it('finds a code typed in lower case or with spaces, on the page and in the JSON lookup', async () => {
    for (const typed of [code.toLowerCase(), `  ${code}  `, ` ${code.toLowerCase()}\t`]) {
      const res = await request(t.app).get(`/api/v1/public/dossiers/${encodeURIComponent(typed)}`);
      expect(res.status).toBe(200);
      expect(res.body.code).toBe(code);
      const html = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(typed)}`);
      expect(html.status).toBe(200);
      expect(html.text).toContain('Chờ bổ sung hồ sơ');
      expect(html.text).toContain(`value="${code}"`);
    }
    // spaces inside, as people copy a code from paper
    const spaced = code.replace(/-/g, ' - ').toLowerCase();
    expect((await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(spaced)}`)).status).toBe(200);
  });

  it('an admin keeps the desk address and phone in the unit form, and the lookup shows them', async () => {
    await buildUser(t.tdb.db, { username: 'qtv.diachi', roles: ['admin'] });
    const admin = await signIn(t.app, 'qtv.diachi', PASSWORD);
    const form = await admin.get(`/quan-tri/don-vi/${w.other.code}`);
    expect(form.text).toContain('Địa chỉ Bộ phận Một cửa');
    const saved = await admin
      .post(`/quan-tri/don-vi/${w.other.code}`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        name: 'UBND xã Hai',
        level: 'commune',
        parentCode: w.district.code,
        address: 'Ấp Bờ Xáng, xã Hai',
        phone: '0291 3950 115',
        active: 'on',
      });
    expect(saved.status).toBe(303);
    const again = await admin.get(`/quan-tri/don-vi/${w.other.code}`);
    expect(again.text).toContain('value="Ấp Bờ Xáng, xã Hai"');
    expect(again.text).toContain('value="0291 3950 115"');
    const res = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.otherIntake))
      .send({ procedureCode: '1.000775', applicant: { fullName: 'Lê Thị Hoa' }, documents: ['TO_TRINH', 'BAO_CAO'] });
    expect(res.status).toBe(201);
    const d = res.body;
    const html = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(d.code)}`);
    expect(html.text).toContain('Ấp Bờ Xáng, xã Hai');
    expect(html.text).toContain('0291 3950 115');
    expect(html.text).not.toContain('data-testid="supplement"'); // nothing asked for
  });

  it('says what to bring while waiting for a supplement, and where, with no staff name', async () => {
    const html = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(code)}`);
    expect(html.status).toBe(200);
    const ask = html.text.slice(html.text.indexOf('data-testid="supplement"'));
    expect(ask).toContain('Hồ sơ cần bổ sung');
    expect(ask).toContain(ASK);
    const desk = html.text.slice(html.text.indexOf('data-testid="desk"'));
    expect(desk).toContain('UBND xã Một');
    expect(desk).toContain('Số 5 Lê Lợi, xã Một');
    expect(desk).toContain('0291 3822 701');
    // No staff member's name anywhere on the page (the requester is on form 02, not here).
    const staff = (await t.tdb.db('users').whereNotNull('full_name').select('full_name')) as Array<{
      full_name: string;
    }>;
    expect(staff.length).toBeGreaterThan(5);
    for (const { full_name } of staff) expect(html.text).not.toContain(full_name);
    // Once supplemented, the request is no longer shown.
    await send(t.app, w.tokens.intake, code, { type: 'SUPPLEMENT_RECEIVED', version: 2 });
    const after = await request(t.app).get(`/tra-cuu?ma=${encodeURIComponent(code)}`);
    expect(after.text).not.toContain(ASK);
    expect(after.text).toContain('0291 3822 701');
  });
});
