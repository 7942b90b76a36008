import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, definition, World } from '../factories/dossiers';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe.each(ENGINES)('desk and reviewer pages on %s', (engine) => {
  let t: TestApp;
  let w: World;
  const users: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine);
    w = await buildWorld(t.app, t.tdb.db);
    await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
    for (const [key, unitId, role] of [
      ['intake', w.commune.id, 'intake'],
      ['specialist', w.commune.id, 'specialist'],
      ['head', w.commune.id, 'head'],
      ['leader', w.commune.id, 'leader'],
      ['outsider', w.other.id, 'intake'],
    ] as const) {
      users[key] = (await buildUser(t.tdb.db, { unitId, roles: [role], fullName: `Cán bộ ${key}` })).username;
    }
  });
  afterAll(() => t.close());

  const as = (key: string) => signIn(t.app, users[key], PASSWORD);

  async function intakeViaForm(extra: Record<string, string | string[]> = {}) {
    const agent = await as('intake');
    const page = await agent.get('/ho-so/moi?thu-tuc=1.000775');
    expect(page.status).toBe(200);
    const csrf = csrfFrom(page.text);
    const req = agent
      .post(`/ho-so/moi`)
      .field('_csrf', csrf)
      .field('procedureCode', '1.000775')
      .field('fullName', 'Nguyễn Thị Hoa')
      .field('phone', '0912345678');
    for (const doc of (extra.documents as string[]) ?? ['TO_TRINH', 'BAO_CAO']) req.field('documents', doc);
    req.attach('files', PNG, 'to-trinh.png');
    return { agent, res: await req };
  }

  it('the intake form lists procedures, then the checklist of the chosen one', async () => {
    const agent = await as('intake');
    const pick = await agent.get('/ho-so/moi?tim=khen');
    expect(pick.text).toContain('Tặng Giấy khen');
    const form = await agent.get('/ho-so/moi?thu-tuc=1.000775');
    expect(form.text).toContain('Tờ trình đề nghị khen thưởng');
    expect(form.text).toContain('(bắt buộc)');
    const specialist = await as('specialist');
    expect((await specialist.get('/ho-so/moi')).status).toBe(403);
  });

  it('receives a dossier with a file and opens the receipt', async () => {
    const { agent, res } = await intakeViaForm();
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/ho-so\/.+-\d{6}-\d{4}\/in\/01$/);
    const code = decodeURIComponent(res.headers.location.split('/')[2]);
    const page = await agent.get(`/ho-so/${code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('to-trinh.png');
    const id = /\/tep\/(\d+)/.exec(page.text)![1];
    const file = await agent.get(`/ho-so/${code}/tep/${id}`);
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
    const outsider = await as('outsider');
    expect((await outsider.get(`/ho-so/${code}/tep/${id}`)).status).toBe(404);
    expect((await outsider.get(`/ho-so/${code}`)).status).toBe(404);
  });

  it('a file attached on the dossier page is an event in its history, not a hand-off on form 06', async () => {
    const { agent, res } = await intakeViaForm();
    const code = decodeURIComponent(res.headers.location.split('/')[2]);
    const page = await agent.get(`/ho-so/${code}`);
    const up = await agent
      .post(`/ho-so/${code}/tep`)
      .field('_csrf', csrfFrom(page.text))
      .attach('files', PNG, 'bo-sung.png');
    expect(up.status).toBe(303);
    const after = await agent.get(`/ho-so/${code}`);
    expect(after.text).toContain('Đính kèm tệp');
    expect(after.text).toContain('bo-sung.png');
    const history = (
      await t.tdb
        .db('dossier_events as e')
        .join('dossiers as d', 'd.id', 'e.dossier_id')
        .where('d.code', code)
        .orderBy('e.id')
        .select('e.type', 'e.dossier_version')
    ).map((e) => `${e.type}@${e.dossier_version}`);
    expect(history).toEqual(['RECEIVE@1', 'ATTACH@2']);
    const sheet = await agent.get(`/ho-so/${code}/in/06`);
    expect(sheet.status).toBe(200);
    expect(sheet.text).not.toContain('bo-sung.png');
  });

  it('a missing required document re-renders the form with the input kept and nothing saved', async () => {
    const before = (await t.tdb.db('dossiers').count({ n: '*' }))[0];
    const { res } = await intakeViaForm({ documents: ['TO_TRINH'] });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Thiếu giấy tờ bắt buộc');
    expect(res.text).toContain('value="Nguyễn Thị Hoa"');
    expect(res.text).toContain('Vui lòng chọn lại tệp');
    expect((await t.tdb.db('dossiers').count({ n: '*' }))[0]).toEqual(before);
  });

  it('refuses a file of a forbidden type', async () => {
    const agent = await as('intake');
    const page = await agent.get('/ho-so/moi?thu-tuc=1.000775');
    const res = await agent
      .post(`/ho-so/moi`)
      .field('_csrf', csrfFrom(page.text))
      .field('procedureCode', '1.000775')
      .field('fullName', 'X')
      .field('documents', 'TO_TRINH')
      .field('documents', 'BAO_CAO')
      .attach('files', Buffer.from('MZ...'), { filename: 'virus.exe', contentType: 'application/x-msdownload' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('không đúng loại cho phép');
  });

  it('shows each role exactly its actions and walks the dossier with the forms', async () => {
    const { res } = await intakeViaForm();
    const code = decodeURIComponent(res.headers.location.split('/')[2]);
    const specialist = await as('specialist');
    let page = await specialist.get(`/ho-so/${code}`);
    expect(page.text).toContain('value="FORWARD"');
    expect(page.text).toContain('value="REQUEST_SUPPLEMENT"');
    expect(page.text).toContain('value="REFUSE"');
    expect(page.text).not.toContain('value="RETURN"');
    expect(page.text).not.toContain('value="EXTEND"');
    const head = await as('head');
    expect((await head.get(`/ho-so/${code}`)).text).not.toContain('name="type"');
    const leader = await as('leader');
    expect((await leader.get(`/ho-so/${code}`)).text).toContain('value="EXTEND"');

    const post = (agent: typeof specialist, html: string, body: Record<string, string>) =>
      agent
        .post(`/ho-so/${code}/thao-tac`)
        .type('form')
        .send({ _csrf: csrfFrom(html), version: /name="version" value="(\d+)"/.exec(html)![1], ...body });
    // a reason is required: the form comes back with the error and the input kept
    const noReason = await post(specialist, page.text, { type: 'REFUSE', comment: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('Cần ghi rõ lý do');
    const fwd = await post(specialist, page.text, { type: 'FORWARD' });
    expect(fwd.status).toBe(303);
    page = await specialist.get(`/ho-so/${code}`);
    expect(page.text).toContain('Đã thực hiện: Thẩm định xong (Thẩm định hồ sơ → Xem xét, trình ký)');
    expect(page.text).not.toContain('name="type"');
    // a stale form (old version) is explained and the page reloaded
    // (a different action than the one that moved it on: the same click twice is reported as done)
    const stale = await specialist
      .post(`/ho-so/${code}/thao-tac`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), version: '1', type: 'REQUEST_SUPPLEMENT', comment: 'Thiếu bản sao' });
    expect(stale.status).toBe(303);
    expect((await specialist.get(`/ho-so/${code}`)).text).toContain('vừa được người khác cập nhật');
    const headPage = await head.get(`/ho-so/${code}`);
    expect(headPage.text).toContain('value="RETURN"');
    const back = await post(head, headPage.text, { type: 'RETURN', comment: 'Thiếu chữ ký' });
    expect(back.status).toBe(303);
    expect((await head.get(`/ho-so/${code}`)).text).toContain('Thiếu chữ ký');
  });

  it('an action POST without the CSRF token is refused and changes nothing', async () => {
    const { res } = await intakeViaForm();
    const code = decodeURIComponent(res.headers.location.split('/')[2]);
    const specialist = await as('specialist');
    const r = await specialist.post(`/ho-so/${code}/thao-tac`).type('form').send({ type: 'FORWARD', version: '1' });
    expect(r.status).toBe(403);
    expect((await request(t.app).get(`/api/v1/dossiers/${code}`).set(bearer(w.tokens.intake))).body.version).toBe(1);
  });

  it('work lists: mine, overdue and search', async () => {
    const specialist = await as('specialist');
    const mine = await specialist.get('/ho-so');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Việc cần xử lý');
    expect(mine.text).toMatch(/\d+ hồ sơ đang chờ bạn xử lý/);
    const search = await specialist.get(`/ho-so?loc=tat-ca&tim=${encodeURIComponent('Hoa')}`);
    expect(search.text).toContain('Nguyễn Thị Hoa');
    const none = await specialist.get(`/ho-so?loc=tat-ca&tim=${encodeURIComponent('Không Ai Tên Này')}`);
    expect(none.text).toContain('Không có hồ sơ nào');
    const home = await specialist.get('/');
    expect(home.text).toContain('hồ sơ cần xử lý');
  });
});
