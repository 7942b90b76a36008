import { ENGINES } from '../helpers/db';
import { TestApp } from '../helpers/app';
import { receive, World, buildDossierApp } from '../factories/dossiers';
import { runDailyDigest } from '../../server/jobs/digest.job';
import { WorkCalendar } from '../../workflows/calendar';

describe.each(ENGINES)('daily digest on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  it('queues one digest per user with overdue or soon-due work, once a working day, from 07:00', async () => {
    const d = await receive(t.app, w, '1.000775');
    await t.tdb
      .db('dossiers')
      .where({ code: d.code })
      .update({ step_due_at: Date.now() - 3_600_000 });
    const cal = new WorkCalendar();
    const monday = new Date('2027-03-01T08:00:00+07:00').getTime(); // a working Monday
    expect(
      await runDailyDigest(t.tdb.db, cal, 'http://mc.test', 'a', new Date('2027-03-01T06:30:00+07:00').getTime()),
    ).toBeNull();
    expect(
      await runDailyDigest(t.tdb.db, cal, 'http://mc.test', 'a', new Date('2027-02-27T09:00:00+07:00').getTime()),
    ).toBeNull(); // Saturday
    const queued = await runDailyDigest(t.tdb.db, cal, 'http://mc.test', 'a', monday);
    expect(queued).toBe(1); // the commune's specialist, whose step is overdue
    expect(await runDailyDigest(t.tdb.db, cal, 'http://mc.test', 'b', monday + 60_000)).toBeNull();
    const mails = (await t.tdb.db('outbox').where({ kind: 'mail' })).map((r) => JSON.parse(r.payload));
    const digest = mails.filter((m) => m.subject.includes('quá hạn'));
    expect(digest).toHaveLength(1);
    expect(digest[0].text).toContain(d.code);
    expect(digest[0].subject).toBe('[Một Cửa] 1 hồ sơ quá hạn, 0 hồ sơ sắp đến hạn');
  });
});
