import { workingDayAfter } from '../helpers/time';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, signIn, TestApp } from '../helpers/app';
import { buildUser, PASSWORD } from '../factories/accounts';
import { bearer, buildWorld, definition, receive, send, World } from '../factories/dossiers';
import { vnStartOfDay } from '../../workflows/calendar';
import { formatVnDate, formatVnTime } from '../../workflows/calendar/time';

const at = (iso: string) => `${formatVnTime(new Date(iso))} ngày ${formatVnDate(new Date(iso))}`;

describe.each(ENGINES)('print views on %s', (engine) => {
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
      ['district', w.district.id, ['specialist']],
      ['admin', null, ['admin']],
    ] as const) {
      users[key] = (await buildUser(t.tdb.db, { unitId, roles: [...roles], fullName: `Cán bộ ${key}` })).username;
    }
  });
  afterAll(() => t.close());

  /** A dossier walked to the signing step with one RETURN on the way (5 events). */
  async function walked() {
    let d = await receive(t.app, w, '1.000775', {
      applicant: { fullName: 'Lê Thị Cúc', idNumber: '094111222333', phone: '0987654321', address: '12 Trần Phú' },
    });
    for (const [who, body] of [
      ['specialist', { type: 'FORWARD' }],
      ['head', { type: 'RETURN', comment: 'Thiếu số liệu' }],
      ['specialist', { type: 'FORWARD' }],
      ['head', { type: 'FORWARD' }],
    ] as const) {
      const res = await send(t.app, w.tokens[who], d.code, { ...body, version: d.version });
      expect(res.status).toBe(200);
      d = res.body;
    }
    return d;
  }

  it('01: the receipt with applicant, checklist, appointment, officer and a QR code to the lookup', async () => {
    const d = await receive(t.app, w, '1.000775', {
      applicant: { fullName: 'Nguyễn Văn An', idNumber: '094123456789', phone: '0912345678', address: 'Ấp 3, xã Một' },
    });
    const agent = await as('intake');
    const res = await agent.get(`/ho-so/${d.code}/in/01`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(res.text).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(res.text).toContain('Mẫu số 01');
    for (const s of [
      d.code,
      'Nguyễn Văn An',
      '094123456789',
      '0912345678',
      'Ấp 3, xã Một',
      'Tặng Giấy khen',
      'Tờ trình đề nghị khen thưởng',
      'Giấy tờ khác',
    ])
      expect(res.text).toContain(s);
    expect(res.text).toContain(`Ngày hẹn trả kết quả: <strong>${at(d.dueAt)}</strong>`);
    expect(res.text).toContain(at(d.receivedAt));
    expect(res.text.match(/aria-label="Đã nhận"/g)).toHaveLength(2);
    expect(res.text).toContain('NGƯỜI TIẾP NHẬN');
    expect(res.text).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    // Handlebars escapes '=' as '&#x3D;', which a browser reads back as '='.
    expect(res.text.replace(/&#x3D;/g, '=')).toContain(
      `Tra cứu tình trạng hồ sơ tại <span class="url">https://motcua.example.vn/tra-cuu?ma=${d.code}</span>`,
    );
    expect(res.text).toContain('data-print');
    expect(res.text).not.toMatch(/style="|<script>/);
  });

  it('404 for a commune that may not see the dossier, an unknown form, and forms without their event', async () => {
    const d = await receive(t.app, w, '1.000775');
    const outsider = await as('outsider');
    for (const n of ['01', '06']) expect((await outsider.get(`/ho-so/${d.code}/in/${n}`)).status).toBe(404);
    const agent = await as('intake');
    for (const n of ['02', '03', '04', '05', '07', 'xx'])
      expect((await agent.get(`/ho-so/${d.code}/in/${n}`)).status).toBe(404);
    expect((await agent.get('/ho-so/KHONG-CO/in/01')).status).toBe(404);
    const district = await as('district');
    expect((await district.get(`/ho-so/${d.code}/in/06`)).status).toBe(200);
  });

  it('02: the latest supplement request, or the Nth with ?lan=N, saying when it is a repeat', async () => {
    let d = await receive(t.app, w, '1.000775');
    const steps: Array<[string, Record<string, unknown>]> = [
      ['specialist', { type: 'REQUEST_SUPPLEMENT', comment: 'Bổ sung bản sao quyết định' }],
      ['intake', { type: 'SUPPLEMENT_RECEIVED' }],
      ['specialist', { type: 'REQUEST_SUPPLEMENT', comment: 'Bổ sung báo cáo có xác nhận' }],
    ];
    for (const [who, body] of steps) {
      const res = await send(t.app, w.tokens[who], d.code, { ...body, version: d.version });
      expect(res.status).toBe(200);
      d = res.body;
    }
    const agent = await as('intake');
    const latest = await agent.get(`/ho-so/${d.code}/in/02`);
    expect(latest.status).toBe(200);
    expect(latest.text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(latest.text).toContain('Bổ sung báo cáo có xác nhận');
    expect(latest.text).toContain('lần yêu cầu bổ sung thứ 2');
    expect(latest.text).toContain('không tính vào thời hạn giải quyết');
    const firstAsk = await agent.get(`/ho-so/${d.code}/in/02?lan=1`);
    expect(firstAsk.status).toBe(200);
    expect(firstAsk.text).toContain('Bổ sung bản sao quyết định');
    expect(firstAsk.text).not.toContain('lần yêu cầu bổ sung thứ');
    expect((await agent.get(`/ho-so/${d.code}/in/02?lan=3`)).status).toBe(404);
  });

  it('03: the refusal with its reason', async () => {
    const d = await receive(t.app, w, '1.000775');
    expect(
      (
        await send(t.app, w.tokens.specialist, d.code, {
          type: 'REFUSE',
          version: 1,
          comment: 'Không đủ điều kiện khen thưởng',
        })
      ).status,
    ).toBe(200);
    const res = await (await as('intake')).get(`/ho-so/${d.code}/in/03`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ');
    expect(res.text).toContain('Không đủ điều kiện khen thưởng');
    expect(res.text).toContain('Nguyễn Văn Thử');
  });

  it('04: the apology with the reason, the previous and the new due date', async () => {
    const d = await receive(t.app, w, '1.000775');
    const later = workingDayAfter(Date.parse(d.dueAt), 3);
    expect(
      (
        await send(t.app, w.tokens.leader, d.code, {
          type: 'EXTEND',
          version: 1,
          comment: 'Cần xác minh thêm thành tích',
          dueAt: later,
        })
      ).status,
    ).toBe(200);
    const res = await (await as('intake')).get(`/ho-so/${d.code}/in/04`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    expect(res.text).toContain('Cần xác minh thêm thành tích');
    expect(res.text).toContain(at(d.dueAt));
    expect(res.text).toContain(at(later));
    expect(res.text).toContain('xin lỗi');
  });

  it('06: one row per event of the log, with step names and on-time results', async () => {
    const d = await walked();
    const events = (await request(t.app).get(`/api/v1/dossiers/${d.code}/history`).set(bearer(w.tokens.intake))).body
      .items;
    const res = await (await as('intake')).get(`/ho-so/${d.code}/in/06`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
    expect(res.text.match(/<tr class="handoff">/g)).toHaveLength(events.length);
    expect(events).toHaveLength(5);
    expect(res.text).toContain('Đúng hạn');
    for (const s of ['Thẩm định hồ sơ', 'Xem xét, trình ký', 'Bộ phận Một cửa', 'Thiếu số liệu', 'Lê Thị Cúc'])
      expect(res.text).toContain(s);
    expect(res.text).toContain(`${formatVnTime(new Date(events[0].at))} ${formatVnDate(new Date(events[0].at))}`);
  });

  it("07: the register lists the unit's dossiers received in the period only", async () => {
    const old = await receive(t.app, w, '1.000775', {
      applicant: { fullName: 'Phạm Cũ', phone: '0900000001', address: 'Ấp Cũ' },
    });
    const edge = await receive(t.app, w, '1.000775', { applicant: { fullName: 'Phạm Sát Ngày' } });
    const after = await receive(t.app, w, '1.000775', { applicant: { fullName: 'Phạm Tháng Sau' } });
    const feb = vnStartOfDay('2025-02-01').getTime();
    await t.tdb
      .db('dossiers')
      .where({ code: old.code })
      .update({ received_at: vnStartOfDay('2025-01-15').getTime() + 9 * 3_600_000 });
    await t.tdb
      .db('dossiers')
      .where({ code: edge.code })
      .update({ received_at: feb - 1 });
    await t.tdb.db('dossiers').where({ code: after.code }).update({ received_at: feb });
    const agent = await as('intake');
    const jan = await agent.get(`/so-theo-doi?don-vi=${w.commune.code}&tu=2025-01-01&den=2025-01-31`);
    expect(jan.status).toBe(200);
    expect(jan.text).toContain('SỔ THEO DÕI HỒ SƠ');
    expect(jan.text).toContain('Từ ngày 01/01/2025 đến ngày 31/01/2025');
    expect(jan.text.match(/<tr class="reg-row">/g)).toHaveLength(2);
    for (const s of [old.code, edge.code, 'Phạm Cũ', 'Ấp Cũ · 0900000001', '15/01/2025', 'Ký nhận'])
      expect(jan.text).toContain(s);
    expect(jan.text).not.toContain(after.code);
    const month = await agent.get('/so-theo-doi');
    expect(month.status).toBe(200);
    expect(month.text).not.toContain(old.code);
    expect(month.text).toContain('class="print-body landscape"');
    const district = await as('district');
    expect((await district.get(`/so-theo-doi?don-vi=${w.commune.code}&tu=2025-01-01&den=2025-01-31`)).text).toContain(
      old.code,
    );
    const admin = await as('admin');
    expect((await admin.get(`/so-theo-doi?don-vi=${w.commune.code}&tu=2025-01-01&den=2025-01-31`)).status).toBe(200);
  });

  it("07: 404 for a unit outside the user's tree, 422 in Vietnamese for bad dates", async () => {
    const agent = await as('intake');
    expect((await agent.get(`/so-theo-doi?don-vi=${w.other.code}`)).status).toBe(404);
    expect((await agent.get(`/so-theo-doi?don-vi=${w.district.code}`)).status).toBe(404);
    expect((await agent.get('/so-theo-doi?don-vi=KHONG.CO')).status).toBe(404);
    const bad = await agent.get(`/so-theo-doi?don-vi=${w.commune.code}&tu=2025-13-01&den=2025-01-31`);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Ngày không hợp lệ');
    expect((await agent.get(`/so-theo-doi?tu=2025-01-01`)).status).toBe(422);
    expect((await agent.get(`/so-theo-doi?tu=2025-02-01&den=2025-01-01`)).status).toBe(422);
  });

  it('unauthenticated → 303 to the sign-in page', async () => {
    const d = await receive(t.app, w, '1.000775');
    for (const url of [`/ho-so/${d.code}/in/01`, '/so-theo-doi']) {
      const res = await request(t.app).get(url);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/dang-nhap/);
    }
  });
});

describe('register export', () => {
  it('exports the register as CSV with a BOM and as XLSX', async () => {
    const { buildTestApp, signIn } = await import('../helpers/app');
    const { buildUser, PASSWORD } = await import('../factories/accounts');
    const { buildWorld, definition, receive, bearer } = await import('../factories/dossiers');
    const request = (await import('supertest')).default;
    const ExcelJS = (await import('exceljs')).default;
    const t = await buildTestApp('sqlite');
    try {
      const w = await buildWorld(t.app, t.tdb.db);
      await request(t.app).post('/api/v1/procedures').set(bearer(w.tokens.admin)).send(definition());
      const d = await receive(t.app, w, '1.000775');
      const u = await buildUser(t.tdb.db, { unitId: w.commune.id, roles: ['intake'] });
      const agent = await signIn(t.app, u.username, PASSWORD);
      const csv = await agent.get('/so-theo-doi?dinh-dang=csv');
      expect(csv.status).toBe(200);
      expect(csv.text.charCodeAt(0)).toBe(0xfeff);
      expect(csv.text).toContain('Mã hồ sơ,Tên TTHC');
      expect(csv.text).toContain(d.code);
      const xlsx = await agent
        .get('/so-theo-doi?dinh-dang=xlsx')
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as never);
      const values = wb.worksheets[0].getSheetValues().flat().map(String);
      expect(values).toContain(d.code);
    } finally {
      await t.close();
    }
  });
});
