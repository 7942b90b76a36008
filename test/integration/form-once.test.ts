/**
 * Staff forms that create something carry a one-time token (contract.md §2): Back and submit again,
 * or a double click, shows what the first submission made instead of making it twice.
 */
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, type TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { vnDate } from '../../workflows/calendar';

const future = (days: number) => vnDate(new Date(Date.now() + days * 86_400_000));
const tokenFrom = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)![1];

describe.each(ENGINES)('one-time form tokens on %s', (engine) => {
  let t: TestApp;
  let spec: Awaited<ReturnType<typeof signIn>>;
  let commune: { id: number; code: string };

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const province = await buildUnit(t.tdb.db, { level: 'province', name: 'UBND tỉnh Thử', symbol: 'UBND-T' });
    commune = await buildUnit(t.tdb.db, { level: 'commune', parentId: province.id, name: 'UBND xã Một' });
    const user = await buildUser(t.tdb.db, { unitId: province.id, roles: ['specialist'] });
    spec = await signIn(t.app, user.username, PASSWORD);
  });
  afterAll(() => t.close());

  const dispatches = async () => Number((await t.tdb.db('dispatches').count({ n: '*' }))[0].n);
  const newForm = async () => {
    const html = (await spec.get('/cong-van/moi')).text;
    return { csrf: csrfFrom(html), formToken: tokenFrom(html) };
  };
  const submit = (f: { csrf: string; formToken?: string }, title = 'Xin ý kiến dự thảo quy chế') =>
    spec
      .post('/cong-van/moi')
      .type('form')
      .send({
        _csrf: f.csrf,
        ...(f.formToken ? { formToken: f.formToken } : {}),
        title,
        summary: 'Đề nghị góp ý.',
        dueDate: future(10),
        recipients: [commune.code],
      });

  it('every page shows a fresh token', async () => {
    const a = await newForm();
    const b = await newForm();
    expect(a.formToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.formToken).not.toBe(b.formToken);
  });

  it('the same form sent again (Back, then submit) goes to the dispatch the first one created', async () => {
    const f = await newForm();
    const before = await dispatches();
    const first = await submit(f);
    expect(first.status).toBe(303);
    expect(first.headers.location).toMatch(/^\/cong-van\/\d+$/);
    expect((await spec.get(first.headers.location)).text).not.toContain('đã được gửi trước đó');
    // Back, a changed title, submit: the first submission stands, and the page says so.
    const again = await submit(f, 'Tiêu đề đã sửa');
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await dispatches()).toBe(before + 1);
    const shown = (await spec.get(again.headers.location)).text;
    expect(shown).toContain('Biểu mẫu này đã được gửi trước đó nên không thực hiện lại');
    expect(shown).not.toContain('Tiêu đề đã sửa');
  });

  it('a double click (two at once) makes one dispatch, and both land on it', async () => {
    const f = await newForm();
    const before = await dispatches();
    const [a, b] = await Promise.all([submit(f), submit(f)]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await dispatches()).toBe(before + 1);
  });

  it('a new page is a new form: it creates again; a form with errors does not use up its token', async () => {
    const before = await dispatches();
    const f = await newForm();
    const bad = await spec
      .post('/cong-van/moi')
      .type('form')
      .send({ _csrf: f.csrf, formToken: f.formToken, title: '', summary: '', dueDate: future(10), recipients: [] });
    expect(bad.status).toBe(422);
    expect((await submit(f)).status).toBe(303);
    expect((await submit(await newForm())).status).toBe(303);
    expect(await dispatches()).toBe(before + 2);
  });

  it('without a token (an old page) the form still works, as before', async () => {
    const before = await dispatches();
    const { csrf } = await newForm();
    expect((await submit({ csrf })).status).toBe(303);
    expect(await dispatches()).toBe(before + 1);
  });
});
