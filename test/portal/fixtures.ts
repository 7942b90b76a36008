/** Valid portal messages for tests, with overrides (a value of `undefined` removes the field). */
import { HEADER_SERVICE, HoSo, STEP_SERVICE, Step } from './validate';

function apply<T extends Record<string, unknown>>(base: T, overrides: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...base, ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete out[k];
  return out as T;
}

export function buildHoSo(overrides: Record<string, unknown> = {}): HoSo {
  return apply<HoSo>(
    {
      MaHoSo: 'G22.99-250701-0001',
      MaTTHC: '1.001612',
      TenTTHC: 'Cấp giấy phép xây dựng nhà ở riêng lẻ',
      KenhThucHien: '1',
      ChuHoSo: 'Nguyễn Văn An',
      LoaiDoiTuong: 1,
      SoGiayToChuHoSo: '001085012345',
      NgayTiepNhan: '20250701083000',
      NgayHenTra: '20250715170000',
      TrangThaiHoSo: '2',
      TaiLieuNop: [{ TepDinhKemId: '1', TenTepDinhKem: 'Đơn đề nghị.pdf' }],
    },
    overrides,
  );
}

export function buildStep(overrides: Record<string, unknown> = {}): Step {
  return apply<Step>(
    {
      MaHoSo: 'G22.99-250701-0001',
      NguoiXuLy: 'Trần Thị Bình',
      ChucDanh: 'Chuyên viên',
      ThoiDiemXuLy: '20250702091500',
      PhongBanXuLy: 'Phòng Quản lý đô thị',
      NoiDungXuLy: 'Chuyển thẩm định hồ sơ',
      TrangThai: '4',
      NgayBatDau: '20250702091500',
      NgayKetThucTheoQuyDinh: '20250710170000',
    },
    overrides,
  );
}

export const headerMessage = (data: unknown[], isUpdating = false) => ({ service: HEADER_SERVICE, isUpdating, data });
export const stepMessage = (data: unknown[]) => ({ service: STEP_SERVICE, data });
