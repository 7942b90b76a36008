import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { TestApp } from '../helpers/app';
import { bearer, definition, receive, send, World, buildDossierApp } from '../factories/dossiers';

describe.each(ENGINES)('dossier lists on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let codes: string[];

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    await request(t.app)
      .post('/api/v1/procedures')
      .set(bearer(w.tokens.admin))
      .send(definition('9.000009', { name: 'Thủ tục khác' }));
    codes = [];
    for (const name of ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường']) {
      codes.push((await receive(t.app, w, '1.000775', { applicant: { fullName: name } })).code);
    }
    codes.push((await receive(t.app, w, '9.000009', { applicant: { fullName: 'Phạm Thị 100%_x' } })).code);
    await send(t.app, w.tokens.specialist, codes[0], { type: 'FORWARD', version: 1 });
    await send(t.app, w.tokens.specialist, codes[1], { type: 'REQUEST_SUPPLEMENT', version: 1, comment: 'Thiếu' });
    // one dossier far past its due time
    await t.tdb
      .db('dossiers')
      .where({ code: codes[2] })
      .update({ due_at: Date.now() - 86_400_000 });
  });
  afterAll(() => t.close());

  const list = (token: string, qs = '') => request(t.app).get(`/api/v1/dossiers${qs}`).set(bearer(token));
  const codesOf = (res: request.Response) => res.body.items.map((d: { code: string }) => d.code).sort();

  it('mine=1 lists what this user may act on now', async () => {
    expect(codesOf(await list(w.tokens.specialist, '?mine=1'))).toEqual([codes[2], codes[3]].sort());
    expect(codesOf(await list(w.tokens.head, '?mine=1'))).toEqual([codes[0]]);
    expect(codesOf(await list(w.tokens.intake, '?mine=1'))).toEqual([codes[1]]); // the supplement waits at the desk
    expect((await list(w.tokens.leader, '?mine=1')).body).toEqual({ items: [], total: 0 });
  });

  it('filters by status, procedure, overdue and text', async () => {
    expect(codesOf(await list(w.tokens.intake, '?status=waiting_supplement'))).toEqual([codes[1]]);
    expect(codesOf(await list(w.tokens.intake, '?procedureCode=9.000009'))).toEqual([codes[3]]);
    const overdue = await list(w.tokens.intake, '?overdue=1');
    expect(codesOf(overdue)).toEqual([codes[2]]);
    expect(overdue.body.items[0].overdue).toBe(true);
    expect(codesOf(await list(w.tokens.intake, `?q=${encodeURIComponent('Bình')}`))).toEqual([codes[1]]);
    expect(codesOf(await list(w.tokens.intake, `?q=${encodeURIComponent('100%_')}`))).toEqual([codes[3]]);
    expect(codesOf(await list(w.tokens.intake, `?q=${encodeURIComponent(codes[0])}`))).toEqual([codes[0]]);
    expect((await list(w.tokens.intake, '?status=bogus')).status).toBe(422);
  });

  it('pages with total, and hides other communes', async () => {
    const p1 = await list(w.tokens.intake, '?pageSize=3&page=1');
    const p2 = await list(w.tokens.intake, '?pageSize=3&page=2');
    expect(p1.body.total).toBe(4);
    expect(p1.body.items).toHaveLength(3);
    expect(p2.body.items).toHaveLength(1);
    expect((await list(w.tokens.intake, '?pageSize=101')).status).toBe(422);
    expect((await list(w.tokens.otherIntake)).body).toEqual({ items: [], total: 0 });
    expect((await list(w.tokens.districtSpecialist)).body.total).toBe(4);
  });
});
