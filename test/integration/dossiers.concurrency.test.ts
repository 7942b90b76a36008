import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { TestApp } from '../helpers/app';
import { bearer, definition, receive, send, World, buildDossierApp } from '../factories/dossiers';

describe.each(ENGINES)('concurrency on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  it('20 parallel intakes get 20 distinct, consecutive codes', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => receive(t.app, w, '1.000775')));
    const codes = results.map((d) => d.code as string);
    expect(new Set(codes).size).toBe(20);
    const prefixes = new Set(codes.map((c) => c.slice(0, c.lastIndexOf('-'))));
    expect(prefixes.size).toBe(1);
    const numbers = codes.map((c) => Number(c.slice(c.lastIndexOf('-') + 1))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => numbers[0] + i));
  });

  it('10 parallel transitions on one version: one success, nine 409, exactly one event row', async () => {
    const d = await receive(t.app, w, '1.000775');
    const results = await Promise.all(
      Array.from({ length: 10 }, () => send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: 1 })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('conflict');
    const id = (await t.tdb.db('dossiers').where({ code: d.code }).first('id')).id;
    const events = await t.tdb.db('dossier_events').where({ dossier_id: id, type: 'FORWARD' });
    expect(events).toHaveLength(1);
    const now = await request(t.app).get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.specialist));
    expect(now.body).toMatchObject({ state: 'check', version: 2 });
  });

  it('two procedure versions posted at once become versions 1 and 2', async () => {
    const [a, b] = await Promise.all([
      request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition('2.000001')),
      request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition('2.000001')),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect([a.body.version, b.body.version].sort()).toEqual([1, 2]);
  });
});
