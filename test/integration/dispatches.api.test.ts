import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp, tokenFor } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, World } from '../factories/dossiers';
import { findUserByUsername } from '../../server/queries/users.queries';
import { applyDispatchEventFor } from '../../server/services/dispatch-transitions.service';
import { createDispatch } from '../../server/services/dispatches.service';
import { expireReplies, remindDue } from '../../server/jobs/dispatch.jobs';
import { WorkCalendar, vnDate } from '../../workflows/calendar';

const DAY = 86_400_000;

describe.each(ENGINES)('dispatches on %s', (engine) => {
  let t: TestApp;
  let w: World;
  const tok: Record<string, string> = {};
  const names: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
    await t.tdb.db('units').where({ id: w.district.id }).update({ symbol: 'UBND-HT' });
    const people: Array<[string, number, string]> = [
      ['dSpecialist', w.district.id, 'specialist'],
      ['dHead', w.district.id, 'head'],
      ['dLeader', w.district.id, 'leader'],
      ['dClerk', w.district.id, 'clerk'],
      ['c1Head', w.commune.id, 'head'],
      ['c1Specialist', w.commune.id, 'specialist'],
      ['c1Leader', w.commune.id, 'leader'],
      ['c2Clerk', w.other.id, 'clerk'],
    ];
    for (const [key, unitId, role] of people) {
      const u = await buildUser(t.tdb.db, { unitId, roles: [role as never] });
      names[key] = u.username;
      tok[key] = await tokenFor(t.app, u.username, PASSWORD);
    }
  });
  afterAll(() => t.close());

  const api = () => request(t.app);
  const future = (days: number) => vnDate(new Date(Date.now() + days * DAY));
  const create = async (over: Record<string, unknown> = {}) => {
    const res = await api()
      .post('/api/v1/dispatches')
      .set(bearer(tok.dSpecialist))
      .send({
        title: 'Xin ý kiến dự thảo quy trình nội bộ',
        summary: 'Đề nghị các xã góp ý.',
        dueDate: future(10),
        recipientUnitCodes: [w.commune.code, w.other.code],
        ...over,
      });
    expect(res.status).toBe(201);
    return res.body;
  };
  const ev = (token: string, id: number, body: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/events`).set(bearer(token)).send(body);
  const rev = (token: string, id: number, unit: string, body: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/replies/${unit}/events`).set(bearer(token)).send(body);

  async function issued() {
    const d = await create();
    await ev(tok.dSpecialist, d.id, { type: 'SUBMIT', version: 1 });
    await ev(tok.dLeader, d.id, { type: 'APPROVE', version: 2 });
    const res = await ev(tok.dClerk, d.id, { type: 'ISSUE', version: 3 });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('walks draft → pending_approval → approved → issued with a number, replies and synthesis, then closes', async () => {
    const d = await create();
    expect(d).toMatchObject({ state: 'draft', version: 1, number: null, issuingUnit: { code: w.district.code } });
    expect(d.recipients.map((r: { unitCode: string }) => r.unitCode).sort()).toEqual(
      [w.commune.code, w.other.code].sort(),
    );
    const rejected = await ev(tok.dHead, d.id, { type: 'REJECT', version: 1, comment: 'x' });
    expect(rejected.status).toBe(422); // not in pending_approval yet
    expect((await ev(tok.dSpecialist, d.id, { type: 'SUBMIT', version: 1 })).body.state).toBe('pending_approval');
    expect((await ev(tok.dHead, d.id, { type: 'REJECT', version: 2 })).status).toBe(422); // reason required
    expect((await ev(tok.dHead, d.id, { type: 'REJECT', version: 2, comment: 'Sửa hạn' })).body.state).toBe('draft');
    await ev(tok.dSpecialist, d.id, { type: 'SUBMIT', version: 3 });
    expect((await ev(tok.dSpecialist, d.id, { type: 'APPROVE', version: 4 })).status).toBe(403);
    await ev(tok.dLeader, d.id, { type: 'APPROVE', version: 4 });
    expect((await ev(tok.dSpecialist, d.id, { type: 'ISSUE', version: 5 })).status).toBe(403);
    const iss = await ev(tok.dClerk, d.id, { type: 'ISSUE', version: 5 });
    expect(iss.status).toBe(200);
    expect(iss.body.number).toMatch(/^\d{2}\/UBND-HT$/);
    expect(iss.body.recipients.every((r: { state: string }) => r.state === 'received')).toBe(true);
    expect(iss.body.counts).toEqual({ total: 2, replied: 0, open: 2, deemedAgreed: 0, overdue: 0, declined: 0 });

    // the recipient commune: assign, draft, return, redraft, approve
    const inbox = await api().get('/api/v1/dispatches?inbox=1').set(bearer(tok.c1Head));
    expect(inbox.body.items.map((x: { id: number }) => x.id)).toContain(d.id);
    const mine = inbox.body.items.find((x: { id: number }) => x.id === d.id);
    expect(mine.recipients).toHaveLength(1); // only its own reply
    expect(
      (await rev(tok.c1Head, d.id, w.commune.code, { type: 'ASSIGN', version: 1, assignee: names.dSpecialist })).status,
    ).toBe(422);
    expect(
      (await rev(tok.c1Head, d.id, w.commune.code, { type: 'ASSIGN', version: 1, assignee: names.c1Specialist }))
        .status,
    ).toBe(200);
    expect(
      (await rev(tok.c1Specialist, d.id, w.commune.code, { type: 'SUBMIT', version: 2, position: 'comments' })).status,
    ).toBe(422); // content needed
    expect(
      (await rev(tok.c1Head, d.id, w.commune.code, { type: 'SUBMIT', version: 2, position: 'agree' })).status,
    ).toBe(403); // not the assignee
    expect(
      (
        await rev(tok.c1Specialist, d.id, w.commune.code, {
          type: 'SUBMIT',
          version: 2,
          position: 'comments',
          content: 'Bước 2 nên rút còn 4 giờ.',
        })
      ).status,
    ).toBe(200);
    expect(
      (await rev(tok.c1Leader, d.id, w.commune.code, { type: 'RETURN', version: 3, comment: 'Nêu rõ căn cứ' })).body
        .recipients,
    ).toBeDefined();
    await rev(tok.c1Specialist, d.id, w.commune.code, {
      type: 'SUBMIT',
      version: 4,
      position: 'comments',
      content: 'Bước 2 nên rút còn 4 giờ (căn cứ Quyết định 766).',
    });
    const approved = await rev(tok.c1Leader, d.id, w.commune.code, { type: 'APPROVE', version: 5 });
    expect(approved.status).toBe(200);
    // the sender cannot act on a reply, other units cannot see it
    expect((await rev(tok.dLeader, d.id, w.other.code, { type: 'APPROVE', version: 1 })).status).toBe(403);
    expect(
      (await rev(tok.c1Head, d.id, w.other.code, { type: 'ASSIGN', version: 1, assignee: names.c1Specialist })).status,
    ).toBe(404);
    expect((await api().get(`/api/v1/dispatches/${d.id}/synthesis`).set(bearer(tok.c1Head))).status).toBe(404);

    // CLOSE needs every reply answered or expired
    const tooSoon = await ev(tok.dSpecialist, d.id, { type: 'CLOSE', version: 6 });
    expect(tooSoon.status).toBe(422);
    expect(tooSoon.body.error.message).toContain('Còn 1 đơn vị chưa trả lời');
    const day = await t.tdb.db('dispatches').where({ id: d.id }).first('due_date');
    const after = new Date(`${day.due_date}T00:00:00+07:00`).getTime() + DAY + 1000;
    expect(await expireReplies(t.tdb.db, after)).toBe(1);
    expect(await expireReplies(t.tdb.db, after)).toBe(0); // exactly once
    const syn = await api().get(`/api/v1/dispatches/${d.id}/synthesis`).set(bearer(tok.dSpecialist));
    expect(syn.body.counts).toEqual({ total: 2, replied: 1, open: 0, deemedAgreed: 1, overdue: 0, declined: 0 });
    const byUnit = Object.fromEntries(syn.body.items.map((r: { unitCode: string }) => [r.unitCode, r]));
    expect(byUnit[w.commune.code]).toMatchObject({
      state: 'replied',
      position: 'comments',
      positionText: 'Thống nhất, có ý kiến góp ý',
    });
    expect(byUnit[w.other.code]).toMatchObject({ state: 'deemed_agreed', positionText: 'Xem như thống nhất' });
    const resp = await api()
      .put(`/api/v1/dispatches/${d.id}/replies/${w.commune.code}/response`)
      .set(bearer(tok.dSpecialist))
      .send({ response: 'Tiếp thu, đã sửa bước 2.' });
    expect(resp.status).toBe(200);
    const closed = await ev(tok.dSpecialist, d.id, { type: 'CLOSE', version: 6 });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('closed');
    expect(closed.body.counts.total).toBe(
      closed.body.counts.replied +
        closed.body.counts.deemedAgreed +
        closed.body.counts.overdue +
        closed.body.counts.open,
    );
  });

  it('visibility: issuing unit and above see it; recipients only once issued; others 404', async () => {
    const d = await create();
    expect((await api().get(`/api/v1/dispatches/${d.id}`).set(bearer(w.tokens.provinceLeader))).status).toBe(200);
    expect((await api().get(`/api/v1/dispatches/${d.id}`).set(bearer(tok.c1Head))).status).toBe(404); // draft
    expect((await api().get('/api/v1/dispatches/999999').set(bearer(tok.dSpecialist))).status).toBe(404);
    expect((await api().get('/api/v1/dispatches/abc').set(bearer(tok.dSpecialist))).status).toBe(404);
  });

  it('refuses bad input with 422 and the wrong role with 403; stale versions 409', async () => {
    const bad = await api()
      .post('/api/v1/dispatches')
      .set(bearer(tok.dSpecialist))
      .send({ title: '', dueDate: '2026-02-30', recipientUnitCodes: [] });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details.fields).sort()).toEqual([
      'dueDate',
      'recipientUnitCodes',
      'summary',
      'title',
    ]);
    const unknown = await api()
      .post('/api/v1/dispatches')
      .set(bearer(tok.dSpecialist))
      .send({ title: 'a', summary: 'b', dueDate: future(3), recipientUnitCodes: ['KHONG.CO'] });
    expect(unknown.status).toBe(422);
    const notSpecialist = await api()
      .post('/api/v1/dispatches')
      .set(bearer(tok.dClerk))
      .send({ title: 'a', summary: 'b', dueDate: future(3), recipientUnitCodes: [w.commune.code] });
    expect(notSpecialist.status).toBe(403);
    const d = await create();
    expect((await ev(tok.dSpecialist, d.id, { type: 'SUBMIT', version: 9 })).status).toBe(409);
  });

  it('ISSUE with a due date already past → 422; numbering is yearly per unit, unique under concurrency', async () => {
    const db = t.tdb.db;
    const spec = (await findUserByUsername(db, names.dSpecialist))!;
    const leader = (await findUserByUsername(db, names.dLeader))!;
    const clerk = (await findUserByUsername(db, names.dClerk))!;
    const mk = async (due: string, now: number) => {
      const id = await createDispatch(
        db,
        spec,
        { title: 'T', summary: 'S', dueDate: due, recipientUnitCodes: [w.commune.code], silenceMeansAgreement: true },
        now,
      );
      await applyDispatchEventFor(db, spec, id, { type: 'SUBMIT', version: 1 }, now);
      await applyDispatchEventFor(db, leader, id, { type: 'APPROVE', version: 2 }, now);
      return id;
    };
    // past due date at issue time
    const dec30 = new Date('2030-12-30T09:00:00+07:00').getTime();
    const late = await mk('2030-12-30', dec30);
    await expect(
      applyDispatchEventFor(db, clerk, late, { type: 'ISSUE', version: 3 }, dec30 + 2 * DAY),
    ).rejects.toMatchObject({ status: 422 });
    // five issued at once on 31/12/2030, then the first of 2031 restarts at 01
    const ids = await Promise.all(Array.from({ length: 5 }, () => mk('2031-01-20', dec30)));
    await Promise.all(
      ids.map((id) =>
        applyDispatchEventFor(
          db,
          clerk,
          id,
          { type: 'ISSUE', version: 3 },
          new Date('2030-12-31T16:00:00+07:00').getTime(),
        ),
      ),
    );
    const numbers = (await db('dispatches').whereIn('id', ids).pluck('number')).sort();
    expect(numbers).toEqual(['01/UBND-HT', '02/UBND-HT', '03/UBND-HT', '04/UBND-HT', '05/UBND-HT']);
    const jan = await mk('2031-01-20', dec30);
    await applyDispatchEventFor(
      db,
      clerk,
      jan,
      { type: 'ISSUE', version: 3 },
      new Date('2031-01-01T00:30:00+07:00').getTime(),
    );
    expect((await db('dispatches').where({ id: jan }).first('number')).number).toBe('01/UBND-HT');
  });

  it('reminds open replies once, one working day before the due date; silence without agreement becomes overdue', async () => {
    const d = await issued();
    const cal = new WorkCalendar();
    const due = (await t.tdb.db('dispatches').where({ id: d.id }).first('due_date')).due_date as string;
    const before = new Date(`${due}T00:00:00+07:00`).getTime() - 10 * DAY;
    expect(await remindDue(t.tdb.db, cal, before)).toBe(0);
    const dayBefore = new Date(`${due}T08:00:00+07:00`).getTime() - DAY;
    const n1 = await remindDue(t.tdb.db, cal, dayBefore);
    const n2 = await remindDue(t.tdb.db, cal, dayBefore);
    expect(n1).toBeGreaterThanOrEqual(1);
    expect(n2).toBe(0);
    const rows = await t.tdb.db('outbox').where({ kind: 'dispatch.remind' });
    expect(rows.filter((r) => JSON.parse(r.payload).dispatchId === d.id)).toHaveLength(1);
    const d2 = await create({ silenceMeansAgreement: false });
    await ev(tok.dSpecialist, d2.id, { type: 'SUBMIT', version: 1 });
    await ev(tok.dLeader, d2.id, { type: 'APPROVE', version: 2 });
    await ev(tok.dClerk, d2.id, { type: 'ISSUE', version: 3 });
    const due2 = (await t.tdb.db('dispatches').where({ id: d2.id }).first('due_date')).due_date as string;
    await expireReplies(t.tdb.db, new Date(`${due2}T00:00:00+07:00`).getTime() + DAY);
    const states = await t.tdb.db('dispatch_replies').where({ dispatch_id: d2.id }).pluck('state');
    expect(states).toEqual(['overdue', 'overdue']);
  });
});
