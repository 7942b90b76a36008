/**
 * Statutory public holidays (Labour Code 2019, art. 112) and their weekend compensation days,
 * before any per-date override by the admin.
 */
import { lunarToSolar } from './lunar';
import { dayNumberFromCivil, dayNumberFromDateString, isoWeekdayOfDayNumber } from './time';

/** A day off in a year's calendar, as listed to people. */
export interface HolidayEntry {
  /** Local date 'YYYY-MM-DD'. */
  date: string;
  /** Vietnamese name, for people. */
  name: string;
  /** Where it comes from: the Labour Code, a weekend compensation, or an admin override. */
  source: 'statutory' | 'compensation' | 'override';
}

/** A default (pre-override) day off, keyed by day number for fast lookups. */
export interface DefaultHoliday {
  dayNumber: number;
  name: string;
  source: 'statutory' | 'compensation';
}

/** Name used when an admin marks a day off without naming it. */
export const UNNAMED_OVERRIDE_HOLIDAY = 'Ngày nghỉ (điều chỉnh)';

const TET = 'Tết Nguyên đán';
const TET_DAY_NAMES = ['mùng 1', 'mùng 2', 'mùng 3', 'mùng 4'];

/**
 * The eleven (ten without 1/9) statutory holidays of a solar year, in date order.
 * Tết is the one starting in that solar year; its eve (last day of the previous lunar year)
 * always falls in the same solar year, since Tết is never earlier than 21 January.
 */
export function statutoryHolidays(year: number, includeSep1: boolean): DefaultHoliday[] {
  const tet = dayNumberFromDateString(lunarToSolar({ day: 1, month: 1, year, leap: false }));
  const hung = dayNumberFromDateString(lunarToSolar({ day: 10, month: 3, year, leap: false }));
  const list: Array<[number, string]> = [
    [dayNumberFromCivil(year, 1, 1), 'Tết Dương lịch'],
    // "The last day of the lunar year" is 29 or 30 tháng Chạp depending on the month's length.
    [tet - 1, `${TET} (ngày cuối năm âm lịch)`],
    ...TET_DAY_NAMES.map((n, i): [number, string] => [tet + i, `${TET} (${n})`]),
    [hung, 'Giỗ Tổ Hùng Vương (10/3 âm lịch)'],
    [dayNumberFromCivil(year, 4, 30), 'Ngày Chiến thắng (30/4)'],
    [dayNumberFromCivil(year, 5, 1), 'Ngày Quốc tế Lao động (1/5)'],
  ];
  if (includeSep1) list.push([dayNumberFromCivil(year, 9, 1), 'Quốc khánh (1/9)']);
  list.push([dayNumberFromCivil(year, 9, 2), 'Quốc khánh (2/9)']);
  return list
    .map(([dayNumber, name]) => ({ dayNumber, name, source: 'statutory' as const }))
    .sort((a, b) => a.dayNumber - b.dayNumber);
}

/**
 * Statutory holidays of a year plus their compensation days, in date order.
 *
 * A holiday on a non-working weekday is compensated on the next day that is a workday and is
 * neither a holiday nor an earlier holiday's compensation day; holidays are handled in date order
 * so that, e.g., a Saturday-and-Sunday pair gets Monday then Tuesday. Overrides are deliberately
 * not consulted: the admin's overrides are applied on top of this default calendar.
 * No compensation can spill into the next year (the last holiday is 2/9).
 */
export function defaultHolidays(year: number, workdays: readonly number[], includeSep1: boolean): DefaultHoliday[] {
  const statutory = statutoryHolidays(year, includeSep1);
  const taken = new Set(statutory.map((h) => h.dayNumber));
  const isWorkday = (d: number): boolean => workdays.includes(isoWeekdayOfDayNumber(d));
  const result: DefaultHoliday[] = [...statutory];
  for (const h of statutory) {
    if (isWorkday(h.dayNumber)) continue;
    let d = h.dayNumber + 1;
    while (!isWorkday(d) || taken.has(d)) d++;
    taken.add(d);
    result.push({ dayNumber: d, name: `Nghỉ bù ${h.name}`, source: 'compensation' });
  }
  return result.sort((a, b) => a.dayNumber - b.dayNumber);
}
