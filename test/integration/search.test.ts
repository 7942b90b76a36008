import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';
import { buildUnit, buildUser } from '../factories/accounts';
import { bearer, buildWorld, definition, receive, World } from '../factories/dossiers';
import * as accounts from '../../server/services/accounts.service';
import { migrationSource } from '../../db/migrations';

/** contract.md §2: `q` ignores case and Vietnamese diacritics on every engine. */
describe.each(ENGINES)('search ignoring case and diacritics on %s', (engine) => {
  let t: TestApp;
  let w: World;
  const codes: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
    expect(
      (await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition())).status,
    ).toBe(201);
    for (const name of ['Hồ Văn Lợi', 'Đặng Thị Hoa', 'Nguyễn Văn An', 'Hoàng Dũng'])
      codes[name] = (await receive(t.app, w, '1.000775', { applicant: { fullName: name } })).code;
    const unit = await buildUnit(t.tdb.db, { level: 'province', name: 'UBND tỉnh Tìm Kiếm' });
    for (const [username, fullName] of [
      ['loi.ho', 'Hồ Văn Lợi'],
      ['hoa.dang', 'Đặng Thị Hoa'],
      ['an.nguyen', 'Nguyễn Văn An'],
    ])
      await buildUser(t.tdb.db, { username, fullName, unitId: unit.id, roles: ['specialist'] });
  });
  afterAll(() => t.close());

  const dossiers = async (q: string) => {
    const res = await request(t.app)
      .get(`/api/v1/dossiers?q=${encodeURIComponent(q)}`)
      .set(bearer(w.tokens.intake));
    expect(res.status).toBe(200);
    return res.body.items.map((d: { applicant: { fullName: string } }) => d.applicant.fullName).sort();
  };
  const users = async (q: string) =>
    (await accounts.listUsers(t.tdb.db, { q, page: 1, pageSize: 100 })).items.map((u) => u.fullName).sort();

  it('dossiers: the applicant name without diacritics, in any case, and d for đ', async () => {
    expect(await dossiers('ho van loi')).toEqual(['Hồ Văn Lợi']);
    expect(await dossiers('HỒ VĂN LỢI')).toEqual(['Hồ Văn Lợi']);
    expect(await dossiers('  hồ   văn  ')).toEqual(['Hồ Văn Lợi']);
    expect(await dossiers('dang')).toEqual(['Đặng Thị Hoa']);
    expect(await dossiers('nguyen van')).toEqual(['Nguyễn Văn An']);
    expect(await dossiers('van')).toEqual(['Hồ Văn Lợi', 'Nguyễn Văn An']);
    // `d` finds đ as well as d.
    expect(await dossiers('d')).toEqual(expect.arrayContaining(['Hoàng Dũng', 'Đặng Thị Hoa']));
    expect(await dossiers('DUNG')).toEqual(['Hoàng Dũng']);
    expect(await dossiers('đung')).toEqual(['Hoàng Dũng']);
    // The code, in lower case.
    const code = codes['Hồ Văn Lợi'];
    const res = await request(t.app)
      .get(`/api/v1/dossiers?q=${encodeURIComponent(code.toLowerCase())}`)
      .set(bearer(w.tokens.intake));
    expect(res.body.items.map((d: { code: string }) => d.code)).toEqual([code]);
  });

  it('users: username and full name, paged with the total', async () => {
    expect(await users('ho van loi')).toEqual(['Hồ Văn Lợi']);
    expect(await users('HỒ VĂN LỢI')).toEqual(['Hồ Văn Lợi']);
    expect(await users('dang')).toEqual(['Đặng Thị Hoa']);
    expect(await users('HOA.DANG')).toEqual(['Đặng Thị Hoa']);
    const page1 = await accounts.listUsers(t.tdb.db, { q: 'van lo', page: 1, pageSize: 1 });
    expect(page1.items.map((u) => u.username)).toEqual(['loi.ho']);
    const unit = await t.tdb.db('units').where({ name: 'UBND tỉnh Tìm Kiếm' }).first('code');
    const pages = [1, 2].map((page) => accounts.listUsers(t.tdb.db, { unitCode: unit.code, page, pageSize: 2 }));
    const [a, b] = await Promise.all(pages);
    expect([a.total, b.total]).toEqual([3, 3]);
    expect([...a.items, ...b.items].map((u) => u.username)).toEqual(['an.nguyen', 'hoa.dang', 'loi.ho']);
    const all = await accounts.listUsers(t.tdb.db, { page: 1, pageSize: 100 });
    expect(all.total).toBe(all.items.length);
    expect(all.total).toBeGreaterThanOrEqual(13);
  });

  it('users: narrowed by unit and role; an unknown unit finds nobody', async () => {
    const unit = await t.tdb.db('units').where({ name: 'UBND tỉnh Tìm Kiếm' }).first('code');
    const inUnit = await accounts.listUsers(t.tdb.db, { unitCode: unit.code, page: 1, pageSize: 20 });
    expect(inUnit.items.map((u) => u.username)).toEqual(['an.nguyen', 'hoa.dang', 'loi.ho']);
    const heads = await accounts.listUsers(t.tdb.db, { role: 'head', page: 1, pageSize: 20 });
    expect(heads.items.every((u) => u.roles.includes('head'))).toBe(true);
    expect(heads.total).toBe(1);
    expect(await accounts.listUsers(t.tdb.db, { unitCode: 'KHONG.CO', page: 1, pageSize: 20 })).toEqual({
      items: [],
      total: 0,
    });
  });

  it('a renamed user and unit are found by the new name', async () => {
    await accounts.updateUser(t.tdb.db, 'an.nguyen', { fullName: 'Trịnh Đình Quang' });
    expect(await users('trinh dinh')).toEqual(['Trịnh Đình Quang']);
    expect(await users('nguyen van an')).toEqual([]);
    const unit = await t.tdb.db('units').where({ name: 'UBND tỉnh Tìm Kiếm' }).first('code');
    await accounts.updateUnit(t.tdb.db, unit.code, { name: 'UBND phường Đông Hải' });
    expect((await t.tdb.db('units').where({ code: unit.code }).first('search_text')).search_text).toBe(
      `${unit.code.toLowerCase()} ubnd phuong dong hai`,
    );
  });
});

