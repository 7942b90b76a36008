import { formatVnDateTime } from '../../workflows/calendar';
import { ROLE_LABELS } from '../../workflows/labels';
import { COLUMN_LABELS, vnNumber } from '../../workflows/procedure/catalog-cells';
import { DEFAULT_STEPS_RULE } from '../../workflows/procedure/catalog-row';
import type { ImportPreview, ImportResult } from '../services/catalog-import.service';
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from '../services/catalog-file';

/** Rows listed per section of a page: a 5,000-row file shows its counts and the first rows of each kind. */
const SHOWN = { created: 100, updated: 300, unchanged: 100, bad: 1000 };

const more = (total: number, shown: number) => (total > shown ? total - shown : 0);

/** What the upload form says it accepts. */
export function importFormModel() {
  return {
    title: 'Nhập thủ tục từ Cơ sở dữ liệu quốc gia về TTHC',
    columns: Object.values(COLUMN_LABELS),
    maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
    maxRows: MAX_IMPORT_ROWS.toLocaleString('vi-VN'),
  };
}

function badRows(bad: ImportResult['bad']) {
  return { bad: bad.slice(0, SHOWN.bad), badMore: more(bad.length, SHOWN.bad) };
}

/** The preview page: counts, what each good row will do, the bad rows with their line and reason. */
export function importPreviewModel(p: ImportPreview) {
  const importable = p.created.length + p.updated.length;
  return {
    ...importFormModel(),
    title: 'Xem trước: nhập thủ tục từ Cơ sở dữ liệu quốc gia',
    token: p.token,
    fileName: p.fileName,
    fileHash: p.fileHash,
    kindLabel: p.kind === 'xlsx' ? 'Excel (.xlsx)' : 'CSV',
    counts: {
      created: p.created.length,
      updated: p.updated.length,
      unchanged: p.unchanged.length,
      bad: p.bad.length,
      importable,
    },
    rule: DEFAULT_STEPS_RULE,
    created: p.created.slice(0, SHOWN.created).map((r) => ({
      line: r.line,
      code: r.code,
      name: r.name,
      days: vnNumber(r.totalDays),
      steps: r.steps.map((s) => ({ name: s.name, role: ROLE_LABELS[s.role], hours: vnNumber(s.hours) })),
    })),
    createdMore: more(p.created.length, SHOWN.created),
    updated: p.updated.slice(0, SHOWN.updated),
    updatedMore: more(p.updated.length, SHOWN.updated),
    unchanged: p.unchanged.slice(0, SHOWN.unchanged),
    unchangedMore: more(p.unchanged.length, SHOWN.unchanged),
    ...badRows(p.bad),
  };
}

/** The page of a confirmed import. */
export function importResultModel(r: { id: number; fileName: string; confirmedAt: number; result: ImportResult }) {
  return {
    title: 'Kết quả nhập thủ tục',
    fileName: r.fileName,
    confirmedAt: formatVnDateTime(new Date(r.confirmedAt)),
    counts: {
      created: r.result.created,
      updated: r.result.updated,
      unchanged: r.result.unchanged,
      bad: r.result.bad.length,
    },
    ...badRows(r.result.bad),
  };
}
