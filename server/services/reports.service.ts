import { mayReportOnAllUnits } from '../policies/unit.policy';
import type { Db } from '../db';
import { Invalid, NotFound } from '../errors';
import { listUnits, Unit } from '../queries/units.queries';
import {
  Bounds,
  countByBuckets,
  countByChannel,
  countFigures,
  Counts,
  listBehind,
  Metric,
} from '../queries/reports.queries';
import {
  civilFromDayNumber,
  dayNumberFromCivil,
  dayNumberFromDateString,
  formatVnDate,
  isValidDateString,
  vnDayStartMs,
} from '../../workflows/calendar/time';
import { CHANNELS, Channel } from '../../workflows/labels';

/**
 * Reports (design.md §8) over a unit and the units below it, by receiving unit, for a period of
 * local (UTC+7) dates [from 00:00, to + 1 day 00:00).
 *
 * Simplification: "overdue at the end of `to`" compares with the dossier's stored `due_at`. A due
 * time moved later after that moment (an EXTEND, or a supplement received, which pushes due_at by
 * the paused time) is taken as it is now, not as it was then. Otherwise in progress and overdue are
 * workflows/clock's `isInProgressAt` and `isOverdue` at the last millisecond before the moment.
 */

/** The figures of contract.md §2 `GET /reports/summary`, exactly these keys. */
export interface Summary {
  received: number;
  resolved: number;
  resolvedOnTime: number;
  resolvedLate: number;
  inProgress: number;
  inProgressOverdue: number;
  /** resolvedOnTime ÷ resolved as a fraction 0..1 rounded to 4 decimals; null when nothing was resolved. */
  onTimeRate: number | null;
}

export interface Period {
  from: string;
  to: string;
}

export interface ReportInput extends Period {
  /** Receiving units counted; null for every unit. */
  unitIds: number[] | null;
  now: number;
}

export const MAX_PERIOD_YEARS = 5;
export const BEHIND_PAGE_SIZE = 50;

/** Epoch-ms bounds: [from 00:00 +07, to+1 00:00 +07), judged at min(end, now). */
export function boundsOf(p: Period, now: number): Bounds {
  const start = vnDayStartMs(dayNumberFromDateString(p.from));
  const end = vnDayStartMs(dayNumberFromDateString(p.to) + 1);
  return { start, end, moment: Math.min(end, now) };
}

export function onTimeRate(onTime: number, resolved: number): number | null {
  return resolved > 0 ? Math.round((onTime / resolved) * 10000) / 10000 : null;
}

function toSummary(c: Counts): Summary {
  return {
    received: c.received,
    resolved: c.resolved,
    resolvedOnTime: c.ontime,
    resolvedLate: c.late,
    inProgress: c.progress,
    inProgressOverdue: c.overdue,
    onTimeRate: onTimeRate(c.ontime, c.resolved),
  };
}

/** The summary figures of a scope and period, in one aggregate query. */
export async function summary(db: Db, input: ReportInput): Promise<Summary> {
  const [row] = await countFigures(db, input.unitIds, boundsOf(input, input.now), 'none');
  return toSummary(row.counts);
}

/**
 * Check a period typed by a person or a client: both dates `YYYY-MM-DD`, from ≤ to, at most five
 * years. Throws 422 with `details.fields` keyed by the caller's field names.
 */
export function parsePeriod(
  raw: { from: unknown; to: unknown },
  names: { from: string; to: string } = { from: 'from', to: 'to' },
): Period {
  const fields: Record<string, string> = {};
  const check = (v: unknown, name: string, missing: string) => {
    if (v === undefined || v === '') fields[name] = missing;
    else if (typeof v !== 'string' || !isValidDateString(v)) fields[name] = 'Ngày không hợp lệ (định dạng YYYY-MM-DD).';
  };
  check(raw.from, names.from, 'Chưa nhập ngày bắt đầu kỳ báo cáo.');
  check(raw.to, names.to, 'Chưa nhập ngày kết thúc kỳ báo cáo.');
  if (Object.keys(fields).length === 0) {
    const from = dayNumberFromDateString(raw.from as string);
    const to = dayNumberFromDateString(raw.to as string);
    const { year, month, day } = civilFromDayNumber(from);
    if (to < from) fields[names.to] = 'Ngày kết thúc phải sau hoặc cùng ngày bắt đầu.';
    else if (to >= dayNumberFromCivil(year + MAX_PERIOD_YEARS, month, day))
      fields[names.to] = `Kỳ báo cáo dài tối đa ${MAX_PERIOD_YEARS} năm.`;
  }
  if (Object.keys(fields).length)
    throw new Invalid(`Kỳ báo cáo không hợp lệ: ${Object.keys(fields).join(', ')}.`, { fields });
  return { from: raw.from as string, to: raw.to as string };
}

