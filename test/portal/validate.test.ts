/** The portal simulator's validators: what the national portal would refuse, with the field named. */
import { buildHoSo, buildStep, headerMessage, stepMessage } from './fixtures';
import { isPortalDate, validateHoSo, validateMessage, validateStep } from './validate';

const fields = (errors: Array<{ field: string }>) => errors.map((e) => e.field);

describe('dates yyyyMMddHHmmss', () => {
  it('accepts real dates and times, leap days included', () => {
    for (const d of ['20250701083000', '20240229235959', '20251231000000']) expect(isPortalDate(d)).toBe(true);
  });
  it('refuses impossible dates, other formats and numbers', () => {
    for (const d of ['20250229120000', '20250431120000', '20251301000000', '20250701240000', '20250701126000'])
      expect(isPortalDate(d)).toBe(false);
    for (const d of ['2025-07-01 08:30:00', '202507010830', '20250701083000Z', 20250701083000, null])
      expect(isPortalDate(d)).toBe(false);
  });
});

describe('dossier header (DongBoHoSoMC)', () => {
  it('accepts a correct header, with KenhThucHien as a string or a number', () => {
    expect(validateMessage(headerMessage([buildHoSo()]))).toMatchObject({ ok: true });
    expect(validateHoSo(buildHoSo({ KenhThucHien: 3, LoaiDoiTuong: '4' }))).toEqual([]);
  });

  it('accepts a resolved and returned dossier, and "not yet" written as absent, null or empty', () => {
    expect(validateHoSo(buildHoSo({ NgayKetThucXuLy: '20250710100000', NgayTra: '20250711090000' }))).toEqual([]);
    expect(validateHoSo(buildHoSo({ NgayKetThucXuLy: null, NgayTra: '' }))).toEqual([]);
  });

  const required = [
    'MaHoSo',
    'MaTTHC',
    'TenTTHC',
    'KenhThucHien',
    'ChuHoSo',
    'LoaiDoiTuong',
    'NgayTiepNhan',
    'NgayHenTra',
    'TrangThaiHoSo',
  ];
  it.each(required)('refuses a header without %s, naming it', (field) => {
    const errors = validateHoSo(buildHoSo({ [field]: undefined }), 'data[0]');
    expect(fields(errors)).toEqual([field]);
    expect(errors[0].message).toContain(field);
    expect(errors[0].message).toContain('bắt buộc');
    expect(errors[0].path).toBe(`data[0].${field}`);
  });

  const invalid: Array<[string, unknown]> = [
    ['MaHoSo', 'G22'],
    ['MaHoSo', 'G22.99 250701'],
    ['MaHoSo', 'X'.repeat(51)],
    ['MaHoSo', 12345678],
    ['MaTTHC', 1001612],
    ['KenhThucHien', 4],
    ['KenhThucHien', '0'],
    ['KenhThucHien', 'trực tuyến'],
    ['ChuHoSo', '   '],
    ['LoaiDoiTuong', 5],
    ['LoaiDoiTuong', 1.5],
    ['NgayTiepNhan', '20250230083000'],
    ['NgayHenTra', '2025-07-15'],
    ['TrangThaiHoSo', 4],
    ['TrangThaiHoSo', '11'],
    ['TrangThaiHoSo', '0'],
    ['NgayKetThucXuLy', '20251301000000'],
    ['NgayTra', 20250711090000],
    ['TaiLieuNop', 'Đơn.pdf'],
    ['SoGiayToChuHoSo', 1085012345],
  ];
  it.each(invalid)('refuses %s = %j, naming the field', (field, value) => {
    const errors = validateHoSo(buildHoSo({ [field]: value }));
    expect(fields(errors)).toEqual([field]);
    expect(errors[0].message).toMatch(new RegExp(`^Trường ${field} `));
  });

  it('refuses dates before the day of receipt', () => {
    const errors = validateHoSo(
      buildHoSo({ NgayHenTra: '20250630170000', NgayKetThucXuLy: '20250601000000', NgayTra: '20250701082959' }),
    );
    expect(fields(errors)).toEqual(['NgayHenTra', 'NgayKetThucXuLy', 'NgayTra']);
    expect(errors[0].message).toContain('không được trước NgayTiepNhan');
  });

  it('names the item of a several-item message that is wrong', () => {
    const result = validateMessage(headerMessage([buildHoSo(), buildHoSo({ MaHoSo: 'G2', ChuHoSo: '' })]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(['data[1].MaHoSo', 'data[1].ChuHoSo']);
  });
});

describe('processing step (CapNhatTienDoHoSoMC)', () => {
  it('accepts a correct step, with an empty ChucDanh too', () => {
    expect(validateMessage(stepMessage([buildStep()]))).toMatchObject({ ok: true });
    expect(validateStep(buildStep({ ChucDanh: '' }))).toEqual([]);
  });

  const required = [
    'MaHoSo',
    'NguoiXuLy',
    'ChucDanh',
    'ThoiDiemXuLy',
    'PhongBanXuLy',
    'NoiDungXuLy',
    'TrangThai',
    'NgayBatDau',
    'NgayKetThucTheoQuyDinh',
  ];
  it.each(required)('refuses a step without %s, naming it', (field) => {
    const errors = validateStep(buildStep({ [field]: undefined }));
    expect(fields(errors)).toEqual([field]);
    expect(errors[0].message).toContain(field);
  });

  const invalid: Array<[string, unknown]> = [
    ['ThoiDiemXuLy', '20250732091500'],
    ['NgayBatDau', 20250702091500],
    ['NgayKetThucTheoQuyDinh', '2025071017'],
    ['TrangThai', 4],
    ['NoiDungXuLy', ' '],
    ['ChucDanh', 7],
  ];
  it.each(invalid)('refuses %s = %j, naming the field', (field, value) => {
    expect(fields(validateStep(buildStep({ [field]: value })))).toEqual([field]);
  });
});

describe('the message around the items', () => {
  it.each([
    ['service', { service: 'DongBoHoSo', isUpdating: false, data: [buildHoSo()] }],
    ['isUpdating', { service: 'DongBoHoSoMC', data: [buildHoSo()] }],
    ['isUpdating', { service: 'DongBoHoSoMC', isUpdating: 'false', data: [buildHoSo()] }],
    ['data', { service: 'DongBoHoSoMC', isUpdating: false, data: [] }],
    ['data', { service: 'CapNhatTienDoHoSoMC', data: buildStep() }],
    ['body', [headerMessage([buildHoSo()])]],
  ])('refuses a message with a bad %s', (field, body) => {
    const result = validateMessage(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(fields(result.errors)).toContain(field);
  });

  it('reads each item by its own service: a header sent as a step is refused', () => {
    const result = validateMessage(stepMessage([buildHoSo()]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(fields(result.errors)).toContain('NguoiXuLy');
  });
});
