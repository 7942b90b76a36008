import { civilFromDayNumber, dayNumberFromCivil, vnDayNumber } from '../calendar/time';

/**
 * The report figures of design.md §8 as additive counts per local day and per local month, unit
 * (receiving) and procedure, so a report is a small range scan instead of a pass over every dossier.
 *
 * A dossier contributes, from its own columns only:
 * - `received` (and `received_<channel>`) on the day it was received;
 * - `resolved` and `ontime` or `late` on the day it was resolved, unless it was withdrawn;
 * - `progress`: +1 on the day it became "in progress" and −1 on the day it stopped being;
 * - `overdue`: the same for "in progress and past due".
 *
 * "In progress" and "overdue" at an instant t are the conditions of server/queries/reports.queries.ts
 * (workflows/clock's isInProgressAt and isOverdue), which as functions of t are half-open intervals:
 * - in progress for t in [received_at, end), end = resolved_at, or completed_at when withdrawn, or never;
 * - overdue for t in [max(received_at, due_at + 1), end), but never when the clock was paused at or
 *   before due_at (a dossier paused in time is not overdue while it waits, whatever t is).
 * So the number in progress at t is the sum of the ±1 of every day before t's day, plus what changes
 * on t's own day up to t (read from the dossiers: one day of them).
 *
 * The engine applies `cellDelta(before, after)` in the transaction that changes a dossier, so an
 * event that moves a dossier between figures moves the counts; a rebuild sums `factsCells` of every
 * dossier. Both go through these functions, so the two cannot disagree.
 */

export const COUNT_COLUMNS = [
  'received',
  'received_1',
  'received_2',
  'received_3',
  'resolved',
  'ontime',
  'late',
  'progress',
  'overdue',
] as const;
export type CountColumn = (typeof COUNT_COLUMNS)[number];
export type CountValues = Record<CountColumn, number>;

/** 'd': `period` is a local day number; 'm': `period` is a month index (year × 12 + month − 1). */
export type Grain = 'd' | 'm';

export interface CountCell {
  grain: Grain;
  period: number;
  unitId: number;
  procedureCode: string;
  values: CountValues;
}

/** The columns of a dossier the figures read. */
export interface FigureFacts {
  unitId: number;
  procedureCode: string;
  channel: number;
  status: string;
  receivedAt: number;
  resolvedAt: number | null;
  completedAt: number | null;
  dueAt: number | null;
  pausedAt: number | null;
  onTime: boolean | null;
}

export const zeroValues = (): CountValues =>
  Object.fromEntries(COUNT_COLUMNS.map((c) => [c, 0])) as unknown as CountValues;

/** Month index of a local day number. */
export function monthOfDay(day: number): number {
  const { year, month } = civilFromDayNumber(day);
  return year * 12 + month - 1;
}

/** First local day number of a month index. */
export function firstDayOfMonth(monthIndex: number): number {
  return dayNumberFromCivil(Math.floor(monthIndex / 12), (monthIndex % 12) + 1, 1);
}

/** The [start, end) instants of "in progress" and "overdue" (null: never), per the rules above. */
export function intervals(f: FigureFacts): {
  progress: [number, number] | null;
  overdue: [number, number] | null;
} {
  const withdrawn = f.status === 'withdrawn';
  // A withdrawn dossier with no completion time is never in progress (completed_at > t is unknown).
  const stop = withdrawn ? (f.completedAt ?? -Infinity) : Infinity;
  const end = Math.min(f.resolvedAt ?? Infinity, stop);
  const progress: [number, number] | null = f.receivedAt < end ? [f.receivedAt, end] : null;
  let overdue: [number, number] | null = null;
  if (progress && f.dueAt != null && (f.pausedAt == null || f.pausedAt > f.dueAt)) {
    const start = Math.max(f.receivedAt, f.dueAt + 1);
    if (start < end) overdue = [start, end];
  }
  return { progress, overdue };
}

