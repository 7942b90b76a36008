/**
 * Working time: which local days are working days, and arithmetic on working milliseconds.
 *
 * Everything is computed on epoch milliseconds and UTC+7 day numbers (see time.ts), so results do
 * not depend on the server's time zone. Deadlines are plain timestamps computed here and stored in
 * rows; nothing here keeps timers.
 */
import { resolveConfig, resolveOverrides, type CalendarConfig, type DayOverride } from './config';
import { defaultHolidays, UNNAMED_OVERRIDE_HOLIDAY, type DefaultHoliday, type HolidayEntry } from './holidays';
import {
  civilFromDayNumber,
  dateStringFromDayNumber,
  dayNumberFromDateString,
  isoWeekdayOfDayNumber,
  MS_PER_HOUR,
  vnDayNumber,
  vnDayStartMs,
} from './time';

/** Hours in one working day, fixed by the rules ("N days = N × 8 working hours") whatever the periods. */
export const WORKING_DAY_HOURS = 8;

/** How a local date is treated, after overrides. */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'override_holiday' | 'override_workday';

/** Status of one local date. `name` is the holiday's (or override's) Vietnamese name, if any. */
export interface DayInfo {
  date: string;
  working: boolean;
  kind: DayKind;
  name: string | null;
}

/** Longest run of days off we accept before deciding the configuration can never reach a working day. */
const MAX_DAYS_OFF_IN_A_ROW = 3660;

