import { formatVnDate, formatVnTime } from '../../workflows/calendar/time';

// The pieces every printed form shares: titles, the date line, the header block and date formats.

/** Official titles of the printable forms (glossary.md, Circular 03/2025/TT-VPCP numbering). */
export const FORM_TITLES = {
  '01': 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  '02': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  '03': 'Phiếu từ chối tiếp nhận, giải quyết hồ sơ',
  '04': 'Văn bản xin lỗi và hẹn lại ngày trả kết quả',
  '06': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
  '07': 'Sổ theo dõi hồ sơ',
} as const;
export type FormNo = Exclude<keyof typeof FORM_TITLES, '07'>;
export const DESK = 'Bộ phận Một cửa';

export const upper = (s: string) => s.toLocaleUpperCase('vi-VN');
export const when = (ms: number | null | undefined) =>
  ms == null ? '' : `${formatVnTime(new Date(ms))} ngày ${formatVnDate(new Date(ms))}`;
export const stamp = (ms: number | null | undefined) =>
  ms == null ? '' : `${formatVnTime(new Date(ms))} ${formatVnDate(new Date(ms))}`;
export const day = (ms: number | null | undefined) => (ms == null ? '' : formatVnDate(new Date(ms)));

/** "ngày 25 tháng 11 năm 2026", the date line of a printed form (Decree 30/2020). */
export function dateWords(ms: number): string {
  const [d, m, y] = formatVnDate(new Date(ms)).split('/');
  return `ngày ${d} tháng ${m} năm ${y}`;
}

/**
 * The place name of the date line: "UBND xã Hiệp Thành" → "Hiệp Thành", "Sở Tư pháp tỉnh Bạc Liêu" →
 * "Bạc Liêu"; units named by a number keep their full name ("Phường 1"), as Decree 30 requires.
 */
export function localityOf(unitName: string): string {
  const province = /tỉnh\s+(.+)$/iu.exec(unitName);
  const s = province ? province[1] : unitName.replace(/^(UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\s+/iu, '');
  const m = /^(thành phố|thị xã|thị trấn|huyện|quận|xã|phường)\s+(.+)$/iu.exec(s);
  if (!m) return s;
  return /^\d/.test(m[2]) ? m[1].charAt(0).toLocaleUpperCase('vi-VN') + m[1].slice(1) + ' ' + m[2] : m[2];
}

export interface PrintHeader {
  formNo: string;
  agencyTop: string | null;
  agency: string;
  ref: string | null;
  placeDate: string;
}

export function header(formNo: string, unitName: string, atMs: number, desk: boolean, ref: string | null): PrintHeader {
  return {
    formNo,
    agencyTop: desk ? upper(unitName) : null,
    agency: desk ? upper(DESK) : upper(unitName),
    ref,
    placeDate: `${localityOf(unitName)}, ${dateWords(atMs)}`,
  };
}
