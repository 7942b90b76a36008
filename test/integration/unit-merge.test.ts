import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { tokenFor, type TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildDossierApp, definition, send, type World } from '../factories/dossiers';
import { previewMerge } from '../../server/services/unit-merge.service';
import { vnDate } from '../../workflows/calendar/time';
import type { Role } from '../../workflows/labels';
import { compareReportCounts } from '../../server/services/report-counts.service';

/**
 * Units merge (design.md §13, contract.md §2): two communes with users, dossiers in every state and
 * open replies merge into a third; what moved matches the preview and the API's answer, the new
 * unit's staff act on every moved dossier, finished ones keep their units, codes stay unique and
 * the reports add up before and after.
 */
describe.each(ENGINES)('merging units on %s', (engine) => {
  let t: TestApp;
  let w: World;
  const tok: Record<string, string> = {};
  let target: { id: number; code: string };
  const codes: Record<string, string> = {};
  let dispatchId = 0;
  const today = vnDate(new Date());
  const api = () => request(t.app);
  const dossier = async (code: string) =>
    (await api().get(`/api/v1/dossiers/${code}`).set(bearer(w.tokens.admin))).body;
  const summary = async (unitCode: string) =>
    (
      await api()
        .get(`/api/v1/reports/summary?from=${today}&to=${today}&unitCode=${unitCode}`)
        .set(bearer(w.tokens.admin))
    ).body;
  const merge = (from: string, intoCode: string, token = w.tokens.admin) =>
    api().post(`/api/v1/units/${from}/merge`).set(bearer(token)).send({ intoCode });

  /** Receive a dossier at `intakeToken`'s desk and walk it with the given events. */
  async function walk(intakeToken: string, events: Array<[string, Record<string, unknown>]>): Promise<string> {
    const res = await api()
      .post('/api/v1/dossiers')
      .set(bearer(intakeToken))
      .send({
        procedureCode: '1.000775',
        applicant: { fullName: 'Trần Thị Bình' },
        documents: ['TO_TRINH', 'BAO_CAO'],
      });
    expect(res.status).toBe(201);
    let d = res.body;
    for (const [who, body] of events) {
      const r = await send(t.app, tok[who] ?? w.tokens[who], d.code, { version: d.version, ...body });
      expect(r.status).toBe(200);
      d = r.body;
    }
    return d.code;
  }

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    const db = t.tdb.db;
    await db('units').where({ id: w.district.id }).update({ symbol: 'UBND-HT' });
    target = await buildUnit(db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Hợp Nhất' });
    const people: Array<[string, number, Role]> = [
      ['tIntake', target.id, 'intake'],
      ['tSpecialist', target.id, 'specialist'],
      ['dSpecialist', w.district.id, 'specialist'],
      ['dLeader', w.district.id, 'leader'],
      ['dClerk', w.district.id, 'clerk'],
      ['cHead', w.commune.id, 'head'],
    ];
    for (const [key, unitId, role] of people) {
      const u = await buildUser(db, { unitId, roles: [role] });
      tok[key] = await tokenFor(t.app, u.username, PASSWORD);
    }
    const F = (who: string): [string, Record<string, unknown>] => [who, { type: 'FORWARD' }];
    codes.review = await walk(w.tokens.intake, []);
    codes.check = await walk(w.tokens.intake, [F('specialist')]);
    codes.sign = await walk(w.tokens.intake, [F('specialist'), F('head')]);
    codes.supplement = await walk(w.tokens.intake, [
      ['specialist', { type: 'REQUEST_SUPPLEMENT', comment: 'Thiếu bản sao' }],
    ]);
    codes.ready = await walk(w.tokens.intake, [F('specialist'), F('head'), F('leader'), F('clerk')]);
    codes.returned = await walk(w.tokens.intake, [
      F('specialist'),
      F('head'),
      F('leader'),
      F('clerk'),
      ['intake', { type: 'RETURN_RESULT' }],
    ]);
    codes.refused = await walk(w.tokens.intake, [['specialist', { type: 'REFUSE', comment: 'Không đủ điều kiện' }]]);
    codes.withdrawn = await walk(w.tokens.intake, [['intake', { type: 'WITHDRAW', comment: 'Công dân rút' }]]);
    codes.other = await walk(w.tokens.otherIntake, []);
    codes.targetOwn = await walk(tok.tIntake, []);

    // A dispatch of the district asking both communes: their replies are open (one received, one assigned).
    const ev = (token: string, body: Record<string, unknown>) =>
      api().post(`/api/v1/dispatches/${dispatchId}/events`).set(bearer(token)).send(body);
    const d = await api()
      .post('/api/v1/dispatches')
      .set(bearer(tok.dSpecialist))
      .send({
        title: 'Xin ý kiến dự thảo quy chế',
        summary: 'Đề nghị các xã góp ý.',
        dueDate: vnDate(new Date(Date.now() + 10 * 86_400_000)),
        recipientUnitCodes: [w.commune.code, w.other.code],
      });
    expect(d.status).toBe(201);
    dispatchId = d.body.id;
    await ev(tok.dSpecialist, { type: 'SUBMIT', version: 1 });
    await ev(tok.dLeader, { type: 'APPROVE', version: 2 });
    expect((await ev(tok.dClerk, { type: 'ISSUE', version: 3 })).status).toBe(200);
    const specialist = await t.tdb
      .db('users')
      .where({ unit_id: w.commune.id })
      .whereIn('id', function () {
        this.select('user_id').from('user_roles').where({ role: 'specialist' });
      });
    const assign = await api()
      .post(`/api/v1/dispatches/${dispatchId}/replies/${w.commune.code}/events`)
      .set(bearer(tok.cHead))
      .send({ type: 'ASSIGN', version: 1, assignee: specialist[0].username });
    expect(assign.status).toBe(200);
  });
  afterAll(() => t.close());

  const before: Record<string, Record<string, number | null>> = {};
  const FIGURES = ['received', 'resolved', 'resolvedOnTime', 'resolvedLate', 'inProgress', 'inProgressOverdue'];
  /** The new unit's figures (predecessors included) = the sum of the merged units' before; the district's unchanged. */
  const expectReportsAddUp = async (merged: string[]) => {
    const after = await summary(target.code);
    const district = await summary(w.district.code);
    for (const k of FIGURES) {
      expect([k, after[k]]).toEqual([k, merged.reduce((n, u) => n + Number(before[u][k]), 0)]);
      expect([k, district[k]]).toEqual([k, before[w.district.code][k]]);
    }
    // The moves went through the engine, which moved the report counts with them.
    expect((await compareReportCounts(t.tdb.db)).differences).toEqual([]);
  };

  it('previews what would move, the merge moves exactly that (API answer = preview), reports add up', async () => {
    for (const u of [w.commune.code, w.other.code, target.code, w.district.code]) before[u] = await summary(u);
    const p = await previewMerge(t.tdb.db, w.commune.code, target.code);
    expect(p.refusals).toEqual([]);
    expect(p.users).toHaveLength(6); // intake, specialist, head, leader, clerk + cHead
    expect(p.dossiers.map((d) => d.code).sort()).toEqual(
      [codes.review, codes.check, codes.sign, codes.supplement, codes.ready].sort(),
    );
    expect(p.dossiers.every((d) => d.roles.includes('receiving') && d.roles.includes('competent'))).toBe(true);
    expect(p.replies).toHaveLength(1);
    const res = await merge(w.commune.code, target.code);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: w.commune.code,
      into: target.code,
      moved: { users: p.users.length, dossiers: p.dossiers.length, replies: p.replies.length },
    });
    await expectReportsAddUp([w.commune.code, target.code]);
    const units = (await api().get('/api/v1/units').set(bearer(w.tokens.admin))).body.items;
    expect(units.find((u: { code: string }) => u.code === w.commune.code).active).toBe(false);
    expect(units.find((u: { code: string }) => u.code === target.code).active).toBe(true);
  });

  it('moved dossiers keep code and state, name the new unit, and their history shows the move', async () => {
    for (const key of ['review', 'check', 'sign', 'supplement', 'ready']) {
      const d = await dossier(codes[key]);
      expect(d.code.startsWith(`${w.commune.code}-`)).toBe(true);
      expect(d.receivingUnit.code).toBe(target.code);
      expect(d.competentUnit.code).toBe(target.code);
      if (d.handlingUnit) expect(d.handlingUnit.code).toBe(target.code);
      const history = (
        await api().get(`/api/v1/dossiers/${codes[key]}/history`).set(bearer(w.tokens.admin))
      ).body.items.map((e: { type: string; comment: string }) => e);
      const last = history[history.length - 1];
      expect(last.type).toBe('UNIT_MERGED');
      expect(last.comment).toContain('UBND xã Hợp Nhất');
    }
    expect((await dossier(codes.ready)).status).toBe('result_ready');
  });

  it("the new unit's staff act on moved dossiers; staff of a unit not merged cannot", async () => {
    const d = await dossier(codes.review);
    expect((await send(t.app, w.tokens.otherSpecialist, d.code, { type: 'FORWARD', version: d.version })).status).toBe(
      404,
    );
    const ok = await send(t.app, tok.tSpecialist, d.code, { type: 'FORWARD', version: d.version });
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('check');
    expect(ok.body.handlingUnit.code).toBe(target.code);
    // The commune's former intake officer now works at the new unit's desk: returns the ready result.
    const ready = await dossier(codes.ready);
    const ret = await send(t.app, tok.tIntake, ready.code, { type: 'RETURN_RESULT', version: ready.version });
    expect(ret.status).toBe(200);
    expect(ret.body.status).toBe('returned');
  });

  it('finished dossiers keep the unit they were finished under, with no move in their history', async () => {
    for (const key of ['returned', 'refused', 'withdrawn']) {
      const d = await dossier(codes[key]);
      expect(d.receivingUnit).toEqual({ code: w.commune.code, name: 'UBND xã Một' });
      const history = (await api().get(`/api/v1/dossiers/${d.code}/history`).set(bearer(w.tokens.admin))).body.items;
      expect(history.some((e: { type: string }) => e.type === 'UNIT_MERGED')).toBe(false);
    }
    // The new unit's staff see the old archive.
    expect((await api().get(`/api/v1/dossiers/${codes.returned}`).set(bearer(tok.tSpecialist))).status).toBe(200);
  });

  it('the open reply now belongs to the new unit, with the move in the dispatch history', async () => {
    const d = (await api().get(`/api/v1/dispatches/${dispatchId}`).set(bearer(tok.dSpecialist))).body;
    const codesOf = d.recipients.map((r: { unitCode: string }) => r.unitCode).sort();
    expect(codesOf).toEqual([w.other.code, target.code].sort());
    const events = await t.tdb.db('dispatch_events').where({ dispatch_id: dispatchId, type: 'UNIT_MERGED' });
    expect(events).toHaveLength(1);
  });

  it('merges the second commune too (reports add up); its procedure steps go to the new unit; codes stay unique and new intakes get the new unit code', async () => {
    // A procedure whose second step the second commune performs: after the merge its successor does.
    const steps = [
      { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', hours: 8 },
      { code: 'opinion', name: 'Cho ý kiến', role: 'specialist', hours: 8, unit: w.other.code },
    ];
    const proc = await api()
      .post('/api/v1/procedures')
      .set(bearer(w.tokens.admin))
      .send(definition('9.000001', { steps }));
    expect(proc.status).toBe(201);
    for (const u of [w.other.code, target.code, w.district.code]) before[u] = await summary(u);
    const p = await previewMerge(t.tdb.db, w.other.code, target.code);
    expect(p.procedures.map((x) => x.code)).toEqual(['9.000001']);
    const res = await merge(w.other.code, target.code);
    await expectReportsAddUp([w.other.code, target.code]);
    expect(res.status).toBe(200);
    // The dispatch already has the new unit's reply (moved from the first commune): this one stays.
    expect(p.repliesKept).toHaveLength(1);
    expect(res.body.moved).toEqual({ users: p.users.length, dossiers: 1, replies: 0 });
    const named = await api()
      .post('/api/v1/dossiers')
      .set(bearer(tok.tIntake))
      .send({ procedureCode: '9.000001', applicant: { fullName: 'Lý Văn Tư' }, documents: ['TO_TRINH', 'BAO_CAO'] });
    const fwd = await send(t.app, tok.tSpecialist, named.body.code, { type: 'FORWARD', version: named.body.version });
    expect(fwd.status).toBe(200);
    expect(fwd.body.handlingUnit.code).toBe(target.code);
    const fresh = [named.body.code];
    for (const token of [w.tokens.intake, w.tokens.otherIntake, tok.tIntake]) fresh.push(await walk(token, []));
    expect(fresh.every((c) => c.startsWith(`${target.code}-`))).toBe(true);
    const all = (await t.tdb.db('dossiers').pluck('code')) as string[];
    expect(new Set(all).size).toBe(all.length);
  });

  it('refuses into itself, into a unit below, an inactive unit (422), unknown (404), non-admin (403)', async () => {
    const self = await merge(target.code, target.code);
    expect(self.status).toBe(422);
    expect(self.body.error.message).toMatch(/chính nó/);
    const child = await merge(w.district.code, target.code);
    expect(child.status).toBe(422);
    expect(child.body.error.message).toMatch(/trực thuộc/);
    expect((await merge(w.commune.code, target.code)).status).toBe(422);
    expect((await merge(target.code, w.commune.code)).status).toBe(422);
    expect((await merge('KHONG.CO', target.code)).status).toBe(404);
    expect((await merge(target.code, 'KHONG.CO')).status).toBe(404);
    expect((await merge(target.code, w.district.code, tok.tSpecialist)).status).toBe(403);
    expect((await merge(target.code, '')).status).toBe(422);
  });

  (engine === 'mysql' ? it : it.skip)('a dossier held by another action → 409, nothing moved', async () => {
    const db = t.tdb.db;
    const held = await buildUnit(db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Bận' });
    const intake = await buildUser(db, { unitId: held.id, roles: ['intake'] });
    const code = await walk(await tokenFor(t.app, intake.username, PASSWORD), []);
    const trx = await db.transaction();
    try {
      await trx('dossiers').where({ code }).forUpdate().select('id');
      const res = await merge(held.code, target.code);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/đang được thao tác/);
    } finally {
      await trx.commit();
    }
    expect(await db('users').where({ id: intake.id }).first('unit_id')).toEqual({ unit_id: held.id });
    expect((await dossier(code)).receivingUnit.code).toBe(held.code);
    expect((await merge(held.code, target.code)).status).toBe(200);
  });
});
