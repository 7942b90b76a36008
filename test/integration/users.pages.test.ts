import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, tokenFor, type TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, definition } from '../factories/dossiers';
import { vnDate } from '../../workflows/calendar';
import { verifyChains } from '../../server/services/audit';
import type { Role } from '../../workflows/labels';

const DAY = 86_400_000;
/** An attribute value as the browser reads it. */
const unescape = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/**
 * The admin's user list (issue 16): search ignoring diacritics, unit (with sub-units), role and status
 * filters that combine, 50 a page; and disabling someone who still has work: the warning lists it,
 * the hand-over moves drafts and replies and grants the roles only they held, in one go.
 */
describe.each(ENGINES)('user admin pages on %s', (engine) => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let csrf: string;
  const u: Record<string, { id: number; code: string }> = {};
  const names: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const tok: Record<string, string> = {};
  let draftId: number;
  let consultedId: number;
  let dossierCode: string;

  const api = () => request(t.app);
  const page = (qs: string) => admin.get(`/quan-tri/nguoi-dung${qs}`);
  const disable = (username: string, body: Record<string, string>) =>
    admin
      .post(`/quan-tri/nguoi-dung/${username}/khoa`)
      .type('form')
      .send({ _csrf: csrf, ...body });
  const db = () => t.tdb.db;
  const snapshot = async () => ({
    dispatches: await db()('dispatches').orderBy('id').select('id', 'state', 'version', 'created_by'),
    replies: await db()('dispatch_replies').orderBy('id').select('id', 'state', 'version', 'assignee_id'),
    dossiers: await db()('dossiers').orderBy('id').select('id', 'state', 'version', 'handling_unit_id'),
    roles: await db()('user_roles').orderBy(['user_id', 'role']).select('user_id', 'role'),
    active: (await db()('users').orderBy('id').select('id', 'active')).map((r) => [r.id, Boolean(r.active)]),
  });

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const d = db();
    u.province = await buildUnit(d, { level: 'province', name: 'UBND tỉnh Thử' });
    u.district = await buildUnit(d, { level: 'district', parentId: u.province.id, name: 'UBND huyện Thử' });
    u.c1 = await buildUnit(d, { level: 'commune', parentId: u.district.id, name: 'UBND xã Một' });
    u.c2 = await buildUnit(d, { level: 'commune', parentId: u.district.id, name: 'UBND xã Hai', symbol: 'UBND-XH' });
    const people: Array<[string, string | null, Role[], string]> = [
      ['admin', null, ['admin'], 'Quản Trị Viên'],
      ['intake', 'c1', ['intake'], 'Vũ Thị Một Cửa'],
      ['target', 'c1', ['specialist', 'leader'], 'Trần Thị Soạn'],
      ['taker', 'c1', ['specialist'], 'Lê Văn Nhận'],
      ['clerk', 'c1', ['clerk'], 'Phạm Văn Thư'],
      ['head', 'c1', ['head'], 'Đỗ Văn Trưởng'],
      ['c2Spec', 'c2', ['specialist'], 'Hoàng Văn Gửi'],
      ['c2Head', 'c2', ['head'], 'Bùi Thị Duyệt'],
      ['c2Clerk', 'c2', ['clerk'], 'Ngô Văn Số'],
    ];
    for (const [key, unit, roles, fullName] of people) {
      const user = await buildUser(d, { unitId: unit ? u[unit].id : null, roles, fullName });
      names[key] = user.username;
      ids[key] = user.id;
      tok[key] = await tokenFor(t.app, user.username, PASSWORD);
    }
    // Enough people in xã Hai for a second page.
    for (let i = 1; i <= 52; i++)
      await buildUser(d, {
        unitId: u.c2.id,
        roles: ['clerk'],
        fullName: `Cán bộ Thử Số ${String(i).padStart(2, '0')}`,
      });
    admin = await signIn(t.app, names.admin, PASSWORD);
    csrf = csrfFrom((await admin.get('/quan-tri/nguoi-dung')).text);

    // The target's work: a draft, a reply of xã Một assigned to them, a dossier at the leader's step.
    const future = vnDate(new Date(Date.now() + 10 * DAY));
    const mk = async (who: string, units: string[], title: string) => {
      const res = await api()
        .post('/api/v1/dispatches')
        .set(bearer(tok[who]))
        .send({ title, summary: 'Đề nghị góp ý.', dueDate: future, recipientUnitCodes: units });
      expect(res.status).toBe(201);
      return res.body.id as number;
    };
    draftId = await mk('target', [u.c2.code], 'Dự thảo quy chế phối hợp');
    consultedId = await mk('c2Spec', [u.c1.code], 'Xin ý kiến kế hoạch chuyển đổi số');
    const ev = (who: string, body: object) =>
      api().post(`/api/v1/dispatches/${consultedId}/events`).set(bearer(tok[who])).send(body);
    expect((await ev('c2Spec', { type: 'SUBMIT', version: 1 })).status).toBe(200);
    expect((await ev('c2Head', { type: 'APPROVE', version: 2 })).status).toBe(200);
    expect((await ev('c2Clerk', { type: 'ISSUE', version: 3 })).status).toBe(200);
    const assign = await api()
      .post(`/api/v1/dispatches/${consultedId}/replies/${u.c1.code}/events`)
      .set(bearer(tok.head))
      .send({ type: 'ASSIGN', version: 1, assignee: names.target });
    expect(assign.status).toBe(200);

    expect((await api().post('/api/v1/procedures').set(bearer(tok.admin)).send(definition())).status).toBe(201);
    const received = await api()
      .post('/api/v1/dossiers')
      .set(bearer(tok.intake))
      .send({
        procedureCode: '1.000775',
        applicant: { fullName: 'Nguyễn Văn An', idNumber: '094123456789' },
        documents: ['TO_TRINH', 'BAO_CAO'],
      });
    expect(received.status).toBe(201);
    dossierCode = received.body.code;
    const fwd = (who: string, version: number) =>
      api().post(`/api/v1/dossiers/${dossierCode}/events`).set(bearer(tok[who])).send({ type: 'FORWARD', version });
    expect((await fwd('taker', received.body.version)).status).toBe(200);
    const atSign = await fwd('head', received.body.version + 1);
    expect(atSign.status).toBe(200);
    expect(atSign.body.step.role).toBe('leader');
  }, 300_000);
  afterAll(() => t.close());

  it('finds people by name ignoring diacritics, by username and by e-mail', async () => {
    const byName = await page('?tim=tran%20thi%20soan');
    expect(byName.status).toBe(200);
    expect(byName.text).toContain('Trần Thị Soạn');
    expect(byName.text).not.toContain('Lê Văn Nhận');
    expect(byName.text).toContain('1 người dùng khớp với bộ lọc');
    expect((await page(`?tim=${names.taker}`)).text).toContain('Lê Văn Nhận');
    await api()
      .patch(`/api/v1/users/${names.clerk}`)
      .set(bearer(tok.admin))
      .send({ email: 'van.thu@ubnd-xamot.gov.vn' });
    const byMail = await page('?tim=XAMOT.gov');
    expect(byMail.text).toContain('Phạm Văn Thư');
    expect(byMail.text).toContain('van.thu@ubnd-xamot.gov.vn');
    expect(byMail.text).not.toContain('Trần Thị Soạn');
  });

  it('combines unit (with or without sub-units), role and status filters', async () => {
    const c1Specialists = await page(`?don-vi=${u.c1.code}&vai-tro=specialist`);
    expect(c1Specialists.text).toContain('Trần Thị Soạn');
    expect(c1Specialists.text).toContain('Lê Văn Nhận');
    expect(c1Specialists.text).not.toContain('Phạm Văn Thư'); // a clerk of the same unit
    expect(c1Specialists.text).not.toContain('Hoàng Văn Gửi'); // a specialist of another unit
    expect(c1Specialists.text).toContain('2 người dùng khớp với bộ lọc');
    expect((await page(`?don-vi=${u.district.code}`)).text).toContain('0 người dùng khớp với bộ lọc');
    const below = await page(`?don-vi=${u.district.code}&cap-duoi=1&vai-tro=specialist`);
    expect(below.text).toContain('3 người dùng khớp với bộ lọc');
    expect(below.text).toContain('Hoàng Văn Gửi');
    expect((await page(`?don-vi=${u.c1.code}&trang-thai=da-khoa`)).text).toContain('Không có người dùng nào khớp');
    expect((await page(`?don-vi=${u.c1.code}&trang-thai=hoat-dong&tim=van`)).text).toContain('Đỗ Văn Trưởng');
  });

  it('pages by 50 with the total, and prev/next keep the filters', async () => {
    const first = await page(`?don-vi=${u.c2.code}`);
    expect(first.text).toContain('55 người dùng khớp với bộ lọc · hiển thị 1–50');
    const next = unescape(/href="([^"]+)" rel="next"/.exec(first.text)![1]);
    expect(next).toBe(`/quan-tri/nguoi-dung?don-vi=${encodeURIComponent(u.c2.code)}&trang=2`);
    const second = await admin.get(next);
    expect(second.text).toContain('hiển thị 51–55');
    expect(second.text).toContain('Trang 2 / 2');
    // By username: the second page holds the five the first did not show.
    const shown = (html: string) => [...html.matchAll(/<td><code>([^<]+)<\/code><\/td>/g)].map((m) => m[1]);
    expect(shown(first.text)).toHaveLength(50);
    expect(shown(second.text)).toHaveLength(5);
    expect(new Set([...shown(first.text), ...shown(second.text)]).size).toBe(55);
    expect(unescape(/href="([^"]+)" rel="prev"/.exec(second.text)![1])).toBe(
      `/quan-tri/nguoi-dung?don-vi=${encodeURIComponent(u.c2.code)}`,
    );
  });

  it('falls back to the full list on values it cannot use', async () => {
    const res = await page('?trang=abc&vai-tro=thu-truong&trang-thai=x&don-vi=KHONG.CO&cap-duoi=2');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Trang 1 / 2');
    expect(res.text).toContain('61 người dùng · hiển thị 1–50');
    expect(res.text).not.toContain('khớp với bộ lọc');
  });

  it('unticking "active" for someone with work leads to the warning page, which lists the work', async () => {
    const edit = await admin
      .post(`/quan-tri/nguoi-dung/${names.target}`)
      .type('form')
      .send({ _csrf: csrf, fullName: 'Trần Thị Soạn', unitCode: u.c1.code, roles: ['specialist', 'leader'] });
    expect(edit.status).toBe(303);
    expect(edit.headers.location).toBe(`/quan-tri/nguoi-dung/${names.target}/khoa`);
    expect((await db()('users').where({ id: ids.target }).first('active')).active).toBeTruthy();
    const warn = await admin.get(edit.headers.location);
    expect(warn.status).toBe(200);
    expect(warn.text).toContain('Chưa khóa');
    expect(warn.text).toContain('Người này còn 3 việc đang xử lý.');
    expect(warn.text).toContain(`href="/cong-van/${draftId}">Dự thảo quy chế phối hợp`);
    expect(warn.text).toContain(`href="/cong-van/${consultedId}">Xin ý kiến kế hoạch chuyển đổi số`);
    expect(warn.text).toContain(`href="/ho-so/${dossierCode}"`);
    expect(warn.text).toContain('Giao vai trò Lãnh đạo UBND cho');
    // The takers are the unit's other active specialists; the clerk is not offered.
    expect(warn.text).toMatch(new RegExp(`<option value="${names.taker}"`));
    expect(warn.text).not.toMatch(new RegExp(`id="f-to"[\\s\\S]*<option value="${names.clerk}"[\\s\\S]*id="f-grant`));
  });

  it('refuses a hand-over to someone without the role, in Vietnamese, and changes nothing', async () => {
    const before = await snapshot();
    const toClerk = await disable(names.target, { mode: 'reassign', to: names.clerk, 'grant-leader': names.head });
    expect(toClerk.status).toBe(422);
    expect(toClerk.text).toContain('không phải chuyên viên xử lý của đơn vị');
    const noGrant = await disable(names.target, { mode: 'reassign', to: names.taker });
    expect(noGrant.status).toBe(422);
    expect(noGrant.text).toContain('Chọn người nhận công việc.');
    const elsewhere = await disable(names.target, { mode: 'reassign', to: names.taker, 'grant-leader': names.c2Head });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.text).toContain('không thuộc đơn vị đang giữ hồ sơ');
    expect(await snapshot()).toEqual(before);
  });

  it('hands the work over and disables in one go: owners move, states stay', async () => {
    const before = await snapshot();
    const res = await disable(names.target, { mode: 'reassign', to: names.taker, 'grant-leader': names.head });
    expect(res.status).toBe(303);
    const after = await snapshot();
    // Ownership moved, nothing else: same states and versions.
    expect(after.dispatches).toEqual(
      before.dispatches.map((d) => (d.id === draftId ? { ...d, created_by: ids.taker } : d)),
    );
    expect(after.replies).toEqual(
      before.replies.map((r) => (r.assignee_id === ids.target ? { ...r, assignee_id: ids.taker } : r)),
    );
    expect(after.dossiers).toEqual(before.dossiers);
    expect(after.roles).toEqual(
      [...before.roles, { user_id: ids.head, role: 'leader' }].sort(
        (a, b) => a.user_id - b.user_id || a.role.localeCompare(b.role),
      ),
    );
    expect(after.active).toEqual(before.active.map(([id, a]) => [id, id === ids.target ? false : a]));
    const list = await page(`?tim=${names.target}`);
    expect(list.text).toMatch(/Đã khóa người dùng .* \(đã chuyển 2 công văn, ý kiến; đã giao vai trò lãnh đạo ubnd\)/);
    // The new drafter edits the draft; the history says who moved it.
    const edit = await api()
      .patch(`/api/v1/dispatches/${draftId}`)
      .set(bearer(tok.taker))
      .send({ version: 1, title: 'Dự thảo quy chế (sửa)' });
    expect(edit.status).toBe(200);
    const history = await admin.get(`/cong-van/${draftId}`);
    expect(history.text).toContain('Chuyển người soạn');
    expect(history.text).toContain('Chuyển từ Trần Thị Soạn sang Lê Văn Nhận do khóa tài khoản');
    expect((await admin.get(`/cong-van/${consultedId}`)).text).toContain('Chuyển chuyên viên được giao');
    expect(await verifyChains(db())).toEqual([]); // the moves are links of each hash chain
    // The head, now a leader too, may sign the dossier.
    const dossier = await api().get(`/api/v1/dossiers/${dossierCode}`).set(bearer(tok.head));
    const signed = await api()
      .post(`/api/v1/dossiers/${dossierCode}/events`)
      .set(bearer(await tokenFor(t.app, names.head, PASSWORD)))
      .send({ type: 'FORWARD', version: dossier.body.version });
    expect(signed.status).toBe(200);
    expect((await api().post('/api/v1/tokens').send({ username: names.target, password: PASSWORD })).status).toBe(401);
  });

  it('disables anyway on request, leaving the work where it was', async () => {
    const lone = await buildUser(db(), { unitId: u.c2.id, roles: ['specialist'], fullName: 'Mai Văn Một Mình' });
    const id = await (async () => {
      const res = await api()
        .post('/api/v1/dispatches')
        .set(bearer(await tokenFor(t.app, lone.username, PASSWORD)))
        .send({
          title: 'Dự thảo dở dang',
          summary: 'x',
          dueDate: vnDate(new Date(Date.now() + 10 * DAY)),
          recipientUnitCodes: [u.c1.code],
        });
      return res.body.id as number;
    })();
    const warn = await admin.get(`/quan-tri/nguoi-dung/${lone.username}/khoa`);
    expect(warn.text).toContain('Người này còn 1 việc đang xử lý.');
    expect(warn.text).toContain('Vẫn khóa tài khoản');
    expect((await disable(lone.username, { mode: 'force' })).status).toBe(303);
    expect((await db()('users').where({ id: lone.id }).first('active')).active).toBeFalsy();
    expect((await db()('dispatches').where({ id }).first('created_by', 'state')).state).toBe('draft');
    expect(Number((await db()('dispatches').where({ id }).first('created_by')).created_by)).toBe(lone.id);
  });

  it("the unit's only specialist: whoever is given the role takes the drafts too, in the same step", async () => {
    const c3 = await buildUnit(db(), { level: 'commune', parentId: u.district.id, name: 'UBND xã Ba' });
    const only = await buildUser(db(), { unitId: c3.id, roles: ['specialist'], fullName: 'Mai Thị Duy Nhất' });
    const clerk = await buildUser(db(), { unitId: c3.id, roles: ['clerk'], fullName: 'Cao Văn Kiêm' });
    const desk = await buildUser(db(), { unitId: c3.id, roles: ['intake'], fullName: 'Lý Thị Tiếp' });
    const due = vnDate(new Date(Date.now() + 10 * DAY));
    const drafted = await api()
      .post('/api/v1/dispatches')
      .set(bearer(await tokenFor(t.app, only.username, PASSWORD)))
      .send({ title: 'Dự thảo của xã Ba', summary: 'x', dueDate: due, recipientUnitCodes: [u.c1.code] });
    expect(drafted.status).toBe(201);
    const received = await api()
      .post('/api/v1/dossiers')
      .set(bearer(await tokenFor(t.app, desk.username, PASSWORD)))
      .send({ procedureCode: '1.000775', applicant: { fullName: 'Đinh Văn Ba' }, documents: ['TO_TRINH', 'BAO_CAO'] });
    expect(received.status).toBe(201);
    const warn = await admin.get(`/quan-tri/nguoi-dung/${only.username}/khoa`);
    expect(warn.text).toContain('Người này còn 2 việc đang xử lý.');
    expect(warn.text).toContain('chọn người được giao vai trò chuyên viên xử lý ở dưới');
    expect(warn.text).toMatch(new RegExp(`id="f-to"[\\s\\S]*<option value="${clerk.username}"`));
    const res = await disable(only.username, {
      mode: 'reassign',
      to: clerk.username,
      'grant-specialist': clerk.username,
    });
    expect(res.status).toBe(303);
    expect(Number((await db()('dispatches').where({ id: drafted.body.id }).first('created_by')).created_by)).toBe(
      clerk.id,
    );
    const roles = await db()('user_roles').where({ user_id: clerk.id }).orderBy('role').pluck('role');
    expect(roles).toEqual(['clerk', 'specialist']);
    const mine = await api()
      .get('/api/v1/dossiers?mine=1')
      .set(bearer(await tokenFor(t.app, clerk.username, PASSWORD)));
    expect(mine.body.items.map((d: { code: string }) => d.code)).toContain(received.body.code);
  });

  it('hostile query strings and form bodies never give a 500 and change nothing', async () => {
    const queries = [
      'tim[]=a',
      'tim=%00',
      'tim=%25',
      'tim=_',
      'tim=!',
      `tim=${'x'.repeat(5000)}`,
      "tim='%20OR%201=1--",
      'don-vi[]=x',
      'don-vi=%00',
      'don-vi=..%2F..',
      'vai-tro[]=admin',
      'cap-duoi[]=1',
      'trang=1e308',
      'trang=-1',
      'trang=1&trang=2',
      'trang-thai=hoat-dong&trang-thai=da-khoa',
      '__proto__[x]=1',
    ];
    for (const q of queries) expect([q, (await page(`?${q}`)).status]).toEqual([q, 200]);
    expect((await page('?tim=%25')).text).toContain('Không có người dùng nào khớp');
    const before = await snapshot();
    const bodies: Array<Record<string, unknown>> = [
      {},
      { mode: ['reassign', 'force'] },
      { mode: 'reassign', to: ['a', 'b'] },
      { mode: 'reassign', to: '%00' },
      { mode: 'reassign', to: 'x'.repeat(5000) },
      { mode: 'reassign', 'grant-leader': ['a', 'b'] },
      { mode: '__proto__' },
    ];
    for (const b of bodies) {
      const res = await admin
        .post(`/quan-tri/nguoi-dung/${names.taker}/khoa`)
        .type('form')
        .send({ _csrf: csrf, ...b });
      expect([JSON.stringify(b).slice(0, 60), res.status]).toEqual([JSON.stringify(b).slice(0, 60), 422]);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown user is 404 and a bad mode is refused', async () => {
    expect((await admin.get('/quan-tri/nguoi-dung/khong-co-ai/khoa')).status).toBe(404);
    const res = await disable(names.taker, { mode: 'xoa' });
    expect(res.status).toBe(422);
    expect((await db()('users').where({ id: ids.taker }).first('active')).active).toBeTruthy();
  });
});