export interface TreeUnit extends Unit {
  depth: number;
}

/** Units in tree order (parents before their children, siblings by code) under a root, or all. */
function treeOrder(all: Unit[], rootId: number | null): TreeUnit[] {
  const ids = new Set(all.map((u) => u.id));
  const kids = new Map<number | null, Unit[]>();
  for (const u of all) {
    const p = u.parentId != null && ids.has(u.parentId) ? u.parentId : null;
    kids.set(p, [...(kids.get(p) ?? []), u]);
  }
  const out: TreeUnit[] = [];
  const walk = (u: Unit, depth: number) => {
    if (out.some((o) => o.id === u.id)) return;
    out.push({ ...u, depth });
    for (const c of kids.get(u.id) ?? []) walk(c, depth + 1);
  };
  const roots = rootId == null ? (kids.get(null) ?? []) : all.filter((u) => u.id === rootId);
  for (const r of roots) walk(r, 0);
  return out;
}

export interface Scope {
  /** The unit asked for; null when an admin reports on every unit. */
  unit: Unit | null;
  unitIds: number[] | null;
  /** Units this user may report on, in tree order (for the unit picker). */
  visible: TreeUnit[];
  /** The units of the scope, in tree order (for the per-unit table). */
  units: TreeUnit[];
}

/**
 * Which units a user reports on: their own unit and those below it by default; any of those on
 * request; admins any unit, or every unit when none is named. Anything else is 404 (contract.md §2).
 */
export async function reportScope(db: Db, user: Express.User, unitCode?: string): Promise<Scope> {
  const all = await listUnits(db);
  const admin = mayReportOnAllUnits(user);
  if (!admin && user.unitId == null)
    throw new NotFound('Tài khoản chưa thuộc đơn vị nào nên không có số liệu báo cáo.');
  const visible = treeOrder(all, admin ? null : user.unitId);
  let unit: Unit | null = null;
  if (unitCode) unit = visible.find((u) => u.code === unitCode) ?? null;
  else if (!admin) unit = visible[0] ?? null;
  if (!unit && (unitCode || !admin)) throw new NotFound('Không tìm thấy đơn vị hoặc đơn vị ngoài phạm vi của bạn.');
  const units = unit ? treeOrder(all, unit.id) : visible;
  return { unit, unitIds: unit ? units.map((u) => u.id) : null, visible, units };
}

export interface MonthLine {
  /** 'MM/YYYY' */
  label: string;
  received: number;
  resolved: number;
  resolvedOnTime: number;
  resolvedLate: number;
  onTimeRate: number | null;
}

export interface Report {
  period: Period;
  /** The moment "in progress" was judged at (epoch ms). */
  moment: number;
  totals: Summary;
  units: Array<{ unit: TreeUnit; figures: Summary }>;
  procedures: Array<{ code: string; name: string; figures: Summary }>;
  months: MonthLine[];
  channels: Array<{ channel: Channel; label: string; received: number; share: number | null }>;
}

/** The month buckets of a period, each cut to the period. */
export function monthBuckets(p: Period): Array<{ label: string; start: number; end: number }> {
  const b = boundsOf(p, 0);
  const first = civilFromDayNumber(dayNumberFromDateString(p.from));
  const out: Array<{ label: string; start: number; end: number }> = [];
  for (let y = first.year, m = first.month; ; m === 12 ? ((m = 1), y++) : m++) {
    const start = vnDayStartMs(dayNumberFromCivil(y, m, 1));
    if (start >= b.end) break;
    const next = vnDayStartMs(dayNumberFromCivil(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1));
    out.push({
      label: `${String(m).padStart(2, '0')}/${y}`,
      start: Math.max(start, b.start),
      end: Math.min(next, b.end),
    });
  }
  return out;
}

