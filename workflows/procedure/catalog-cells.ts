/**
 * Reading the columns and cells of an export of the national procedure catalogue (Cơ sở dữ liệu quốc
 * gia về TTHC): which column is which from its header, whatever its wording or place, and the cell
 * values as the catalogue writes them ("Cấp Tỉnh", "10 ngày làm việc", "50.000 đồng", a list of
 * documents in one cell). Pure: the caller reads the file into rows of strings.
 */
import { fold } from '../text';
import type { ProcedureLevel } from './definition.schema';

/** The catalogue columns this import reads. */
export type CatalogColumn = 'code' | 'name' | 'field' | 'level' | 'totalDays' | 'fee' | 'documents';

/** Columns without which no row can be read. */
export const REQUIRED_COLUMNS: CatalogColumn[] = ['code', 'name', 'totalDays'];

/** What a person calls each column (messages, the form's help). */
export const COLUMN_LABELS: Record<CatalogColumn, string> = {
  code: 'Mã thủ tục',
  name: 'Tên thủ tục',
  field: 'Lĩnh vực',
  level: 'Cấp thực hiện',
  totalDays: 'Thời hạn giải quyết',
  fee: 'Phí, lệ phí',
  documents: 'Thành phần hồ sơ',
};

/**
 * Header wordings, folded (no diacritics, lower case, punctuation as spaces). A header matches a
 * wording exactly, or starts with one of two words or more ("Thời hạn giải quyết (ngày làm việc)").
 */
const HEADER_WORDINGS: Record<CatalogColumn, string[]> = {
  code: ['ma thu tuc', 'ma tthc', 'ma thu tuc hanh chinh', 'ma so thu tuc', 'ma', 'code', 'procedure code'],
  name: ['ten thu tuc', 'ten tthc', 'ten thu tuc hanh chinh', 'ten', 'name', 'procedure name'],
  field: ['linh vuc', 'ten linh vuc', 'linh vuc thuc hien', 'field'],
  level: ['cap thuc hien', 'cap', 'level', 'cap co quan thuc hien'],
  totalDays: [
    'thoi han giai quyet',
    'thoi gian giai quyet',
    'thoi han',
    'so ngay giai quyet',
    'total days',
    'totaldays',
  ],
  fee: ['phi le phi', 'le phi', 'phi', 'muc phi', 'phi va le phi', 'le phi phi', 'fee'],
  documents: ['thanh phan ho so', 'thanh phan so luong ho so', 'ho so', 'giay to', 'documents'],
};

