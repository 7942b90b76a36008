import { columnOf, parseDays, parseDocuments, parseFee, parseLevel } from '../../../workflows/procedure/catalog-cells';
import {
  defaultSteps,
  documentsFor,
  findHeader,
  planRow,
  readRows,
  type SheetRow,
} from '../../../workflows/procedure/catalog-row';
import { HOURS_PER_DAY, validateDefinition, type ProcedureDefinition } from '../../../workflows/procedure';
import { parseCsv } from '../../../server/services/catalog-file';

const sheet = (...rows: string[][]): SheetRow[] => rows.map((cells, i) => ({ line: i + 1, cells }));
const value = <T>(c: { ok: true; value: T } | { ok: false; error: string }) => (c.ok ? c.value : c.error);

describe('catalogue headers', () => {
  it('recognises the national catalogue wordings and their variants', () => {
    expect(columnOf('Mã thủ tục')).toBe('code');
    expect(columnOf('MÃ TTHC')).toBe('code');
    expect(columnOf('Tên thủ tục hành chính')).toBe('name');
    expect(columnOf(' Lĩnh vực ')).toBe('field');
    expect(columnOf('Cấp thực hiện')).toBe('level');
    expect(columnOf('Thời hạn giải quyết (ngày làm việc)')).toBe('totalDays');
    expect(columnOf('Phí, lệ phí')).toBe('fee');
    expect(columnOf('Lệ phí (đồng)')).toBe('fee');
    expect(columnOf('Thành phần hồ sơ')).toBe('documents');
    expect(columnOf('STT')).toBeNull();
    expect(columnOf('Cơ quan thực hiện')).toBeNull();
    expect(columnOf('Số lượng hồ sơ')).toBeNull();
  });

  it('finds the header below title rows, in any column order', () => {
    const rows = sheet(
      ['DANH SÁCH THỦ TỤC HÀNH CHÍNH'],
      [],
      ['STT', 'Thời hạn giải quyết', 'Tên thủ tục', 'Mã thủ tục', 'Phí, lệ phí'],
      ['1', '10 ngày làm việc', 'Cấp giấy phép', '1.000001', 'Không'],
    );
    const h = findHeader(rows);
    expect(h).toEqual({ ok: true, line: 3, columns: { totalDays: 1, name: 2, code: 3, fee: 4 } });
  });

  it('says which required column is missing, or that no header was found', () => {
    const missing = findHeader(sheet(['Mã thủ tục', 'Tên thủ tục', 'Lĩnh vực']));
    expect(missing).toEqual({ ok: false, error: 'Dòng tiêu đề (dòng 1) thiếu cột: Thời hạn giải quyết.' });
    const none = findHeader(sheet(['a', 'b'], ['1', '2']));
    expect(none.ok).toBe(false);
    expect(!none.ok && none.error).toMatch(/^Không nhận ra dòng tiêu đề/);
  });
});

