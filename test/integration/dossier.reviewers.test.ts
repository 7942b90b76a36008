/**
 * Issue 13, "Reviewers": the dossier page says what happened in the words of each step with unit
 * names, opens one action and keeps the others a click away, warns before the rarely-right actions
 * after signing, offers only working days for an extension, shows the same deadline badge as the
 * work list, and the home page and navigation count dispatch work too.
 */
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { csrfFrom, signIn, TestApp, tokenFor } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildDossierApp, receive, send, World } from '../factories/dossiers';
import { saturdayAfter, workingDayAfter } from '../helpers/time';
import { WorkCalendar } from '../../workflows/calendar';

type Agent = Awaited<ReturnType<typeof signIn>>;

/** The part of the page between two markers (a section), so an assertion cannot match elsewhere. */
function section(html: string, from: string, to: string): string {
  const i = html.indexOf(from);
  if (i < 0) return '';
  const j = html.indexOf(to, i);
  return html.slice(i, j < 0 ? undefined : j);
}
const timelineOf = (html: string) => section(html, 'id="lich-su"', '</ol>');
const actionsOf = (html: string) => section(html, 'id="thao-tac"', '</section>');
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** dd/mm/yyyy of an ISO date-time's Vietnam date, and its HH:mm. */
const ddmmyyyy = (iso: string) => iso.slice(0, 10).split('-').reverse().join('/');
const hhmm = (iso: string) => iso.slice(11, 16);

