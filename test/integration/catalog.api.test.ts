import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, TestApp } from '../helpers/app';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';

describe.each(ENGINES)('procedure catalog on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
  });
  afterAll(() => t.close());

  const post = (body: unknown, token = w.tokens.admin) =>
    request(t.app)
      .post('/api/v1/procedures')
      .set(bearer(token))
      .send(body as object);

  it('versions a definition; dossiers keep the version they were received under', async () => {
    expect((await post(definition('3.000001'))).body).toEqual({ code: '3.000001', version: 1 });
    const d = await receive(t.app, w, '3.000001');
    const v2 = definition('3.000001', {
      name: 'Tên mới',
      steps: [
        { code: 'review', name: 'Thẩm định', role: 'specialist', hours: 16 },
        { code: 'sign', name: 'Ký', role: 'leader', hours: 8 },
      ],
    });
    expect((await post(v2)).body).toEqual({ code: '3.000001', version: 2 });
    const latest = await request(t.app).get('/api/v1/procedures/3.000001').set(bearer(w.tokens.intake));
    expect(latest.body).toMatchObject({ code: '3.000001', version: 2, name: 'Tên mới', versions: [1, 2] });
    const first = await request(t.app).get('/api/v1/procedures/3.000001?version=1').set(bearer(w.tokens.intake));
    expect(first.body.steps).toHaveLength(4);
    expect(
      (await request(t.app).get('/api/v1/procedures/3.000001?version=9').set(bearer(w.tokens.intake))).status,
    ).toBe(404);
    // the old dossier still walks the four steps of version 1
    const fwd = await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 });
    expect(fwd.body).toMatchObject({ state: 'check', procedure: { version: 1 } });
    const fresh = await receive(t.app, w, '3.000001');
    expect(fresh.procedure).toMatchObject({ version: 2, name: 'Tên mới' });
    const list = await request(t.app).get('/api/v1/procedures?pageSize=100').set(bearer(w.tokens.intake));
    expect(list.body.items.find((p: { code: string }) => p.code === '3.000001').version).toBe(2);
  });

  it.each([
    [
      'duplicate step codes',
      {
        steps: [
          { code: 'a', name: 'A', role: 'specialist', hours: 8 },
          { code: 'a', name: 'B', role: 'head', hours: 8 },
        ],
      },
      'steps.1.code',
    ],
    ['an unknown role', { steps: [{ code: 'a', name: 'A', role: 'boss', hours: 8 }] }, 'steps.0.role'],
    [
      'a reserved state name',
      { steps: [{ code: 'refused', name: 'A', role: 'specialist', hours: 8 }] },
      'steps.0.code',
    ],
    ['non-positive hours', { steps: [{ code: 'a', name: 'A', role: 'specialist', hours: 0 }] }, 'steps.0.hours'],
    [
      'more hours than the total days allow',
      { totalDays: 1, steps: [{ code: 'a', name: 'A', role: 'specialist', hours: 9 }] },
      'steps',
    ],
    ['no steps', { steps: [] }, 'steps'],
    [
      'an unknown unit code',
      { steps: [{ code: 'a', name: 'A', role: 'specialist', hours: 8, unit: '999.99.99.X99' }] },
      'steps.0.unit',
    ],
  ])('refuses %s with 422 naming the fault', async (_label, over, path) => {
    const res = await post(definition('4.000001', over));
    expect(res.status).toBe(422);
    expect(Object.keys(res.body.error.details.fields)).toContain(path);
    expect(res.body.error.message).toMatch(/[À-ỹ]/); // Vietnamese, with diacritics
    expect((await request(t.app).get('/api/v1/procedures/4.000001').set(bearer(w.tokens.admin))).status).toBe(404);
  });

  it('only admins post definitions', async () => {
    expect((await post(definition('5.000001'), w.tokens.leader)).status).toBe(403);
  });
});
