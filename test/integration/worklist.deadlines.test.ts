import { ENGINES } from '../helpers/db';
import { signIn, TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { receive, World, buildDossierApp } from '../factories/dossiers';
import { WorkCalendar } from '../../workflows/calendar';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/** The HTML of the first element `tag` that contains `code`. */
function elementWith(html: string, tag: 'tr' | 'li', code: string): string {
  const m = new RegExp(`<${tag}\\b(?:(?!</${tag}>)[\\s\\S])*?${code}[\\s\\S]*?</${tag}>`).exec(html);
  if (!m) throw new Error(`no <${tag}> with ${code}`);
  return m[0];
}

describe.each(ENGINES)('work list and home page deadline badges on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let specialist: string;
  const code: Record<'stepLate' | 'stepSoon' | 'dossierLate' | 'calm', string> = {
    stepLate: '',
    stepSoon: '',
    dossierLate: '',
    calm: '',
  };

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    specialist = (await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['specialist'] })).username;
    for (const key of Object.keys(code) as Array<keyof typeof code>)
      code[key] = (await receive(t.app, w, '1.000775')).code;
    const cal = new WorkCalendar();
    const now = Date.now();
    const set = (c: string, patch: Record<string, number>) => t.tdb.db('dossiers').where({ code: c }).update(patch);
    // The step is six days past due; the dossier's overall due time is still weeks away.
    await set(code.stepLate, { step_due_at: now - 6 * DAY, due_at: now + 30 * DAY });
    // Two working hours left on the step.
    await set(code.stepSoon, {
      step_due_at: cal.addWorkingMs(new Date(now), 2 * HOUR).getTime(),
      due_at: now + 30 * DAY,
    });
    await set(code.dossierLate, { step_due_at: now + 20 * DAY, due_at: now - DAY });
    await set(code.calm, { step_due_at: now + 20 * DAY, due_at: now + 30 * DAY });
  });
  afterAll(() => t.close());

  it('the work list shows a step six days past due as "Quá hạn", never "Sắp đến hạn"', async () => {
    const agent = await signIn(t.app, specialist, PASSWORD);
    const page = await agent.get('/ho-so?loc=cua-toi');
    expect(page.status).toBe(200);
    const late = elementWith(page.text, 'tr', code.stepLate);
    expect(late).toContain('Quá hạn');
    expect(late).not.toContain('Sắp đến hạn');
    expect(late).toContain('row-overdue');
    const soon = elementWith(page.text, 'tr', code.stepSoon);
    expect(soon).toContain('Sắp đến hạn');
    expect(soon).not.toContain('Quá hạn');
    expect(elementWith(page.text, 'tr', code.dossierLate)).toContain('Quá hạn');
    const calm = elementWith(page.text, 'tr', code.calm);
    expect(calm).not.toContain('Quá hạn');
    expect(calm).not.toContain('Sắp đến hạn');
  });

  it('the home page shows the same badges on the first of the work list', async () => {
    const agent = await signIn(t.app, specialist, PASSWORD);
    const page = await agent.get('/');
    expect(page.status).toBe(200);
    const late = elementWith(page.text, 'li', code.stepLate);
    expect(late).toContain('Quá hạn');
    expect(late).not.toContain('Sắp đến hạn');
    expect(elementWith(page.text, 'li', code.stepSoon)).toContain('Sắp đến hạn');
    expect(elementWith(page.text, 'li', code.dossierLate)).toContain('Quá hạn');
    expect(elementWith(page.text, 'li', code.calm)).not.toMatch(/Quá hạn|Sắp đến hạn/);
  });
});
