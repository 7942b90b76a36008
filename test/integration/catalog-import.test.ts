import ExcelJS from 'exceljs';
import request from 'supertest';
import { ENGINES } from '../helpers/db';
import { buildTestApp, csrfFrom, signIn, TestApp } from '../helpers/app';
import { buildUnit, buildUser, PASSWORD } from '../factories/accounts';
import { definition } from '../factories/dossiers';
import { createVersion } from '../../server/services/catalog.service';
import { dialect } from '../../server/db';

const HEADER = [
  'STT',
  'Mã thủ tục',
  'Tên thủ tục',
  'Lĩnh vực',
  'Cấp thực hiện',
  'Thời hạn giải quyết',
  'Phí, lệ phí',
  'Thành phần hồ sơ',
];
const csvCell = (s: string) => (/[";\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const csv = (rows: string[][]) => '\uFEFF' + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';

/** A catalogue of `n` procedures `prefix.000001…`; every row listed in `bad` has a time limit in months. */
function catalogue(prefix: string, n: number, bad: Set<number>): string[][] {
  const rows = [HEADER];
  for (let i = 1; i <= n; i++)
    rows.push([
      String(i),
      `${prefix}.${String(i).padStart(6, '0')}`,
      `Thủ tục thử số ${i}`,
      'Hộ tịch',
      i % 2 ? 'Cấp Xã' : 'Cấp Huyện',
      bad.has(i) ? '3 tháng' : `${1 + (i % 20)} ngày làm việc`,
      i % 3 ? '50.000 đồng' : 'Không',
      '- Tờ khai\n- Bản sao Căn cước công dân',
    ]);
  return rows;
}

describe.each(ENGINES)('import from the national procedure catalogue on %s', (engine) => {
  let t: TestApp;
  let admin: request.Agent;
  let csrf: string;

  beforeAll(async () => {
    t = await buildTestApp(engine);
    const unit = await buildUnit(t.tdb.db);
    await buildUser(t.tdb.db, { username: 'quantri', roles: ['admin'] });
    await buildUser(t.tdb.db, { username: 'chuyenvien', roles: ['specialist'], unitId: unit.id });
    admin = await signIn(t.app, 'quantri', PASSWORD);
    csrf = csrfFrom((await admin.get('/quan-tri/thu-tuc/nhap')).text);
  });
  afterAll(() => t.close());

  const upload = (body: Buffer | string, name = 'danh-muc.csv') =>
    admin
      .post('/quan-tri/thu-tuc/nhap')
      .set('x-csrf-token', csrf)
      .attach('files', Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), { filename: name });
  const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const confirm = (preview: string, formToken = hidden(preview, 'formToken')) =>
    admin
      .post('/quan-tri/thu-tuc/nhap/xac-nhan')
      .type('form')
      .send({
        _csrf: csrf,
        formToken,
        importToken: hidden(preview, 'importToken'),
        fileHash: hidden(preview, 'fileHash'),
      });
  const count = async (table: string, where: (qb: any) => void = () => {}) =>
    Number((await t.tdb.db(table).modify(where).count({ n: '*' }))[0].n);
  const procedures = (prefix: string) => count('procedures', (qb) => qb.where('code', 'like', `${prefix}.%`));
  const counts = (html: string) => {
    const block = /data-testid="import-counts">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
    return [...block.matchAll(/class="stat">([\d.]+)</g)].map((m) => Number(m[1].replace(/\./g, '')));
  };

  it('is for admins only', async () => {
    const staff = await signIn(t.app, 'chuyenvien', PASSWORD);
    expect((await staff.get('/quan-tri/thu-tuc/nhap')).status).toBe(403);
    const res = await staff
      .post('/quan-tri/thu-tuc/nhap')
      .set('x-csrf-token', csrfFrom((await staff.get('/')).text))
      .attach('files', Buffer.from(csv(catalogue('SEC', 2, new Set()))), { filename: 'a.csv' });
    expect(res.status).toBe(403);
    expect(await count('catalog_imports')).toBe(0);
    expect((await request(t.app).get('/quan-tri/thu-tuc/nhap')).status).toBe(303);
  });

  it('the procedures list links to the import', async () => {
    const res = await admin.get('/quan-tri/thu-tuc');
    expect(res.text).toContain('<a href="/quan-tri/thu-tuc/nhap">Nhập từ danh mục thủ tục quốc gia</a>');
  });

  it('5,000 rows with 30 bad: the preview counts them and writes nothing; the confirm imports the 4,970 once', async () => {
    const bad = new Set(Array.from({ length: 30 }, (_, i) => 17 + i * 160));
    const res = await upload(csv(catalogue('BIG', 5000, bad)));
    expect(res.status).toBe(200);
    expect(counts(res.text)).toEqual([4970, 0, 0, 30]);
    expect(res.text).toContain('Xác nhận nhập 4.970 thủ tục');
    // Bad rows by spreadsheet line (header on line 1: row i is line i + 1) with the reason.
    for (const i of bad) expect(res.text).toContain(`<td class="nowrap">Dòng ${i + 1}</td>`);
    expect(res.text).toContain('Thời hạn giải quyết “3 tháng” không tính bằng ngày làm việc');
    // The default procedure and its rule are shown: 2 days = 16 h → 11 / 2 / 2 / 1.
    expect(res.text).toContain('Thẩm định hồ sơ (Chuyên viên xử lý): 11 giờ');
    expect(res.text).toContain('Tỷ lệ tính trên toàn bộ thời hạn giải quyết');
    expect(await procedures('BIG')).toBe(0);

    const done = await confirm(res.text);
    expect(done.status).toBe(303);
    expect(done.headers.location).toMatch(/^\/quan-tri\/thu-tuc\/nhap\/\d+$/);
    expect(await procedures('BIG')).toBe(4970);
    const versions = await t.tdb
      .db('procedure_versions as v')
      .join('procedures as p', 'p.id', 'v.procedure_id')
      .where('p.code', 'like', 'BIG.%')
      .select('p.code', 'p.latest_version', 'v.version', 'v.definition');
    expect(versions).toHaveLength(4970);
    expect(versions.every((v) => v.version === 1 && v.latest_version === 1)).toBe(true);
    const one = JSON.parse(versions.find((v) => v.code === 'BIG.000002')!.definition);
    expect(one).toMatchObject({
      name: 'Thủ tục thử số 2',
      level: 'district',
      totalDays: 3,
      fee: 50000,
      documents: [
        { code: 'TO_KHAI', name: 'Tờ khai', required: true },
        { code: 'BAN_SAO_CAN_CUOC_CONG_DAN', name: 'Bản sao Căn cước công dân', required: true },
      ],
    });
    expect(one.steps.map((s: { hours: number }) => s.hours)).toEqual([16, 3, 3, 2]);

    const page = await admin.get(done.headers.location);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Đã nhập 4.970 thủ tục mới và 0 phiên bản mới.');
    expect(counts(page.text)).toEqual([4970, 0, 0, 30]);
    for (const i of bad) expect(page.text).toContain(`<td class="nowrap">Dòng ${i + 1}</td>`);

    // Back and submit again (same page), or the same preview from a second tab: nothing twice.
    const again = await confirm(res.text);
    expect([again.status, again.headers.location]).toEqual([303, done.headers.location]);
    const otherTab = await confirm(res.text, crypto.randomUUID());
    expect([otherTab.status, otherTab.headers.location]).toEqual([303, done.headers.location]);
    expect((await admin.get(done.headers.location)).text).toContain('đã được nhập trước đó; không nhập lại');
    expect(await procedures('BIG')).toBe(4970);
    expect(await count('procedure_versions')).toBe(4970);
  });

  it('an XLSX export: an existing procedure gets version n+1 with its steps kept; unchanged and bad rows', async () => {
    await createVersion(t.tdb.db, definition('1.000775'), null);
    await createVersion(t.tdb.db, definition('1.000775', { fee: 10000 }), null);
    await createVersion(t.tdb.db, definition('1.000776', { level: 'commune' }), null);
    await createVersion(t.tdb.db, definition('1.000777'), null);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('TTHC');
    ws.addRow(['DANH MỤC THỦ TỤC HÀNH CHÍNH']);
    ws.addRow([]);
    ws.addRow([
      'Thời hạn giải quyết (ngày làm việc)',
      'Tên TTHC',
      'Mã TTHC',
      'Phí, lệ phí',
      'Cấp thực hiện',
      'Lĩnh vực',
      'Thành phần hồ sơ',
    ]);
    const docs = 'Tờ trình đề nghị khen thưởng\nBáo cáo thành tích\nGiấy tờ khác';
    const name = 'Tặng Giấy khen của Chủ tịch UBND cấp xã';
    ws.addRow(['12 ngày làm việc', name, '1.000775', '20.000 đồng', 'Cấp Xã', 'Thi đua, khen thưởng', docs]);
    ws.addRow(['10 ngày làm việc', name, '1.000776', 'Không', 'Cấp Xã', 'Thi đua, khen thưởng', docs]);
    ws.addRow(['5 ngày làm việc', name, '1.000777', 'Không', 'Cấp Xã', 'Thi đua, khen thưởng', docs]);
    ws.addRow([0.5, 'Thủ tục mới', 'XL.000001', 0, 'Cấp Tỉnh', 'Khác', 'Đơn']);
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()), 'danh-muc.xlsx');
    expect(res.status).toBe(200);
    expect(res.text).toContain('(Excel (.xlsx))');
    expect(counts(res.text)).toEqual([1, 1, 1, 1]);
    expect(res.text).toMatch(/Thời hạn giải quyết:<\/strong> 10 ngày → 12 ngày/);
    expect(res.text).toMatch(/Phí, lệ phí:<\/strong> 10\.000 đồng → 20\.000 đồng/);
    expect(res.text).toMatch(/Cấp thực hiện:<\/strong> Mọi cấp \(không ghi\) → Cấp xã/);
    expect(res.text).toContain('<td class="nowrap">Dòng 6</td>');
    expect(res.text).toContain('Thời hạn mới không đủ cho các bước của phiên bản 1 đang dùng');
    expect(res.text).toContain('Thẩm định hồ sơ (Chuyên viên xử lý): 2,4 giờ');

    expect((await confirm(res.text)).status).toBe(303);
    const rows = await t.tdb
      .db('procedure_versions as v')
      .join('procedures as p', 'p.id', 'v.procedure_id')
      .whereIn('p.code', ['1.000775', '1.000776', '1.000777', 'XL.000001'])
      .orderBy(['p.code', 'v.version'])
      .select('p.code', 'p.latest_version', 'v.version', 'v.definition');
    expect(rows.map((r) => `${r.code}@${r.version}/${r.latest_version}`)).toEqual([
      '1.000775@1/3',
      '1.000775@2/3',
      '1.000775@3/3',
      '1.000776@1/1',
      '1.000777@1/1',
      'XL.000001@1/1',
    ]);
    const v3 = JSON.parse(rows[2].definition);
    expect(v3).toMatchObject({ totalDays: 12, fee: 20000, level: 'commune' });
    expect(v3.steps).toEqual(JSON.parse(rows[1].definition).steps);
    expect(v3.documents).toEqual(definition('1.000775').documents);
  });

  it('a procedure changed since the preview: the confirm refuses (409) and imports nothing', async () => {
    await createVersion(t.tdb.db, definition('ST.000001'), null);
    const rows = [HEADER, ['1', 'ST.000001', 'Tên mới', 'Hộ tịch', 'Cấp Xã', '12 ngày', 'Không', 'Đơn']];
    rows.push(['2', 'ST.000002', 'Thủ tục mới', 'Hộ tịch', 'Cấp Xã', '12 ngày', 'Không', 'Đơn']);
    const res = await upload(csv(rows));
    expect(counts(res.text)).toEqual([1, 1, 0, 0]);
    await createVersion(t.tdb.db, definition('ST.000001', { fee: 1000 }), null);
    const refused = await confirm(res.text);
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Danh mục đã thay đổi sau khi xem trước (ST.000001 đã có phiên bản mới)');
    expect(await procedures('ST')).toBe(1);
  });

  it('a failure half-way through the import imports nothing', async () => {
    const boom = 'BM.000250';
    if (dialect(t.tdb.db) === 'sqlite')
      await t.tdb.db.raw(
        `CREATE TRIGGER boom BEFORE INSERT ON procedure_versions WHEN NEW.definition LIKE '%${boom}%' ` +
          `BEGIN SELECT RAISE(ABORT, 'boom'); END`,
      );
    else
      await t.tdb.db.raw(
        `CREATE TRIGGER boom BEFORE INSERT ON procedure_versions FOR EACH ROW ` +
          `IF NEW.definition LIKE '%${boom}%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'boom'; END IF`,
      );
    const res = await upload(csv(catalogue('BM', 300, new Set())));
    expect(counts(res.text)).toEqual([300, 0, 0, 0]);
    const failed = await confirm(res.text);
    expect(failed.status).toBe(500);
    expect(await procedures('BM')).toBe(0);
    await t.tdb.db.raw('DROP TRIGGER boom');
    // The preview is still there: confirmed again (another tab), it imports all 300.
    const retried = await confirm(res.text, crypto.randomUUID());
    expect(retried.status).toBe(303);
    expect(await procedures('BM')).toBe(300);
  });

  it.each([
    ['a PDF', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n'), 'Tệp không phải CSV hoặc XLSX'],
    ['an empty file', Buffer.alloc(0), 'Tệp trống'],
    ['an old .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'Excel 97-2003 (.xls)'],
    ['a CSV without a known header', Buffer.from('a;b;c\n1;2;3\n'), 'Không nhận ra dòng tiêu đề'],
    ['a header only', Buffer.from(csv([HEADER])), 'chỉ có dòng tiêu đề'],
    ['a Windows-1258 CSV', Buffer.from([0x4d, 0xe3, 0x3b, 0x54, 0xea, 0x6e, 0x0a]), 'không ở mã UTF-8'],
    ['a broken XLSX', Buffer.from('PK\x03\x04rubbish', 'latin1'), 'Không đọc được tệp XLSX'],
    ['a file over 10 MB', Buffer.alloc(10 * 1024 * 1024 + 10, 'a'), 'Tệp quá lớn: tối đa 10 MB.'],
  ])('%s: a clear Vietnamese message, 422, nothing kept', async (_label, body, message) => {
    const before = [await count('catalog_imports'), await count('procedures')];
    const res = await upload(body);
    expect(res.status).toBe(422);
    expect(res.text).toContain(message);
    expect(res.text).toContain('name="files"');
    expect([await count('catalog_imports'), await count('procedures')]).toEqual(before);
  });

  it('no file chosen: 422 with the form', async () => {
    const res = await admin.post('/quan-tri/thu-tuc/nhap').set('x-csrf-token', csrf).field('x', '1');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Chưa chọn tệp CSV hoặc XLSX.');
  });

  it('a forged or unknown preview token imports nothing', async () => {
    const res = await admin
      .post('/quan-tri/thu-tuc/nhap/xac-nhan')
      .type('form')
      .send({ _csrf: csrf, importToken: 'x'.repeat(32), fileHash: '0'.repeat(64) });
    expect(res.status).toBe(404);
    const bad = await admin
      .post('/quan-tri/thu-tuc/nhap/xac-nhan')
      .type('form')
      .send({ _csrf: csrf, importToken: '<script>', fileHash: 'zz' });
    expect(bad.status).toBe(422);
    expect((await admin.get('/quan-tri/thu-tuc/nhap/999999')).status).toBe(404);
    expect((await admin.get('/quan-tri/thu-tuc/nhap/abc')).status).toBe(404);
  });
});
