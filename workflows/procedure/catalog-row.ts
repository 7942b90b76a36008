/**
 * Rows of a national catalogue export → procedure definitions (issue 16). Reads the header row, turns
 * each data row into a {@link CatalogRow} (or says in Vietnamese why it cannot), and plans what importing
 * it does: a new procedure (version 1 with the default internal procedure), a changed one (a new
 * version that takes the catalogue's fields and keeps its steps and result), an unchanged one, or a
 * bad row. Pure: the file reading and the database are the service's.
 */
import { fold } from '../text';
import {
  HOURS_PER_DAY,
  validateDefinition,
  type ProcedureDefinition,
  type ProcedureDocument,
  type ProcedureLevel,
  type ProcedureStep,
} from './definition.schema';
import {
  COLUMN_LABELS,
  mapHeader,
  parseDays,
  parseDocuments,
  parseFee,
  parseLevel,
  REQUIRED_COLUMNS,
  vnMoney,
  vnNumber,
  type CatalogColumn,
} from './catalog-cells';

/** One row of the sheet: its number as a spreadsheet shows it (1 = first row) and its cells as text. */
export interface SheetRow {
  line: number;
  cells: string[];
  /** Cells that were numbers in a spreadsheet (their text is the number's, trailing zeros lost). */
  numeric?: number[];
}

/**
 * A data row read. Optional columns the file does not have are undefined (an existing procedure keeps
 * its value); an empty cell of a column the file has is null (field, level) or empty (documents).
 */
export interface CatalogRow {
  line: number;
  code: string;
  name: string;
  totalDays: number;
  field?: string | null;
  level?: ProcedureLevel | null;
  fee?: number;
  documents?: string[];
}

/** A row that cannot be imported, and why (Vietnamese). */
export interface BadRow {
  line: number;
  code: string;
  reason: string;
}

/** How many rows above the header (a title, a blank line) are looked through for it. */
const HEADER_SEARCH_ROWS = 20;

/** The header row and where each column is, or why the file has none. */
export function findHeader(
  rows: SheetRow[],
): { ok: true; line: number; columns: Partial<Record<CatalogColumn, number>> } | { ok: false; error: string } {
  const wanted = REQUIRED_COLUMNS.map((c) => COLUMN_LABELS[c]).join(', ');
  for (const row of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const columns = mapHeader(row.cells);
    if (columns.code === undefined || columns.name === undefined) continue;
    const missing = REQUIRED_COLUMNS.filter((c) => columns[c] === undefined).map((c) => COLUMN_LABELS[c]);
    if (missing.length)
      return { ok: false, error: `Dòng tiêu đề (dòng ${row.line}) thiếu cột: ${missing.join(', ')}.` };
    return { ok: true, line: row.line, columns };
  }
  return {
    ok: false,
    error: `Không nhận ra dòng tiêu đề: tệp cần có các cột ${wanted} (tên cột tiếng Việt như trong Cơ sở dữ liệu quốc gia về TTHC).`,
  };
}

/** Every data row below the header: read, or bad with every reason; a code seen before is bad. */
export function readRows(
  rows: SheetRow[],
  header: { line: number; columns: Partial<Record<CatalogColumn, number>> },
): { rows: CatalogRow[]; bad: BadRow[] } {
  const out: CatalogRow[] = [];
  const bad: BadRow[] = [];
  const seen = new Map<string, number>();
  const cell = (r: SheetRow, col: CatalogColumn) => {
    const i = header.columns[col];
    return i === undefined ? undefined : (r.cells[i] ?? '').trim();
  };
  for (const r of rows) {
    if (r.line <= header.line || r.cells.every((c) => !c.trim())) continue;
    const code = cell(r, 'code') ?? '';
    const name = (cell(r, 'name') ?? '').replace(/\s+/g, ' ');
    const errors: string[] = [];
    if (!code) errors.push('Thiếu mã thủ tục');
    // "2.000720" typed into a number cell reads 2.00072: national codes have six digits after the dot.
    if (r.numeric?.includes(header.columns.code!) && /^\d+\.\d{0,5}$/.test(code))
      errors.push(
        `Mã thủ tục ${code} là ô kiểu số trong Excel nên có thể đã mất chữ số 0 ở cuối; ` +
          'hãy định dạng cột Mã thủ tục là Văn bản (Text) rồi nhập lại',
      );
    if (!name) errors.push('Thiếu tên thủ tục');
    const days = parseDays(cell(r, 'totalDays') ?? '');
    if (!days.ok) errors.push(days.error);
    const feeCell = cell(r, 'fee');
    const fee = feeCell === undefined ? undefined : parseFee(feeCell);
    if (fee && !fee.ok) errors.push(fee.error);
    const levelCell = cell(r, 'level');
    const level = levelCell === undefined ? undefined : parseLevel(levelCell);
    if (level && !level.ok) errors.push(level.error);
    const first = code ? seen.get(code) : undefined;
    if (first !== undefined) errors.push(`Mã thủ tục ${code} đã có ở dòng ${first} của tệp`);
    else if (code) seen.set(code, r.line);
    if (errors.length || !days.ok || (fee && !fee.ok) || (level && !level.ok)) {
      bad.push({ line: r.line, code, reason: errors.join('; ') });
      continue;
    }
    const field = cell(r, 'field');
    const docs = cell(r, 'documents');
    out.push({
      line: r.line,
      code,
      name,
      totalDays: days.value,
      ...(field === undefined ? {} : { field: field.replace(/\s+/g, ' ') || null }),
      ...(level === undefined ? {} : { level: level.value }),
      ...(fee === undefined ? {} : { fee: fee.value }),
      ...(docs === undefined ? {} : { documents: parseDocuments(docs) }),
    });
  }
  return { rows: out, bad };
}