const keyOf = (grain: Grain, period: number, unitId: number, procedureCode: string) =>
  `${grain}|${period}|${unitId}|${procedureCode}`;

/** Accumulates cells by key; `add` with a sign of −1 subtracts. */
export class CellMap {
  readonly cells = new Map<string, CountCell>();

  at(grain: Grain, period: number, unitId: number, procedureCode: string): CountValues {
    const k = keyOf(grain, period, unitId, procedureCode);
    let c = this.cells.get(k);
    if (!c) this.cells.set(k, (c = { grain, period, unitId, procedureCode, values: zeroValues() }));
    return c.values;
  }

  /** Add `n` to a column on the day of `ms` and on its month. */
  bump(f: FigureFacts, ms: number, column: CountColumn, n: number): void {
    const day = vnDayNumber(ms);
    this.at('d', day, f.unitId, f.procedureCode)[column] += n;
    this.at('m', monthOfDay(day), f.unitId, f.procedureCode)[column] += n;
  }

  add(f: FigureFacts, sign: 1 | -1): this {
    this.bump(f, f.receivedAt, 'received', sign);
    if (f.channel === 1 || f.channel === 2 || f.channel === 3)
      this.bump(f, f.receivedAt, `received_${f.channel}`, sign);
    if (f.resolvedAt != null && f.status !== 'withdrawn') {
      this.bump(f, f.resolvedAt, 'resolved', sign);
      this.bump(f, f.resolvedAt, f.onTime === true ? 'ontime' : 'late', sign);
    }
    const { progress, overdue } = intervals(f);
    for (const [col, iv] of [
      ['progress', progress],
      ['overdue', overdue],
    ] as const) {
      if (!iv) continue;
      this.bump(f, iv[0], col, sign);
      if (Number.isFinite(iv[1])) this.bump(f, iv[1], col, -sign);
    }
    return this;
  }

  /** The cells with any non-zero count, in key order (a fixed lock order for the upserts). */
  nonZero(): CountCell[] {
    return [...this.cells.values()]
      .filter((c) => COUNT_COLUMNS.some((k) => c.values[k] !== 0))
      .sort(
        (a, b) =>
          a.unitId - b.unitId ||
          (a.grain < b.grain ? -1 : a.grain > b.grain ? 1 : 0) ||
          a.period - b.period ||
          (a.procedureCode < b.procedureCode ? -1 : a.procedureCode > b.procedureCode ? 1 : 0),
      );
  }
}

/** What one dossier adds to the counts. */
export function factsCells(f: FigureFacts): CountCell[] {
  return new CellMap().add(f, 1).nonZero();
}

/** What changing a dossier from `before` to `after` does to the counts (null: no such dossier). */
export function cellDelta(before: FigureFacts | null, after: FigureFacts | null): CountCell[] {
  const m = new CellMap();
  if (before) m.add(before, -1);
  if (after) m.add(after, 1);
  return m.nonZero();
}

/**
 * How a period of whole local days [fromDay, toDay] splits into whole months (read from the month
 * rows) and the days of the months it only partly covers (read from the day rows).
 */
export function periodPieces(
  fromDay: number,
  toDay: number,
): { months: [number, number] | null; days: Array<[number, number]> } {
  const m1 = monthOfDay(fromDay);
  const m2 = monthOfDay(toDay);
  const firstWhole = firstDayOfMonth(m1) === fromDay ? m1 : m1 + 1;
  const lastWhole = firstDayOfMonth(m2 + 1) - 1 === toDay ? m2 : m2 - 1;
  if (firstWhole > lastWhole) return { months: null, days: [[fromDay, toDay]] };
  const days: Array<[number, number]> = [];
  if (firstWhole > m1) days.push([fromDay, firstDayOfMonth(firstWhole) - 1]);
  if (lastWhole < m2) days.push([firstDayOfMonth(lastWhole + 1), toDay]);
  return { months: [firstWhole, lastWhole], days };
}
