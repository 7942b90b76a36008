import { mayReportOnAllUnits } from '../policies/unit.policy';
import type { Db } from '../db';
import { Invalid, NotFound } from '../errors';
import { listUnits, Unit } from '../queries/units.queries';
import { Bounds, Counts, listBehind, Metric } from '../queries/reports.queries';
import { figuresFromCounts, monthsFromCounts } from '../queries/report-figures.queries';
import {
  civilFromDayNumber,
  dateStringFromDayNumber,
  dayNumberFromCivil,
  daysInMonth,
  dayNumberFromDateString,
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

/** The summary figures of a scope and period, from the report counts (a small range scan). */
export async function summary(db: Db, input: ReportInput): Promise<Summary> {
  const [row] = await figuresFromCounts(db, input.unitIds, boundsOf(input, input.now), 'none');
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

/** On the first days of a month the month so far is too thin to read: the default shows last month. */
export const LAST_MONTH_UNTIL_DAY = 5;

/**
 * The period /bao-cao opens on for a local date `today` (YYYY-MM-DD): this month so far, or the
 * whole of last month on the first LAST_MONTH_UNTIL_DAY days of a month.
 */
export function defaultPeriod(today: string): Period {
  const { year, month, day } = civilFromDayNumber(dayNumberFromDateString(today));
  if (day > LAST_MONTH_UNTIL_DAY)
    return { from: dateStringFromDayNumber(dayNumberFromCivil(year, month, 1)), to: today };
  const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
  return {
    from: dateStringFromDayNumber(dayNumberFromCivil(y, m, 1)),
    to: dateStringFromDayNumber(dayNumberFromCivil(y, m, daysInMonth(y, m))),
  };
}

/**
 * What a period is, in words, when it has a short name: "Số liệu tháng 11/2026" for a whole month,
 * "Từ 01/12/2026 đến nay" for this month so far (`today` is the local date); null otherwise.
 */
export function periodName(p: Period, today: string): string | null {
  const from = civilFromDayNumber(dayNumberFromDateString(p.from));
  const to = civilFromDayNumber(dayNumberFromDateString(p.to));
  const mm = String(from.month).padStart(2, '0');
  if (from.day !== 1 || from.year !== to.year || from.month !== to.month) return null;
  if (to.day === daysInMonth(to.year, to.month)) return `Số liệu tháng ${mm}/${from.year}`;
  if (p.to === today) return `Từ 01/${mm}/${from.year} đến nay`;
  return null;
}

export interface TreeUnit extends Unit {
  depth: number;
}

/** Units in tree order (parents before their children, siblings by code) under a root, or all. */
export function treeOrder(all: Unit[], rootId: number | null): TreeUnit[] {
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
  /** Only the unit's own dossiers, not those of the units below it. */
  ownOnly: boolean;
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
export async function reportScope(
  db: Db,
  user: Express.User,
  unitCode?: string,
  opts: { ownOnly?: boolean } = {},
): Promise<Scope> {
  // A unit merged into another (design.md §13) reports under its successor: the new unit's figures
  // include what its predecessors did, and a report above them counts each dossier once.
  const all = (await listUnits(db)).map((u) => (u.mergedIntoId == null ? u : { ...u, parentId: u.mergedIntoId }));
  const admin = mayReportOnAllUnits(user);
  if (!admin && user.unitId == null)
    throw new NotFound('Tài khoản chưa thuộc đơn vị nào nên không có số liệu báo cáo.');
  const visible = treeOrder(all, admin ? null : user.unitId);
  let unit: Unit | null = null;
  if (unitCode) unit = visible.find((u) => u.code === unitCode) ?? null;
  else if (!admin) unit = visible[0] ?? null;
  if (!unit && (unitCode || !admin)) throw new NotFound('Không tìm thấy đơn vị hoặc đơn vị ngoài phạm vi của bạn.');
  const units = unit ? treeOrder(all, unit.id) : visible;
  // "Riêng đơn vị": the unit's own dossiers, none of the units below it.
  if (unit && opts.ownOnly) return { unit, ownOnly: true, unitIds: [unit.id], visible, units: units.slice(0, 1) };
  return { unit, ownOnly: false, unitIds: unit ? units.map((u) => u.id) : null, visible, units };
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
  /**
   * Every unit of the scope in tree order: `own` counts the dossiers it received itself, `subtree`
   * those of it and every unit below it (equal to `own` for a unit with none below it).
   */
  units: Array<{ unit: TreeUnit; hasChildren: boolean; own: Summary; subtree: Summary }>;
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

/**
 * Subtree sums over units in tree order (each unit followed by the units below it, deeper): a unit's
 * subtree is itself and the run of deeper units after it.
 */
export function subtreeSums<C>(units: Array<{ depth: number }>, own: C[], zero: C, add: (into: C, c: C) => void): C[] {
  const sums = own.map(() => structuredClone(zero));
  const open: number[] = []; // indexes of the units whose subtree is still being read
  units.forEach((u, i) => {
    while (open.length && units[open[open.length - 1]].depth >= u.depth) open.pop();
    open.push(i);
    for (const j of open) add(sums[j], own[i]);
  });
  return sums;
}

/** Everything the report page shows: totals, per unit, per procedure, per month and by channel. */
export async function fullReport(db: Db, scope: Scope, p: Period, now: number): Promise<Report> {
  const b = boundsOf(p, now);
  const buckets = monthBuckets(p);
  const byUnit = await figuresFromCounts(db, scope.unitIds, b, 'unit');
  const byProcedure = await figuresFromCounts(db, scope.unitIds, b, 'procedure');
  const months = await monthsFromCounts(db, scope.unitIds, b, buckets);
  const byChannel = [0, 0, 0];
  for (const r of byUnit) r.channels.forEach((n, i) => (byChannel[i] += n));
  const zero: Counts = { received: 0, resolved: 0, ontime: 0, late: 0, progress: 0, overdue: 0 };
  const unitCounts = new Map(byUnit.map((r) => [r.key, r.counts]));
  const add = (into: Counts, c: Counts) => {
    for (const k of Object.keys(zero) as Metric[]) into[k] += c[k];
  };
  const total = { ...zero };
  for (const r of byUnit) add(total, r.counts);
  const own = scope.units.map((u) => unitCounts.get(String(u.id)) ?? zero);
  const sub = subtreeSums(scope.units, own, zero, add);
  const received = total.received;
  return {
    period: p,
    moment: b.moment,
    totals: toSummary(total),
    units: scope.units.map((u, i) => ({
      unit: u,
      hasChildren: (scope.units[i + 1]?.depth ?? -1) > u.depth,
      own: toSummary(own[i]),
      subtree: toSummary(sub[i]),
    })),
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
      const n = byChannel[c - 1];
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
