import { saturdayAfter, workingDayAfter } from '../helpers/time';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';

describe.each(ENGINES)('dossier lifecycle through the API on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
    const res = await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
    expect(res.status).toBe(201);
  });
  afterAll(() => t.close());

  const history = async (code: string) =>
    (await request(t.app).get(`/api/v1/dossiers/${code}/history`).set(bearer(w.tokens.intake))).body.items;

  it('intake gives a code, the first step, due times and a receipt event', async () => {
    const d = await receive(t.app, w, '1.000775', { channel: 2 });
    expect(d.code).toMatch(new RegExp(`^${w.commune.code.replace(/\./g, '\\.')}-\\d{6}-\\d{4}$`));
    expect(d).toMatchObject({
      state: 'review',
      status: 'processing',
      statusText: 'Đang xử lý',
      nationalStatus: 4,
      procedure: { code: '1.000775', version: 1, name: 'Tặng Giấy khen của Chủ tịch UBND cấp xã' },
      receivingUnit: { code: w.commune.code },
      competentUnit: { code: w.commune.code },
      handlingUnit: { code: w.commune.code },
      step: { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist' },
      resolvedAt: null,
      completedAt: null,
      overdue: false,
      onTime: null,
      version: 1,
      channel: 2,
    });
    expect(d.receivedAt).toMatch(/\+07:00$/);
    expect(Date.parse(d.dueAt)).toBeGreaterThan(Date.parse(d.step.dueAt));
    expect(d.documents.find((x: { code: string }) => x.code === 'KHAC')).toMatchObject({
      required: false,
      received: false,
    });
    const h = await history(d.code);
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({
      type: 'RECEIVE',
      fromState: null,
      toState: 'review',
      actor: { unitCode: w.commune.code },
    });
  });

  it('refuses intake with missing required documents (422 listing them) and writes nothing', async () => {
    const before = await t.tdb.db('dossiers').count({ n: '*' });
    const res = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({ procedureCode: '1.000775', applicant: { fullName: 'Trần B' }, documents: ['TO_TRINH'] });
    expect(res.status).toBe(422);
    expect(res.body.error.details.missingDocuments).toEqual(['BAO_CAO']);
    const unknownProc = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({ procedureCode: 'KHONG.CO', applicant: { fullName: 'Trần B' } });
    expect(unknownProc.status).toBe(422);
    expect(unknownProc.body.error.details.fields.procedureCode).toBeDefined();
    const noName = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.intake))
      .send({ procedureCode: '1.000775', applicant: {}, documents: ['TO_TRINH', 'BAO_CAO'] });
    expect(noName.status).toBe(422);
    expect(noName.body.error.details.fields['applicant.fullName']).toMatch(/Họ tên/);
    const notIntake = await request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(w.tokens.specialist))
      .send({ procedureCode: '1.000775', applicant: { fullName: 'X' }, documents: ['TO_TRINH', 'BAO_CAO'] });
    expect(notIntake.status).toBe(403);
    expect(await t.tdb.db('dossiers').count({ n: '*' })).toEqual(before);
  });

  it('walks review → check → sign → number → result_ready → returned, with on-time hand-offs', async () => {
    let d = await receive(t.app, w, '1.000775');
    const steps: Array<[string, string]> = [
      ['specialist', 'check'],
      ['head', 'sign'],
      ['leader', 'number'],
      ['clerk', 'result_ready'],
    ];
    for (const [who, to] of steps) {
      const res = await send(t.app, w.tokens[who], d.code, { type: 'FORWARD', version: d.version });
      expect(res.status).toBe(200);
      expect(res.body.state).toBe(to);
      expect(res.body.version).toBe(d.version + 1);
      d = res.body;
    }
    expect(d).toMatchObject({
      status: 'result_ready',
      nationalStatus: 9,
      step: null,
      onTime: true,
      handlingUnit: { code: w.commune.code },
    });
    expect(d.resolvedAt).not.toBeNull();
    expect(d.completedAt).toBeNull();
    const done = await send(t.app, w.tokens.intake, d.code, { type: 'RETURN_RESULT', version: d.version });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({
      state: 'returned',
      status: 'returned',
      nationalStatus: 10,
      statusText: 'Đã trả kết quả',
    });
    expect(done.body.completedAt).not.toBeNull();
    const h = await history(d.code);
    expect(h.map((e: { type: string }) => e.type)).toEqual([
      'RECEIVE',
      'FORWARD',
      'FORWARD',
      'FORWARD',
      'FORWARD',
      'RETURN_RESULT',
    ]);
    expect(h.map((e: { toState: string }) => e.toState)).toEqual([
      'review',
      'check',
      'sign',
      'number',
      'result_ready',
      'returned',
    ]);
    expect(h.slice(1, 5).every((e: { onTime: boolean; stepDueAt: string }) => e.onTime === true && e.stepDueAt)).toBe(
      true,
    );
    expect(h[1].actor.unitCode).toBe(w.commune.code);
  });

  it('RETURN needs a reason, goes back one step, and is not offered at the first step', async () => {
    const d = await receive(t.app, w, '1.000775');
    const first = await send(t.app, w.tokens.specialist, d.code, {
      type: 'RETURN',
      version: 1,
      comment: 'Không có bước trước',
    });
    expect(first.status).toBe(422);
    expect(first.body.error.code).toBe('event_not_allowed');
    const fwd = await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    const noReason = await send(t.app, w.tokens.head, d.code, { type: 'RETURN', version: fwd.body.version });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.details.fields.comment).toBeDefined();
    const back = await send(t.app, w.tokens.head, d.code, {
      type: 'RETURN',
      version: fwd.body.version,
      comment: 'Thiếu số liệu',
    });
    expect(back.status).toBe(200);
    expect(back.body.state).toBe('review');
    const h = await history(d.code);
    expect(h.at(-1)).toMatchObject({ type: 'RETURN', fromState: 'check', toState: 'review', comment: 'Thiếu số liệu' });
  });

  it('supplement pauses the clock, returns to the step that asked, and a second request marks the dossier late', async () => {
    const d = await receive(t.app, w, '1.000775');
    const fwd = await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    const ask = await send(t.app, w.tokens.head, d.code, {
      type: 'REQUEST_SUPPLEMENT',
      version: fwd.body.version,
      comment: 'Bổ sung bản sao quyết định',
    });
    expect(ask.status).toBe(200);
    expect(ask.body).toMatchObject({
      state: 'waiting_supplement',
      status: 'waiting_supplement',
      nationalStatus: 5,
      step: null,
      supplementCount: 1,
    });
    // only the receiving desk records the supplement
    expect(
      (await send(t.app, w.tokens.head, d.code, { type: 'SUPPLEMENT_RECEIVED', version: ask.body.version })).status,
    ).toBe(403);
    const got = await send(t.app, w.tokens.intake, d.code, { type: 'SUPPLEMENT_RECEIVED', version: ask.body.version });
    expect(got.status).toBe(200);
    expect(got.body.state).toBe('check');
    expect(Date.parse(got.body.dueAt)).toBeGreaterThanOrEqual(Date.parse(d.dueAt));
    const again = await send(t.app, w.tokens.head, d.code, {
      type: 'REQUEST_SUPPLEMENT',
      version: got.body.version,
      comment: 'Lần hai',
    });
    expect(again.body.supplementCount).toBe(2);
    const back = await send(t.app, w.tokens.intake, d.code, {
      type: 'SUPPLEMENT_RECEIVED',
      version: again.body.version,
    });
    let cur = back.body;
    for (const who of ['head', 'leader', 'clerk'])
      cur = (await send(t.app, w.tokens[who], d.code, { type: 'FORWARD', version: cur.version })).body;
    expect(cur.state).toBe('result_ready');
    expect(cur.onTime).toBe(false); // a second supplement request counts the dossier as late
  });

  it('REFUSE needs a reason and ends the dossier as refused', async () => {
    const d = await receive(t.app, w, '1.000775');
    expect((await send(t.app, w.tokens.specialist, d.code, { type: 'REFUSE', version: 1 })).status).toBe(422);
    const res = await send(t.app, w.tokens.specialist, d.code, {
      type: 'REFUSE',
      version: 1,
      comment: 'Không đủ điều kiện',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'refused', status: 'refused', nationalStatus: 3, onTime: true });
    expect(res.body.resolvedAt).toBe(res.body.completedAt);
    expect((await send(t.app, w.tokens.intake, d.code, { type: 'WITHDRAW', version: 2, comment: 'x' })).status).toBe(
      422,
    );
  });

  it('EXTEND: leader of the competent unit only, a later date, once per dossier', async () => {
    const d = await receive(t.app, w, '1.000775');
    const later = workingDayAfter(Date.parse(d.dueAt), 3);
    expect(
      (await send(t.app, w.tokens.specialist, d.code, { type: 'EXTEND', version: 1, comment: 'x', dueAt: later }))
        .status,
    ).toBe(403);
    expect(
      (await send(t.app, w.tokens.leader, d.code, { type: 'EXTEND', version: 1, comment: 'Xin lỗi' })).status,
    ).toBe(422);
    const earlier = await send(t.app, w.tokens.leader, d.code, {
      type: 'EXTEND',
      version: 1,
      comment: 'Xin lỗi',
      dueAt: new Date(Date.parse(d.dueAt) - 3_600_000).toISOString(),
    });
    expect(earlier.status).toBe(422);
    expect(earlier.body.error.details.fields.dueAt).toBeDefined();
    // A new appointment must fall inside the working hours of a working day (contract §2).
    for (const dueAt of [saturdayAfter(Date.parse(d.dueAt), 1), later.replace('T10:00', 'T19:00')]) {
      const off = await send(t.app, w.tokens.leader, d.code, { type: 'EXTEND', version: 1, comment: 'Xin lỗi', dueAt });
      expect(off.status).toBe(422);
      expect(off.body.error.details.fields.dueAt).toBeDefined();
    }
    const ok = await send(t.app, w.tokens.leader, d.code, {
      type: 'EXTEND',
      version: 1,
      comment: 'Xin lỗi công dân vì chậm trễ',
      dueAt: later,
    });
    expect(ok.status).toBe(200);
    expect(Date.parse(ok.body.dueAt)).toBe(Date.parse(later));
    expect(ok.body.state).toBe('review');
    expect(ok.body.extended).toBe(true);
    const twice = await send(t.app, w.tokens.leader, d.code, {
      type: 'EXTEND',
      version: 2,
      comment: 'Lần hai',
      dueAt: workingDayAfter(Date.parse(later), 1),
    });
    expect(twice.status).toBe(422);
    expect(twice.body.error.code).toBe('event_not_allowed');
  });

  it('WITHDRAW from any non-final state by the receiving desk, with a reason', async () => {
    const d = await receive(t.app, w, '1.000775');
    const ask = await send(t.app, w.tokens.specialist, d.code, {
      type: 'REQUEST_SUPPLEMENT',
      version: 1,
      comment: 'Thiếu',
    });
    expect((await send(t.app, w.tokens.intake, d.code, { type: 'WITHDRAW', version: ask.body.version })).status).toBe(
      422,
    );
    const res = await send(t.app, w.tokens.intake, d.code, {
      type: 'WITHDRAW',
      version: ask.body.version,
      comment: 'Công dân xin rút',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'withdrawn',
      status: 'withdrawn',
      nationalStatus: 7,
      resolvedAt: null,
      onTime: null,
    });
  });

  it('orders refusals 404 → 422 fields → 409 → 403 → 422 state', async () => {
    const d = await receive(t.app, w, '1.000775');
    // another commune cannot see it: 404 even for a malformed body
    expect((await send(t.app, w.tokens.otherSpecialist, d.code, { type: 'BOGUS' })).status).toBe(404);
    expect((await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.otherIntake))).status).toBe(404);
    expect(
      (await request(t.app).get(`/api/v1/dossiers/${d.code}/history`).set(bearer(w.tokens.otherIntake))).status,
    ).toBe(404);
    expect((await send(t.app, w.tokens.specialist, 'KHONG-CO-0001', { type: 'FORWARD', version: 1 })).status).toBe(404);
    const bad = await send(t.app, w.tokens.specialist, d.code, { type: 'BOGUS', version: 'x' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.error.details.fields).sort()).toEqual(['type', 'version']);
    expect(
      (
        await request(t.app)
          .post(`/api/v1/dossiers/${d.code}/events`)
          .set(bearer(w.tokens.specialist))
          .set('Content-Type', 'application/json')
          .send('{')
      ).status,
    ).toBe(400);
    // stale version beats wrong role
    expect((await send(t.app, w.tokens.head, d.code, { type: 'FORWARD', version: 7 })).status).toBe(409);
    const wrongRole = await send(t.app, w.tokens.head, d.code, { type: 'FORWARD', version: 1 });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.error.message).toMatch(/chuyên viên/i);
    expect((await send(t.app, w.tokens.intake, d.code, { type: 'RETURN_RESULT', version: 1 })).status).toBe(422);
    const after = await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.intake));
    expect(after.body.version).toBe(1);
    expect(await history(d.code)).toHaveLength(1);
  });

  it('users of the parent district and the province can read, but not act', async () => {
    const d = await receive(t.app, w, '1.000775');
    const read = await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.districtSpecialist));
    expect(read.status).toBe(200);
    expect((await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.provinceLeader))).status).toBe(
      200,
    );
    expect((await send(t.app, w.tokens.districtSpecialist, d.code, { type: 'FORWARD', version: 1 })).status).toBe(403);
  });
});
