import { mayReportOn } from '../policies/unit.policy';
import type { Db } from '../db';
import { Invalid, NotFound } from '../errors';
import { findUnitByCode, findUnitById } from '../queries/units.queries';
import { registerRows } from '../queries/register.queries';
import {
  daysInMonth,
  formatVnDate,
  isValidDateString,
  MS_PER_DAY,
  vnDate,
  vnStartOfDay,
} from '../../workflows/calendar/time';
import { day, FORM_TITLES, header, PrintHeader, stamp, upper } from './print-format';

export const REGISTER_CAP = 5000;

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
      `Ngày không hợp lệ: ${bad.join(', ')}. Vui lòng nhập theo dạng ngày/tháng/năm, ví dụ 01/11/2026.`,
    );
  if (String(q.to) < String(q.from)) throw new Invalid('"Đến ngày" phải sau hoặc cùng ngày với "Từ ngày".');
  return { from: String(q.from), to: String(q.to) };
}

export interface RegisterRow {
  n: number;
  code: string;
  procedureName: string;
  applicant: string;
  contact: string;
  competent: string;
  received: string;
  due: string;
  resolved: string;
  completed: string;
}

export interface RegisterView {
  title: string;
  formTitle: string;
  header: PrintHeader;
  unit: { code: string; name: string };
  /** YYYY-MM-DD bounds and their words ("Từ ngày … đến ngày …"). */
  period: { from: string; to: string; text: string };
  rows: RegisterRow[];
  capped: boolean;
  cap: string;
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
): Promise<RegisterView> {
  const period = parseDates(q, now);
  const code = typeof q.unit === 'string' && q.unit ? q.unit : null;
  if (!code && user.unitId == null) throw new Invalid('Vui lòng chọn đơn vị (tham số don-vi, mã đơn vị).');
  const unit = code ? await findUnitByCode(db, code) : await findUnitById(db, user.unitId!);
  if (!unit) throw new NotFound('Không tìm thấy đơn vị.');
  if (!(await mayReportOn(db, user, unit.id))) throw new NotFound('Không tìm thấy đơn vị.');
  const fromMs = vnStartOfDay(period.from).getTime();
  const toMs = vnStartOfDay(period.to).getTime() + MS_PER_DAY;
  const found = await registerRows(db, unit.id, fromMs, toMs, REGISTER_CAP + 1);
  const rows = found.slice(0, REGISTER_CAP).map((r, i): RegisterRow => {
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
