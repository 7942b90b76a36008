import { mayRespond } from '../policies/dispatch.policy';
// exceljs is loaded on first export only: it adds ~17 MB to every process that never exports.
import type ExcelJSType from 'exceljs';
import { csvField } from '../reports/export';
import type { Db } from '../db';
import { synthesis } from '../services/dispatches.service';
import { synthesisJson, type SynthesisJson } from './dispatch.presenter';
import { dateWords, localityOf, upper } from './print-format';
import { parentNameOf } from './dispatch-print.presenter';
import { formatVnDate } from '../../workflows/calendar';
import { REPLY_POSITION_LABELS, REPLY_STATE_LABELS } from '../../workflows/labels';
import { isOpenReplyState } from '../../workflows/dispatch';

type Item = SynthesisJson['items'][number];

export const SYNTHESIS_TITLE = 'BẢNG TỔNG HỢP, TIẾP THU, GIẢI TRÌNH Ý KIẾN GÓP Ý';
export const EXPORT_HEADERS = [
  'STT',
  'Đơn vị góp ý',
  'Mã đơn vị',
  'Ý kiến góp ý',
  'Nội dung',
  'Ngày trả lời',
  'Tiếp thu, giải trình',
];

/**
 * What a row says in the "Ý kiến góp ý" column. Only an approved reply shows its position and
 * content: a draft still waiting for the recipient's leader is not the unit's opinion yet.
 */
export function opinionOf(item: Item): { label: string; content: string | null; answered?: boolean } {
  if (item.state === 'replied') return { label: item.positionText ?? '', content: item.content, answered: true };
  if (item.state === 'deemed_agreed') return { label: REPLY_STATE_LABELS.deemed_agreed, content: null };
  if (item.state === 'overdue') return { label: REPLY_STATE_LABELS.overdue, content: null };
  // A unit the request reached by mistake: its reason, counted apart from answers and silence.
  if (item.state === 'declined') return { label: REPLY_STATE_LABELS.declined, content: item.content };
  if (item.state == null) return { label: 'Chưa ban hành', content: null };
  return { label: `Chưa trả lời (${item.stateText})`, content: null };
}

const dateOf = (iso: string | null) => (iso ? formatVnDate(new Date(iso)) : '');

/** The counts line; total = replied + deemed agreed + overdue + still open + declined, always. */
function countsLine(syn: SynthesisJson, byPosition: Record<string, number>): string {
  const c = syn.counts;
  const positions = (['agree', 'comments', 'disagree'] as const)
    .map((p) => `${REPLY_POSITION_LABELS[p].toLowerCase()}: ${byPosition[p] ?? 0}`)
    .join('; ');
  const declined = c.declined ? `; từ chối vì không đúng đơn vị: ${c.declined}` : '';
  return `Tổng số đơn vị được xin ý kiến: ${c.total}; đã trả lời: ${c.replied} (${positions}); xem như thống nhất: ${c.deemedAgreed}; quá hạn: ${c.overdue}; chưa trả lời: ${c.open}${declined}.`;
}

/**
 * The synthesis table for the page and the exports: one row per recipient, the counts, and
 * whether this user may still write the drafting unit's response (tiếp thu, giải trình).
 */
export async function synthesisModel(db: Db, user: Express.User, id: number) {
  const detail = await synthesis(db, user, id);
  const parentName = await parentNameOf(db, detail.dispatch.issuing_unit_id);
  const syn = synthesisJson(detail);
  const d = detail.dispatch;
  const byPosition: Record<string, number> = {};
  for (const i of syn.items)
    if (i.state === 'replied' && i.position) byPosition[i.position] = (byPosition[i.position] ?? 0) + 1;
  const canRespond = d.state === 'issued' && mayRespond(user, d);
  // A response answers an opinion: rows still waiting for one get no box (the API still accepts it).
  // Answers first, in the order they came, then the units that did not answer.
  const when = (i: Item) => (i.state === 'replied' && i.repliedAt ? Date.parse(i.repliedAt) : Infinity);
  const items = [...syn.items].sort((a, b) => when(a) - when(b) || (a.unitCode < b.unitCode ? -1 : 1));
  const rows = items.map((item, i) => ({
    stt: i + 1,
    ...item,
    opinion: opinionOf(item),
    repliedOn: dateOf(item.repliedAt),
    editable: canRespond && item.state != null && !isOpenReplyState(item.state),
  }));
  return {
    syn,
    // The header's agency block: the parent body above the issuing unit (Decree 30), upper case.
    agencyTop: parentName ? upper(parentName) : null,
    agency: upper(syn.issuingUnit.name),
    issued: d.issued_at != null,
    issuedOn: d.issued_at ? formatVnDate(new Date(d.issued_at)) : null,
    dateLine: `${localityOf(syn.issuingUnit.name)}, ${dateWords(d.closed_at ?? Date.now())}`,
    counts: syn.counts,
    byPosition: {
      agree: byPosition.agree ?? 0,
      comments: byPosition.comments ?? 0,
      disagree: byPosition.disagree ?? 0,
    },
    countsLine: countsLine(syn, byPosition),
    canRespond,
    rows,
  };
}
export type SynthesisModel = Awaited<ReturnType<typeof synthesisModel>>;

function tableRows(m: SynthesisModel): string[][] {
  return m.rows.map((r) => [
    String(r.stt),
    r.unitName,
    r.unitCode,
    r.opinion.label,
    r.opinion.content ?? '',
    r.repliedOn,
    r.response ?? '',
  ]);
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */

/** The agency block as lines: the parent body (when there is one) above the issuing unit. */
const agencyLines = (m: SynthesisModel) => [m.agencyTop, m.agency].filter((l): l is string => !!l);

/**
 * UTF-8 with a BOM (Excel reads Vietnamese correctly), CRLF line ends: the agency block (parent body,
 * then the issuing unit), a blank line, then the header row and the table.
 */
export function synthesisCsv(m: SynthesisModel): string {
  const rows = [...agencyLines(m).map((l) => [l]), [], EXPORT_HEADERS, ...tableRows(m)];
  return '\uFEFF' + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** One sheet: the title, the dispatch, the counts line, then the bold header row and the table. */
export async function synthesisXlsx(m: SynthesisModel): Promise<Buffer> {
  const ExcelJS: typeof ExcelJSType = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Một Cửa';
  const ws = wb.addWorksheet('Tổng hợp ý kiến', {
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  const n = EXPORT_HEADERS.length;
  const line = (text: string, bold = false) => {
    const row = ws.addRow([text]);
    row.font = { bold, size: bold ? 13 : 11 };
    ws.mergeCells(row.number, 1, row.number, n);
  };
  for (const [i, l] of agencyLines(m).entries()) line(l, i === agencyLines(m).length - 1);
  line(SYNTHESIS_TITLE, true);
  line(
    `${m.syn.number ? `Công văn số ${m.syn.number}` : 'Dự thảo công văn'} của ${m.syn.issuingUnit.name}: ${m.syn.title}`,
  );
  line(m.issued ? m.countsLine : 'Công văn chưa ban hành.');
  const head = ws.addRow(EXPORT_HEADERS);
  head.font = { bold: true };
  head.alignment = { wrapText: true, vertical: 'middle' };
  for (const r of tableRows(m))
    ws.addRow([Number(r[0]), ...r.slice(1)]).alignment = { wrapText: true, vertical: 'top' };
  [6, 32, 16, 28, 50, 12, 50].forEach((w, i) => (ws.getColumn(i + 1).width = w));
  ws.views = [{ state: 'frozen', ySplit: head.number }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}
