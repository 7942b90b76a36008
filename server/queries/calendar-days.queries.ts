import type { Knex } from 'knex';
import type { DayOverride } from '../../workflows/calendar';
import { num, numOrNull } from './normalise';

type Q = Knex | Knex.Transaction;

export type DayKind = DayOverride['kind'];

/** An admin's override of one local date: an extra day off, or a make-up working day. */
export interface CalendarDayRow {
  date: string;
  kind: DayKind;
  name: string | null;
  updated_at: number;
}

export function toCalendarDayRow(raw: Record<string, unknown>): CalendarDayRow {
  return {
    date: String(raw.date),
    kind: raw.kind as DayKind,
    name: (raw.name as string | null) ?? null,
    updated_at: num(raw.updated_at),
  };
}

/** How many overrides and the latest change: a cheap fingerprint to tell whether a cache is stale. */
export async function calendarDaysStamp(db: Q): Promise<{ count: number; lastUpdatedAt: number | null }> {
  const row = (await db('calendar_days').first(db.raw('count(*) as n, max(updated_at) as m'))) as {
    n: unknown;
    m: unknown;
  };
  return { count: num(row.n), lastUpdatedAt: numOrNull(row.m) };
}

/** Overrides by date, all of them or those of one year. */
export async function listCalendarDays(db: Q, year?: number): Promise<CalendarDayRow[]> {
  const q = db('calendar_days').orderBy('date');
  if (year) q.where('date', 'like', `${year}-%`);
  return (await q).map(toCalendarDayRow);
}

export async function upsertCalendarDay(db: Q, row: CalendarDayRow): Promise<void> {
  await db('calendar_days').insert(row).onConflict('date').merge(['kind', 'name', 'updated_at']);
}

/** Remove the override of one date; false when there was none. */
export async function deleteCalendarDay(db: Q, date: string): Promise<boolean> {
  return (await db('calendar_days').where({ date }).delete()) > 0;
}
