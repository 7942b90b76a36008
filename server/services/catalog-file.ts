import type ExcelJSType from 'exceljs';
import { lazyModule } from '../lazy';
import type { SheetRow } from '../../workflows/procedure/catalog-row';

/** Loaded on the first catalogue file read or written (issue 17: memory). */
const ExcelJS = lazyModule<typeof ExcelJSType>('exceljs', 'default');

/** The largest catalogue file read (the upload limit of every file, server/middleware/upload.ts). */
export { MAX_FILE_BYTES as MAX_IMPORT_BYTES } from './attachments.service';
/** Data rows one import may carry: the national catalogue of one province is a few thousand. */
export const MAX_IMPORT_ROWS = 10_000;

/** The sheet of an uploaded file, or why it cannot be read (Vietnamese, for a 422). */
export type SheetResult = { ok: true; kind: 'csv' | 'xlsx'; rows: SheetRow[] } | { ok: false; error: string };

const fail = (error: string): SheetResult => ({ ok: false, error });
const TOO_MANY = `Tệp có quá ${MAX_IMPORT_ROWS.toLocaleString('vi-VN')} dòng; hãy chia thành nhiều tệp.`;

/**
 * Reads an uploaded CSV or XLSX file into rows of text. The kind is told by the bytes, not the name:
 * a ZIP is XLSX, text is CSV (UTF-8 with or without BOM, or Excel's UTF-16 "Unicode text"; comma,
 * semicolon or tab), anything else is refused with a message saying what to do.
 */
export async function readSheet(buf: Buffer): Promise<SheetResult> {
  if (!buf.length || !buf.toString('latin1').trim()) return fail('Tệp trống: không có dòng nào để nhập.');
  if (buf.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) return readXlsx(buf);
  if (buf.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    return fail('Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu thành .xlsx hoặc “CSV UTF-8”.');
  let text: string;
  if (buf[0] === 0xff && buf[1] === 0xfe) text = new TextDecoder('utf-16le').decode(buf.subarray(2));
  else if (buf.subarray(0, 4096).includes(0) || buf.subarray(0, 5).toString('latin1') === '%PDF-')
    return fail('Tệp không phải CSV hoặc XLSX: hãy tải lên tệp xuất từ Cơ sở dữ liệu quốc gia về TTHC (.csv, .xlsx).');
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buf);
    } catch {
      return fail(
        'Tệp CSV không ở mã UTF-8 (có thể là Windows-1258 hoặc TCVN3): hãy mở bằng Excel và lưu thành “CSV UTF-8”.',
      );
    }
  }
  const rows = parseCsv(text);
  if (!rows) return fail(TOO_MANY);
  return rows.length ? { ok: true, kind: 'csv', rows } : fail('Tệp trống: không có dòng nào để nhập.');
}

/**
 * The delimiter: of ; tab and comma, the one a line of the first few uses most (outside quotes). The
 * header row decides, not a title row above it ("DANH SÁCH THỦ TỤC…") nor a comma in "Phí, lệ phí".
 */
function delimiterOf(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, 20)
    .map((l) => l.replace(/"[^"]*"/g, ''));
  const most = (c: string) => Math.max(0, ...lines.map((l) => l.split(c).length - 1));
  return [';', '\t', ','].reduce((best, c) => (most(c) > most(best) ? c : best), ',');
}

/**
 * RFC 4180 CSV (quoted cells may hold delimiters, quotes doubled and line breaks). Rows are numbered as
 * a spreadsheet numbers them, so a cell with line breaks is one row. Null: more rows than allowed.
 */
export function parseCsv(input: string): SheetRow[] | null {
  const text = input.replace(/^\uFEFF/, '');
  const sep = delimiterOf(text);
  const rows: SheetRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let records = 0;
  const endRow = () => {
    cells.push(cell);
    records++;
    if (cells.some((c) => c.trim())) rows.push({ line: records, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && !cell.trim()) {
      quoted = true;
      cell = '';
    } else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      if (rows.length > MAX_IMPORT_ROWS + 1) return null;
    } else cell += c;
  }
  if (cell || cells.length) endRow();
  return rows;
}

/** The first worksheet with data, each row's cells as the text Excel shows. */
async function readXlsx(buf: Buffer): Promise<SheetResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
  } catch {
    return fail('Không đọc được tệp XLSX (tệp hỏng hoặc không phải bảng tính Excel).');
  }
  const sheet = wb.worksheets.find((ws) => ws.actualRowCount > 0);
  if (!sheet) return fail('Tệp trống: không có dòng nào để nhập.');
  if (sheet.actualRowCount > MAX_IMPORT_ROWS + 1) return fail(TOO_MANY);
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    const numeric: number[] = [];
    for (let i = 1; i <= row.cellCount; i++) {
      const cell = row.getCell(i);
      if (typeof cell.value === 'number') numeric.push(i - 1);
      cells.push(cellText(cell));
    }
    if (cells.some((c) => c.trim())) rows.push({ line: row.number, cells, ...(numeric.length ? { numeric } : {}) });
  });
  return rows.length ? { ok: true, kind: 'xlsx', rows } : fail('Tệp trống: không có dòng nào để nhập.');
}

function cellText(cell: ExcelJSType.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  try {
    return cell.text ?? '';
  } catch {
    return '';
  }
}