describe.each(ENGINES)('migration 018_search_text on %s', (engine) => {
  it('backfills rows written before it, and can be undone and rerun', async () => {
    const t = await buildTestApp(engine);
    const db = t.tdb.db;
    try {
      // Back to 017 (undoing the later migrations one by one): the column goes; rows written then have no search text.
      const [, pending] = await db.migrate.list({ migrationSource });
      expect(pending).toEqual([]);
      for (let i = 0; i < 20 && (await db.schema.hasColumn('users', 'search_text')); i++)
        await db.migrate.down({ migrationSource });
      expect(await db.schema.hasColumn('users', 'search_text')).toBe(false);
      const now = Date.now();
      await db('units').insert({
        code: 'M.018',
        name: 'UBND xã Đức Hòa',
        level: 'commune',
        created_at: now,
        updated_at: now,
      });
      await db('users').insert({
        username: 'cu.dan',
        password_hash: 'x',
        full_name: 'Hồ Văn Lợi',
        created_at: now,
        updated_at: now,
      });
      await db.migrate.latest({ migrationSource });
      expect((await db('units').where({ code: 'M.018' }).first('search_text')).search_text).toBe(
        'm.018 ubnd xa duc hoa',
      );
      expect(
        (await accounts.listUsers(db, { q: 'HỒ VĂN LỢI', page: 1, pageSize: 10 })).items.map((u) => u.username),
      ).toEqual(['cu.dan']);
    } finally {
      await t.close();
    }
  });
});
