import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp, tokenFor } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';

describe.each(ENGINES)('units, users and tokens API on %s', (engine) => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    await buildUser(t.tdb.db, { username: 'admin', roles: ['admin'] });
    adminToken = await tokenFor(t.app, 'admin', PASSWORD);
  });
  afterAll(() => t.close());

  const api = () => request(t.app);
  const auth = (tok = adminToken) => ({ Authorization: `Bearer ${tok}` });

  it('issues a token for good credentials and refuses bad ones with a JSON 401', async () => {
    const ok = await api().post('/api/v1/tokens').send({ username: 'admin', password: PASSWORD });
    expect(ok.status).toBe(201);
    expect(ok.body.token).toMatch(/^mc_/);
    expect(ok.body.expiresAt).toMatch(/\+07:00$/);
    const bad = await api().post('/api/v1/tokens').send({ username: 'admin', password: 'sai' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('unauthorized');
    expect(bad.body.error.message).toMatch(/mật khẩu/);
  });

  it('stores tokens hashed, never in clear', async () => {
    const tok = await tokenFor(t.app, 'admin', PASSWORD);
    const rows = await t.tdb.db('api_tokens').select('token_hash');
    expect(rows.some((r) => r.token_hash === tok)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('needs a bearer token for every other call, and revokes the one in use', async () => {
    expect((await api().get('/api/v1/units')).status).toBe(401);
    expect((await api().get('/api/v1/units').set({ Authorization: 'Bearer nope' })).status).toBe(401);
    const tok = await tokenFor(t.app, 'admin', PASSWORD);
    expect((await api().get('/api/v1/units').set(auth(tok))).status).toBe(200);
    expect((await api().delete('/api/v1/tokens/current').set(auth(tok))).status).toBe(204);
    const after = await api().get('/api/v1/units').set(auth(tok));
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthorized');
  });

  it('creates a province → district → commune tree and validates parents', async () => {
    const p = await api()
      .post('/api/v1/units')
      .set(auth())
      .send({ code: '000.00.00.H99', name: 'UBND tỉnh Thử', level: 'province', symbol: 'UBND' });
    expect(p.status).toBe(201);
    expect(p.body).toEqual({
      code: '000.00.00.H99',
      name: 'UBND tỉnh Thử',
      level: 'province',
      parentCode: null,
      symbol: 'UBND',
      address: null,
      phone: null,
      active: true,
    });
    const d = await api().post('/api/v1/units').set(auth()).send({
      code: '000.00.01.H99',
      name: 'UBND huyện A',
      level: 'district',
      parentCode: '000.00.00.H99',
      address: 'Số 1 Trần Phú, thị trấn A',
      phone: '0291 3824 474',
    });
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({ address: 'Số 1 Trần Phú, thị trấn A', phone: '0291 3824 474' });
    const badPhone = await api().patch('/api/v1/units/000.00.01.H99').set(auth()).send({ phone: 'gọi tôi' });
    expect(badPhone.status).toBe(422);
    expect(badPhone.body.error.details.fields.phone).toMatch(/Số điện thoại/);
    const c = await api()
      .post('/api/v1/units')
      .set(auth())
      .send({ code: '000.01.01.H99', name: 'UBND xã B', level: 'commune', parentCode: '000.00.01.H99' });
    expect(c.status).toBe(201);
    // a commune directly under a province (two-tier provinces) is allowed
    expect(
      (
        await api()
          .post('/api/v1/units')
          .set(auth())
          .send({ code: '000.02.00.H99', name: 'UBND xã C', level: 'commune', parentCode: '000.00.00.H99' })
      ).status,
    ).toBe(201);

    const orphan = await api()
      .post('/api/v1/units')
      .set(auth())
      .send({ code: 'X1', name: 'Huyện mồ côi', level: 'district' });
    expect(orphan.status).toBe(422);
    expect(orphan.body.error.details.fields.parentCode).toMatch(/cấp trên/);
    const wrong = await api()
      .post('/api/v1/units')
      .set(auth())
      .send({ code: 'X2', name: 'Huyện dưới xã', level: 'district', parentCode: '000.01.01.H99' });
    expect(wrong.status).toBe(422);
    const badCode = await api().post('/api/v1/units').set(auth()).send({ code: 'a b/c', name: 'X', level: 'province' });
    expect(badCode.status).toBe(422);
    expect(Object.keys(badCode.body.error.details.fields)).toEqual(['code']);
    const dup = await api()
      .post('/api/v1/units')
      .set(auth())
      .send({ code: '000.00.00.H99', name: 'Trùng', level: 'province' });
    expect(dup.status).toBe(409);

    const list = await api().get('/api/v1/units').set(auth());
    expect(list.body.items.map((u: { code: string }) => u.code)).toEqual(
      expect.arrayContaining(['000.00.00.H99', '000.00.01.H99', '000.01.01.H99']),
    );
    // nothing was written by the refused requests
    expect(list.body.items.find((u: { code: string }) => u.code === 'X1' || u.code === 'X2')).toBeUndefined();
  });

  it('answers 400 for a body that is not JSON, 413 over 1 MB, never 500', async () => {
    const malformed = await api()
      .post('/api/v1/units')
      .set(auth())
      .set('Content-Type', 'application/json')
      .send('{"code":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad_request');
    const arr = await api().post('/api/v1/units').set(auth()).send([1, 2]);
    expect(arr.status).toBe(400);
    const big = await api()
      .post('/api/v1/units')
      .set(auth())
      .send({ code: 'BIG', name: 'x'.repeat(1_100_000), level: 'province' });
    expect(big.status).toBe(413);
    expect(big.body.error.message).toMatch(/vượt quá/);
  });

  it('creates users without echoing the password, and refuses non-admins with 403', async () => {
    const unit = await buildUnit(t.tdb.db);
    const res = await api()
      .post('/api/v1/users')
      .set(auth())
      .send({
        username: 'CanBo.Moi',
        password: 'mat-khau-123',
        fullName: 'Lê Thị Mới',
        unitCode: unit.code,
        roles: ['intake', 'intake'],
      });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      username: 'canbo.moi',
      fullName: 'Lê Thị Mới',
      email: null,
      unitCode: unit.code,
      roles: ['intake'],
      active: true,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/mat-khau|\$2[aby]\$/);
    const dup = await api()
      .post('/api/v1/users')
      .set(auth())
      .send({ username: 'canbo.moi', password: 'mat-khau-123', fullName: 'X', unitCode: unit.code, roles: ['intake'] });
    expect(dup.status).toBe(409);
    const bad = await api()
      .post('/api/v1/users')
      .set(auth())
      .send({ username: 'x', password: 'ngan', fullName: '', unitCode: 'KHONG.CO', roles: ['boss'] });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details.fields).sort()).toEqual(['fullName', 'password', 'roles.0', 'username']);
    const noUnit = await api()
      .post('/api/v1/users')
      .set(auth())
      .send({ username: 'khongdonvi', password: 'mat-khau-123', fullName: 'X', roles: ['intake'] });
    expect(noUnit.status).toBe(422);
    expect(noUnit.body.error.details.fields.unitCode).toBeDefined();

    const staffTok = await tokenFor(t.app, 'canbo.moi', 'mat-khau-123');
    const forbidden = await api()
      .post('/api/v1/users')
      .set(auth(staffTok))
      .send({ username: 'hacker', password: 'mat-khau-123', fullName: 'X', unitCode: unit.code, roles: ['admin'] });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    expect(await t.tdb.db('users').where({ username: 'hacker' }).first()).toBeUndefined();
  });

  it('disabling a user stops its tokens at once and its sign-in gets 401', async () => {
    const unit = await buildUnit(t.tdb.db);
    const u = await buildUser(t.tdb.db, { unitId: unit.id, roles: ['specialist'] });
    const tok = await tokenFor(t.app, u.username, PASSWORD);
    expect((await api().get('/api/v1/units').set(auth(tok))).status).toBe(200);
    const off = await api().patch(`/api/v1/users/${u.username}`).set(auth()).send({ active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await api().get('/api/v1/units').set(auth(tok))).status).toBe(401);
    expect((await api().post('/api/v1/tokens').send({ username: u.username, password: PASSWORD })).status).toBe(401);
    expect((await api().patch('/api/v1/users/khong-ton-tai').set(auth()).send({ active: false })).status).toBe(404);
  });

  it('unknown API routes answer JSON 404 once authenticated', async () => {
    const res = await api().get('/api/v1/khong-co').set(auth());
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
