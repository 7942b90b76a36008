import ExcelJS from 'exceljs';
import request from 'supertest';
import type { Response } from 'superagent';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { expireReplies } from '../../server/jobs/dispatch.jobs';
import { ensureAdmin } from '../../server/services/bootstrap.service';
import { DEMO_PASSWORD, seedDemo } from '../../db/seeds/demo';
import { seedDemoDispatches } from '../../db/seeds/demo/dispatches';
import { vnDate, vnStartOfDay } from '../../workflows/calendar';
import type { Role } from '../../workflows/labels';

const DAY = 86_400_000;
const future = (days: number) => vnDate(new Date(Date.now() + days * DAY));
type Agent = Awaited<ReturnType<typeof signIn>>;
type Unit = { id: number; code: string };
const binary = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe.each(ENGINES)('dispatch pages on %s', (engine) => {
  let t: TestApp;
  const u: Record<string, Unit> = {};
  const as: Record<string, Agent> = {};
  const token: Record<string, string> = {};

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
    u.d1 = await buildUnit(db, { level: 'district', parentId: u.province.id, name: 'UBND huyện Một' });
    u.d2 = await buildUnit(db, { level: 'district', parentId: u.province.id, name: 'UBND huyện Hai' });
    u.c1 = await buildUnit(db, { level: 'commune', parentId: u.d1.id, name: 'UBND xã An Một' });
    u.c2 = await buildUnit(db, { level: 'commune', parentId: u.d1.id, name: 'UBND xã Bình Một' });
    u.c3 = await buildUnit(db, { level: 'commune', parentId: u.d2.id, name: 'UBND xã Cát Hai' });
    const people: Array<[string, string, Role]> = [
      ['spec', 'dept', 'specialist'],
      ['head', 'dept', 'head'],
      ['leader', 'dept', 'leader'],
      ['clerk', 'dept', 'clerk'],
      ['pLeader', 'province', 'leader'],
      ['c1Head', 'c1', 'head'],
      ['c1Spec', 'c1', 'specialist'],
      ['c1Leader', 'c1', 'leader'],
      ['c2Head', 'c2', 'head'],
      ['c3Head', 'c3', 'head'],
    ];
    for (const [key, unit, role] of people) {
      const user = await buildUser(db, { unitId: u[unit].id, roles: [role], fullName: `Cán bộ ${key}` });
      as[key] = await signIn(t.app, user.username, PASSWORD);
      token[key] = csrfFrom((await as[key].get('/')).text);
      token[`${key}:name`] = user.username;
    }
  });
  afterAll(() => t.close());

  const count = async () => Number((await t.tdb.db('dispatches').count<{ n: number }[]>({ n: '*' }))[0].n);
  const row = (id: number) => t.tdb.db('dispatches').where({ id }).first();
  const reply = async (id: number, unit: Unit) =>
    t.tdb.db('dispatch_replies').where({ dispatch_id: id, unit_id: unit.id }).first();
  const form = (who: string, path: string, body: Record<string, unknown>) =>
    as[who]
      .post(path)
      .type('form')
      .send({ _csrf: token[who], ...body });
  const act = (who: string, id: number, body: Record<string, unknown>) => form(who, `/cong-van/${id}/thao-tac`, body);
  const replyAct = (who: string, id: number, unit: Unit, body: Record<string, unknown>) =>
    form(who, `/cong-van/${id}/y-kien/${unit.code}/thao-tac`, body);
  const page = async (who: string, path: string, status = 200) => {
    const res = await as[who].get(path);
    expect(res.status).toBe(status);
    return res.text;
  };
  const create = async (recipients: string[], over: Record<string, unknown> = {}) => {
    const res = await form('spec', '/cong-van/moi', {
      title: 'Xin ý kiến dự thảo quy trình nội bộ',
      summary: 'Đề nghị các xã góp ý.',
      dueDate: future(10),
      silenceMeansAgreement: '1',
      recipients,
      ...over,
    });
    expect(res.status).toBe(303);
    return Number(/^\/cong-van\/(\d+)$/.exec(res.headers.location)![1]);
  };
  const issue = async (id: number) => {
    await act('spec', id, { type: 'SUBMIT', version: 1 });
    await act('leader', id, { type: 'APPROVE', version: 2 });
    expect((await act('clerk', id, { type: 'ISSUE', version: 3 })).status).toBe(303);
  };
  const checked = (html: string, name: string, value: string) =>
    new RegExp(`name="${name}" value="${value.replace(/\./g, '\\.')}"[^>]*checked`).test(html);

  it('renders the list and the new form for the right roles', async () => {
    const list = await page('spec', '/cong-van');
    expect(list).toContain('Công văn đã gửi');
    expect(list).toContain('Công văn đến');
    expect(list).toContain('href="/cong-van/moi"');
    expect(await page('c1Head', '/cong-van')).not.toContain('href="/cong-van/moi"');
    const fresh = await page('spec', '/cong-van/moi');
    expect(fresh).toContain('Tất cả xã, phường của huyện Một');
    expect(fresh).toContain('Tất cả đơn vị cấp huyện');
    expect(fresh).toContain('Quá hạn không trả lời được xem như thống nhất');
    expect(checked(fresh, 'silenceMeansAgreement', '1')).toBe(true);
    expect(fresh).toContain(`value="${u.c1.code}"`);
    expect(fresh).not.toContain(`value="${u.dept.code}"`); // not to itself
    expect(fresh).not.toMatch(/<script>|style="/); // CSP: no inline script or style
    await page('head', '/cong-van/moi', 403);
    const anon = await request(t.app).get('/cong-van');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toMatch(/^\/dang-nhap/);
  });

  it('re-renders an invalid form with field errors and the input kept (422); no CSRF → 403', async () => {
    const before = await count();
    const bad = await form('spec', '/cong-van/moi', {
      title: '',
      summary: 'Nội dung giữ lại <b>đậm</b>',
      dueDate: '2020-01-01',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Trích yếu là bắt buộc');
    expect(bad.text).toContain('Cần ít nhất một đơn vị nhận');
    expect(bad.text).toContain('Nội dung giữ lại &lt;b&gt;đậm&lt;/b&gt;');
    expect(bad.text).toContain('value="2020-01-01"');
    expect(checked(bad.text, 'silenceMeansAgreement', '1')).toBe(false); // unticked stays unticked
    const past = await form('spec', '/cong-van/moi', {
      title: 'Có trích yếu',
      summary: 'Có nội dung',
      dueDate: '2020-01-01',
      recipients: [u.c1.code],
      groups: [u.d2.code],
    });
    expect(past.status).toBe(422);
    expect(past.text).toContain('Hạn trả lời phải từ hôm nay trở đi');
    expect(checked(past.text, 'recipients', u.c1.code)).toBe(true);
    expect(checked(past.text, 'groups', u.d2.code)).toBe(true);
    expect(past.text).toContain('value="Có trích yếu"');
    const noCsrf = await as.spec
      .post('/cong-van/moi')
      .type('form')
      .send({ title: 'T', summary: 'S', dueDate: future(5), recipients: [u.c1.code] });
    expect(noCsrf.status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('expands a group shortcut to all its communes and stores the attached draft', async () => {
    const res = await as.spec
      .post(`/cong-van/moi`)
      .field('_csrf', token.spec)
      .field('title', 'Xin ý kiến dự thảo kèm tệp')
      .field('summary', 'Gửi kèm dự thảo.')
      .field('dueDate', future(7))
      .field('silenceMeansAgreement', '1')
      .field('groups', u.d1.code)
      .field('recipients', u.c3.code)
      .attach('files', Buffer.from('%PDF-1.4 du thao'), { filename: 'du-thao.pdf', contentType: 'application/pdf' });
    expect(res.status).toBe(303);
    const id = Number(res.headers.location.split('/').pop());
    const d = await row(id);
    const ids = (JSON.parse(d.recipients) as number[]).sort((a, b) => a - b);
    expect(ids).toEqual([u.c1.id, u.c2.id, u.c3.id].sort((a, b) => a - b));
    const html = await page('spec', `/cong-van/${id}`);
    const link = /href="(\/cong-van\/\d+\/tep\/\d+)">du-thao\.pdf/.exec(html);
    expect(link).not.toBeNull();
    const file = await as.spec.get(link![1]).buffer(true).parse(binary);
    expect(file.status).toBe(200);
    expect((file.body as Buffer).toString()).toBe('%PDF-1.4 du thao');
    await page('c1Head', link![1], 404); // not issued yet: recipients do not see it
    const districts = await create([], { groups: ['level:district'] });
    expect((JSON.parse((await row(districts)).recipients) as number[]).sort()).toEqual([u.d1.id, u.d2.id].sort());
    const bad = await as.spec
      .post(`/cong-van/moi`)
      .field('_csrf', token.spec)
      .field('title', 'T')
      .field('summary', 'S')
      .field('dueDate', future(3))
      .field('recipients', u.c1.code)
      .attach('files', Buffer.from('not a pdf'), { filename: 'x.pdf', contentType: 'application/pdf' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('không khớp với loại tệp');
  });

  it('walks a dispatch through its forms, with stale versions, field errors and visibility', async () => {
    const id = await create([u.c1.code, u.c3.code]);
    expect(await page('spec', `/cong-van/${id}`)).toContain('value="SUBMIT"');
    expect((await act('spec', id, { type: 'SUBMIT', version: 1 })).status).toBe(303);
    expect(await page('spec', `/cong-van/${id}`)).toContain('Đã thực hiện: Trình duyệt');
    const headView = await page('head', `/cong-van/${id}`);
    expect(headView).toContain('value="APPROVE"');
    expect(headView).toContain('value="REJECT"');
    expect(headView).not.toContain('value="ISSUE"');
    expect(await page('spec', `/cong-van/${id}`)).not.toContain('class="action-form');
    const noReason = await act('head', id, { type: 'REJECT', version: 2, comment: '' });
    expect(noReason.status).toBe(422);
    expect(noReason.text).toContain('Cần ghi rõ lý do trả lại dự thảo');
    expect(noReason.text.split('Cần ghi rõ lý do trả lại dự thảo').length - 1).toBe(1); // once, beside the field
    const stale = await act('leader', id, { type: 'APPROVE', version: 1 });
    expect(stale.status).toBe(303);
    expect(await page('leader', stale.headers.location)).toContain('vừa được người khác cập nhật');
    expect((await row(id)).state).toBe('pending_approval');
    const noCsrf = await as.leader.post(`/cong-van/${id}/thao-tac`).type('form').send({ type: 'APPROVE', version: 2 });
    expect(noCsrf.status).toBe(403);
    expect((await row(id)).version).toBe(2);
    await act('leader', id, { type: 'APPROVE', version: 2 });
    const clerkView = await page('clerk', `/cong-van/${id}`);
    expect(clerkView).toMatch(/data-confirm="Ban hành công văn này\?[^"]*"/);
    await act('clerk', id, { type: 'ISSUE', version: 3 });
    expect((await row(id)).number).toMatch(/^\d{2}\/SNV-T$/);
    expect(await page('pLeader', `/cong-van/${id}`)).toContain('Tình hình trả lời'); // above the issuing unit: sees, cannot act
    expect(await page('pLeader', `/cong-van/${id}`)).not.toContain('class="action-form');

    // the recipient commune: inbox, assign, a field error, submit, leader approves
    const inbox = await page('c1Head', '/cong-van?loc=den');
    expect(inbox).toContain('Xin ý kiến dự thảo quy trình nội bộ');
    expect(inbox).toContain('Chờ giao xử lý');
    const recv = await page('c1Head', `/cong-van/${id}`);
    expect(recv).toContain('Ý kiến của UBND xã An Một');
    expect(recv).toContain(`<option value="${token['c1Spec:name']}"`);
    expect(recv).not.toContain('Tình hình trả lời');
    expect(recv).not.toContain('UBND xã Cát Hai');
    const other = await create([u.c2.code]);
    await issue(other);
    await page('c2Head', `/cong-van/${other}`);
    await page('c2Head', `/cong-van/${id}`, 404); // a recipient of another dispatch
    expect(
      (await replyAct('c3Head', id, u.c1, { type: 'ASSIGN', version: 1, assignee: token['c1Spec:name'] })).status,
    ).toBe(404);
    expect(
      (
        await as.c1Head
          .post(`/cong-van/${id}/y-kien/${u.c1.code}/thao-tac`)
          .type('form')
          .send({ type: 'ASSIGN', version: 1, assignee: token['c1Spec:name'] })
      ).status,
    ).toBe(403);
    expect((await reply(id, u.c1)).version).toBe(1);
    expect(
      (await replyAct('c1Head', id, u.c1, { type: 'ASSIGN', version: 1, assignee: token['c1Spec:name'] })).status,
    ).toBe(303);
    expect(await page('c1Spec', `/cong-van/${id}`)).toContain('Thống nhất, có ý kiến góp ý');
    const noContent = await replyAct('c1Spec', id, u.c1, {
      type: 'SUBMIT',
      version: 2,
      position: 'comments',
      content: '',
    });
    expect(noContent.status).toBe(422);
    expect(noContent.text).toContain('Cần nêu nội dung góp ý');
    expect(noContent.text.split('Cần nêu nội dung góp ý').length - 1).toBe(1);
    expect(checked(noContent.text, 'position', 'comments')).toBe(true);
    const content = 'Bước 2, đề nghị "rút ngắn" còn 4 giờ.';
    expect(
      (await replyAct('c1Spec', id, u.c1, { type: 'SUBMIT', version: 2, position: 'comments', content })).status,
    ).toBe(303);
    expect(await page('spec', `/cong-van/${id}`)).not.toContain('rút ngắn'); // a draft is not the unit's answer yet
    expect((await replyAct('c1Leader', id, u.c1, { type: 'RETURN', version: 3, comment: '' })).status).toBe(422);
    expect((await replyAct('c1Leader', id, u.c1, { type: 'APPROVE', version: 3 })).status).toBe(303);
    expect((await reply(id, u.c1)).state).toBe('replied');

    // the sender: tracking, reminder, synthesis with responses, exports, close
    const sender = await page('spec', `/cong-van/${id}`);
    expect(sender).toContain('Thống nhất, có ý kiến góp ý');
    expect(sender).toContain('Nhắc các đơn vị chưa trả lời (1)');
    expect(sender).not.toContain('value="CLOSE"');
    expect(sender).toContain('Còn 1 đơn vị chưa trả lời');
    expect((await form('spec', `/cong-van/${id}/nhac`, {})).status).toBe(303);
    const mails = await t.tdb.db('outbox').where({ kind: 'dispatch.remind' });
    expect(mails.some((m) => JSON.parse(m.payload).dispatchId === id)).toBe(true);
    await page('c1Head', `/cong-van/${id}/tong-hop`, 404);
    const syn = await page('spec', `/cong-van/${id}/tong-hop`);
    expect(syn).toContain('BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý');
    expect(syn).toContain('name="response"');
    const tooLong = await form('spec', `/cong-van/${id}/tong-hop/${u.c1.code}`, { response: 'x'.repeat(20001) });
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain('Tối đa 20.000 ký tự');
    expect(
      (await form('spec', `/cong-van/${id}/tong-hop/${u.c1.code}`, { response: 'Tiếp thu, đã sửa bước 2.' })).status,
    ).toBe(303);
    expect((await reply(id, u.c1)).response).toBe('Tiếp thu, đã sửa bước 2.');
    await expireReplies(t.tdb.db, vnStartOfDay((await row(id)).due_date).getTime() + DAY + 1000);
    const after = await page('spec', `/cong-van/${id}/tong-hop`);
    const m =
      /Tổng số đơn vị được xin ý kiến: (\d+); đã trả lời: (\d+) \(.*?\); xem như thống nhất: (\d+); quá hạn: (\d+); chưa trả lời: (\d+)\./.exec(
        after,
      )!;
    const [total, ...parts] = m.slice(1).map(Number);
    expect(total).toBe(2);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
    expect(parts).toEqual([1, 1, 0, 0]);
    expect(after).toContain('Xem như thống nhất (quá hạn không trả lời)');

    const csv = await as.spec.get(`/cong-van/${id}/tong-hop.csv`).buffer(true).parse(binary);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    // The agency block (parent body, then the issuing unit) and a blank line come before the header row.
    expect(text.split('\r\n')[0]).toBe('UBND TỈNH THỬ');
    expect(text.split('\r\n')[3]).toBe(
      'STT,Đơn vị góp ý,Mã đơn vị,Ý kiến góp ý,Nội dung,Ngày trả lời,"Tiếp thu, giải trình"',
    );
    expect(text).toContain('"Bước 2, đề nghị ""rút ngắn"" còn 4 giờ."');
    const xlsx = await as.spec.get(`/cong-van/${id}/tong-hop.xlsx`).buffer(true).parse(binary);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A1').value).toBe('UBND TỈNH THỬ');
    expect(ws.getCell('A3').value).toBe('BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý');
    expect(ws.getRow(6).font?.bold).toBe(true);
    expect(ws.getCell('B6').value).toBe('Đơn vị góp ý');
    const cells = [7, 8].map((r) => ws.getRow(r).values as unknown[]);
    expect(
      cells.some((c) => c.includes('UBND xã An Một') && c.includes(content) && c.includes('Tiếp thu, đã sửa bước 2.')),
    ).toBe(true);
    await page('c1Head', `/cong-van/${id}/tong-hop.csv`, 404);

    const closing = await page('spec', `/cong-van/${id}`);
    expect(closing).toMatch(/data-confirm="Kết thúc việc xin ý kiến\?[^"]*"/);
    expect((await act('spec', id, { type: 'CLOSE', version: 4 })).status).toBe(303);
    expect((await row(id)).state).toBe('closed');
    expect(await page('spec', `/cong-van/${id}/tong-hop`)).not.toContain('name="response"');
    const late = await form('spec', `/cong-van/${id}/tong-hop/${u.c1.code}`, { response: 'Sửa sau khi kết thúc' });
    expect(late.status).toBe(422);
    expect((await reply(id, u.c1)).response).toBe('Tiếp thu, đã sửa bước 2.');
  });

  it("lists sent dispatches with replies counted and the inbox with the unit's own reply", async () => {
    const sent = await page('spec', '/cong-van?loc=da-gui');
    expect(sent).toMatch(/đã trả lời \d+\/\d+/);
    expect(sent).toContain('Đã kết thúc');
    const inbox = await page('c2Head', '/cong-van');
    expect(inbox).toContain('aria-current="page">Công văn đến'); // nothing sent: the inbox first
    expect(inbox).toContain('Sở Nội vụ tỉnh Thử');
    expect(inbox).toMatch(/\d{2}\/SNV-T/);
    expect(inbox).toContain('Xem như thống nhất (quá hạn không trả lời)'); // expired with the other one
  });

  it('seeds demo dispatches in every state, and every page of them renders', async () => {
    const demo = await buildTestApp(engine);
    try {
      const db = demo.tdb.db;
      await ensureAdmin(db, 'quan-tri-thu-nghiem');
      await seedDemo(db, demo.ctx.config, 0);
      if ((await db('dispatches').count<{ n: number }[]>({ n: '*' }))[0].n == 0)
        expect(await seedDemoDispatches(db, demo.ctx.config)).toBe(5);
      const states = (await db('dispatches').orderBy('id').pluck('state')).sort();
      expect(states).toEqual(['closed', 'draft', 'issued', 'issued', 'pending_approval']);
      const replies = await db('dispatch_replies').select('state', 'position', 'response');
      expect(new Set(replies.map((r) => r.state))).toEqual(
        new Set(['received', 'assigned', 'pending_approval', 'replied', 'deemed_agreed']),
      );
      expect(new Set(replies.filter((r) => r.state === 'replied').map((r) => r.position))).toEqual(
        new Set(['agree', 'comments', 'disagree']),
      );
      expect(replies.filter((r) => r.response).length).toBeGreaterThan(4);
      expect(Number((await db('outbox').where({ status: 'pending' }).count<{ n: number }[]>({ n: '*' }))[0].n)).toBe(0);
      const snv = await signIn(demo.app, 'chuyenvien.snv', DEMO_PASSWORD);
      expect((await snv.get('/cong-van')).text).toContain('01/SNV');
      for (const id of await db('dispatches').pluck('id')) {
        expect((await snv.get(`/cong-van/${id}`)).status).toBe(200);
        expect((await snv.get(`/cong-van/${id}/tong-hop`)).status).toBe(200);
      }
      const p1 = await signIn(demo.app, 'lanhdao.p1', DEMO_PASSWORD);
      const inbox = await p1.get('/cong-van?loc=den');
      expect(inbox.text).toContain('Chờ bạn duyệt');
    } finally {
      await demo.close();
    }
  });
});
