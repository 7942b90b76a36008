import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { signIn, tokenFor, TestApp } from '../helpers/app';
import { startSmtp } from '../helpers/smtp';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildDossierApp, receive, send, World } from '../factories/dossiers';
import { expireReplies } from '../../server/jobs/dispatch.jobs';
import { alertMissingReplies } from '../../server/jobs/consultation-alerts.job';
import { OutboxWorker } from '../../server/jobs/outbox.job';
import { createMailer } from '../../server/mail/mailer';
import { dispatchSchema, itemsOf } from '../../server/schemas/responses.schema';
import { vnDate, vnStartOfDay } from '../../workflows/calendar';

const DAY = 86_400_000;
const ONLY_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;
const APPLICANT = {
  fullName: 'Nguyễn Văn An',
  idNumber: '094123456789',
  phone: '0912345678',
  address: 'Số 7 ấp Bình Minh',
};
const decode = (html: string) =>
  html.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&');

/*
 * Consultations inside a dossier (design.md §11, contract.md §2): the handling specialist consults two
 * units from the dossier; one replies through the dispatch reply workflow, one stays silent; the
 * dossier shows both; at the due date the silent one is marked and the handling unit is told once.
 */
describe.each(ENGINES)('consultations inside a dossier on %s', (engine) => {
  let t: TestApp;
  let w: World;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let worker: OutboxWorker;
  const tok: Record<string, string> = {};
  const users: Record<string, string> = {};
  let third: { id: number; code: string };
  let specialistEmail: string;
  const commune: Record<string, string> = {};

  beforeAll(async () => {
    ({ t, w } = await buildDossierApp(engine));
    const db = t.tdb.db;
    await db('units').where({ id: w.commune.id }).update({ symbol: 'UBND-XM' });
    third = await buildUnit(db, { level: 'commune', parentId: w.district.id, name: 'UBND xã Ba' });
    const people: Array<[string, number, 'specialist' | 'head' | 'leader' | 'clerk']> = [
      ['thirdHead', third.id, 'head'],
      ['thirdSpecialist', third.id, 'specialist'],
      ['otherHead', w.other.id, 'head'],
    ];
    for (const [key, unitId, role] of people) {
      const u = await buildUser(db, { unitId, roles: [role] });
      users[key] = u.username;
      tok[key] = await tokenFor(t.app, u.username, PASSWORD);
    }
    // buildWorld keeps tokens only: the commune's usernames by role, and its specialist's address.
    const rows = await db('users as u')
      .join('user_roles as r', 'r.user_id', 'u.id')
      .where({ 'u.unit_id': w.commune.id })
      .select('u.username', 'u.email', 'r.role');
    for (const r of rows) commune[r.role] = r.username;
    specialistEmail = rows.find((r: { role: string }) => r.role === 'specialist').email;
    smtp = await startSmtp();
    worker = new OutboxWorker(
      db,
      createMailer({ smtpUrl: smtp.url, from: 'Một Cửa <noreply@test.vn>', dataDir: t.ctx.config.dataDir }),
      { owner: 'test', publicUrl: 'http://mot-cua.test', baseDelayMs: 10 },
    );
  });
  afterAll(async () => {
    jest.useRealTimers();
    await smtp.stop();
    await t.close();
  });

  const api = () => request(t.app);
  const today = () => vnDate(new Date());
  const consult = (token: string, code: string, body: Record<string, unknown>) =>
    api().post(`/api/v1/dossiers/${code}/consultations`).set(bearer(token)).send(body);
  const body = (over: Record<string, unknown> = {}) => ({
    title: 'Xin ý kiến về vị trí xây dựng',
    summary: 'Đề nghị cho ý kiến về sự phù hợp quy hoạch của thửa đất.',
    dueDate: today(),
    recipientUnitCodes: [w.other.code, third.code],
    ...over,
  });
  const ev = (token: string, id: number, b: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/events`).set(bearer(token)).send(b);
  const rev = (token: string, id: number, unit: string, b: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/replies/${unit}/events`).set(bearer(token)).send(b);
  /** Deliver every pending mail (dossier and dispatch notices expand first). */
  const flush = async () => {
    for (let i = 0; i < 4; i++) await worker.tick();
  };
  const alertMails = () => smtp.received.filter((m) => /Lấy ý kiến quá hạn/.test(m.mail.subject ?? ''));
  /** Draft → approved → issued by the commune (the handling unit), as the dispatch workflow does it. */
  async function issue(id: number) {
    expect((await ev(w.tokens.specialist, id, { type: 'SUBMIT', version: 1 })).status).toBe(200);
    expect((await ev(w.tokens.head, id, { type: 'APPROVE', version: 2 })).status).toBe(200);
    const res = await ev(w.tokens.clerk, id, { type: 'ISSUE', version: 3 });
    expect(res.status).toBe(200);
    return res.body;
  }

  it('refuses in the contract order: 404 unseen, 422 fields, 403 not the acting specialist, 422 not at a step', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: APPLICANT });
    // Unseen dossier: 404 even with a bad body; unknown code 404.
    expect((await consult(w.tokens.otherSpecialist, d.code, body())).status).toBe(404);
    expect((await consult(w.tokens.otherSpecialist, d.code, {})).status).toBe(404);
    expect((await consult(w.tokens.specialist, 'KHONG-CO-0001', body())).status).toBe(404);
    // Fields, with Vietnamese messages naming them.
    const none = await consult(w.tokens.specialist, d.code, body({ recipientUnitCodes: [] }));
    expect(none.status).toBe(422);
    expect(none.body.error.details.fields.recipientUnitCodes).toBe('Cần ít nhất một đơn vị nhận');
    const past = await consult(w.tokens.specialist, d.code, body({ dueDate: vnDate(new Date(Date.now() - 2 * DAY)) }));
    expect(past.status).toBe(422);
    expect(past.body.error.details.fields.dueDate).toMatch(/từ hôm nay/);
    const badDate = await consult(w.tokens.specialist, d.code, body({ dueDate: '31/02/2099' }));
    expect(badDate.status).toBe(422);
    expect(badDate.body.error.details.fields.dueDate).toMatch(/dd\/mm\/yyyy/);
    const unknown = await consult(w.tokens.specialist, d.code, body({ recipientUnitCodes: ['KHONG.CO'] }));
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details.fields.recipientUnitCodes).toContain('KHONG.CO');
    const own = await consult(w.tokens.specialist, d.code, body({ recipientUnitCodes: [w.commune.code] }));
    expect(own.status).toBe(422);
    expect(own.body.error.message).toBe('Không gửi xin ý kiến chính đơn vị mình.');
    // Fields come before 403 (contract.md §2); with valid fields, whoever is not the acting specialist gets 403.
    expect((await consult(w.tokens.head, d.code, body({ recipientUnitCodes: [] }))).status).toBe(422);
    for (const who of ['head', 'intake', 'districtSpecialist', 'provinceLeader', 'admin'])
      expect([who, (await consult(w.tokens[who], d.code, body())).status]).toEqual([who, 403]);
    // At the head's step the specialist no longer acts: 403.
    expect((await send(t.app, w.tokens.specialist, d.code, { type: 'FORWARD', version: d.version })).status).toBe(200);
    expect((await consult(w.tokens.specialist, d.code, body())).status).toBe(403);
    // A final dossier: the specialist who handled it is told why (422); nothing was created by any of this.
    const refused = await receive(t.app, w, '1.000775');
    const r = await send(t.app, w.tokens.specialist, refused.code, {
      type: 'REFUSE',
      version: refused.version,
      comment: 'Không thuộc thẩm quyền',
    });
    expect(r.status).toBe(200);
    const fin = await consult(w.tokens.specialist, refused.code, body());
    expect(fin.status).toBe(422);
    expect(fin.body.error.message).toMatch(/đã kết thúc/);
    expect((await consult(w.tokens.head, refused.code, body())).status).toBe(403);
    expect(await t.tdb.db('dispatches').whereNotNull('dossier_id').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('reaches two units; one replies, one stays silent; the dossier shows both; the silent one is alerted once', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: APPLICANT });
    const dd = today().split('-').reverse().join('/');
    const created = await consult(w.tokens.specialist, d.code, body({ dueDate: dd, silenceMeansAgreement: false }));
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/dispatches/${created.body.id}`);
    expect(() => dispatchSchema.parse(created.body)).not.toThrow();
    expect(created.body).toMatchObject({
      state: 'draft',
      dossierCode: d.code,
      dueDate: today(),
      silenceMeansAgreement: false,
      issuingUnit: { code: w.commune.code },
    });
    const id = created.body.id as number;
    // The same dispatch engine and numbering as any dispatch of the commune.
    const issued = await issue(id);
    expect(issued.number).toMatch(/^\d{2}\/UBND-XM$/);
    expect(issued.recipients.map((r: { state: string }) => r.state)).toEqual(['received', 'received']);
    // A stand-alone dispatch says it belongs to no dossier.
    const plain = await api()
      .post('/api/v1/dispatches')
      .set(bearer(w.tokens.specialist))
      .send(body({ title: 'Công văn thường' }));
    expect(plain.status).toBe(201);
    expect(plain.body.dossierCode).toBeNull();

    // The third commune replies through the reply workflow.
    expect(
      (await rev(tok.thirdHead, id, third.code, { type: 'ASSIGN', version: 1, assignee: users.thirdSpecialist }))
        .status,
    ).toBe(200);
    expect(
      (
        await rev(tok.thirdSpecialist, id, third.code, {
          type: 'SUBMIT',
          version: 2,
          position: 'comments',
          content: 'Thửa đất nằm ngoài hành lang an toàn giao thông.',
        })
      ).status,
    ).toBe(200);
    expect((await rev(tok.thirdHead, id, third.code, { type: 'APPROVE', version: 3 })).status).toBe(200);

    // The dossier lists both: one replied with its text, one still open.
    const list = await api().get(`/api/v1/dossiers/${d.code}/consultations`).set(bearer(w.tokens.intake));
    expect(list.status).toBe(200);
    expect(() => itemsOf(dispatchSchema).parse(list.body)).not.toThrow();
    expect(list.body.items.map((x: { id: number }) => x.id)).toEqual([id]);
    const byUnit = Object.fromEntries(list.body.items[0].recipients.map((r: { unitCode: string }) => [r.unitCode, r]));
    expect(byUnit[third.code]).toMatchObject({ state: 'replied', position: 'comments' });
    expect(byUnit[third.code].content).toMatch(/hành lang an toàn/);
    expect(byUnit[w.other.code]).toMatchObject({ state: 'received', content: null });
    expect((await api().get(`/api/v1/dossiers/${d.code}/consultations`).set(bearer(tok.otherHead))).status).toBe(404);

    // Before the end of the due date nothing is alerted.
    await flush();
    expect(await alertMissingReplies(t.tdb.db, 'http://mot-cua.test')).toBe(0);
    let page = decode((await (await signIn(t.app, commune.specialist, PASSWORD)).get(`/ho-so/${d.code}`)).text);
    expect(page).toContain('Lấy ý kiến cơ quan liên quan');
    expect(page).toContain('Thửa đất nằm ngoài hành lang an toàn giao thông.');
    expect(page).not.toContain('Quá hạn, chưa trả lời');

    // The end of the due date (local midnight): replies expire, the silent one is alerted once.
    const after = vnStartOfDay(today()).getTime() + DAY + 60_000;
    jest.useFakeTimers({ doNotFake: [...ONLY_DATE], now: after });
    try {
      expect(await expireReplies(t.tdb.db, after)).toBe(1);
      const runs = await Promise.all([1, 2, 3].map(() => alertMissingReplies(t.tdb.db, 'http://mot-cua.test', after)));
      expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await alertMissingReplies(t.tdb.db, 'http://mot-cua.test', after + 3_600_000)).toBe(0);
      await flush();
      const mails = alertMails();
      expect(mails).toHaveLength(1);
      expect(mails[0].to).toEqual([specialistEmail]);
      expect(mails[0].mail.subject).toBe(`[Một Cửa] Lấy ý kiến quá hạn – hồ sơ ${d.code}`);
      expect(mails[0].mail.text).toContain(`số ${issued.number}`);
      expect(mails[0].mail.text).toContain('UBND xã Hai');
      expect(mails[0].mail.text).not.toContain('UBND xã Ba');
      expect(mails[0].mail.text).toContain(`http://mot-cua.test/ho-so/${d.code}`);
      // Again later: nothing new.
      expect(await alertMissingReplies(t.tdb.db, 'http://mot-cua.test', after + 2 * DAY)).toBe(0);
      await flush();
      expect(alertMails()).toHaveLength(1);

      // The dossier page and the work list show it; the dossier's clock was not touched.
      const agent = await signIn(t.app, commune.specialist, PASSWORD);
      page = decode((await agent.get(`/ho-so/${d.code}`)).text);
      const section = page.slice(page.indexOf('id="lay-y-kien"'), page.indexOf('id="lich-su"'));
      expect(section).toContain(`Công văn số ${issued.number}`);
      expect(section).toContain(`href="/cong-van/${id}"`);
      expect(section).toMatch(/UBND xã Hai<\/span>\s*<span class="badge badge-bad">Quá hạn, chưa trả lời<\/span>/);
      expect(section).toMatch(/UBND xã Ba<\/span>\s*<span class="badge badge-reply-replied">Đã trả lời<\/span>/);
      expect(section).toContain('Thống nhất, có ý kiến góp ý');
      const work = decode((await agent.get('/ho-so?loc=cua-toi')).text);
      const row = work.slice(work.indexOf(`/ho-so/${d.code}"`));
      expect(row.slice(0, row.indexOf('</tr>'))).toContain('Lấy ý kiến quá hạn');
      const json = await api().get(`/api/v1/dossiers/${d.code}`).set(bearer(w.tokens.specialist));
      expect(json.body).toMatchObject({ state: 'review', dueAt: d.dueAt, version: d.version });
    } finally {
      jest.useRealTimers();
    }
  });

  it('recipients see the dispatch and its files, never the applicant', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: APPLICANT });
    const created = await consult(w.tokens.specialist, d.code, body());
    const id = created.body.id as number;
    await issue(id);
    const json = await api().get(`/api/v1/dispatches/${id}`).set(bearer(tok.otherHead));
    expect(json.status).toBe(200);
    expect(json.body.dossierCode).toBe(d.code);
    const inbox = await api().get('/api/v1/dispatches?inbox=1').set(bearer(tok.otherHead));
    const agent = await signIn(t.app, users.otherHead, PASSWORD);
    const html = await agent.get(`/cong-van/${id}`);
    expect(html.status).toBe(200);
    const text = decode(html.text);
    expect(text).toContain('Xin ý kiến về vị trí xây dựng');
    // The dossier is named in the JSON, but the recipient may not open it, so the page does not link it.
    expect(text).not.toContain('Lấy ý kiến cho hồ sơ');
    expect((await agent.get(`/ho-so/${d.code}`)).status).toBe(404);
    for (const shown of [JSON.stringify(json.body), JSON.stringify(inbox.body), text])
      for (const secret of Object.values(APPLICANT)) expect(shown).not.toContain(secret);
    // The issuing unit's own staff see the link back to the dossier.
    const own = decode((await (await signIn(t.app, commune.specialist, PASSWORD)).get(`/cong-van/${id}`)).text);
    expect(own).toContain(`Lấy ý kiến cho hồ sơ <code>${d.code}</code>`);
  });

  it('the dossier page offers the form to the acting specialist only, and the form creates a linked draft', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: APPLICANT });
    const head = await signIn(t.app, commune.head, PASSWORD);
    expect(decode((await head.get(`/ho-so/${d.code}`)).text)).not.toContain(`/ho-so/${d.code}/lay-y-kien`);
    expect((await head.get(`/ho-so/${d.code}/lay-y-kien`)).status).toBe(403);
    const spec = await signIn(t.app, commune.specialist, PASSWORD);
    const show = decode((await spec.get(`/ho-so/${d.code}`)).text);
    expect(show).toContain(`href="/ho-so/${d.code}/lay-y-kien"`);
    const form = await spec.get(`/ho-so/${d.code}/lay-y-kien`);
    expect(form.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
    // The handling unit itself is not offered as a recipient.
    expect(form.text).not.toContain(`value="${w.commune.code}"`);
    const bad = await spec
      .post(`/ho-so/${d.code}/lay-y-kien`)
      .field('_csrf', csrf)
      .field('title', 'Xin ý kiến')
      .field('summary', 'Nội dung')
      .field('dueDate', '32/01/2099');
    expect(bad.status).toBe(422);
    const badText = decode(bad.text);
    expect(badText).toContain('Cần ít nhất một đơn vị nhận');
    expect(badText).toContain('value="Xin ý kiến"');
    const dd = vnDate(new Date(Date.now() + 5 * DAY))
      .split('-')
      .reverse()
      .join('/');
    const ok = await spec
      .post(`/ho-so/${d.code}/lay-y-kien`)
      .field('_csrf', csrf)
      .field('title', 'Xin ý kiến về quy hoạch')
      .field('summary', 'Nội dung')
      .field('dueDate', dd)
      .field('recipients', third.code)
      .attach('files', Buffer.from('%PDF-1.4\n%%EOF\n'), 'du-thao.pdf');
    expect(ok.status).toBe(303);
    const id = Number(/\/cong-van\/(\d+)$/.exec(ok.headers.location)![1]);
    const list = await api().get(`/api/v1/dossiers/${d.code}/consultations`).set(bearer(w.tokens.head));
    expect(list.body.items.map((x: { id: number; dossierCode: string }) => [x.id, x.dossierCode])).toEqual([
      [id, d.code],
    ]);
    expect(await t.tdb.db('dispatch_attachments').where({ dispatch_id: id }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});