/**
 * The default internal procedure of a new code: specialist review → head check → leader signs → clerk
 * numbers. Rule: the whole time limit (totalDays × 8 working hours) is shared 60% / 15% / 15% / 10%.
 * The last three are rounded down to whole hours (to tenths of an hour when the limit is under one
 * day), each at least one such unit; the review takes what is left, so the steps add up to exactly
 * the time limit and never exceed it (the schema's rule). 10 days = 80 h → 48 / 12 / 12 / 8.
 */
export const DEFAULT_STEPS: ReadonlyArray<Omit<ProcedureStep, 'hours' | 'unit'> & { share: number }> = [
  { code: 'review', name: 'Thẩm định hồ sơ', role: 'specialist', share: 0.6 },
  { code: 'check', name: 'Xem xét, trình ký', role: 'head', share: 0.15 },
  { code: 'sign', name: 'Ký duyệt', role: 'leader', share: 0.15 },
  { code: 'number', name: 'Vào số, đóng dấu', role: 'clerk', share: 0.1 },
];

/** The rule above, as the preview states it. */
export const DEFAULT_STEPS_RULE =
  'Thủ tục mới được tạo phiên bản 1 với quy trình nội bộ mặc định gồm 4 bước: Chuyên viên thẩm định (60%), ' +
  'Lãnh đạo phòng xem xét (15%), Lãnh đạo UBND ký duyệt (15%), Văn thư vào số, đóng dấu (10%). ' +
  'Tỷ lệ tính trên toàn bộ thời hạn giải quyết (1 ngày làm việc = 8 giờ); ba bước sau làm tròn xuống ' +
  'đến giờ (dưới 1 ngày: đến 0,1 giờ), bước thẩm định nhận phần còn lại, nên tổng số giờ đúng bằng thời hạn.';

/** The default steps for a time limit (see {@link DEFAULT_STEPS}). */
export function defaultSteps(totalDays: number): ProcedureStep[] {
  // In tenths of an hour, so that no rounding noise creeps past the limit.
  const total = Math.round(totalDays * HOURS_PER_DAY * 10);
  const unit = total >= HOURS_PER_DAY * 10 ? 10 : 1;
  const rest = DEFAULT_STEPS.slice(1).map((s) => Math.max(unit, Math.floor((total * s.share) / unit) * unit));
  const tenths = [total - rest.reduce((a, b) => a + b, 0), ...rest];
  return DEFAULT_STEPS.map(({ share: _share, ...s }, i) => ({ ...s, hours: tenths[i] / 10, unit: 'competent' }));
}

/** A document code from its name: "Đơn đề nghị (bản chính)" → "DON_DE_NGHI_BAN_CHINH". */
function codeOf(name: string): string {
  const base = fold(name)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  return base || 'GIAY_TO';
}

/**
 * The documents of a row: a name the procedure already has keeps its code and "required" flag (so an
 * unchanged list is unchanged), a new one gets a code made from its name, made unique by a suffix.
 */
export function documentsFor(names: string[], existing: ProcedureDocument[] = []): ProcedureDocument[] {
  const byName = new Map(existing.map((d) => [fold(d.name), d]));
  const taken = new Set<string>();
  const kept = names.map((n) => {
    const d = byName.get(fold(n));
    if (!d || taken.has(d.code)) return undefined;
    taken.add(d.code);
    return d;
  });
  return names.map((name, i) => {
    const old = kept[i];
    if (old) return { code: old.code, name, required: old.required };
    let code = codeOf(name);
    for (let n = 2; taken.has(code); n++) code = `${codeOf(name)}_${n}`;
    taken.add(code);
    return { code, name, required: true };
  });
}

