import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';
import { bearer, buildWorld, World } from '../factories/dossiers';

describe.each(ENGINES)('calendar API on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
  });
  afterAll(() => t.close());

  const deadline = (qs: string) => request(t.app).get(`/api/v1/calendar/deadline?${qs}`).set(bearer(w.tokens.intake));

  it('computes the design.md example: Thu 29/4/2027 10:00 + 3 days → Thu 6/5/2027 10:00', async () => {
    const from = '2027-04-29T10:00:00+07:00';
    const res = await deadline(`from=${encodeURIComponent(from)}&days=3`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ from, start: '2027-04-29T10:00:00+07:00', dueAt: '2027-05-06T10:00:00+07:00' });
  });

  it('applies the 15:00 rule to days and hours alike (from is a receipt), and tolerates an unencoded +', async () => {
    const late = await deadline('from=2027-04-28T15:30:00+07:00&days=1');
    expect(late.body.start).toBe('2027-04-29T07:30:00+07:00');
    expect(late.body.dueAt).toBe('2027-04-29T17:30:00+07:00');
    const hours = await deadline(`from=${encodeURIComponent('2027-04-28T15:30:00+07:00')}&hours=2`);
    expect(hours.body).toEqual({
      from: '2027-04-28T15:30:00+07:00',
      start: '2027-04-29T07:30:00+07:00',
      dueAt: '2027-04-29T09:30:00+07:00',
    });
    const edge = await deadline(`from=${encodeURIComponent('2027-04-28T15:00:00+07:00')}&days=1`);
    expect(edge.body.start).toBe('2027-04-28T15:00:00+07:00');
    const edgeHours = await deadline(`from=${encodeURIComponent('2027-04-28T15:00:00+07:00')}&hours=2`);
    expect([edgeHours.body.start, edgeHours.body.dueAt]).toEqual([
      '2027-04-28T15:00:00+07:00',
      '2027-04-28T17:00:00+07:00',
    ]);
    // From the lunch break, hours start at 13:30 as days do.
    const lunch = await deadline(`from=${encodeURIComponent('2027-04-28T12:00:00+07:00')}&hours=1`);
    expect([lunch.body.start, lunch.body.dueAt]).toEqual(['2027-04-28T13:30:00+07:00', '2027-04-28T14:30:00+07:00']);
  });

  it('rejects bad queries with 422 naming the field', async () => {
    const res = await deadline('from=hom-qua&days=3');
    expect(res.status).toBe(422);
    expect(res.body.error.details.fields.from).toBeDefined();
    expect((await deadline(`from=${encodeURIComponent('2027-04-29T10:00:00+07:00')}`)).status).toBe(422);
    expect((await deadline(`from=${encodeURIComponent('2027-04-29T10:00:00+07:00')}&days=1&hours=2`)).status).toBe(422);
    expect((await deadline(`from=${encodeURIComponent('2027-04-29T10:00:00+07:00')}&days=-1`)).status).toBe(422);
  });

  it('overrides: an extra day off and a make-up Saturday move deadlines; DELETE restores', async () => {
    const from = encodeURIComponent('2027-04-29T10:00:00+07:00');
    const off = await request(t.app)
      .put('/api/v1/calendar/days/2027-05-04')
      .set(bearer(w.tokens.admin))
      .send({ kind: 'holiday', name: 'Nghỉ bù theo thông báo' });
    expect(off.status).toBe(200);
    expect((await deadline(`from=${from}&days=3`)).body.dueAt).toBe('2027-05-07T10:00:00+07:00');
    const sat = await request(t.app)
      .put('/api/v1/calendar/days/2027-05-01')
      .set(bearer(w.tokens.admin))
      .send({ kind: 'workday', name: 'Làm bù' });
    expect(sat.status).toBe(200);
    expect((await deadline(`from=${from}&days=3`)).body.dueAt).toBe('2027-05-06T10:00:00+07:00');
    expect((await request(t.app).delete('/api/v1/calendar/days/2027-05-04').set(bearer(w.tokens.admin))).status).toBe(
      204,
    );
    expect((await request(t.app).delete('/api/v1/calendar/days/2027-05-01').set(bearer(w.tokens.admin))).status).toBe(
      204,
    );
    expect((await deadline(`from=${from}&days=3`)).body.dueAt).toBe('2027-05-06T10:00:00+07:00');
  });

  it('only admins change days; bad dates and kinds are refused', async () => {
    expect(
      (
        await request(t.app)
          .put('/api/v1/calendar/days/2027-05-04')
          .set(bearer(w.tokens.leader))
          .send({ kind: 'holiday' })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(t.app)
          .put('/api/v1/calendar/days/2027-02-30')
          .set(bearer(w.tokens.admin))
          .send({ kind: 'holiday' })
      ).status,
    ).toBe(404);
    const bad = await request(t.app)
      .put('/api/v1/calendar/days/2027-05-04')
      .set(bearer(w.tokens.admin))
      .send({ kind: 'nghi' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.kind).toBeDefined();
  });

  it('lists a year with lunar holidays', async () => {
    const res = await request(t.app).get('/api/v1/calendar/days?year=2027').set(bearer(w.tokens.intake));
    expect(res.status).toBe(200);
    const dates = res.body.holidays.map((h: { date: string }) => h.date);
    expect(dates).toEqual(
      expect.arrayContaining(['2027-02-06', '2027-04-16', '2027-04-30', '2027-05-03', '2027-09-02']),
    );
  });
});
