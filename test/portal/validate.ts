/**
 * Pure validators for the national portal's two messages (contract.md §4, design.md §12), as the
 * portal simulator applies them. No I/O: unit-testable on their own.
 *
 * Choices where the contract leaves room (say so when the sender disagrees):
 * - KenhThucHien and LoaiDoiTuong: a number or a string of digits (1–3, 1–4); which one is recorded.
 * - TrangThaiHoSo (header) and TrangThai (step): a string "1".."10" only (the contract says string).
 * - NgayKetThucXuLy, NgayTra: optional; absent, null or "" mean "not yet"; otherwise a real date.
 * - Dates: 14 digits yyyyMMddHHmmss naming a real calendar date and time (year 1970–2100).
 *   NgayHenTra, NgayKetThucXuLy and NgayTra may not be before NgayTiepNhan.
 * - ChucDanh in a step: a string, possibly empty (not every staff member has a title); the other
 *   step text fields must be non-empty.
 */

export const HEADER_SERVICE = 'DongBoHoSoMC';
export const STEP_SERVICE = 'CapNhatTienDoHoSoMC';
export type PortalService = typeof HEADER_SERVICE | typeof STEP_SERVICE;

/** A dossier header item (`data[i]` of DongBoHoSoMC); fields beyond the required ones pass through. */
export type HoSo = Record<string, unknown> & {
  MaHoSo: string;
  MaTTHC: string;
  TenTTHC: string;
  KenhThucHien: string | number;
  ChuHoSo: string;
  LoaiDoiTuong: string | number;
  NgayTiepNhan: string;
  NgayHenTra: string;
  TrangThaiHoSo: string;
  NgayKetThucXuLy?: string | null;
  NgayTra?: string | null;
};

/** A processing step item (`data[i]` of CapNhatTienDoHoSoMC). */
export type Step = Record<string, unknown> & {
  MaHoSo: string;
  NguoiXuLy: string;
  ChucDanh: string;
  ThoiDiemXuLy: string;
  PhongBanXuLy: string;
  NoiDungXuLy: string;
  TrangThai: string;
  NgayBatDau: string;
  NgayKetThucTheoQuyDinh: string;
};

/** One problem: `field` is the portal's field name, `path` where it sits (`data[0].MaHoSo`). */
export interface FieldError {
  field: string;
  path: string;
  message: string;
}

export type ParsedMessage =
  | { service: typeof HEADER_SERVICE; isUpdating: boolean; data: HoSo[] }
  | { service: typeof STEP_SERVICE; isUpdating: null; data: Step[] };

export type ValidationResult = { ok: true; message: ParsedMessage } | { ok: false; errors: FieldError[] };

const CODE_RE = /^[A-Za-z0-9.-]{5,50}$/;
const DATE_RE = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/;

/** True for a string of 14 digits `yyyyMMddHHmmss` that names a real date and time. */
export function isPortalDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (y < 1970 || y > 2100 || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59 || d < 1) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** True for a dossier code: 5–50 letters, digits, `.` or `-`. */
export function isDossierCode(value: unknown): value is string {
  return typeof value === 'string' && CODE_RE.test(value);
}

/** The national status as the contract sends it: a string "1".."10". */
export function isNationalStatus(value: unknown): value is string {
  return typeof value === 'string' && /^(?:[1-9]|10)$/.test(value);
}

/** An integer code in [min, max] sent as a number or a string of digits; null when it is neither. */
export function smallCode(value: unknown, min: number, max: number): { value: number; as: 'string' | 'number' } | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return { value, as: 'number' };
  if (typeof value === 'string' && /^\d{1,2}$/.test(value) && +value >= min && +value <= max)
    return { value: +value, as: 'string' };
  return null;
}

const present = (v: unknown) => v !== undefined && v !== null;
const absentDate = (v: unknown) => v === undefined || v === null || v === '';

/** Collects errors for one item; each check names its field in Vietnamese. */
class Checker {
  readonly errors: FieldError[] = [];
  constructor(
    private readonly item: Record<string, unknown>,
    private readonly at: string,
  ) {}

  private fail(field: string, why: string) {
    const path = `${this.at}.${field}`;
    this.errors.push({ field, path, message: `Trường ${field} ${why} (${path})` });
  }

  /** Runs `ok` on a required field; reports "missing" or `why`. */
  required(field: string, ok: (v: unknown) => boolean, why: string) {
    const v = this.item[field];
    if (!present(v) || v === '') this.fail(field, 'là bắt buộc nhưng bị thiếu');
    else if (!ok(v)) this.fail(field, why);
  }

  optionalDate(field: string) {
    const v = this.item[field];
    if (!absentDate(v) && !isPortalDate(v)) this.fail(field, 'không phải ngày giờ hợp lệ dạng yyyyMMddHHmmss');
  }

  optional(field: string, ok: (v: unknown) => boolean, why: string) {
    const v = this.item[field];
    if (present(v) && !ok(v)) this.fail(field, why);
  }