/** One catalogue field before → after, as the preview shows it. */
export interface FieldChange {
  label: string;
  before: string;
  after: string;
}

/** What importing a row does. */
export type RowPlan =
  | { kind: 'new'; definition: ProcedureDefinition }
  | { kind: 'changed'; definition: ProcedureDefinition; changes: FieldChange[] }
  | { kind: 'unchanged' }
  | { kind: 'bad'; reason: string };

const LEVEL_LABELS: Record<ProcedureLevel, string> = { province: 'Cấp tỉnh', district: 'Cấp huyện', commune: 'Cấp xã' };
const levelText = (l?: ProcedureLevel) => (l ? LEVEL_LABELS[l] : 'Mọi cấp (không ghi)');
const docsText = (docs: ProcedureDocument[]) => (docs.length ? `${docs.length} giấy tờ` : 'Không có giấy tờ');

/** The catalogue fields that differ, in the order of the sheet. */
export function catalogChanges(before: ProcedureDefinition, after: ProcedureDefinition): FieldChange[] {
  const out: FieldChange[] = [];
  const add = (label: string, b: string, a: string) => {
    if (b !== a) out.push({ label, before: b, after: a });
  };
  add('Tên thủ tục', before.name, after.name);
  add('Lĩnh vực', before.field ?? '(trống)', after.field ?? '(trống)');
  add('Cấp thực hiện', levelText(before.level), levelText(after.level));
  add('Thời hạn giải quyết', `${vnNumber(before.totalDays)} ngày`, `${vnNumber(after.totalDays)} ngày`);
  add('Phí, lệ phí', vnMoney(before.fee), vnMoney(after.fee));
  const names = (docs: ProcedureDocument[]) => docs.map((d) => `${d.code}|${d.name}|${d.required}`).join('\n');
  if (names(before.documents) !== names(after.documents)) {
    const had = new Set(before.documents.map((d) => fold(d.name)));
    const has = new Set(after.documents.map((d) => fold(d.name)));
    const added = after.documents.filter((d) => !had.has(fold(d.name))).map((d) => d.name);
    const removed = before.documents.filter((d) => !has.has(fold(d.name))).map((d) => d.name);
    const notes = [
      added.length ? `thêm: ${added.join('; ')}` : '',
      removed.length ? `bỏ: ${removed.join('; ')}` : '',
      !added.length && !removed.length ? 'đổi thứ tự hoặc cách ghi' : '',
    ].filter(Boolean);
    out.push({
      label: 'Thành phần hồ sơ',
      before: docsText(before.documents),
      after: `${docsText(after.documents)} (${notes.join('; ')})`,
    });
  }
  return out;
}

/** Drops keys whose value is undefined or null (an empty field or level is no field or level). */
function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * What importing `row` does, given the latest definition of its code (null: a new code).
 * @param existingVersion the latest version number, named in the message of a row whose steps no longer fit
 */
export function planRow(row: CatalogRow, existing: ProcedureDefinition | null, existingVersion = 0): RowPlan {
  const catalogue = {
    code: row.code,
    name: row.name,
    totalDays: row.totalDays,
    field: row.field === undefined ? existing?.field : row.field,
    level: row.level === undefined ? existing?.level : row.level,
    fee: row.fee ?? existing?.fee ?? 0,
    documents:
      row.documents === undefined
        ? (existing?.documents ?? [])
        : documentsFor(row.documents, existing?.documents ?? []),
  };
  const input = existing
    ? compact({ ...existing, ...catalogue })
    : compact({ ...catalogue, steps: defaultSteps(row.totalDays) });
  const result = validateDefinition(input);
  if (!result.ok) {
    const tooShort = existing && result.errors.some((e) => e.path === 'steps' && /vượt quá thời hạn/.test(e.message));
    const reason = result.errors.map((e) => e.message).join('; ');
    return {
      kind: 'bad',
      reason: tooShort
        ? `Thời hạn mới không đủ cho các bước của phiên bản ${existingVersion} đang dùng: ${reason}. ` +
          'Hãy sửa số giờ các bước của thủ tục (Sửa) rồi nhập lại.'
        : reason,
    };
  }
  if (!existing) return { kind: 'new', definition: result.definition };
  const changes = catalogChanges(existing, result.definition);
  return changes.length ? { kind: 'changed', definition: result.definition, changes } : { kind: 'unchanged' };
}

/** The default steps of a time limit as the preview shows them: "Thẩm định hồ sơ 48 giờ · …". */
export function defaultStepsText(totalDays: number): string {
  return defaultSteps(totalDays)
    .map((s) => `${s.name} ${vnNumber(s.hours)} giờ`)
    .join(' · ');
}
