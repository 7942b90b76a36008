import type { Db } from '../db';
import type { Config } from '../config';
import {
  calendarDaysStamp,
  deleteCalendarDay,
  listCalendarDays,
  upsertCalendarDay,
} from '../queries/calendar-days.queries';
import { DayOverride, WorkCalendar } from '../../workflows/calendar';

type CalendarSettings = Pick<Config, 'workPeriods' | 'WORK_CUTOFF' | 'HOLIDAY_SEP1'>;

interface Cached {
  stamp: string;
  calendar: WorkCalendar;
  checkedAt: number;
}
const cache = new WeakMap<Db, Cached>();
/** Overrides change a few times a year: another process's edit is seen within this many ms. */
const RECHECK_MS = 2000;

/**
 * The working calendar with the admin's per-date overrides. Rebuilt only when the overrides change
 * (checked with one cheap aggregate query), so every process sees an edit at its next request.
 */
export async function getCalendar(db: Db, settings: CalendarSettings): Promise<WorkCalendar> {
  const fresh = cache.get(db);
  if (fresh && Date.now() - fresh.checkedAt < RECHECK_MS) return fresh.calendar;
  const agg = await calendarDaysStamp(db);
  const stamp = `${agg.count}:${agg.lastUpdatedAt}:${settings.workPeriods.map((p) => p.start + p.end).join()}`;
  const hit = cache.get(db);
  if (hit && hit.stamp === stamp) {
    hit.checkedAt = Date.now();
    return hit.calendar;
  }
  const rows = await listCalendarDays(db);
  const overrides: Record<string, DayOverride> = {};
  for (const r of rows) overrides[r.date] = { kind: r.kind, name: r.name };
  const calendar = new WorkCalendar({
    config: { periods: settings.workPeriods, cutoff: settings.WORK_CUTOFF, includeSep1: settings.HOLIDAY_SEP1 },
    overrides,
  });
  cache.set(db, { stamp, calendar, checkedAt: Date.now() });
  return calendar;
}

/** Record an override for one local date (an extra day off, or a make-up working day). */
export async function setOverride(db: Db, date: string, kind: DayOverride['kind'], name: string | null): Promise<void> {
  await upsertCalendarDay(db, { date, kind, name, updated_at: Date.now() });
  cache.delete(db);
}

export async function deleteOverride(db: Db, date: string): Promise<boolean> {
  const removed = await deleteCalendarDay(db, date);
  cache.delete(db);
  return removed;
}

/** The overrides of a year (or all), by date, as the API and the admin page show them. */
export async function listOverrides(
  db: Db,
  year?: number,
): Promise<Array<{ date: string; kind: DayOverride['kind']; name: string | null }>> {
  return (await listCalendarDays(db, year)).map(({ date, kind, name }) => ({ date, kind, name }));
}
