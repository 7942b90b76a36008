import QRCode from 'qrcode';
import type { Db } from '../db';
import { Invalid, NotFound } from '../errors';
import { documentsOf, DossierRow, EventRow, listEvents } from '../queries/dossiers.queries';
import { findUnitByCode, findUnitById, subtreeIds } from '../queries/units.queries';
import { registerRows } from '../queries/register.queries';
import { compiledVersion } from './catalog.service';
import { getVisibleRow } from './dossiers.service';
import { CHANNELS } from '../../workflows/labels';
import { stepOf } from '../../workflows/procedure';
import {
  daysInMonth,
  formatVnDate,
  formatVnTime,
  isValidDateString,
  MS_PER_DAY,
  vnDate,
  vnStartOfDay,
} from '../../workflows/calendar/time';

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
export const REGISTER_CAP = 5000;
const DESK = 'Bộ phận Một cửa';

const upper = (s: string) => s.toLocaleUpperCase('vi-VN');
const when = (ms: number | null | undefined) =>
  ms == null ? '' : `${formatVnTime(new Date(Number(ms)))} ngày ${formatVnDate(new Date(Number(ms)))}`;
const stamp = (ms: number | null | undefined) =>
  ms == null ? '' : `${formatVnTime(new Date(Number(ms)))} ${formatVnDate(new Date(Number(ms)))}`;
const day = (ms: number | null | undefined) => (ms == null ? '' : formatVnDate(new Date(Number(ms))));

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

function header(formNo: string, unitName: string, atMs: number, desk: boolean, ref: string | null): PrintHeader {
  return {
    formNo,
    agencyTop: desk ? upper(unitName) : null,
    agency: desk ? upper(DESK) : upper(unitName),
    ref,
    placeDate: `${localityOf(unitName)}, ${dateWords(atMs)}`,
  };
}

function applicantOf(row: DossierRow): {
  fullName: string;
  idNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
} {
  try {
    return JSON.parse(row.applicant);
  } catch {
    return { fullName: row.applicant_name };
  }
}

function basics(row: DossierRow) {
  return {
    code: row.code,
    procedureName: row.procedure_name,
    applicant: applicantOf(row),
    receivingName: row.receiving_name,
    competentName: row.competent_name,
    receivedAt: when(row.received_at),
    dueAt: when(row.due_at),
  };
}

const dataOf = (e: EventRow): Record<string, unknown> => {
  try {
    return e.data ? JSON.parse(e.data) : {};
  } catch {
    return {};
  }
};

async function unitNames(db: Db, events: EventRow[]): Promise<Map<string, string>> {
  const codes = [...new Set(events.map((e) => e.actor_unit_code).filter((c): c is string => !!c))];
  const rows = codes.length
    ? ((await db('units').whereIn('code', codes).select('code', 'name')) as Array<{ code: string; name: string }>)
    : [];
  return new Map(rows.map((r) => [r.code, r.name]));
}

/**
 * Everything one printed form needs, for a dossier the user may see. 404 for a dossier out of sight,
 * an unknown form number, or a form the dossier has no event for (02 supplement request, 03 refusal,
 * 04 extension); `lan` picks the Nth supplement request (default: the latest).
 */