/** Everything the report page shows: totals, per unit, per procedure, per month and by channel. */
export async function fullReport(db: Db, scope: Scope, p: Period, now: number): Promise<Report> {
  const b = boundsOf(p, now);
  const buckets = monthBuckets(p);
  const byUnit = await countFigures(db, scope.unitIds, b, 'unit');
  const byProcedure = await countFigures(db, scope.unitIds, b, 'procedure');
  const months = await countByBuckets(db, scope.unitIds, buckets);
  const channels = await countByChannel(db, scope.unitIds, b);
  const zero: Counts = { received: 0, resolved: 0, ontime: 0, late: 0, progress: 0, overdue: 0 };
  const unitCounts = new Map(byUnit.map((r) => [r.key, r.counts]));
  const total = { ...zero };
  for (const r of byUnit) for (const k of Object.keys(zero) as Metric[]) total[k] += r.counts[k];
  const received = total.received;
  return {
    period: p,
    moment: b.moment,
    totals: toSummary(total),
    units: scope.units.map((u) => ({ unit: u, figures: toSummary(unitCounts.get(String(u.id)) ?? zero) })),
    procedures: byProcedure.map((r) => ({ code: r.key, name: r.name ?? r.key, figures: toSummary(r.counts) })),
    months: months.map((m, i) => ({
      label: buckets[i].label,
      received: m.received,
      resolved: m.resolved,
      resolvedOnTime: m.ontime,
      resolvedLate: m.late,
      onTimeRate: onTimeRate(m.ontime, m.resolved),
    })),
    channels: ([1, 2, 3] as Channel[]).map((c) => {
      const n = channels.find((r) => r.channel === c)?.received ?? 0;
      return {
        channel: c,
        label: CHANNELS[c],
        received: n,
        share: received ? Math.round((n / received) * 10000) / 10000 : null,
      };
    }),
  };
}

/** One page (50 rows) of the dossiers behind a figure, optionally of one procedure. */
export async function dossiersBehind(
  db: Db,
  scope: Scope,
  p: Period,
  now: number,
  metric: Metric,
  opts: { procedureCode?: string; page: number },
) {
  const { rows, total } = await listBehind(db, scope.unitIds, boundsOf(p, now), metric, {
    ...opts,
    pageSize: BEHIND_PAGE_SIZE,
  });
  return { rows, total, pages: Math.max(1, Math.ceil(total / BEHIND_PAGE_SIZE)) };
}

/** "từ ngày 01/05/2027 đến ngày 31/05/2027" */
export function periodText(p: Period): string {
  const d = (s: string) => formatVnDate(new Date(vnDayStartMs(dayNumberFromDateString(s))));
  return `từ ngày ${d(p.from)} đến ngày ${d(p.to)}`;
}

/** "Báo cáo tình hình giải quyết hồ sơ từ ngày 01/05/2027 đến ngày 31/05/2027" */
export function reportTitle(p: Period): string {
  return `Báo cáo tình hình giải quyết hồ sơ ${periodText(p)}`;
}

export const TABLES = ['summary', 'units', 'procedures', 'months'] as const;
export type TableName = (typeof TABLES)[number];
export type Cell = string | number | null;

/** A report table for export: Vietnamese headers; `rate` marks the column holding a 0..1 fraction. */
export interface Table {
  headers: string[];
  rows: Cell[][];
  rate: number;
}

const FIGURES = [
  'Tiếp nhận',
  'Đã giải quyết',
  'Đúng hạn',
  'Trễ hạn',
  'Đang giải quyết',
  'Quá hạn',
  'Tỷ lệ đúng hạn (%)',
];
const figureCells = (s: Summary): Cell[] => [
  s.received,
  s.resolved,
  s.resolvedOnTime,
  s.resolvedLate,
  s.inProgress,
  s.inProgressOverdue,
  s.onTimeRate,
];

export function reportTable(r: Report, scopeName: string, name: TableName): Table {
  switch (name) {
    case 'summary':
      return { headers: ['Đơn vị', ...FIGURES], rows: [[scopeName, ...figureCells(r.totals)]], rate: 7 };
    case 'units':
      return {
        headers: ['Mã đơn vị', 'Đơn vị tiếp nhận', ...FIGURES],
        rows: r.units.map((u) => [u.unit.code, u.unit.name, ...figureCells(u.figures)]),
        rate: 8,
      };
    case 'procedures':
      return {
        headers: ['Mã thủ tục', 'Thủ tục', ...FIGURES],
        rows: r.procedures.map((p) => [p.code, p.name, ...figureCells(p.figures)]),
        rate: 8,
      };
    case 'months':
      return {
        headers: ['Tháng', 'Tiếp nhận', 'Đã giải quyết', 'Đúng hạn', 'Trễ hạn', 'Tỷ lệ đúng hạn (%)'],
        rows: r.months.map((m) => [m.label, m.received, m.resolved, m.resolvedOnTime, m.resolvedLate, m.onTimeRate]),
        rate: 5,
      };
  }
}