  notBefore(field: string, start: string) {
    const v = this.item[field];
    const s = this.item[start];
    if (isPortalDate(v) && isPortalDate(s) && v < s) this.fail(field, `không được trước ${start}`);
  }
}

const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
const NOT_TEXT = 'phải là chuỗi ký tự khác rỗng';
const NOT_DATE = 'không phải ngày giờ hợp lệ dạng yyyyMMddHHmmss';
const NOT_CODE = 'phải có 5–50 ký tự gồm chữ, số, dấu chấm hoặc gạch ngang';
const NOT_STATUS = 'phải là mã trạng thái quốc gia dạng chuỗi từ "1" đến "10"';

/** Errors of one dossier header item (`at` is its path, e.g. `data[0]`). */
export function validateHoSo(item: unknown, at = 'data[0]'): FieldError[] {
  if (!item || typeof item !== 'object' || Array.isArray(item))
    return [{ field: 'data', path: at, message: `Phần tử ${at} phải là một đối tượng hồ sơ` }];
  const c = new Checker(item as Record<string, unknown>, at);
  c.required('MaHoSo', isDossierCode, NOT_CODE);
  c.required('MaTTHC', text, NOT_TEXT);
  c.required('TenTTHC', text, NOT_TEXT);
  c.required('KenhThucHien', (v) => smallCode(v, 1, 3) !== null, 'phải là 1, 2 hoặc 3');
  c.required('ChuHoSo', text, NOT_TEXT);
  c.required('LoaiDoiTuong', (v) => smallCode(v, 1, 4) !== null, 'phải là 1, 2, 3 hoặc 4');
  c.required('NgayTiepNhan', isPortalDate, NOT_DATE);
  c.required('NgayHenTra', isPortalDate, NOT_DATE);
  c.required('TrangThaiHoSo', isNationalStatus, NOT_STATUS);
  c.optionalDate('NgayKetThucXuLy');
  c.optionalDate('NgayTra');
  c.notBefore('NgayHenTra', 'NgayTiepNhan');
  c.notBefore('NgayKetThucXuLy', 'NgayTiepNhan');
  c.notBefore('NgayTra', 'NgayTiepNhan');
  c.optional('SoGiayToChuHoSo', (v) => typeof v === 'string', 'phải là chuỗi ký tự');
  c.optional('TaiLieuNop', Array.isArray, 'phải là một danh sách');
  c.optional('DanhSachGiayToKetQua', Array.isArray, 'phải là một danh sách');
  return c.errors;
}

/** Errors of one processing step item. */
export function validateStep(item: unknown, at = 'data[0]'): FieldError[] {
  if (!item || typeof item !== 'object' || Array.isArray(item))
    return [{ field: 'data', path: at, message: `Phần tử ${at} phải là một đối tượng bước xử lý` }];
  const c = new Checker(item as Record<string, unknown>, at);
  c.required('MaHoSo', isDossierCode, NOT_CODE);
  c.required('NguoiXuLy', text, NOT_TEXT);
  const title = (item as Record<string, unknown>).ChucDanh;
  if (typeof title !== 'string') c.required('ChucDanh', () => false, 'phải là chuỗi ký tự (có thể rỗng)');
  c.required('ThoiDiemXuLy', isPortalDate, NOT_DATE);
  c.required('PhongBanXuLy', text, NOT_TEXT);
  c.required('NoiDungXuLy', text, NOT_TEXT);
  c.required('TrangThai', isNationalStatus, NOT_STATUS);
  c.required('NgayBatDau', isPortalDate, NOT_DATE);
  c.required('NgayKetThucTheoQuyDinh', isPortalDate, NOT_DATE);
  return c.errors;
}

const top = (field: string, message: string): FieldError => ({ field, path: field, message });

/** Validates a whole request body: the service name, isUpdating (headers only) and every data item. */
export function validateMessage(body: unknown): ValidationResult {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, errors: [top('body', 'Nội dung yêu cầu phải là một đối tượng JSON')] };
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  if (b.service !== HEADER_SERVICE && b.service !== STEP_SERVICE)
    errors.push(top('service', `Trường service phải là "${HEADER_SERVICE}" hoặc "${STEP_SERVICE}"`));
  if (b.service === HEADER_SERVICE && typeof b.isUpdating !== 'boolean')
    errors.push(top('isUpdating', 'Trường isUpdating là bắt buộc và phải là true hoặc false'));
  if (!Array.isArray(b.data) || b.data.length === 0)
    errors.push(top('data', 'Trường data phải là một danh sách khác rỗng'));
  if (errors.length) return { ok: false, errors };
  const data = b.data as unknown[];
  const check = b.service === HEADER_SERVICE ? validateHoSo : validateStep;
  data.forEach((item, i) => errors.push(...check(item, `data[${i}]`)));
  if (errors.length) return { ok: false, errors };
  const message =
    b.service === HEADER_SERVICE
      ? { service: HEADER_SERVICE, isUpdating: b.isUpdating as boolean, data: data as HoSo[] }
      : { service: STEP_SERVICE, isUpdating: null, data: data as Step[] };
  return { ok: true, message: message as ParsedMessage };
}