export async function printForm(
  db: Db,
  publicUrl: string,
  user: Express.User,
  code: string,
  form: string,
  lan?: unknown,
): Promise<Record<string, unknown>> {
  const row = await getVisibleRow(db, user, code);
  if (!Object.prototype.hasOwnProperty.call(FORM_TITLES, form) || form === '07')
    throw new NotFound('Không có mẫu in này.');
  const formNo = form as FormNo;
  const events = await listEvents(db, row.id);
  const names = await unitNames(db, events);
  const d = basics(row);
  const base = { formNo, formTitle: upper(FORM_TITLES[formNo]), title: `Mẫu ${formNo} · ${row.code}`, d };
  const ref = `Mã hồ sơ: ${row.code}`;
  const actorUnit = (e: EventRow) => (e.actor_unit_code ? (names.get(e.actor_unit_code) ?? e.actor_unit_code) : '');
  const missing = (what: string) => new NotFound(`Hồ sơ ${row.code} không có ${what}.`);

  if (formNo === '01') {
    const receive = events.find((e) => e.type === 'RECEIVE');
    const appointment = Number(dataOf(receive ?? ({} as EventRow)).dueAt ?? row.due_at);
    const { def } = await compiledVersion(db, row.procedure_version_id);
    const docs = (await documentsOf(db, row.id)) as Array<{ name: string; required: unknown; received: unknown }>;
    const lookupUrl = `${publicUrl.replace(/\/+$/, '')}/tra-cuu?ma=${encodeURIComponent(row.code)}`;
    return {
      ...base,
      header: header(formNo, row.receiving_name, Number(row.received_at), true, ref),
      documents: docs.map((x, i) => ({
        n: i + 1,
        name: x.name,
        required: Boolean(x.required),
        received: Boolean(x.received),
      })),
      totalDays: def.totalDays.toLocaleString('vi-VN'),
      fee: def.fee ? `${def.fee.toLocaleString('vi-VN')} đồng` : 'Không',
      appointment: when(appointment),
      channel: CHANNELS[row.channel as 1 | 2 | 3] ?? '',
      officer: receive?.actor_name ?? '',
      note: row.note,
      lookupUrl,
      qr: await QRCode.toDataURL(lookupUrl, { margin: 1, width: 200, errorCorrectionLevel: 'M' }),
    };
  }

  if (formNo === '02') {
    const asks = events.filter((e) => e.type === 'REQUEST_SUPPLEMENT');
    if (!asks.length) throw missing('yêu cầu bổ sung hồ sơ');
    let nth = asks.length;
    if (lan !== undefined) {
      nth = /^\d{1,4}$/.test(String(lan)) ? Number(lan) : 0;
      if (nth < 1 || nth > asks.length) throw missing(`lần yêu cầu bổ sung thứ ${String(lan)}`);
    }
    const e = asks[nth - 1];
    return {
      ...base,
      header: header(formNo, row.receiving_name, Number(e.at), true, ref),
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      actorUnit: actorUnit(e),
      at: when(e.at),
      nth,
      repeated: nth >= 2,
    };
  }

  if (formNo === '03') {
    const e = [...events].reverse().find((x) => x.type === 'REFUSE');
    if (!e) throw missing('quyết định từ chối');
    return {
      ...base,
      header: header(formNo, row.receiving_name, Number(e.at), true, ref),
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      actorUnit: actorUnit(e),
      at: when(e.at),
    };
  }

  if (formNo === '04') {
    const e = [...events].reverse().find((x) => x.type === 'EXTEND');
    if (!e) throw missing('văn bản gia hạn');
    const data = dataOf(e);
    const unitName = actorUnit(e) || row.competent_name;
    return {
      ...base,
      header: header(formNo, unitName, Number(e.at), false, ref),
      unitName,
      reason: e.comment ?? '',
      actor: e.actor_name ?? '',
      previousDueAt: when(data.previousDueAt as number | undefined),
      newDueAt: when(data.dueAt as number | undefined),
      receivedDate: day(row.received_at),
    };
  }

  // 06: one row per event of the log, giver and receiver named by the procedure's steps.
  const { def } = await compiledVersion(db, row.procedure_version_id);
  const place = (state: string | null) => {
    if (state == null) return DESK;
    if (state === 'returned' || state === 'withdrawn') return 'Tổ chức, cá nhân';
    return stepOf(def, state)?.name ?? DESK;
  };
  const rows = events.map((e, i) => ({
    n: i + 1,
    from: place(e.from_state),
    to: place(e.to_state),
    by: e.actor_name ?? '',
    byUnit: actorUnit(e),
    at: stamp(e.at),
    result: e.on_time == null ? '' : e.on_time === true || Number(e.on_time) === 1 ? 'Đúng hạn' : 'Quá hạn',
    note: e.comment ?? '',
  }));
  return { ...base, header: header(formNo, row.receiving_name, Number(row.received_at), true, ref), rows };
}