describe('catalogue cells', () => {
  it('reads time limits in working days', () => {
    expect(value(parseDays('10 ngày làm việc'))).toBe(10);
    expect(value(parseDays('Không quá 05 ngày làm việc kể từ ngày nhận đủ hồ sơ'))).toBe(5);
    expect(value(parseDays('0,5 ngày'))).toBe(0.5);
    expect(value(parseDays('04 giờ làm việc'))).toBe(0.5);
    expect(value(parseDays('Trong ngày'))).toBe(1);
    expect(value(parseDays('15'))).toBe(15);
    expect(value(parseDays(''))).toBe('Thiếu thời hạn giải quyết');
    expect(value(parseDays('03 tháng'))).toMatch(/không tính bằng ngày làm việc/);
    expect(value(parseDays('theo quy định'))).toMatch(/Không đọc được thời hạn/);
  });

  it('reads fees in đồng, "Không" as 0, and refuses guesses', () => {
    expect(value(parseFee('50.000 đồng'))).toBe(50000);
    expect(value(parseFee('1.500.000 đồng/hồ sơ'))).toBe(1500000);
    expect(value(parseFee('100,000đ'))).toBe(100000);
    expect(value(parseFee('Lệ phí: 20.000 đồng (Thông tư 85/2019/TT-BTC)'))).toBe(20000);
    expect(value(parseFee('Không'))).toBe(0);
    expect(value(parseFee('Miễn phí'))).toBe(0);
    expect(value(parseFee(''))).toBe(0);
    expect(value(parseFee('30000'))).toBe(30000);
    expect(value(parseFee('Phí thẩm định: 100.000 đồng; Lệ phí: 50.000 đồng'))).toMatch(
      /^Lệ phí ghi nhiều mức \(100\.000 đồng; 50\.000 đồng\)/,
    );
    expect(value(parseFee('theo quy định'))).toMatch(/^Không đọc được lệ phí/);
  });

  it('reads levels: province, district, commune, or every level', () => {
    expect(value(parseLevel('Cấp Tỉnh'))).toBe('province');
    expect(value(parseLevel('Cấp Huyện'))).toBe('district');
    expect(value(parseLevel('cấp xã'))).toBe('commune');
    expect(value(parseLevel(''))).toBeNull();
    expect(value(parseLevel('Cấp Tỉnh, Cấp Huyện, Cấp Xã'))).toBeNull();
    expect(value(parseLevel('Cấp Huyện, Cấp Xã'))).toMatch(/gồm hai cấp/);
    expect(value(parseLevel('Cấp Bộ'))).toMatch(/không có trong hệ thống/);
  });

  it('splits documents by line or semicolon and drops list markers', () => {
    expect(parseDocuments('- Đơn đề nghị;\n+ Bản sao CCCD\n\n1. Giấy tờ khác')).toEqual([
      'Đơn đề nghị',
      'Bản sao CCCD',
      'Giấy tờ khác',
    ]);
    expect(parseDocuments('a) Tờ khai; b) Ảnh 4x6')).toEqual(['Tờ khai', 'Ảnh 4x6']);
    expect(parseDocuments('')).toEqual([]);
  });

  it('gives documents codes from their names, keeping the codes a procedure already has', () => {
    const docs = documentsFor(
      ['Đơn đề nghị (bản chính)', 'Bản sao CCCD', 'Bản sao CCCD'],
      [{ code: 'CCCD', name: 'Bản sao cccd', required: false }],
    );
    expect(docs).toEqual([
      { code: 'DON_DE_NGHI_BAN_CHINH', name: 'Đơn đề nghị (bản chính)', required: true },
      { code: 'CCCD', name: 'Bản sao CCCD', required: false },
      { code: 'BAN_SAO_CCCD', name: 'Bản sao CCCD', required: true },
    ]);
  });
});

describe('CSV', () => {
  it('reads UTF-8 with a BOM, semicolons, quoted cells with line breaks, rows numbered as Excel shows them', () => {
    const rows = parseCsv('\uFEFFMã thủ tục;Tên thủ tục\r\n"1.01";"Cấp ""A""; mới"\r\n\r\n1.02;"Dòng\nhai"\n');
    expect(rows).toEqual([
      { line: 1, cells: ['Mã thủ tục', 'Tên thủ tục'] },
      { line: 2, cells: ['1.01', 'Cấp "A"; mới'] },
      { line: 4, cells: ['1.02', 'Dòng\nhai'] },
    ]);
    expect(parseCsv('a,b\n1,"x,y"')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['1', 'x,y'] },
    ]);
  });
  it('takes the delimiter from the header row, not from a title row above it', () => {
    const rows = parseCsv('DANH SÁCH THỦ TỤC, NĂM 2026\n\nMã thủ tục;Tên thủ tục;Phí, lệ phí\n1.01;Tên;Không\n');
    expect(rows?.map((r) => r.cells)).toEqual([
      ['DANH SÁCH THỦ TỤC, NĂM 2026'],
      ['Mã thủ tục', 'Tên thủ tục', 'Phí, lệ phí'],
      ['1.01', 'Tên', 'Không'],
    ]);
  });
});

describe('default internal procedure', () => {
  it.each([0.1, 0.5, 1, 2.5, 10, 15, 365])('fills exactly %s days with four valid steps', (days) => {
    const steps = defaultSteps(days);
    expect(steps.map((s) => s.role)).toEqual(['specialist', 'head', 'leader', 'clerk']);
    const sum = steps.reduce((a, s) => a + s.hours, 0);
    expect(Math.round(sum * 1000)).toBe(Math.round(days * HOURS_PER_DAY * 1000));
    expect(steps.every((s) => s.hours > 0)).toBe(true);
    const def = { code: 'X.1', name: 'X', totalDays: days, steps };
    expect(validateDefinition(def).ok).toBe(true);
  });

  it('shares 10 days as 48 / 12 / 12 / 8 hours', () => {
    expect(defaultSteps(10).map((s) => s.hours)).toEqual([48, 12, 12, 8]);
  });
});