function toMs(t: Date, what: string): number {
  const ms = t instanceof Date ? t.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a valid Date`);
  return ms;
}

function assertAmount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

/** A deployment's working calendar: configuration plus the admin's per-date overrides. */
export class WorkCalendar {
  /** The effective configuration (defaults merged with what was given). */
  readonly config: CalendarConfig;
  private readonly periodsMs: Array<readonly [number, number]>;
  private readonly workdaySet: ReadonlySet<number>;
  private readonly cutoffMs: number;
  /** A snapshot: changing the caller's map afterwards does not affect this calendar. */
  private readonly overrides: Map<string, DayOverride>;
  private readonly yearCache = new Map<number, Map<number, DefaultHoliday>>();

  /**
   * @param opts.config settings over {@link DEFAULT_CALENDAR_CONFIG}
   * @param opts.overrides admin overrides keyed by 'YYYY-MM-DD' (copied)
   * @throws Error with a clear message for malformed settings or overrides
   */
  constructor(
    opts: { config?: Partial<CalendarConfig>; overrides?: Record<string, DayOverride> | Map<string, DayOverride> } = {},
  ) {
    const resolved = resolveConfig(opts.config);
    this.config = resolved.config;
    this.periodsMs = resolved.periodsMs;
    this.workdaySet = resolved.workdays;
    this.cutoffMs = resolved.cutoffMs;
    this.overrides = resolveOverrides(opts.overrides);
  }

  private defaultsOfYear(year: number): Map<number, DefaultHoliday> {
    let byDay = this.yearCache.get(year);
    if (!byDay) {
      const list = defaultHolidays(year, [...this.workdaySet], this.config.includeSep1);
      byDay = new Map(list.map((h) => [h.dayNumber, h]));
      this.yearCache.set(year, byDay);
    }
    return byDay;
  }

  private infoOf(dayNumber: number): DayInfo {
    const date = dateStringFromDayNumber(dayNumber);
    const holiday = this.defaultsOfYear(civilFromDayNumber(dayNumber).year).get(dayNumber);
    const override = this.overrides.get(date);
    if (override?.kind === 'holiday') {
      return {
        date,
        working: false,
        kind: 'override_holiday',
        name: override.name ?? holiday?.name ?? UNNAMED_OVERRIDE_HOLIDAY,
      };
    }
    if (override?.kind === 'workday')
      return { date, working: true, kind: 'override_workday', name: override.name ?? null };
    if (holiday) return { date, working: false, kind: 'holiday', name: holiday.name };
    const working = this.workdaySet.has(isoWeekdayOfDayNumber(dayNumber));
    return { date, working, kind: working ? 'workday' : 'weekend', name: null };
  }

  private isWorkingDayNumber(dayNumber: number): boolean {
    return this.infoOf(dayNumber).working;
  }

  /**
   * Days off of a solar year: statutory holidays and their compensation days, with overrides
   * applied (override holidays are listed with source 'override'; override workdays are removed).
   */
  holidays(year: number): HolidayEntry[] {
    if (!Number.isInteger(year)) throw new RangeError(`year must be an integer, got ${year}`);
    const entries = new Map<string, HolidayEntry>();
    for (const h of this.defaultsOfYear(year).values()) {
      const date = dateStringFromDayNumber(h.dayNumber);
      entries.set(date, { date, name: h.name, source: h.source });
    }
    const prefix = `${String(year).padStart(4, '0')}-`;
    for (const [date, o] of this.overrides) {
      if (!date.startsWith(prefix)) continue;
      if (o.kind === 'workday') entries.delete(date);
      else
        entries.set(date, {
          date,
          name: o.name ?? entries.get(date)?.name ?? UNNAMED_OVERRIDE_HOLIDAY,
          source: 'override',
        });
    }
    return [...entries.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /**
   * Status of a local date, overrides included.
   * @param date 'YYYY-MM-DD'
   * @throws RangeError for an invalid date
   */
  dayInfo(date: string): DayInfo {
    return this.infoOf(dayNumberFromDateString(date));
  }

  /** Whether a local date 'YYYY-MM-DD' is a working day (overrides included). */
  isWorkingDay(date: string): boolean {
    return this.dayInfo(date).working;
  }

  /**
   * Walk working periods forward from `fromMs`. `visit` gets each period's usable part
   * [startMs, endMs) and returns a result to stop, or undefined to continue.
   */
  private walk<T>(fromMs: number, visit: (startMs: number, endMs: number) => T | undefined): T {
    let day = vnDayNumber(fromMs);
    let daysOff = 0;
    for (;;) {
      if (this.isWorkingDayNumber(day)) {
        daysOff = 0;
        const base = vnDayStartMs(day);
        for (const [s, e] of this.periodsMs) {
          if (base + e <= fromMs) continue;
          const result = visit(Math.max(base + s, fromMs), base + e);
          if (result !== undefined) return result;
        }
      } else if (++daysOff > MAX_DAYS_OFF_IN_A_ROW) {
        throw new Error(`No working day within ${MAX_DAYS_OFF_IN_A_ROW} days of ${dateStringFromDayNumber(day)}`);
      }
      day++;
    }
  }

  /**
   * Earliest moment at or after `t` inside a working period: `t` itself when inside one.
   * Periods are half-open, so a moment exactly at a period's end (11:30, 17:30) moves to the next
   * period's start.
   */
  nextWorkingMoment(t: Date): Date {
    return new Date(this.walk(toMs(t, 't'), (start) => start));
  }

  /**
   * The moment when `ms` working milliseconds have elapsed counting from `t` (time outside working
   * periods does not count). A count that ends exactly at a period's end returns that end (17:30),
   * not the next period's start. `ms = 0` gives {@link nextWorkingMoment}. Fractions of a
   * millisecond are rounded.
   * @throws RangeError for a negative or non-finite amount
   */
  addWorkingMs(t: Date, ms: number): Date {
    let remaining = Math.round(assertAmount(ms, 'ms'));
    const fromMs = toMs(t, 't');
    if (remaining === 0) return this.nextWorkingMoment(t);
    return new Date(
      this.walk(fromMs, (start, end) => {
        if (remaining <= end - start) return start + remaining;
        remaining -= end - start;
        return undefined;
      }),
    );
  }

  /** Working milliseconds inside (a, b]; 0 when b <= a. */
  workingMsBetween(a: Date, b: Date): number {
    const aMs = toMs(a, 'a');
    const bMs = toMs(b, 'b');
    if (bMs <= aMs) return 0;
    let total = 0;
    for (let day = vnDayNumber(aMs); day <= vnDayNumber(bMs); day++) {
      if (!this.isWorkingDayNumber(day)) continue;
      const base = vnDayStartMs(day);
      for (const [s, e] of this.periodsMs) {
        const overlap = Math.min(base + e, bMs) - Math.max(base + s, aMs);
        if (overlap > 0) total += overlap;
      }
    }
    return total;
  }

  /**
   * Where counting starts for a receipt at `from` under the cut-off rule: a receipt later than the
   * cut-off (15:00; exactly 15:00 is not later) starts at the first period of the next working
   * day; otherwise at the next working moment (same moment if inside a period, 13:30 from the
   * lunch break, 07:30 from early morning, the next working day from a day off).
   */
  private countingStart(fromMs: number): number {
    const day = vnDayNumber(fromMs);
    const timeOfDay = fromMs - vnDayStartMs(day);
    const from = timeOfDay > this.cutoffMs ? vnDayStartMs(day + 1) : fromMs;
    return this.walk(from, (start) => start);
  }

  /**
   * Deadline of an amount of working time received at `from`.
   * - `days`: N × 8 working hours, counted from {@link countingStart} (the 15:00 rule applies).
   * - `hours`: H working hours from the next working moment (no cut-off rule).
   * @returns `start` (where counting began) and `dueAt`
   * @throws RangeError unless exactly one of days/hours is given as a finite number >= 0
   */
  deadline(from: Date, amount: { days?: number; hours?: number }): { start: Date; dueAt: Date } {
    const hasDays = amount?.days !== undefined && amount.days !== null;
    const hasHours = amount?.hours !== undefined && amount.hours !== null;
    if (hasDays === hasHours) throw new RangeError('Give exactly one of days or hours');
    const fromMs = toMs(from, 'from');
    if (hasDays) {
      const days = assertAmount(amount.days, 'days');
      const start = new Date(this.countingStart(fromMs));
      return { start, dueAt: this.addWorkingMs(start, days * WORKING_DAY_HOURS * MS_PER_HOUR) };
    }
    const hours = assertAmount(amount.hours, 'hours');
    const start = this.nextWorkingMoment(from);
    return { start, dueAt: this.addWorkingMs(start, hours * MS_PER_HOUR) };
  }
}