export interface RegisterQuery {
  unit?: unknown;
  from?: unknown;
  to?: unknown;
}

function parseDates(q: RegisterQuery, now: number): { from: string; to: string } {
  if ((q.from === undefined || q.from === '') && (q.to === undefined || q.to === '')) {
    const today = vnDate(new Date(now));
    const [y, m] = today.split('-').map(Number);
    return {
      from: `${today.slice(0, 7)}-01`,
      to: `${today.slice(0, 7)}-${String(daysInMonth(y, m)).padStart(2, '0')}`,
    };
  }
  const bad: string[] = [];
  if (typeof q.from !== 'string' || !isValidDateString(q.from)) bad.push('"Từ ngày" (tu)');
  if (typeof q.to !== 'string' || !isValidDateString(q.to)) bad.push('"Đến ngày" (den)');
  if (bad.length)
    throw new Invalid(
      `Ngày không hợp lệ: ${bad.join(', ')}. Vui lòng nhập theo định dạng YYYY-MM-DD, ví dụ 2026-11-01.`,
    );
  if (String(q.to) < String(q.from)) throw new Invalid('"Đến ngày" phải sau hoặc cùng ngày với "Từ ngày".');
  return { from: String(q.from), to: String(q.to) };
}

/**
 * The register of dossiers (form 07) of a unit the user may see — their own unit or one below it,
 * any unit for an admin (404 otherwise) — for dossiers received in [from, to] (local dates).
 */
export async function printRegister(
  db: Db,
  user: Express.User,
  q: RegisterQuery,
  now = Date.now(),
): Promise<Record<string, unknown>> {
  const period = parseDates(q, now);
  const admin = user.roles.includes('admin');
  const code = typeof q.unit === 'string' && q.unit ? q.unit : null;
  if (!code && user.unitId == null) throw new Invalid('Vui lòng chọn đơn vị (tham số don-vi, mã đơn vị).');
  const unit = code ? await findUnitByCode(db, code) : await findUnitById(db, user.unitId!);
  if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
  if (!admin && (user.unitId == null || !(await subtreeIds(db, user.unitId)).includes(unit.id)))
    throw new NotFound('Không tìm thấy đơn vị.');
  const fromMs = vnStartOfDay(period.from).getTime();
  const toMs = vnStartOfDay(period.to).getTime() + MS_PER_DAY;
  const found = await registerRows(db, unit.id, fromMs, toMs, REGISTER_CAP + 1);
  const rows = found.slice(0, REGISTER_CAP).map((r, i) => {
    let a: { address?: string | null; phone?: string | null } = {};
    try {
      a = JSON.parse(r.applicant);
    } catch {
      /* an unreadable applicant keeps the name column only */
    }
    return {
      n: i + 1,
      code: r.code,
      procedureName: r.procedure_name,
      applicant: r.applicant_name,
      contact: [a.address, a.phone].filter(Boolean).join(' · '),
      competent: r.competent_name,
      received: stamp(r.received_at),
      due: stamp(r.due_at),
      resolved: day(r.resolved_at),
      completed: day(r.completed_at),
    };
  });
  const fmt = (s: string) => formatVnDate(vnStartOfDay(s));
  return {
    title: `Sổ theo dõi hồ sơ · ${unit.name}`,
    formTitle: upper(FORM_TITLES['07']),
    header: header('07', unit.name, now, true, null),
    unit: { code: unit.code, name: unit.name },
    period: { ...period, text: `Từ ngày ${fmt(period.from)} đến ngày ${fmt(period.to)}` },
    rows,
    capped: found.length > REGISTER_CAP,
    cap: REGISTER_CAP.toLocaleString('vi-VN'),
  };
}
