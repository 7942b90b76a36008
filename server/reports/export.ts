// exceljs is loaded on first export only: it adds ~17 MB to every process that never exports.
import type ExcelJSType from 'exceljs';
import type { Table } from '../presenters/report-tables.presenter';

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
/**
 * One RFC 4180 field, quoted when it holds a comma, quote or line break. Text that a spreadsheet would
 * run as a formula (= + - @, tab, CR at the start) gets a leading apostrophe: a reply typed by another
 * unit must not become a formula on the drafter's machine (CSV injection). Plain numbers are kept.
 */
export function csvField(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) && !/^-?\d+([.,]\d+)?$/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(t: Table): string {
  const cell = (v: unknown, i: number) =>
    v == null ? '' : i === t.rate ? (Number(v) * 100).toFixed(2).replace('.', ',') : String(v);
  const lines = [t.headers, ...t.rows].map((row, ri) =>
    row.map((v, i) => csvField(ri === 0 ? String(v) : cell(v, i))).join(','),
  );
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

export async function toXlsx(t: Table, title: string, scopeName: string, sheet: string): Promise<Buffer> {
  const ExcelJS: typeof ExcelJSType = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Một Cửa';
  const ws = wb.addWorksheet(sheet);
  const n = t.headers.length;
  ws.addRow([title]).font = { bold: true, size: 13 };
  ws.mergeCells(1, 1, 1, n);
  ws.addRow([`Đơn vị: ${scopeName}`]);
  ws.mergeCells(2, 1, 2, n);
  const head = ws.addRow(t.headers);
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'middle' };
  for (const row of t.rows) ws.addRow(row);
  if (t.rate >= 0) ws.getColumn(t.rate + 1).numFmt = '0.00%';
  ws.columns.forEach((c, i) => (c.width = i === 0 || (i === 1 && t.headers.length > 7) ? 28 : 14));
  ws.views = [{ state: 'frozen', ySplit: 3 }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
