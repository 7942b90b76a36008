import { ENGINES } from '../helpers/db';
import { TestApp } from '../helpers/app';
import { receive, World, buildDossierApp } from '../factories/dossiers';
import { runDailyDigest } from '../../server/jobs/digest.job';
import { WorkCalendar } from '../../workflows/calendar';

const HOUR = 3_600_000;
const DAY = 86_400_000;

describe.each(ENGINES)('daily digest lists what the work list badges, on %s', (engine) => {
  let t: TestApp;
  let w: World;

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
  });
  afterAll(() => t.close());

  it('puts a step six days past due under "Quá hạn", a step due within a working day under "Đến hạn"', async () => {
    const cal = new WorkCalendar();
    const now = Date.parse('2030-01-15T08:00:00+07:00'); // a working Tuesday
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) codes.push((await receive(t.app, w, '1.000775')).code);
    const set = (code: string, patch: Record<string, number>) => t.tdb.db('dossiers').where({ code }).update(patch);
    // A step six days past due; a step with two working hours left; an overall due time past; nothing urgent.
    await set(codes[0], { step_due_at: now - 6 * DAY, due_at: now + 30 * DAY });
    await set(codes[1], { step_due_at: cal.addWorkingMs(new Date(now), 2 * HOUR).getTime(), due_at: now + 30 * DAY });
    await set(codes[2], { step_due_at: now + 20 * DAY, due_at: now - HOUR });
    await set(codes[3], { step_due_at: now + 20 * DAY, due_at: now + 30 * DAY });

    expect(await runDailyDigest(t.tdb.db, cal, 'http://mc.test', 'a', now)).toBe(1);
    const [m] = (await t.tdb.db('outbox').where({ kind: 'mail' })).map((r) => JSON.parse(r.payload));
    expect(m.subject).toBe('[Một Cửa] 2 hồ sơ quá hạn, 1 hồ sơ sắp đến hạn');
    const [overduePart, soonPart] = (m.text as string).split('Đến hạn trong ngày làm việc tới');
    expect(overduePart).toContain(`${codes[0]} · review · hạn bước`);
    expect(overduePart).toContain(`${codes[2]} · review · hẹn trả`);
    expect(soonPart).toContain(`${codes[1]} · review · hạn bước`);
    expect(m.text).not.toContain(codes[3]);
  });
});
