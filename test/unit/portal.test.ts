import {
  envelope,
  FAILING_AFTER,
  headerOf,
  parsePortalTime,
  portalTime,
  readAnswer,
  retryDelay,
  stepOf,
  syncStateOf,
  type DossierFacts,
} from '../../workflows/portal';

const facts = (over: Partial<DossierFacts> = {}): DossierFacts => ({
  code: '000.00.31.H05-270506-0001',
  procedureCode: '1.000775',
  procedureName: 'Tặng Giấy khen',
  channel: 1,
  applicantName: 'Nguyễn Văn An',
  applicantType: 1,
  applicantIdNumber: '094123456789',
  applicantPhone: null,
  applicantEmail: null,
  applicantAddress: null,
  receivedAt: Date.parse('2027-05-06T08:15:00+07:00'),
  dueAt: Date.parse('2027-05-20T08:15:00+07:00'),
  status: 'processing',
  resolvedAt: null,
  completedAt: null,
  receivingUnitCode: '000.00.31.H05',
  receivingUnitName: 'UBND xã Một',
  documents: [
    { code: 'TO_TRINH', name: 'Tờ trình', received: true },
    { code: 'KHAC', name: 'Giấy tờ khác', received: false },
  ],
  result: null,
  ...over,
});

describe('portal times', () => {
  it('are yyyyMMddHHmmss in Vietnam, whatever the moment was written in', () => {
    expect(portalTime(Date.parse('2027-05-06T10:00:00+07:00'))).toBe('20270506100000');
    expect(portalTime(Date.parse('2027-12-31T20:30:05Z'))).toBe('20280101033005');
    expect(parsePortalTime('20280101033005')).toBe(Date.parse('2027-12-31T20:30:05Z'));
    expect(parsePortalTime('20270231100000')).toBeNull(); // 31 February
    expect(parsePortalTime('2027-05-06')).toBeNull();
  });
});

describe('the dossier header', () => {
  it('carries the contract fields, the national status as a string, and only documents received', () => {
    const { data, problems } = headerOf(facts());
    expect(problems).toEqual([]);
    expect(data).toMatchObject({
      MaHoSo: '000.00.31.H05-270506-0001',
      MaTTHC: '1.000775',
      KenhThucHien: '1',
      ChuHoSo: 'Nguyễn Văn An',
      LoaiDoiTuong: '1',
      SoGiayToChuHoSo: '094123456789',
      NgayTiepNhan: '20270506081500',
      NgayHenTra: '20270520081500',
      TrangThaiHoSo: '4',
      TaiLieuNop: [{ MaThanhPhanHoSo: 'TO_TRINH', TenTepDinhKem: 'Tờ trình' }],
    });
    expect(data).not.toHaveProperty('NgayTra');
    expect(data).not.toHaveProperty('NgayKetThucXuLy');
    expect(data).not.toHaveProperty('SoDienThoai');
  });

  it('says when it was resolved and returned, and lists the numbered result', () => {
    const resolved = Date.parse('2027-05-15T09:00:00+07:00');
    const returned = Date.parse('2027-05-16T14:00:00+07:00');
    const { data } = headerOf(
      facts({
        status: 'returned',
        resolvedAt: resolved,
        completedAt: returned,
        result: { name: 'Quyết định', number: '12/QĐ-UBND', sha256: 'ab'.repeat(32), url: 'https://x.vn/xac-thuc/ab' },
      }),
    );
    expect(data.TrangThaiHoSo).toBe('10');
    expect(data.NgayKetThucXuLy).toBe('20270515090000');
    expect(data.NgayTra).toBe('20270516140000');
    expect(data.DanhSachGiayToKetQua).toEqual([
      expect.objectContaining({ TenGiayTo: 'Quyết định', SoKyHieu: '12/QĐ-UBND' }),
    ]);
  });

  it('a withdrawn dossier is completed but never "returned" (no NgayTra)', () => {
    const { data } = headerOf(facts({ status: 'withdrawn', completedAt: Date.now() }));
    expect(data.TrangThaiHoSo).toBe('7');
    expect(data).not.toHaveProperty('NgayTra');
  });

  it('names what the portal would refuse instead of inventing values', () => {
    expect(headerOf(facts({ applicantName: '   ' })).problems).toEqual(['Thiếu tên chủ hồ sơ.']);
    expect(headerOf(facts({ code: 'AB' })).problems[0]).toMatch(/Mã hồ sơ "AB" không đúng định dạng/);
    expect(headerOf(facts({ code: 'có dấu-0001' })).problems).toHaveLength(1);
    expect(headerOf(facts({ channel: 7 })).problems[0]).toMatch(/Kênh thực hiện/);
  });
});

