import request, { Response } from 'supertest';
import ExcelJS from 'exceljs';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, tokenFor, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { bearer } from '../factories/dossiers';
import { pdfFonts, pdfText } from '../helpers/pdf';
import { expireReplies } from '../../server/jobs/dispatch.jobs';
import { dispatchMails } from '../../server/mail/dispatch-mails';
import { vnDate } from '../../workflows/calendar';
import type { Role } from '../../workflows/labels';

const DAY = 86_400_000;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
type Agent = ReturnType<typeof request.agent>;

describe.each(ENGINES)('dispatches complete on %s', (engine) => {
  let t: TestApp;
  const u: Record<string, { id: number; code: string }> = {};
  const tok: Record<string, string> = {};
  const as: Record<string, Agent> = {};
  const csrf: Record<string, string> = {};
  const names: Record<string, string> = {};

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const db = t.tdb.db;
    u.province = await buildUnit(db, { level: 'province', name: 'UBND tỉnh Thử' });
    u.dept = await buildUnit(db, {
      level: 'province',
      parentId: u.province.id,
      name: 'Sở Nội vụ tỉnh Thử',
      symbol: 'SNV-T',
    });
    u.c1 = await buildUnit(db, { level: 'commune', parentId: u.province.id, name: 'UBND xã An Một' });
    u.c2 = await buildUnit(db, { level: 'commune', parentId: u.province.id, name: 'UBND xã Bình Một' });
    u.c3 = await buildUnit(db, { level: 'commune', parentId: u.province.id, name: 'UBND xã Cát Ba' });
    const people: Array<[string, string | null, Role, string]> = [
      ['spec', 'dept', 'specialist', 'Nguyễn Thị Soạn'],
      ['spec2', 'dept', 'specialist', 'Phạm Văn Khác'],
      ['leader', 'dept', 'leader', 'Trần Văn Duyệt'],
      ['clerk', 'dept', 'clerk', 'Hoàng Thị Văn Thư'],
      ['c1Head', 'c1', 'head', 'Đỗ Văn Trưởng'],
      ['c1Spec', 'c1', 'specialist', 'Lê Văn Góp'],
      ['c2Head', 'c2', 'head', 'Vũ Thị Nhầm'],
      ['c3Head', 'c3', 'head', 'Bùi Văn Ngoài'],
      ['admin', null, 'admin', 'Quản Trị'],
    ];
    for (const [key, unit, role, fullName] of people) {
      const user = await buildUser(db, { unitId: unit ? u[unit].id : null, roles: [role], fullName });
      names[key] = user.username;
      tok[key] = await tokenFor(t.app, user.username, PASSWORD);
      as[key] = await signIn(t.app, user.username, PASSWORD);
      csrf[key] = csrfFrom((await as[key].get('/')).text);
    }
  }, 120_000);
  afterAll(() => t.close());

  const api = () => request(t.app);
  const future = (days: number) => vnDate(new Date(Date.now() + days * DAY));
  const draft = async (title = 'Xin ý kiến dự thảo quy chế phối hợp') => {
    const res = await api()
      .post('/api/v1/dispatches')
      .set(bearer(tok.spec))
      .send({
        title,
        summary: 'Đề nghị các xã góp ý.',
        dueDate: future(10),
        recipientUnitCodes: [u.c1.code, u.c2.code],
      });
    expect(res.status).toBe(201);
    return res.body as { id: number; version: number };
  };
  const ev = (who: string, id: number, body: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/events`).set(bearer(tok[who])).send(body);
  const rev = (who: string, id: number, unit: string, body: Record<string, unknown>) =>
    api().post(`/api/v1/dispatches/${id}/replies/${unit}/events`).set(bearer(tok[who])).send(body);
  const patch = (who: string, id: number, body: Record<string, unknown>) =>
    api().patch(`/api/v1/dispatches/${id}`).set(bearer(tok[who])).send(body);
  const form = (who: string, path: string, body: Record<string, unknown>) =>
    as[who]
      .post(path)
      .type('form')
      .send({ _csrf: csrf[who], ...body });
  const issued = async (title?: string) => {
    const d = await draft(title);
    expect((await ev('spec', d.id, { type: 'SUBMIT', version: 1 })).status).toBe(200);
    expect((await ev('leader', d.id, { type: 'APPROVE', version: 2 })).status).toBe(200);
    const res = await ev('clerk', d.id, { type: 'ISSUE', version: 3 });
    expect(res.status).toBe(200);
    return res.body as { id: number; number: string };
  };
  const replyOf = async (id: number, who: string, unit: string) => {
    const res = await api().get(`/api/v1/dispatches/${id}`).set(bearer(tok[who]));
    return res.body.recipients.find((r: { unitCode: string }) => r.unitCode === unit);
  };

  it('edits a draft then deletes it through the API; only the drafter, only as a draft', async () => {
    const d = await draft();
    expect((await patch('spec2', d.id, { title: 'Của người khác', version: 1 })).status).toBe(403);
    expect((await patch('leader', d.id, { title: 'Lãnh đạo sửa', version: 1 })).status).toBe(403);
    expect((await patch('spec', d.id, { title: 'Sai phiên bản', version: 7 })).status).toBe(409);
    expect((await patch('spec', d.id, { dueDate: '2000-01-01', version: 1 })).status).toBe(422);
    expect((await patch('spec', d.id, { recipientUnitCodes: [u.dept.code], version: 1 })).status).toBe(422);
    const ok = await patch('spec', d.id, {
      title: 'Xin ý kiến dự thảo quy chế (sửa)',
      recipientUnitCodes: [u.c1.code],
      silenceMeansAgreement: false,
      version: 1,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'Xin ý kiến dự thảo quy chế (sửa)', version: 2, state: 'draft' });
    expect(ok.body.silenceMeansAgreement).toBe(false);
    expect(ok.body.recipients.map((r: { unitCode: string }) => r.unitCode)).toEqual([u.c1.code]);

    const del = (who: string, version: number) =>
      api().delete(`/api/v1/dispatches/${d.id}?version=${version}`).set(bearer(tok[who]));
    expect((await del('spec2', 2)).status).toBe(403);
    expect((await del('spec', 1)).status).toBe(409);
    expect((await del('spec', 2)).status).toBe(204);
    expect((await api().get(`/api/v1/dispatches/${d.id}`).set(bearer(tok.spec))).status).toBe(404);
    expect((await patch('spec', d.id, { title: 'Sau khi xóa', version: 3 })).status).toBe(404);
    const list = await api().get('/api/v1/dispatches').set(bearer(tok.spec));
    expect(list.body.items.map((x: { id: number }) => x.id)).not.toContain(d.id);
    // History is kept: CREATE, EDIT and DELETE are events of the dispatch's chain.
    const events = await t.tdb.db('dispatch_events').where({ dispatch_id: d.id }).orderBy('id').pluck('type');
    expect(events).toEqual(['CREATE', 'EDIT', 'DELETE']);

    const sent = await draft();
    await ev('spec', sent.id, { type: 'SUBMIT', version: 1 });
    expect((await patch('spec', sent.id, { title: 'Đã trình', version: 2 })).status).toBe(422);
    expect((await api().delete(`/api/v1/dispatches/${sent.id}?version=2`).set(bearer(tok.spec))).status).toBe(422);
  });

  it('edits a draft with the "Sửa" form and deletes it with "Xóa"', async () => {
    const d = await draft('Dự thảo để sửa trên trang');
    const show = await as.spec.get(`/cong-van/${d.id}`);
    expect(show.text).toContain('data-testid="edit-draft"');
    expect((await as.spec2.get(`/cong-van/${d.id}`)).text).not.toContain('data-testid="edit-draft"');
    const edit = await as.spec.get(`/cong-van/${d.id}/sua`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Dự thảo để sửa trên trang"');
    expect(edit.text).toMatch(new RegExp(`value="${u.c1.code}"[^>]*checked`));
    const bad = await form('spec', `/cong-van/${d.id}/sua`, { title: '', summary: 'x', dueDate: '', version: 1 });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Trích yếu là bắt buộc');
    const saved = await form('spec', `/cong-van/${d.id}/sua`, {
      title: 'Dự thảo đã sửa trên trang',
      summary: 'Nội dung mới.',
      dueDate: future(12).split('-').reverse().join('/'),
      recipients: [u.c2.code],
      silenceMeansAgreement: '1',
      version: 1,
    });
    expect(saved.status).toBe(303);
    const after = await as.spec.get(`/cong-van/${d.id}`);
    expect(after.text).toContain('Dự thảo đã sửa trên trang');
    expect(after.text).toContain('Sửa dự thảo');
    expect((await form('spec2', `/cong-van/${d.id}/xoa`, { version: 2 })).status).toBe(403);
    const stale = await form('spec', `/cong-van/${d.id}/xoa`, { version: 1 });
    expect(stale.headers.location).toBe(`/cong-van/${d.id}`);
    const gone = await form('spec', `/cong-van/${d.id}/xoa`, { version: 2 });
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toBe('/cong-van');
    expect((await as.spec.get(`/cong-van/${d.id}`)).status).toBe(404);
    expect((await as.spec.get('/cong-van')).text).not.toContain('Dự thảo đã sửa trên trang');
  });

  it('a reply carries files: attached by the recipient, read by the issuer once sent, never by another unit', async () => {
    const d = await issued('Xin ý kiến có tệp');
    expect((await rev('c1Head', d.id, u.c1.code, { type: 'ASSIGN', version: 1, assignee: names.c1Spec })).status).toBe(
      200,
    );
    const attach = (who: string, unit: string, name = 'gop-y.pdf') =>
      api()
        .post(`/api/v1/dispatches/${d.id}/replies/${unit}/attachments`)
        .set(bearer(tok[who]))
        .attach('file', PDF, { filename: name, contentType: 'application/pdf' });
    expect((await attach('c2Head', u.c1.code)).status).toBe(404); // another recipient does not see it
    expect((await attach('spec', u.c1.code)).status).toBe(403); // the issuer reads, never writes
    const bad = await api()
      .post(`/api/v1/dispatches/${d.id}/replies/${u.c1.code}/attachments`)
      .set(bearer(tok.c1Spec))
      .attach('file', Buffer.from('not a pdf'), { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(bad.status).toBe(422);
    const ok = await attach('c1Spec', u.c1.code);
    expect(ok.status).toBe(201);
    const mine = ok.body.recipients.find((r: { unitCode: string }) => r.unitCode === u.c1.code);
    expect(mine.attachments.map((f: { filename: string }) => f.filename)).toEqual(['gop-y.pdf']);
    // Through the page too.
    const page = await as.c1Spec
      .post(`/cong-van/${d.id}/y-kien/${u.c1.code}/tep`)
      .field('_csrf', csrf.c1Spec)
      .attach('files', PDF, { filename: 'phu-luc.pdf', contentType: 'application/pdf' });
    expect(page.status).toBe(303);
    expect((await as.c1Spec.get(`/cong-van/${d.id}`)).text).toContain('phu-luc.pdf');
    // Not the issuer's to read until the unit's leader sends the reply.
    expect((await replyOf(d.id, 'spec', u.c1.code)).attachments).toEqual([]);
    await rev('c1Spec', d.id, u.c1.code, { type: 'SUBMIT', version: 2, position: 'agree' });
    await rev('c1Head', d.id, u.c1.code, { type: 'APPROVE', version: 3 });
    const files = (await replyOf(d.id, 'spec', u.c1.code)).attachments as Array<{ id: number; href: string }>;
    expect(files).toHaveLength(2);
    const got = await as.spec.get(files[0].href).buffer(true).parse(binary);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, PDF)).toBe(0);
    expect((await as.c2Head.get(files[0].href)).status).toBe(404);
    expect((await as.spec.get(`/cong-van/${d.id}/tong-hop`)).text).toContain('gop-y.pdf');
    // Sent: no more files.
    expect((await attach('c1Spec', u.c1.code)).status).toBe(422);
  });

  it('names people, not usernames, in the timeline and the mails', async () => {
    const d = await issued('Xin ý kiến để xem tên');
    await rev('c1Head', d.id, u.c1.code, { type: 'ASSIGN', version: 1, assignee: names.c1Spec });
    const recipient = (await as.c1Head.get(`/cong-van/${d.id}`)).text;
    expect(recipient).toContain('Giao Lê Văn Góp');
    expect(recipient).not.toContain(`Giao ${names.c1Spec}`);
    const sender = (await as.spec.get(`/cong-van/${d.id}`)).text;
    expect(sender).toContain('Trần Văn Duyệt');
    expect(sender).not.toContain(names.leader);
    const row = await t.tdb.db('outbox').where({ kind: 'dispatch.event' }).orderBy('id', 'desc').first();
    const mails = await dispatchMails(t.tdb.db, 'dispatch.event', JSON.parse(row.payload), 'http://x');
    expect(mails.map((m) => m.text).join('\n')).toContain('Đỗ Văn Trưởng giao anh/chị');
    expect(mails.map((m) => m.text).join('\n')).not.toContain(names.c1Head);
  });

  it('prints the công văn (Decree 30) as HTML and as a PDF with embedded fonts', async () => {
    const d = await issued('Xin ý kiến về dự thảo quy chế phối hợp');
    const html = (await as.spec.get(`/cong-van/${d.id}/in`)).text;
    const order = ['UBND TỈNH THỬ', 'SỞ NỘI VỤ TỈNH THỬ', `Số: ${d.number}`, 'V/v Xin ý kiến về dự thảo quy chế'];
    const at = order.map((s) => html.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).toMatch(/Thử, ngày \d{2} tháng \d{2} năm \d{4}/);
    expect(html).toContain('Đề nghị các xã góp ý.');
    expect(html).toContain('Nơi nhận:');
    expect(html).toContain('- UBND xã An Một;');
    expect(html).toContain('- Lưu: VT.');
    expect(html).toContain('GIÁM ĐỐC');
    expect(html).toContain('Trần Văn Duyệt');
    expect((await as.c1Head.get(`/cong-van/${d.id}/in`)).status).toBe(200);
    expect((await as.c3Head.get(`/cong-van/${d.id}/in`)).status).toBe(404);
    const pdf = await as.spec.get(`/cong-van/${d.id}/in.pdf`).buffer(true).parse(binary);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const fonts = pdfFonts(pdf.body as Buffer);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((f) => f.embedded)).toBe(true);
    const text = pdfText(pdf.body as Buffer);
    for (const s of [
      `Số: ${d.number}`,
      'SỞ NỘI VỤ TỈNH THỬ',
      'UBND TỈNH THỬ',
      'Nơi nhận:',
      'Lưu: VT',
      'Trần Văn Duyệt',
    ])
      expect(text).toContain(s);
  });

  it('heads the synthesis with the parent body above the issuing unit (page, CSV, XLSX)', async () => {
    const d = await issued('Xin ý kiến cho tổng hợp');
    const page = (await as.spec.get(`/cong-van/${d.id}/tong-hop`)).text;
    const top = page.indexOf('data-testid="agency-top">UBND TỈNH THỬ');
    expect(top).toBeGreaterThan(0);
    expect(page.indexOf('data-testid="agency">SỞ NỘI VỤ TỈNH THỬ')).toBeGreaterThan(top);
    const csv = await as.spec.get(`/cong-van/${d.id}/tong-hop.csv`).buffer(true).parse(binary);
    const lines = (csv.body as Buffer).toString('utf8').slice(1).split('\r\n');
    expect(lines.slice(0, 2)).toEqual(['UBND TỈNH THỬ', 'SỞ NỘI VỤ TỈNH THỬ']);
    const xlsx = await as.spec.get(`/cong-van/${d.id}/tong-hop.xlsx`).buffer(true).parse(binary);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    expect([1, 2].map((r) => wb.worksheets[0].getCell(`A${r}`).value)).toEqual(['UBND TỈNH THỬ', 'SỞ NỘI VỤ TỈNH THỬ']);
  });

  it('lets a unit decline a request sent to it by mistake, counted apart; CLOSE proceeds', async () => {
    const d = await issued('Xin ý kiến gửi nhầm');
    expect((await rev('c2Head', d.id, u.c2.code, { type: 'DECLINE', version: 1 })).status).toBe(422);
    expect((await rev('c1Spec', d.id, u.c1.code, { type: 'DECLINE', version: 1, comment: 'x' })).status).toBe(403);
    const declined = await rev('c2Head', d.id, u.c2.code, {
      type: 'DECLINE',
      version: 1,
      comment: 'Nội dung không thuộc chức năng của xã.',
    });
    expect(declined.status).toBe(200);
    expect(declined.body.recipients).toHaveLength(1); // the recipient sees its own reply only
    const seen = await api().get(`/api/v1/dispatches/${d.id}`).set(bearer(tok.spec));
    expect(seen.body.counts).toEqual({ total: 2, replied: 0, open: 1, deemedAgreed: 0, overdue: 0, declined: 1 });
    await rev('c1Head', d.id, u.c1.code, { type: 'ASSIGN', version: 1, assignee: names.c1Spec });
    await rev('c1Spec', d.id, u.c1.code, { type: 'SUBMIT', version: 2, position: 'agree' });
    await rev('c1Head', d.id, u.c1.code, { type: 'APPROVE', version: 3 });
    // After the due date the declined reply is not deemed agreed.
    await expireReplies(t.tdb.db, Date.now() + 30 * DAY);
    const syn = await api().get(`/api/v1/dispatches/${d.id}/synthesis`).set(bearer(tok.spec));
    const c2 = syn.body.items.find((i: { unitCode: string }) => i.unitCode === u.c2.code);
    expect(c2).toMatchObject({ state: 'declined', content: 'Nội dung không thuộc chức năng của xã.' });
    expect(syn.body.counts).toMatchObject({ replied: 1, declined: 1, deemedAgreed: 0, open: 0 });
    const page = (await as.spec.get(`/cong-van/${d.id}/tong-hop`)).text;
    expect(page).toContain('Từ chối (không đúng đơn vị)');
    expect(page).toContain('từ chối vì không đúng đơn vị: 1');
    const closed = await ev('spec', d.id, { type: 'CLOSE', version: 4 });
    expect(closed.status).toBe(200);
    expect(closed.body.state).toBe('closed');
  });

  it('the mail admin page filters by state and opens one mail, its text escaped', async () => {
    const now = Date.now();
    const mail = (subject: string, status: string) => ({
      kind: 'mail',
      payload: JSON.stringify({ to: 'a@example.vn', subject, text: `Nội dung <b>${subject}</b>`, html: '' }),
      status,
      attempts: status === 'failed' ? 5 : 0,
      available_at: now,
      created_at: now,
    });
    await t.tdb.db('outbox').insert([mail('Thư chờ <script>', 'pending'), mail('Thư hỏng XYZ', 'failed')]);
    const pending = (await as.admin.get('/quan-tri/thu?trang-thai=pending')).text;
    expect(pending).toContain('Thư chờ &lt;script&gt;');
    expect(pending).not.toContain('Thư hỏng XYZ');
    const failed = (await as.admin.get('/quan-tri/thu?trang-thai=failed')).text;
    expect(failed).toContain('Thư hỏng XYZ');
    expect(failed).not.toContain('Thư chờ');
    const id = (await t.tdb.db('outbox').where({ kind: 'mail', status: 'pending' }).orderBy('id', 'desc').first()).id;
    const one = await as.admin.get(`/quan-tri/thu/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).toContain('a@example.vn');
    expect(one.text).toContain('Nội dung &lt;b&gt;Thư chờ &lt;script&gt;&lt;/b&gt;');
    expect(one.text).not.toContain('<script>');
    expect((await as.admin.get('/quan-tri/thu/99999999')).status).toBe(404);
    expect((await as.spec.get(`/quan-tri/thu/${id}`)).status).toBe(403);
  });
});
