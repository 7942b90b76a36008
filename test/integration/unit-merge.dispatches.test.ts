import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { csrfFrom, signIn, tokenFor, type TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildDossierApp, type World } from '../factories/dossiers';
import { previewMerge } from '../../server/services/unit-merge.service';
import { vnDate } from '../../workflows/calendar/time';
import type { Role } from '../../workflows/labels';

/**
 * A unit's issued dispatches through a merge (design.md §13), and retiring a unit that still has work
 * (the API, the edit form and the retire button refuse alike, naming what is left and pointing to the
 * merge). The first commune issued three dispatches: one still awaiting the other commune's reply, one
 * also asking the unit it merges into, one closed. Only the first moves, keeping its number and, in
 * print, the letterhead it was issued under.
 */
describe.each(ENGINES)('issued dispatches of a merged unit, and retiring, on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let target: { id: number; code: string };
  const tok: Record<string, string> = {};
  const names: Record<string, string> = {};
  const ids: Record<string, number> = {};
  const api = () => request(t.app);
  const ev = (token: string, id: number, body: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/events`).set(bearer(token)).send(body);
  const get = async (id: number, token = w.tokens.admin) =>
    (await api().get(`/api/v1/dispatches/${id}`).set(bearer(token))).body;

  /** Draft, approve and issue a dispatch of the unit whose specialist, leader and clerk are given. */
  async function issue(by: [string, string, string], title: string, to: string[]): Promise<number> {
    const d = await api()
      .post('/api/v1/dispatches')
      .set(bearer(by[0]))
      .send({
        title,
        summary: 'Đề nghị các đơn vị góp ý.',
        dueDate: vnDate(new Date(Date.now() + 10 * 86_400_000)),
        recipientUnitCodes: to,
      });
    expect(d.status).toBe(201);
    expect((await ev(by[0], d.body.id, { type: 'SUBMIT', version: 1 })).status).toBe(200);
    expect((await ev(by[1], d.body.id, { type: 'APPROVE', version: 2 })).status).toBe(200);
    expect((await ev(by[2], d.body.id, { type: 'ISSUE', version: 3 })).status).toBe(200);
    return d.body.id;
  }
  const decline = (id: number, unitCode: string) =>
    api()
      .post(`/api/v1/dispatches/${id}/replies/${unitCode}/events`)
      .set(bearer(tok.oClerk))
      .send({ type: 'DECLINE', version: 1, comment: 'Không thuộc thẩm quyền' });

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    const db = t.tdb.db;
    await db('units').where({ id: w.commune.id }).update({ symbol: 'UBND-MOT' });
    target = await buildUnit(db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Hợp Nhất' });
    await db('units').where({ id: target.id }).update({ symbol: 'UBND-HN' });
    const people: Array<[string, number, Role]> = [
      ['tSpecialist', target.id, 'specialist'],
      ['tLeader', target.id, 'leader'],
      ['tClerk', target.id, 'clerk'],
      ['oClerk', w.other.id, 'clerk'],
    ];
    for (const [key, unitId, role] of people) {
      const u = await buildUser(db, { unitId, roles: [role] });
      tok[key] = await tokenFor(t.app, u.username, PASSWORD);
      names[key] = u.username;
    }
    const commune: [string, string, string] = [w.tokens.specialist, w.tokens.leader, w.tokens.clerk];
    ids.open = await issue(commune, 'Xin ý kiến kế hoạch tiếp công dân', [w.other.code]);
    ids.askingTarget = await issue(commune, 'Xin ý kiến quy chế phối hợp', [target.code]);
    ids.closed = await issue(commune, 'Xin ý kiến lịch trực', [w.other.code]);
    expect((await decline(ids.closed, w.other.code)).status).toBe(200);
    const closed = await get(ids.closed);
    expect((await ev(w.tokens.specialist, ids.closed, { type: 'CLOSE', version: closed.version })).status).toBe(200);
    // The unit merged into numbers its own dispatches from 1 too: the moved one must not collide.
    ids.own = await issue([tok.tSpecialist, tok.tLeader, tok.tClerk], 'Xin ý kiến của xã Hai', [w.other.code]);
  });
  afterAll(() => t.close());

  it('refuses to retire a unit with work left, by the API, the edit form and the retire button alike', async () => {
    const res = await api()
      .patch(`/api/v1/units/${w.commune.code}`)
      .set(bearer(w.tokens.admin))
      .send({ active: false });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('Chưa thể ngừng hoạt động UBND xã Một');
    expect(res.body.error.message).toContain('Còn 2 công văn do đơn vị ban hành chưa kết thúc.');
    expect(res.body.error.message).toContain('Còn 5 người dùng đang hoạt động.');
    expect(res.body.error.message).toContain('sáp nhập');
    expect(res.body.error.details.fields.active).toBe(res.body.error.message);
    const units = (await api().get('/api/v1/units').set(bearer(w.tokens.admin))).body.items;
    expect(units.find((u: { code: string }) => u.code === w.commune.code).active).toBe(true);

    const a = await buildUser(t.tdb.db, { roles: ['admin'] });
    const admin = await signIn(t.app, a.username, PASSWORD);
    const edit = await admin.get(`/quan-tri/don-vi/${w.commune.code}`);
    expect(edit.status).toBe(200);
    const form = await admin
      .post(`/quan-tri/don-vi/${w.commune.code}`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text), name: 'UBND xã Một', level: 'commune', parentCode: w.district.code });
    expect(form.status).toBe(422);
    expect(form.text).toContain('Còn 2 công văn do đơn vị ban hành chưa kết thúc.');
    const button = await admin
      .post(`/quan-tri/don-vi/${w.commune.code}/ngung-hoat-dong`)
      .type('form')
      .send({ _csrf: csrfFrom(edit.text) });
    expect(button.status).toBe(422);
    expect(button.text).toContain('Còn 2 công văn do đơn vị ban hành chưa kết thúc.');

    // A unit with nothing left retires through the same PATCH.
    const idle = await buildUnit(t.tdb.db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Nghỉ' });
    const off = await api().patch(`/api/v1/units/${idle.code}`).set(bearer(w.tokens.admin)).send({ active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
  });

  it('previews the issued dispatch awaiting replies as moving, the one also asking the successor and the closed one as staying', async () => {
    const p = await previewMerge(t.tdb.db, w.commune.code, target.code);
    expect(p.dispatchesIssued.map((d) => d.id)).toEqual([ids.open]);
    expect(p.dispatchesKept.map((d) => d.id)).toEqual([ids.askingTarget]);
    expect(p.dispatches).toEqual([]);
    const a = await buildUser(t.tdb.db, { roles: ['admin'] });
    const admin = await signIn(t.app, a.username, PASSWORD);
    const page = await admin.get(`/quan-tri/don-vi/${w.commune.code}/sap-nhap?vao=${target.code}`);
    expect(page.text).toMatch(/<strong>1<\/strong> công văn đã ban hành đang chờ ý kiến/);
    expect(page.text).toContain('1 giữ lại: công văn gửi cả UBND xã Hợp Nhất');
    const done = await admin
      .post(`/quan-tri/don-vi/${w.commune.code}/sap-nhap`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), intoCode: target.code });
    expect(done.status).toBe(303);
    expect((await admin.get('/quan-tri/don-vi')).text).toContain('1 công văn đã ban hành đang chờ ý kiến');
  });

  it('moves the open issued dispatch to the successor, keeping its number, with the move in its history', async () => {
    const before = (await t.tdb.db('dispatches').where({ id: ids.open }).first('number')).number;
    const d = await get(ids.open);
    expect(d.issuingUnit.code).toBe(target.code);
    expect(d.number).toBe(before);
    expect(d.state).toBe('issued');
    const events = await t.tdb.db('dispatch_events').where({ dispatch_id: ids.open, type: 'UNIT_MERGED' });
    expect(events).toHaveLength(1);
    expect(events[0].comment).toBe(`Chuyển từ UBND xã Một sang UBND xã Hợp Nhất do sáp nhập đơn vị (giữ số ${before})`);
    // Its printed công văn still reads as issued: the old unit's letterhead with its number.
    const spec = await signIn(t.app, names.tSpecialist, PASSWORD);
    const print = await spec.get(`/cong-van/${ids.open}/in`);
    expect(print.status).toBe(200);
    expect(print.text).toContain('UBND XÃ MỘT');
    expect(print.text).not.toContain('UBND XÃ HỢP NHẤT');
    expect(print.text).toContain(`Số: ${before}`);
    for (const id of [ids.askingTarget, ids.closed]) {
      const kept = await get(id);
      expect([id, kept.issuingUnit.code]).toEqual([id, w.commune.code]);
      expect(await t.tdb.db('dispatch_events').where({ dispatch_id: id, type: 'UNIT_MERGED' })).toHaveLength(0);
    }
  });

  it("the successor's own staff follow it up: the synthesis, and closing once the last reply is in", async () => {
    expect((await api().get(`/api/v1/dispatches/${ids.open}/synthesis`).set(bearer(tok.tSpecialist))).status).toBe(200);
    expect((await decline(ids.open, w.other.code)).status).toBe(200);
    const d = await get(ids.open);
    expect((await ev(w.tokens.otherSpecialist, ids.open, { type: 'CLOSE', version: d.version })).status).toBe(403);
    const close = await ev(tok.tSpecialist, ids.open, { type: 'CLOSE', version: d.version });
    expect(close.status).toBe(200);
    expect(close.body.state).toBe('closed');
  });

  it('the successor keeps numbering its own dispatches without a collision', async () => {
    const own = await get(ids.own);
    const next = await issue([tok.tSpecialist, tok.tLeader, tok.tClerk], 'Xin ý kiến lần hai', [w.other.code]);
    const numbers = [own.number, (await get(next)).number, (await get(ids.open)).number];
    expect(new Set(numbers).size).toBe(3);
  });
});