describe('the step message', () => {
  it('one event: who, in what capacity and unit, what, when, and the step it ended', () => {
    const { data, problems } = stepOf({
      code: 'G22.99-0001',
      actorName: 'Trần Thị Bình',
      actorTitle: 'Chuyên viên',
      actorUnitName: 'UBND xã Một',
      at: Date.parse('2027-05-07T09:00:00+07:00'),
      label: 'Trả lại bước trước',
      comment: 'Thiếu chữ ký',
      status: 'processing',
      stepStartedAt: Date.parse('2027-05-06T08:15:00+07:00'),
      stepDueAt: Date.parse('2027-05-08T08:15:00+07:00'),
    });
    expect(problems).toEqual([]);
    expect(data).toEqual({
      MaHoSo: 'G22.99-0001',
      NguoiXuLy: 'Trần Thị Bình',
      ChucDanh: 'Chuyên viên',
      ThoiDiemXuLy: '20270507090000',
      PhongBanXuLy: 'UBND xã Một',
      NoiDungXuLy: 'Trả lại bước trước: Thiếu chữ ký',
      TrangThai: '4',
      NgayBatDau: '20270506081500',
      NgayKetThucTheoQuyDinh: '20270508081500',
    });
  });

  it('headers say whether they update; steps have no such flag', () => {
    expect(envelope('DongBoHoSoMC', { a: 1 }, true)).toEqual({
      service: 'DongBoHoSoMC',
      isUpdating: true,
      data: [{ a: 1 }],
    });
    expect(envelope('CapNhatTienDoHoSoMC', { a: 1 }, true)).toEqual({
      service: 'CapNhatTienDoHoSoMC',
      data: [{ a: 1 }],
    });
  });
});

describe("the portal's answers", () => {
  it('0 accepted, 3 and -3 already there, anything else retried with the raw answer kept short', () => {
    expect(readAnswer(200, '{"error_code":"0","message":"Thành công"}').kind).toBe('accepted');
    expect(readAnswer(200, '{"error_code":0}').kind).toBe('accepted');
    expect(readAnswer(200, '{"error_code":"3","message":"Hồ sơ đã tồn tại"}').kind).toBe('exists');
    expect(readAnswer(200, '{"error_code":"-3"}').kind).toBe('exists');
    expect(readAnswer(200, '{"error_code":"-2","message":"Trường ChuHoSo rỗng"}')).toEqual({
      kind: 'retry',
      message: 'Mã lỗi -2: Trường ChuHoSo rỗng',
    });
    const html = `<html><body>${'Lỗi máy chủ '.repeat(100)}</body></html>`;
    const garbage = readAnswer(200, html);
    expect(garbage.kind).toBe('retry');
    expect(garbage.message).toMatch(/^Câu trả lời không hợp lệ: <html>/);
    expect(garbage.message.length).toBeLessThanOrEqual(501);
    expect(readAnswer(502, 'Bad Gateway').message).toBe('HTTP 502: Bad Gateway');
    expect(readAnswer(200, '{"message":"không có mã"}').kind).toBe('retry');
    expect(readAnswer(200, '').kind).toBe('retry');
  });

  it('retries wait the base, doubling, never more than an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelay(30, 30_000)).toBe(3_600_000);
  });
});

describe('sync state', () => {
  it('off, synced, pending, and failed once refused or after repeated failures', () => {
    expect(syncStateOf({ total: 0, open: 0, head: null })).toEqual({ state: 'off', message: null });
    expect(syncStateOf({ total: 4, open: 0, head: null })).toEqual({ state: 'synced', message: null });
    const head = (attempts: number, status: 'pending' | 'failed' = 'pending') => ({
      total: 4,
      open: 2,
      head: { status, attempts, lastError: 'HTTP 500: lỗi' },
    });
    expect(syncStateOf(head(0))).toEqual({ state: 'pending', message: 'HTTP 500: lỗi' });
    expect(syncStateOf(head(FAILING_AFTER - 1)).state).toBe('pending');
    expect(syncStateOf(head(FAILING_AFTER))).toEqual({ state: 'failed', message: 'HTTP 500: lỗi' });
    expect(syncStateOf(head(0, 'failed')).state).toBe('failed');
  });
});