describe.each(ENGINES)('reviewers on the dossier page, %s', (engine) => {
  let t: TestApp;
  let w: World;
  const users: Record<string, string> = {};
  const agents: Record<string, Agent> = {};

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    for (const role of ['intake', 'specialist', 'head', 'leader', 'clerk'] as const) {
      users[role] = (
        await buildUser(t.tdb.db, { unitId: w.commune.id, roles: [role], fullName: `Cán bộ ${role}` })
      ).username;
      users[`${role}Token`] = await tokenFor(t.app, users[role], PASSWORD);
    }
  });
  afterAll(() => t.close());

  const as = async (role: string) => (agents[role] ??= await signIn(t.app, users[role], PASSWORD));
  const tok = (role: string) => users[`${role}Token`];
  const version = async (code: string) =>
    (
      await request(t.app)
        .get(`/api/v1/dossiers/${code}`)
        .set(bearer(tok('intake')))
    ).body.version as number;
  const apiEvent = async (role: string, code: string, type: string, extra: Record<string, unknown> = {}) => {
    const res = await send(t.app, tok(role), code, { type, version: await version(code), ...extra });
    if (res.status !== 200) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
  };
  /** Post an action form as a person would: the page's CSRF token and version. */
  const postForm = async (role: string, code: string, fields: Record<string, string>) => {
    const agent = await as(role);
    const page = await agent.get(`/ho-so/${code}`);
    return agent
      .post(`/ho-so/${code}/thao-tac`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), version: String(await version(code)), ...fields });
  };
  const atStep = async (step: 'review' | 'check' | 'sign' | 'number' | 'result_ready') => {
    const d = await receive(t.app, w, '1.000775');
    const order = ['review', 'check', 'sign', 'number', 'result_ready'];
    const roles = ['specialist', 'head', 'leader', 'clerk'];
    for (let i = 0; i < order.indexOf(step); i++) await apiEvent(roles[i], d.code, 'FORWARD');
    return d.code as string;
  };

  it('the timeline names each hand-off in the words of its step, with people and unit names; the flash says the same', async () => {
    const code = await atStep('review');
    const res = await postForm('specialist', code, { type: 'FORWARD', comment: '' });
    expect(res.status).toBe(303);
    const after = await (await as('specialist')).get(res.headers.location);
    expect(text(section(after.text, 'class="flash', '</div>'))).toContain(
      'Đã thực hiện: Thẩm định xong (Thẩm định hồ sơ → Xem xét, trình ký).',
    );
    await apiEvent('head', code, 'RETURN', { comment: 'Thiếu biên bản họp' });
    await apiEvent('specialist', code, 'FORWARD');
    await apiEvent('head', code, 'FORWARD');
    await apiEvent('leader', code, 'FORWARD');
    await apiEvent('clerk', code, 'FORWARD');
    const tl = text(timelineOf((await (await as('head')).get(`/ho-so/${code}`)).text));
    expect(tl).toContain('Thẩm định xong — Cán bộ specialist · UBND xã Một');
    expect(tl).toContain('Trả lại bước trước: Thẩm định hồ sơ — Cán bộ head · UBND xã Một');
    expect(tl).toContain('Duyệt — Cán bộ head');
    expect(tl).toContain('Ký duyệt — Cán bộ leader');
    expect(tl).toContain('Vào số, đóng dấu — Cán bộ clerk');
    expect(tl).toContain('Ký quyết định → Vào số, đóng dấu');
    expect(tl).not.toContain('Chuyển bước tiếp theo');
    expect(tl).not.toContain(`(${w.commune.code})`);
    expect(tl).not.toContain(users.specialist);
  });

  it("the leader's page opens one action (Ký duyệt); the others are a click away, and a failed one reopens with its error and input", async () => {
    const code = await atStep('sign');
    const page = await (await as('leader')).get(`/ho-so/${code}`);
    const html = actionsOf(page.text);
    // One form outside <details>: the FORWARD of this step.
    const open = html.replace(/<details[\s\S]*?<\/details>/g, '');
    expect(open.match(/<form /g)).toHaveLength(1);
    expect(open).toContain('>Ký duyệt</button>');
    expect(open.match(/<textarea/g)).toHaveLength(1);
    const more = html.match(/<details class="action-more[^"]*" data-action="(\w+)"/g) ?? [];
    expect(more.length).toBeGreaterThanOrEqual(3); // return, supplement, refuse, extend
    expect(html).not.toMatch(/<details[^>]*\sopen>/);

    const failed = await postForm('leader', code, { type: 'REFUSE', comment: '' });
    expect(failed.status).toBe(422);
    const refuse = /<details[^>]*data-action="REFUSE"[^>]*>[\s\S]*?<\/details>/.exec(actionsOf(failed.text))![0];
    expect(refuse).toMatch(/data-action="REFUSE" open>/);
    expect(refuse).toContain('field-error');
  });

  it('after the signing step the clerk may still refuse or ask for a supplement (contract), behind a warning; withdrawal at result_ready warns too', async () => {
    const code = await atStep('number');
    const clerk = actionsOf((await (await as('clerk')).get(`/ho-so/${code}`)).text);
    expect(clerk.replace(/<details[\s\S]*?<\/details>/g, '')).toContain('>Vào số, đóng dấu</button>');
    for (const type of ['REFUSE', 'REQUEST_SUPPLEMENT']) {
      const block = new RegExp(`<details[^>]*data-action="${type}"[\\s\\S]*?</details>`).exec(clerk)![0];
      expect(block).toContain('Quyết định đã được ký');
    }
    // Before the signing step there is no such warning.
    const early = actionsOf((await (await as('specialist')).get(`/ho-so/${await atStep('review')}`)).text);
    expect(early).toContain('data-action="REFUSE"');
    expect(early).not.toContain('Quyết định đã được ký');

    const ready = await atStep('result_ready');
    const desk = actionsOf((await (await as('intake')).get(`/ho-so/${ready}`)).text);
    expect(desk.replace(/<details[\s\S]*?<\/details>/g, '')).toContain('>Trả kết quả</button>');
    const withdraw = /<details[^>]*data-action="WITHDRAW"[\s\S]*?<\/details>/.exec(desk)![0];
    expect(withdraw).toContain('Hồ sơ đã có kết quả, đang chờ trả');
  });

  it('the extension form offers working days only, in dd/mm/yyyy; a Saturday typed in is refused beside the field; form 04 prints the new appointment', async () => {
    const code = await atStep('check');
    const page = await (await as('leader')).get(`/ho-so/${code}`);
    const days = [...page.text.matchAll(/<datalist id="due-days">([\s\S]*?)<\/datalist>/g)][0][1];
    const values = [...days.matchAll(/<option value="(\d{2})\/(\d{2})\/(\d{4})">/g)];
    expect(values.length).toBeGreaterThanOrEqual(20);
    const cal = new WorkCalendar();
    for (const [, d, m, y] of values) expect(cal.isWorkingDay(`${y}-${m}-${d}`)).toBe(true);
    const times = [...page.text.matchAll(/<select id="due-time"[\s\S]*?<\/select>/g)][0][0];
    expect(times).toContain('value="07:30"');
    expect(times).not.toContain('value="12:00"');
    expect(times).not.toContain('value="18:00"');

    const sat = saturdayAfter(Date.now(), 20);
    const bad = await postForm('leader', code, {
      type: 'EXTEND',
      dueDate: ddmmyyyy(sat),
      dueTime: '09:00',
      comment: 'Cần xác minh thêm',
    });
    expect(bad.status).toBe(422);
    const field = /<div class="field-error" id="due-error">([^<]*)<\/div>/.exec(bad.text);
    expect(field?.[1]).toBe('Rơi vào ngày nghỉ');
    expect(bad.text).toContain(`value="${ddmmyyyy(sat)}"`);
    expect(bad.text).toContain('Cần xác minh thêm');

    const garbled = await postForm('leader', code, {
      type: 'EXTEND',
      dueDate: '31/02/2030',
      dueTime: '09:00',
      comment: 'x',
    });
    expect(garbled.status).toBe(422);
    expect(garbled.text).toContain('id="due-error"');

    const good = workingDayAfter(Date.now(), 20, '14:30');
    const ok = await postForm('leader', code, {
      type: 'EXTEND',
      dueDate: ddmmyyyy(good),
      dueTime: hhmm(good),
      comment: 'Cần xác minh thêm',
    });
    expect(ok.status).toBe(303);
    const d = (
      await request(t.app)
        .get(`/api/v1/dossiers/${code}`)
        .set(bearer(tok('intake')))
    ).body;
    expect(Date.parse(d.dueAt)).toBe(Date.parse(good));
    const form04 = await (await as('leader')).get(`/ho-so/${code}/in/04`);
    expect(text(form04.text)).toContain(ddmmyyyy(good));
    expect(text(form04.text)).toContain(hhmm(good));
  });

  it('a step 6 days past due shows "Quá hạn" on the dossier page as on the work list', async () => {
    const code = await atStep('check');
    await t.tdb
      .db('dossiers')
      .where({ code })
      .update({ step_due_at: Date.now() - 6 * 86_400_000 });
    const head = await as('head');
    const page = await head.get(`/ho-so/${code}`);
    expect(/data-testid="urgency">([^<]+)</.exec(page.text)?.[1]).toBe('Quá hạn');
    const list = await head.get('/ho-so?loc=cua-toi');
    const row = section(list.text, code, '</tr>');
    expect(row).toContain('Quá hạn');
    expect(row).not.toContain('Sắp đến hạn');
  });

  it('the home page and the navigation count dispatch work waiting for a leader, not only dossiers', async () => {
    // A dispatch drafted in the commune, waiting for its leader's approval.
    const draft = await request(t.app)
      .post('/api/v1/dispatches')
      .set(bearer(tok('specialist')))
      .send({
        title: 'Xin ý kiến dự thảo quy chế',
        summary: 'Dự thảo',
        dueDate: workingDayAfter(Date.now(), 10).slice(0, 10),
        recipientUnitCodes: [w.other.code],
      });
    expect(draft.status).toBe(201);
    const submit = await request(t.app)
      .post(`/api/v1/dispatches/${draft.body.id}/events`)
      .set(bearer(tok('specialist')))
      .send({ type: 'SUBMIT', version: draft.body.version });
    expect(submit.status).toBe(200);
    // A dispatch from another unit, received by the commune, waiting for assignment.
    const sender = await buildUnit(t.tdb.db, { level: 'commune', parentId: w.district.id, symbol: 'UBND-B' });
    const [sp, ld, cl] = await Promise.all(
      (['specialist', 'leader', 'clerk'] as const).map(async (role) =>
        tokenFor(t.app, (await buildUser(t.tdb.db, { unitId: sender.id, roles: [role] })).username, PASSWORD),
      ),
    );
    const inbound = await request(t.app)
      .post('/api/v1/dispatches')
      .set(bearer(sp))
      .send({
        title: 'Xin ý kiến kế hoạch',
        summary: 'Kế hoạch',
        dueDate: workingDayAfter(Date.now(), 10).slice(0, 10),
        recipientUnitCodes: [w.commune.code],
      });
    let v = inbound.body.version;
    for (const [token, type] of [
      [sp, 'SUBMIT'],
      [ld, 'APPROVE'],
      [cl, 'ISSUE'],
    ]) {
      const r = await request(t.app)
        .post(`/api/v1/dispatches/${inbound.body.id}/events`)
        .set(bearer(token))
        .send({ type, version: v });
      expect(r.status).toBe(200);
      v = r.body.version;
    }

    const home = await (await as('leader')).get('/');
    const cards = text(home.text);
    expect(cards).toContain('1 công văn chờ duyệt');
    expect(cards).toContain('1 công văn đến chờ giao xử lý');
    const nav = section(home.text, 'class="mainnav"', '</nav>');
    expect(text(section(nav, 'href="/cong-van"', '</li>'))).toMatch(/Công văn 2\b/);

    // The specialist approves nothing: no approval card, no count for it.
    const spHome = text((await (await as('specialist')).get('/')).text);
    expect(spHome).not.toContain('công văn chờ duyệt');
  });
});
