import { isValidDateString } from '../../workflows/calendar';

/*
 * Dates people type. Every date field shows and accepts dd/mm/yyyy, whatever the browser's language
 * (a native date input shows mm/dd/yyyy in an English browser). Links and the API keep YYYY-MM-DD,
 * which is accepted too.
 */

/** What a date field's `pattern` attribute allows (the same as fromTypedDate; the views copy it). */
export const TYPED_DATE_PATTERN = String.raw`\s*(\d{1,2}[\/.,\-]\d{1,2}[\/.,\-]\d{4}|\d{8}|\d{4}-\d{2}-\d{2})\s*`;

// d/m/yyyy with / . , or - (a phone's number pad may offer only some of them), or ddmmyyyy.
const DMY = /^(\d{1,2})[/.,-](\d{1,2})[/.,-](\d{4})$|^(\d{2})(\d{2})(\d{4})$/;

/**
 * A typed date as 'YYYY-MM-DD': "05/11/2026", "5/11/2026", "05.11.2026", "05112026" and "2026-11-05" all give
 * "2026-11-05". Anything else (including an impossible day such as 31/02/2026) comes back as typed,
 * for the validator to reject with the field's message.
 */
export function fromTypedDate<T>(v: T): T | string {
  if (typeof v !== 'string') return v;
  const s = v.trim();
  if (isValidDateString(s)) return s;
  const m = DMY.exec(s);
  if (!m) return v;
  const [d, mo, y] = m[1] ? [m[1], m[2], m[3]] : [m[4], m[5], m[6]];
  const iso = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isValidDateString(iso) ? iso : v;
}

/** 'YYYY-MM-DD' → 'dd/mm/yyyy' for a date field's value; anything else is shown as it was typed. */
export function toTypedDate(v: unknown): string {
  if (typeof v !== 'string') return '';
  return isValidDateString(v) ? `${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}` : v;
}

/** The message beside a date field that could not be read. */
export const TYPED_DATE_MESSAGE = 'Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 05/11/2026.';