/** fold() and punctuation as spaces: "Phí, lệ phí" → "phi le phi". */
export function foldHeader(s: string): string {
  return fold(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The column a header names, or null. */
export function columnOf(header: string): CatalogColumn | null {
  const h = foldHeader(header);
  if (!h) return null;
  const entries = Object.entries(HEADER_WORDINGS) as Array<[CatalogColumn, string[]]>;
  for (const [col, words] of entries) if (words.includes(h)) return col;
  for (const [col, words] of entries) if (words.some((w) => w.includes(' ') && h.startsWith(w + ' '))) return col;
  return null;
}

/** Where each column is in a header row (the first of two columns of one kind wins). */
export function mapHeader(cells: string[]): Partial<Record<CatalogColumn, number>> {
  const at: Partial<Record<CatalogColumn, number>> = {};
  cells.forEach((cell, i) => {
    const col = columnOf(cell);
    if (col && at[col] === undefined) at[col] = i;
  });
  return at;
}

/** A cell read, or why it cannot be. */
export type Cell<T> = { ok: true; value: T } | { ok: false; error: string };
const ok = <T>(value: T): Cell<T> => ({ ok: true, value });
const bad = <T>(error: string): Cell<T> => ({ ok: false, error });

/** A cell quoted in a message, shortened. */
export function quote(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return `“${one.length > 60 ? one.slice(0, 57) + '…' : one}”`;
}

/**
 * "10 ngày làm việc" → 10, "0,5 ngày" → 0.5, "04 giờ làm việc" → 0.5 (8 working hours a day),
 * "Trong ngày" → 1, a bare number → days. The first number is the time limit ("Không quá 05 ngày làm
 * việc kể từ ngày nhận đủ hồ sơ" → 5). Months and calendar ranges are not guessed.
 */
export function parseDays(cell: string): Cell<number> {
  const f = fold(cell);
  if (!f) return bad('Thiếu thời hạn giải quyết');
  const m = /(\d+(?:[.,]\d+)?)\s*([a-z]*)/.exec(f);
  if (!m) return /trong ngay/.test(f) ? ok(1) : bad(`Không đọc được thời hạn giải quyết ${quote(cell)}`);
  const n = Number(m[1].replace(',', '.'));
  if (m[2] === 'thang' || m[2] === 'nam' || m[2] === 'tuan')
    return bad(`Thời hạn giải quyết ${quote(cell)} không tính bằng ngày làm việc; hãy ghi số ngày làm việc`);
  return ok(m[2] === 'gio' ? Math.round((n / 8) * 1000) / 1000 : n);
}

/** "1.500.000" / "1,500,000" / "1 500 000" / "50000" → the amount. */
function amount(s: string): number {
  return Number(s.replace(/[.,\s]/g, ''));
}

/**
 * "50.000 đồng" → 50000, "Không" / "Miễn phí" / "Không quy định" / empty → 0, a bare number → itself.
 * Only amounts followed by a currency ("đồng", "đ", "VNĐ") count, so a circular's number in the same
 * cell ("theo Thông tư 85/2019/TT-BTC") is not read as a fee. Several different amounts are refused:
 * the definition has one fee, and picking one would be a guess.
 */
export function parseFee(cell: string): Cell<number> {
  const f = fold(cell);
  if (!f) return ok(0);
  if (/^\d{1,3}(?:[.,\s]\d{3})+$|^\d+$/.test(f)) return ok(amount(f));
  const amounts = [...f.matchAll(/(\d{1,3}(?:[.,\s]\d{3})+|\d+)\s*(?:dong|vnd|d)(?![a-z])/g)].map((m) => amount(m[1]));
  const distinct = [...new Set(amounts)];
  if (distinct.length === 1) return ok(distinct[0]);
  if (distinct.length > 1)
    return bad(
      `Lệ phí ghi nhiều mức (${distinct.map(vnMoney).join('; ')}); hệ thống chỉ nhận một mức lệ phí cho mỗi thủ tục`,
    );
  if (/khong|mien|chua quy dinh/.test(f)) return ok(0);
  return bad(`Không đọc được lệ phí ${quote(cell)} (ví dụ đúng: “50.000 đồng” hoặc “Không”)`);
}

const LEVEL_WORDS: Record<string, ProcedureLevel> = {
  tinh: 'province',
  province: 'province',
  huyen: 'district',
  district: 'district',
  xa: 'commune',
  commune: 'commune',
};

/**
 * "Cấp Tỉnh" → province, "Cấp Huyện" → district, "Cấp Xã" → commune, empty → no level (received at
 * every level). All three named → no level too. Two of three cannot be said by the definition: refused.
 */
export function parseLevel(cell: string): Cell<ProcedureLevel | null> {
  const f = foldHeader(cell);
  if (!f) return ok(null);
  const words = f.split(' ');
  const levels = [...new Set(words.map((w) => LEVEL_WORDS[w]).filter(Boolean))];
  if (levels.length === 1) return ok(levels[0]);
  if (levels.length === 3) return ok(null);
  if (levels.length === 2)
    return bad(
      `Cấp thực hiện ${quote(cell)} gồm hai cấp; mỗi thủ tục chỉ nhận một cấp (Cấp Tỉnh, Cấp Huyện hoặc Cấp Xã) hoặc cả ba cấp`,
    );
  return bad(`Cấp thực hiện ${quote(cell)} không có trong hệ thống (chỉ nhận Cấp Tỉnh, Cấp Huyện, Cấp Xã)`);
}

/** A document line's list marker: "- ", "+ ", "• ", "1. ", "2) ", "a) ". */
const MARKER = /^(?:[-+•*–—]+|\(?\d{1,3}[.)]|\(?[a-zđ][.)])\s*/i;

/** The documents of one cell: one per line or separated by ";", list markers dropped. */
export function parseDocuments(cell: string): string[] {
  return cell
    .split(/\r?\n|\r|;/)
    .map((line) => line.trim().replace(MARKER, '').replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0);
}

/** 50000 → "50.000 đồng". */
export function vnMoney(n: number): string {
  return `${n.toLocaleString('vi-VN')} đồng`;
}

/** 0.5 → "0,5". */
export function vnNumber(n: number): string {
  return n.toLocaleString('vi-VN', { maximumFractionDigits: 3 });
}
