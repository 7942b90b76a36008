import { ENGINES } from '../helpers/db';
import { TestApp, tokenFor } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, receive, send, World, buildDossierApp } from '../factories/dossiers';
import { documentsOf, findDossierByCode, listEvents } from '../../server/queries/dossiers.queries';
import { dispatchEvents, findDispatch } from '../../server/queries/dispatches.queries';
import { vnDate } from '../../workflows/calendar';
import request from 'supertest';

/**
 * Rows come out of queries/ as JavaScript values on both engines (issue 12): booleans as booleans,
 * timestamps and ids as numbers. Both drivers hand back 0/1 for a boolean column, so each check
 * below fails when a row type is returned as the driver gave it.
 */
describe.each(ENGINES)('rows normalised once on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  it('a dossier, its checklist and its events: booleans and numbers', async () => {
    const d = await receive(t.app, w, '1.000775');
    let version = 1;
    // Two supplement requests mark the dossier late; refusing it then resolves it not on time.
    for (const comment of ['Bổ sung lần một', 'Bổ sung lần hai']) {
      const ask = await send(t.app, w.tokens.specialist, d.code, { type: 'REQUEST_SUPPLEMENT', version, comment });
      const got = await send(t.app, w.tokens.intake, d.code, {
        type: 'SUPPLEMENT_RECEIVED',
        version: ask.body.version,
      });
      version = got.body.version;
    }
    const refused = await send(t.app, w.tokens.specialist, d.code, { type: 'REFUSE', version, comment: 'Không đủ' });
    expect(refused.status).toBe(200);

    const row = (await findDossierByCode(t.tdb.db, d.code))!;
    expect(row).toMatchObject({ late_marked: true, extended: false, on_time: false, supplement_count: 2 });
    for (const k of ['id', 'version', 'received_at', 'due_at', 'resolved_at', 'completed_at', 'updated_at'] as const)
      expect(typeof row[k]).toBe('number');

    const docs = await documentsOf(t.tdb.db, row.id);
    expect(docs.map((x) => [x.code, x.required, x.received])).toEqual([
      ['TO_TRINH', true, true],
      ['BAO_CAO', true, true],
      ['KHAC', false, false],
    ]);

    const events = await listEvents(t.tdb.db, row.id);
    expect(events.map((e) => e.on_time)).toEqual([null, true, null, true, null, true]);
    expect(events.every((e) => typeof e.at === 'number' && typeof e.id === 'number')).toBe(true);
  });

  it('a dispatch and its events: the silence flag as a boolean, times as numbers', async () => {
    const u = await buildUser(t.tdb.db, { unitId: w.district.id, roles: ['specialist'] });
    const token = await tokenFor(t.app, u.username, PASSWORD);
    const res = await request(t.app)
      .post('/api/v1/dispatches')
      .set(bearer(token))
      .send({
        title: 'Xin ý kiến',
        summary: 'Góp ý dự thảo.',
        dueDate: vnDate(new Date(Date.now() + 10 * 86_400_000)),
        recipientUnitCodes: [w.commune.code],
        silenceMeansAgreement: false,
      });
    expect(res.status).toBe(201);
    const d = (await findDispatch(t.tdb.db, res.body.id))!;
    expect(d.silence_means_agreement).toBe(false);
    expect(typeof d.created_at).toBe('number');
    expect(d.issued_at).toBeNull();
    const events = await dispatchEvents(t.tdb.db, d.id);
    expect(events).toEqual([expect.objectContaining({ type: 'CREATE', dispatch_id: d.id, reply_id: null })]);
    expect(typeof events[0].at).toBe('number');
  });
});