describe('planning a row', () => {
  const header = { line: 1, columns: { code: 0, name: 1, totalDays: 2, fee: 3, level: 4, field: 5, documents: 6 } };
  const row = (cells: string[]) => readRows(sheet([], cells), header);

  const existing: ProcedureDefinition = {
    code: '1.000001',
    name: 'Cấp giấy phép',
    field: 'Xây dựng',
    level: 'district',
    totalDays: 10,
    fee: 50000,
    documents: [{ code: 'DON', name: 'Đơn đề nghị', required: true }],
    steps: [
      { code: 'a', name: 'Thẩm định', role: 'specialist', hours: 60, unit: 'competent' },
      { code: 'b', name: 'Ký', role: 'leader', hours: 8, unit: 'competent' },
    ],
  };

  it('bad rows name every reason', () => {
    const r = row(['', 'Tên', '3 tháng', 'theo quy định', 'Cấp Bộ', '', '']);
    expect(r.rows).toEqual([]);
    expect(r.bad).toHaveLength(1);
    expect(r.bad[0].line).toBe(2);
    expect(r.bad[0].reason).toMatch(
      /^Thiếu mã thủ tục; Thời hạn giải quyết .* Không đọc được lệ phí .*; Cấp thực hiện/,
    );
  });

  it('a new code gets version 1 with the default steps', () => {
    const { rows } = row(['2.000001', 'Đăng ký', '5 ngày làm việc', 'Không', 'Cấp Xã', 'Hộ tịch', 'Tờ khai; CCCD']);
    const plan = planRow(rows[0], null);
    expect(plan.kind).toBe('new');
    if (plan.kind !== 'new') return;
    expect(plan.definition).toMatchObject({
      code: '2.000001',
      level: 'commune',
      totalDays: 5,
      fee: 0,
      field: 'Hộ tịch',
    });
    expect(plan.definition.steps.map((s) => s.hours)).toEqual([24, 6, 6, 4]);
    expect(plan.definition.documents.map((d) => d.code)).toEqual(['TO_KHAI', 'CCCD']);
  });

  it('an existing code keeps its steps; the same data is unchanged', () => {
    const same = row([
      '1.000001',
      'Cấp giấy phép',
      '10 ngày làm việc',
      '50.000 đồng',
      'Cấp Huyện',
      'Xây dựng',
      'Đơn đề nghị',
    ]);
    expect(planRow(same.rows[0], existing, 3)).toEqual({ kind: 'unchanged' });
    const changed = row([
      '1.000001',
      'Cấp giấy phép',
      '12 ngày làm việc',
      '60.000 đồng',
      'Cấp Huyện',
      'Xây dựng',
      'Đơn đề nghị; Bản vẽ',
    ]);
    const plan = planRow(changed.rows[0], existing, 3);
    expect(plan.kind).toBe('changed');
    if (plan.kind !== 'changed') return;
    expect(plan.definition.steps).toEqual(existing.steps);
    expect(plan.changes).toEqual([
      { label: 'Thời hạn giải quyết', before: '10 ngày', after: '12 ngày' },
      { label: 'Phí, lệ phí', before: '50.000 đồng', after: '60.000 đồng' },
      { label: 'Thành phần hồ sơ', before: '1 giấy tờ', after: '2 giấy tờ (thêm: Bản vẽ)' },
    ]);
  });

  it('an existing code whose steps no longer fit the new time limit is bad, and says why', () => {
    const short = row([
      '1.000001',
      'Cấp giấy phép',
      '5 ngày làm việc',
      '50.000 đồng',
      'Cấp Huyện',
      'Xây dựng',
      'Đơn đề nghị',
    ]);
    const plan = planRow(short.rows[0], existing, 3);
    expect(plan).toEqual({
      kind: 'bad',
      reason: expect.stringMatching(
        /^Thời hạn mới không đủ cho các bước của phiên bản 3 đang dùng: Tổng số giờ của các bước \(68\) vượt quá thời hạn giải quyết \(5 ngày = 40 giờ\)/,
      ),
    });
  });

  it('a code that was a number cell and lost its trailing zeros is bad, and says how to fix it', () => {
    const rows: SheetRow[] = [
      { line: 2, cells: ['2.00072', 'A', '1', '', '', '', ''], numeric: [0, 2] },
      { line: 3, cells: ['1.000775', 'B', '1', '', '', '', ''], numeric: [0] },
    ];
    const r = readRows(rows, header);
    expect(r.rows.map((x) => x.code)).toEqual(['1.000775']);
    expect(r.bad[0].reason).toMatch(/^Mã thủ tục 2\.00072 là ô kiểu số trong Excel .* Văn bản \(Text\)/);
  });

  it('a code seen twice in the file is bad at its second line', () => {
    const r = readRows(sheet(['x'], ['9.1', 'A', '1', '', '', '', ''], ['9.1', 'B', '1', '', '', '', '']), header);
    expect(r.rows.map((x) => x.line)).toEqual([2]);
    expect(r.bad).toEqual([{ line: 3, code: '9.1', reason: 'Mã thủ tục 9.1 đã có ở dòng 2 của tệp' }]);
  });
});
