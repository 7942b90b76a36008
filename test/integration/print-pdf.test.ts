import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, signIn, TestApp } from '../helpers/app';
import { workingDayAfter } from '../helpers/time';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';
import { outsideMargins, pdfFonts, pdfPages, pdfText, pdfWords } from '../helpers/pdf';
import { citizenResultUrl } from '../../server/presenters/result-link';
import { formatVnDate } from '../../workflows/calendar/time';

jest.setTimeout(120_000);

type Agent = Awaited<ReturnType<typeof signIn>>;

/** HTML as a browser reads its attributes back (Handlebars writes "=" as "&#x3D;"). */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/** GET a URL as bytes (supertest only buffers text by default). */
async function getPdf(agent: Agent, url: string) {
  return agent
    .get(url)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

/** What every PDF of this file must be: Tinos only (embedded subsets), the Decree 30 margins. */
function expectDecree30(pdf: Buffer, landscape = false) {
  const fonts = pdfFonts(pdf);
  expect(fonts.length).toBeGreaterThan(0);
  for (const f of fonts) {
    expect(f.name).toMatch(/^[A-Z]{6}\+Tinos-/);
    expect(f).toMatchObject({ embedded: true, subset: true });
  }
  const { sizes } = pdfPages(pdf);
  for (const s of sizes) expect(s).toEqual(landscape ? [841.89, 595.28] : [595.28, 841.89]);
  expect(outsideMargins(pdfWords(pdf))).toEqual([]);
  const text = pdfText(pdf);
  expect(text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
  expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
  return text;
}

describe.each(ENGINES)('print views as PDF on %s', (engine) => {
  let t: TestApp;
  let w: World;
  const users: Record<string, string> = {};
  const as = (key: string) => signIn(t.app, users[key], PASSWORD);

  beforeAll(async () => {
    t = await buildTestApp(engine, { PUBLIC_URL: 'https://motcua.example.vn' });
    w = await buildWorld(t.app, t.tdb.db);
    expect(
      (await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition())).status,
    ).toBe(201);
    for (const [key, unitId, roles] of [
      ['intake', w.commune.id, ['intake']],
      ['outsider', w.other.id, ['intake']],
    ] as const) {
      users[key] = (await buildUser(t.tdb.db, { unitId, roles: [...roles] })).username;
    }
  });
  afterAll(() => t.close());

  it("01: the receipt as a PDF, with the citizen's private result link as text and QR; the HTML has it too", async () => {
    const d = await receive(t.app, w, '1.000775', {
      applicant: {
        fullName: 'Nguyễn Thị Ánh Tuyết',
        idNumber: '094123456789',
        phone: '0912345678',
        address: 'Ấp Tân Thành, xã Một',
      },
    });
    const row = await t.tdb.db('dossiers').where({ code: d.code }).first();
    expect(row.access_key).toBeTruthy();
    const link = citizenResultUrl('https://motcua.example.vn', d.code, row.access_key);
    const agent = await as('intake');

    const res = await getPdf(agent, `/ho-so/${d.code}/in/01.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.headers['content-disposition']).toBe(`inline; filename="mau-01-${d.code}.pdf"`);
    const text = expectDecree30(res.body);
    for (const s of [
      'Mẫu số 01',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'Nguyễn Thị Ánh Tuyết',
      '094123456789',
      'Ấp Tân Thành, xã Một',
      'Tờ trình đề nghị khen thưởng',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Nhận kết quả điện tử: quét mã hoặc mở liên kết (giữ bí mật)',
      formatVnDate(new Date(d.receivedAt)),
    ])
      expect(text).toContain(s);
    // The link may wrap across lines (after "&"): compare without the line breaks.
    expect(text.replace(/\s+/g, '')).toContain(link);

    const html = await agent.get(`/ho-so/${d.code}/in/01`);
    expect(html.status).toBe(200);
    const page = decoded(html.text);
    expect(page).toContain(link);
    expect(page).toContain('Nhận kết quả điện tử: quét mã hoặc mở liên kết (giữ bí mật)');
    expect(page).toMatch(/alt="Mã QR nhận kết quả điện tử[^"]*"/);
    expect(page).toContain(`href="/ho-so/${d.code}/in/01.pdf"`);
    expect(page).toContain('Tải PDF');
  });

  it('02, 03, 04: the PDFs carry the reason of their event; 02 picks the Nth request with ?lan=N', async () => {
    let d = await receive(t.app, w, '1.000775');
    for (const [who, body] of [
      ['specialist', { type: 'REQUEST_SUPPLEMENT', comment: 'Bổ sung bản sao quyết định' }],
      ['intake', { type: 'SUPPLEMENT_RECEIVED' }],
      ['specialist', { type: 'REQUEST_SUPPLEMENT', comment: 'Bổ sung báo cáo có xác nhận' }],
    ] as const) {
      const res = await send(t.app, w.tokens[who], d.code, { ...body, version: d.version });
      expect(res.status).toBe(200);
      d = res.body;
    }
    const agent = await as('intake');
    const latest = await getPdf(agent, `/ho-so/${d.code}/in/02.pdf`);
    expect(latest.status).toBe(200);
    expect(latest.headers['content-disposition']).toContain(`mau-02-${d.code}-lan-2.pdf`);
    const text = expectDecree30(latest.body);
    expect(text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(text).toContain('Bổ sung báo cáo có xác nhận');
    expect(text).toContain('lần yêu cầu bổ sung thứ 2');
    const first = pdfText((await getPdf(agent, `/ho-so/${d.code}/in/02.pdf?lan=1`)).body);
    expect(first).toContain('Bổ sung bản sao quyết định');
    expect(first).not.toContain('lần yêu cầu bổ sung thứ');
    expect((await getPdf(agent, `/ho-so/${d.code}/in/02.pdf?lan=3`)).status).toBe(404);
    expect(decoded((await agent.get(`/ho-so/${d.code}/in/02?lan=1`)).text)).toContain(
      `href="/ho-so/${d.code}/in/02.pdf?lan=1"`,
    );

    const refused = await receive(t.app, w, '1.000775');
    const reason = 'Không đủ điều kiện khen thưởng theo quy định';
    expect(
      (await send(t.app, w.tokens.specialist, refused.code, { type: 'REFUSE', version: 1, comment: reason })).status,
    ).toBe(200);
    const r03 = await getPdf(agent, `/ho-so/${refused.code}/in/03.pdf`);
    expect(r03.status).toBe(200);
    const t03 = expectDecree30(r03.body);
    expect(t03).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ');
    expect(t03).toContain(reason);

    const late = await receive(t.app, w, '1.000775');
    const dueAt = workingDayAfter(Date.parse(late.dueAt), 3);
    const ext = await send(t.app, w.tokens.leader, late.code, {
      type: 'EXTEND',
      version: 1,
      comment: 'Cần xác minh thêm thành tích',
      dueAt,
    });
    expect(ext.status).toBe(200);
    const r04 = await getPdf(agent, `/ho-so/${late.code}/in/04.pdf`);
    expect(r04.status).toBe(200);
    const t04 = expectDecree30(r04.body);
    expect(t04).toContain('VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(t04).toContain('Cần xác minh thêm thành tích');
    expect(t04).toContain(formatVnDate(new Date(dueAt)));
  });

  it('06: drafting, signing and numbering the result show in the notes; the draft is no hand-off row', async () => {
    let d = await receive(t.app, w, '1.000775');
    const forward = async (who: string) => {
      const res = await send(t.app, w.tokens[who], d.code, { type: 'FORWARD', version: d.version });
      expect(res.status).toBe(200);
      d = res.body;
    };
    await forward('specialist');
    await forward('head');
    // At the signing step a draft result is attached: an annotation event (from_state = to_state).
    const db = t.tdb.db;
    const dossier = await db('dossiers').where({ code: d.code }).first();
    const last = await db('dossier_events').where({ dossier_id: dossier.id }).orderBy('id', 'desc').first();
    await db('dossier_events').insert({
      dossier_id: dossier.id,
      type: 'RESULT',
      from_state: last.to_state,
      to_state: last.to_state,
      actor_id: last.actor_id,
      actor_username: last.actor_username,
      actor_name: last.actor_name,
      actor_unit_code: last.actor_unit_code,
      comment: null,
      at: Number(last.at) + 1000,
      step_due_at: null,
      on_time: null,
      dossier_version: 10_000,
      data: JSON.stringify({ result: { action: 'drafted', source: 'template' } }),
    });
    await forward('leader');
    await forward('clerk');
    const events = await db('dossier_events').where({ dossier_id: dossier.id }).orderBy('id');
    const forwards = events.filter((e) => e.type === 'FORWARD');
    const withResult = async (e: { id: number; data: string | null }, result: Record<string, unknown>) =>
      db('dossier_events')
        .where({ id: e.id })
        .update({ data: JSON.stringify({ ...(e.data ? JSON.parse(e.data) : {}), result }) });
    await withResult(forwards[2], { action: 'signed', signer: 'Nguyễn Văn A', title: 'Chủ tịch' });
    await withResult(forwards[3], { action: 'numbered', number: '01/QĐ-UBND', sealedBy: 'UBND xã Một' });

    const agent = await as('intake');
    const html = await agent.get(`/ho-so/${d.code}/in/06`);
    expect(html.status).toBe(200);
    // RECEIVE and four FORWARDs: the RESULT annotation adds no row.
    expect(html.text.match(/<tr class="handoff">/g)).toHaveLength(5);
    for (const s of [
      'Đã tạo dự thảo kết quả từ mẫu',
      'Đã ký số: Nguyễn Văn A (Chủ tịch)',
      'Vào số 01/QĐ-UBND, đóng dấu',
    ])
      expect(html.text).toContain(s);
    expect(html.text).toContain(`href="/ho-so/${d.code}/in/06.pdf"`);

    const res = await getPdf(agent, `/ho-so/${d.code}/in/06.pdf`);
    expect(res.status).toBe(200);
    const text = expectDecree30(res.body);
    expect(text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    for (const s of [
      'Đã tạo dự thảo kết quả từ mẫu',
      'Đã ký số: Nguyễn Văn A (Chủ tịch)',
      'Vào số 01/QĐ-UBND, đóng dấu',
      'Ký quyết định',
      'Vào số, đóng dấu',
    ])
      expect(text).toContain(s);
    // Row numbers 1–5 in the STT column, no 6th.
    const stt = pdfWords(res.body).filter((x) => /^\d$/.test(x.text) && x.xMax < 30 * (72 / 25.4) + 25);
    expect(stt.map((x) => x.text)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('07: the register as a landscape PDF, for the same query as the HTML one', async () => {
    const d = await receive(t.app, w, '1.000775', { applicant: { fullName: 'Phạm Thị Ngọc Ánh' } });
    const agent = await as('intake');
    const html = await agent.get('/so-theo-doi');
    expect(html.status).toBe(200);
    const href = /href="(\/so-theo-doi\.pdf\?[^"]+)"/.exec(decoded(html.text))![1];
    expect(href).toContain(`don-vi=${w.commune.code}`);
    const res = await getPdf(agent, href);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    expect(res.headers['content-disposition']).toMatch(/^inline; filename="so-theo-doi-.+\.pdf"$/);
    const text = expectDecree30(res.body, true);
    expect(text).toContain('SỔ THEO DÕI HỒ SƠ');
    expect(text).toContain('Phạm Thị Ngọc Ánh');
    expect(text.replace(/\s+/g, '')).toContain(d.code);
    expect((await getPdf(agent, `/so-theo-doi.pdf?don-vi=${w.other.code}`)).status).toBe(404);
    expect((await getPdf(agent, `/so-theo-doi.pdf?don-vi=${w.commune.code}&tu=2025-13-01&den=2025-01-31`)).status).toBe(
      422,
    );
  });

  it('404 for a dossier the user may not see, an unknown form, a form without its event; sign-in first', async () => {
    const d = await receive(t.app, w, '1.000775');
    const outsider = await as('outsider');
    for (const n of ['01', '06']) {
      const res = await getPdf(outsider, `/ho-so/${d.code}/in/${n}.pdf`);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).not.toMatch(/pdf/);
    }
    const agent = await as('intake');
    for (const n of ['02', '03', '04', '05', '07', 'xx'])
      expect((await getPdf(agent, `/ho-so/${d.code}/in/${n}.pdf`)).status).toBe(404);
    expect((await getPdf(agent, '/ho-so/KHONG-CO/in/01.pdf')).status).toBe(404);
    for (const url of [`/ho-so/${d.code}/in/01.pdf`, '/so-theo-doi.pdf']) {
      const res = await request(t.app).get(url);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/dang-nhap/);
    }
  });
});
