import request from 'supertest';
import { ENGINES } from '../helpers/db';
import type { TestApp } from '../helpers/app';
import { bearer, buildDossierApp, World } from '../factories/dossiers';
import { vnDate } from '../../workflows/calendar';
import { purgeIdempotencyKeys, IDEMPOTENCY_TTL_MS } from '../../server/queries/idempotency.queries';

/** contract.md §2, Idempotency: a repeat with the same key gets the first answer and changes nothing. */
describe.each(ENGINES)('Idempotency-Key on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let n = 0;
  const fresh = () => `khoa-${engine}-${++n}-${Date.now()}`;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  const intake = (key: string | null, token = w.tokens.intake, over: Record<string, unknown> = {}) => {
    const r = request(t.app)
      .post('/api/v1/dossiers')
      .set(bearer(token))
      .send({
        procedureCode: '1.000775',
        applicant: { fullName: 'Trần Thị Bình', phone: '0912345678' },
        documents: ['TO_TRINH', 'BAO_CAO'],
        ...over,
      });
    return key === null ? r : r.set('Idempotency-Key', key);
  };
  const count = async () => Number((await t.tdb.db('dossiers').count({ n: '*' }))[0].n);
  const keysOf = (key: string) => t.tdb.db('idempotency_keys').where({ key });

  it('a repeat replays the first answer (status, body, Location, Idempotency-Replayed) and makes no second dossier', async () => {
    const key = fresh();
    const first = await intake(key);
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    const before = await count();
    const again = await intake(key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBe('true');
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.body).toEqual(first.body);
    expect(await count()).toBe(before);
    // The answer was kept in the intake's own transaction.
    const [row] = await keysOf(key);
    expect(Number(row.status)).toBe(201);
  });

  it('the same key with another body → 409 idempotency_key_reused, nothing created', async () => {
    const key = fresh();
    expect((await intake(key)).status).toBe(201);
    const before = await count();
    const other = await intake(key, w.tokens.intake, { note: 'Một yêu cầu khác' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    expect(other.body.error.message).toMatch(/khóa/i);
    // The same key on another path is another request too.
    const code = (await intake(null)).body.code;
    const elsewhere = await request(t.app)
      .post(`/api/v1/dossiers/${code}/events`)
      .set(bearer(w.tokens.intake))
      .set('Idempotency-Key', key)
      .send({ type: 'WITHDRAW', version: 1, comment: 'Rút' });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.code).toBe('idempotency_key_reused');
    expect(await count()).toBe(before + 1);
  });

  it.each([
    ['101 characters', 'a'.repeat(101)],
    ['a space', 'khoa co dau cach'],
    ['a non-ASCII letter', 'khóa-1'],
    ['empty', ''],
    ['a slash', 'a/b'],
  ])('a key with %s → 400 invalid_idempotency_key, nothing created', async (_what, key) => {
    const before = await count();
    const res = await intake(key);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_idempotency_key');
    expect(res.body.error.message).toMatch(/Idempotency-Key/);
    expect(await count()).toBe(before);
  });

  it('100 characters of the whole alphabet are a valid key', async () => {
    const key = `AZaz09_.:-${'x'.repeat(90)}`;
    expect(key).toHaveLength(100);
    expect((await intake(key)).status).toBe(201);
    expect((await intake(key)).headers['idempotency-replayed']).toBe('true');
  });

  it("another user's key does not replay: the same key by two users makes two dossiers", async () => {
    const key = fresh();
    const mine = await intake(key);
    const theirs = await intake(key, w.tokens.otherIntake);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotency-replayed']).toBeUndefined();
    expect(theirs.body.code).not.toBe(mine.body.code);
  });

  it('a 4xx answer (422) replays too', async () => {
    const key = fresh();
    const body = { procedureCode: '9.999999' };
    const first = await intake(key, w.tokens.intake, body);
    expect(first.status).toBe(422);
    const again = await intake(key, w.tokens.intake, body);
    expect(again.status).toBe(422);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotency-replayed']).toBe('true');
  });

  it('a 403 answer inside the transaction (event at the wrong step) replays, and nothing changed', async () => {
    const d = (await intake(null)).body;
    const key = fresh();
    const ev = () =>
      request(t.app)
        .post(`/api/v1/dossiers/${d.code}/events`)
        .set(bearer(w.tokens.head))
        .set('Idempotency-Key', key)
        .send({ type: 'FORWARD', version: 1 });
    const first = await ev();
    expect(first.status).toBe(403);
    const again = await ev();
    expect([again.status, again.headers['idempotency-replayed']]).toEqual([403, 'true']);
    expect(again.body).toEqual(first.body);
  });

  it('a dossier event replays its 200 and the dossier moves once', async () => {
    const d = (await intake(null)).body;
    const key = fresh();
    const ev = () =>
      request(t.app)
        .post(`/api/v1/dossiers/${d.code}/events`)
        .set(bearer(w.tokens.specialist))
        .set('Idempotency-Key', key)
        .send({ type: 'FORWARD', version: 1 });
    const first = await ev();
    expect(first.status).toBe(200);
    const again = await ev();
    expect([again.status, again.headers['idempotency-replayed']]).toEqual([200, 'true']);
    expect(again.body).toEqual(first.body);
    const id = (await t.tdb.db('dossiers').where({ code: d.code }).first('id')).id;
    expect(await t.tdb.db('dossier_events').where({ dossier_id: id, type: 'FORWARD' })).toHaveLength(1);
    // Kept inside the engine's transaction.
    expect(Number((await keysOf(key))[0].status)).toBe(200);
  });

  it('a dispatch is created once however often it is posted with one key', async () => {
    const key = fresh();
    const body = {
      title: 'Xin ý kiến dự thảo kế hoạch',
      summary: 'Đề nghị góp ý.',
      dueDate: vnDate(new Date(Date.now() + 10 * 86_400_000)),
      recipientUnitCodes: [w.other.code],
    };
    const post = () =>
      request(t.app).post('/api/v1/dispatches').set(bearer(w.tokens.specialist)).set('Idempotency-Key', key).send(body);
    const before = Number((await t.tdb.db('dispatches').count({ n: '*' }))[0].n);
    const results = await Promise.all(Array.from({ length: 5 }, post));
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of results) expect([201, 409]).toContain(r.status);
    for (const r of ok) expect(r.body).toEqual(ok[0].body);
    expect(Number((await t.tdb.db('dispatches').count({ n: '*' }))[0].n)).toBe(before + 1);
    const later = await post();
    expect([later.status, later.headers['idempotency-replayed']]).toEqual([201, 'true']);
    expect(later.body).toEqual(ok[0].body);
  });

  it('10 identical intakes at once make one dossier; every answer is that dossier or 409 in flight', async () => {
    const key = fresh();
    const before = await count();
    const results = await Promise.all(Array.from({ length: 10 }, () => intake(key)));
    expect(await count()).toBe(before + 1);
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThan(0);
    for (const r of created) expect(r.body).toEqual(created[0].body);
    for (const r of results.filter((x) => x.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe('idempotency_in_flight');
    }
  });

  it('10 identical events at once move the dossier once', async () => {
    const d = (await intake(null)).body;
    const key = fresh();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(t.app)
          .post(`/api/v1/dossiers/${d.code}/events`)
          .set(bearer(w.tokens.specialist))
          .set('Idempotency-Key', key)
          .send({ type: 'FORWARD', version: 1, comment: 'Chuyển' }),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of ok) expect(r.body).toEqual(ok[0].body);
    for (const r of results) expect([200, 409]).toContain(r.status);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('idempotency_in_flight');
    const id = (await t.tdb.db('dossiers').where({ code: d.code }).first('id')).id;
    expect(await t.tdb.db('dossier_events').where({ dossier_id: id, type: 'FORWARD' })).toHaveLength(1);
  });

  it('after 24 hours a key is forgotten: the same request runs again, and the scheduler purges old keys', async () => {
    const key = fresh();
    const first = await intake(key);
    expect(first.status).toBe(201);
    // A day and a minute pass.
    await keysOf(key).update({ created_at: Date.now() - IDEMPOTENCY_TTL_MS - 60_000 });
    const again = await intake(key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBeUndefined();
    expect(again.body.code).not.toBe(first.body.code);
    // The purge drops what is older than the window, and only that.
    const other = fresh();
    expect((await intake(other)).status).toBe(201);
    await keysOf(other).update({ created_at: Date.now() - IDEMPOTENCY_TTL_MS - 60_000 });
    await purgeIdempotencyKeys(t.tdb.db, Date.now() - IDEMPOTENCY_TTL_MS);
    expect(await keysOf(other)).toHaveLength(0);
    expect(await keysOf(key)).toHaveLength(1);
  });

  it('the OpenAPI document gives every authenticated POST the header and the 409, and a replay its declared shape', async () => {
    const doc = (await request(t.app).get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: object }>>;
    };
    const posts = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.post ? [[path, ops.post] as const] : []));
    expect(posts.length).toBeGreaterThan(8);
    for (const [path, op] of posts) {
      const has = !!op.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      expect([path, has]).toEqual([path, path !== '/tokens']);
      if (path !== '/tokens')
        expect([path, Object.keys(op.responses)]).toEqual([path, expect.arrayContaining(['400', '409'])]);
    }
    // A replayed intake is the dossier the first answer was (the openapi test checks that shape).
    const key = fresh();
    const first = await intake(key);
    const again = await intake(key);
    expect(Object.keys(again.body).sort()).toEqual(Object.keys(first.body).sort());
  });

  it('a POST without the header works as before, every time', async () => {
    const a = await intake(null);
    const b = await intake(null);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.code).not.toBe(b.body.code);
  });
});
