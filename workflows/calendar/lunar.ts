/**
 * The Vietnamese lunisolar calendar (âm lịch), computed with Hồ Ngọc Đức's algorithm
 * (https://www.informatik.uni-leipzig.de/~duc/amlich/) for time zone UTC+7.
 *
 * Why computed rather than borrowed from a Chinese-calendar library: the Vietnamese calendar uses
 * new moons and solar terms as seen at UTC+7, not UTC+8, so it differs from the Chinese one in
 * some years (Tết 1985 fell a month earlier; Tết 2007 a day earlier). Holidays must follow the
 * Vietnamese one.
 *
 * Structure: for each "solstice year" y we compute once, and cache, the months from lunar month 11
 * of year y (the month containing the December solstice) up to the next month 11. Both
 * conversions are lookups in those tables.
 */
import { civilFromDayNumber, dateStringFromDayNumber, dayNumberFromCivil, dayNumberFromDateString } from './time';

/** A date in the Vietnamese lunar calendar; `leap` marks a day of the intercalary month (tháng nhuận). */
export interface LunarDate {
  day: number;
  month: number;
  year: number;
  leap: boolean;
}

const TIME_ZONE = 7;
/** Julian day number of 1970-01-01 (our day numbers count from there). */
const JD_UNIX_EPOCH = 2440588;
/** Solar years for which conversions are accepted; results are checked in tests for 1900–2100. */
export const LUNAR_MIN_YEAR = 1800;
export const LUNAR_MAX_YEAR = 2199;
const SYNODIC_MONTH = 29.530588853;
const NEW_MOON_EPOCH = 2415021.076998695;

/** Julian day (fractional) of the k-th new moon after 1900-01-01 13:51 UT (Meeus, accuracy ~2 min). */
function newMoon(k: number): number {
  const T = k / 1236.85;
  const T2 = T * T;
  const T3 = T2 * T;
  const dr = Math.PI / 180;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * T2 - 0.000000155 * T3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
  const M = 359.2242 + 29.10535608 * k - 0.0000333 * T2 - 0.00000347 * T3; // Sun's mean anomaly
  const Mpr = 306.0253 + 385.81691806 * k + 0.0107306 * T2 + 0.00001236 * T3; // Moon's mean anomaly
  const F = 21.2964 + 390.67050646 * k - 0.0016528 * T2 - 0.00000239 * T3; // Moon's argument of latitude
  let c1 = (0.1734 - 0.000393 * T) * Math.sin(M * dr) + 0.0021 * Math.sin(2 * dr * M);
  c1 = c1 - 0.4068 * Math.sin(Mpr * dr) + 0.0161 * Math.sin(dr * 2 * Mpr);
  c1 = c1 - 0.0004 * Math.sin(dr * 3 * Mpr);
  c1 = c1 + 0.0104 * Math.sin(dr * 2 * F) - 0.0051 * Math.sin(dr * (M + Mpr));
  c1 = c1 - 0.0074 * Math.sin(dr * (M - Mpr)) + 0.0004 * Math.sin(dr * (2 * F + M));
  c1 = c1 - 0.0004 * Math.sin(dr * (2 * F - M)) - 0.0006 * Math.sin(dr * (2 * F + Mpr));
  c1 = c1 + 0.001 * Math.sin(dr * (2 * F - Mpr)) + 0.0005 * Math.sin(dr * (2 * Mpr + M));
  const deltaT =
    T < -11
      ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
      : -0.000278 + 0.000265 * T + 0.000262 * T2;
  return jd1 + c1 - deltaT;
}

/** Sun's apparent longitude in radians, normalised to [0, 2π), at Julian day `jdn` (UT). */
function sunLongitude(jdn: number): number {
  const T = (jdn - 2451545.0) / 36525;
  const T2 = T * T;
  const dr = Math.PI / 180;
  const M = 357.5291 + 35999.0503 * T - 0.0001559 * T2 - 0.00000048 * T * T2; // mean anomaly
  const L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2; // mean longitude
  let dl = (1.9146 - 0.004817 * T - 0.000014 * T2) * Math.sin(dr * M);
  dl += (0.019993 - 0.000101 * T) * Math.sin(dr * 2 * M) + 0.00029 * Math.sin(dr * 3 * M);
  const l = (L0 + dl) * dr;
  return l - Math.PI * 2 * Math.floor(l / (Math.PI * 2));
}

/** Index 0–11 of the 30° sector the sun is in at local midnight starting Julian day number `jdn`. */
function sunSector(jdn: number): number {
  return Math.floor((sunLongitude(jdn - 0.5 - TIME_ZONE / 24) / Math.PI) * 6);
}

/** Julian day number of the local (UTC+7) day on which the k-th new moon falls. */
function newMoonDay(k: number): number {
  return Math.floor(newMoon(k) + 0.5 + TIME_ZONE / 24);
}

/** Julian day number on which lunar month 11 (the one containing the December solstice) of year y starts. */
function lunarMonth11(y: number): number {
  const off = dayNumberFromCivil(y, 12, 31) + JD_UNIX_EPOCH - 2415021;
  const k = Math.floor(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  // If the sun has already passed 270° at that new moon, the solstice lies in the previous month.
  return sunSector(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

interface LunarMonth {
  /** Julian day number of day 1. */
  start: number;
  month: number;
  leap: boolean;
  year: number;
}

interface SolsticeYear {
  months: LunarMonth[];
  /** Julian day number of the next month 11 (exclusive end). */
  end: number;
}

const cache = new Map<number, SolsticeYear>();

/** Months from month 11 of year y to (excluding) month 11 of year y+1, cached. */
function solsticeYear(y: number): SolsticeYear {
  const hit = cache.get(y);
  if (hit) return hit;
  const a11 = lunarMonth11(y);
  const b11 = lunarMonth11(y + 1);
  const k = Math.floor((a11 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5);
  const count = b11 - a11 > 365 ? 13 : 12;
  // In a 13-month year the leap month is the first one with no major solar term (trung khí):
  // the sun stays in the same 30° sector from its start to the start of the next month.
  let leapIndex = -1;
  if (count === 13) {
    for (let i = 1; i < 13; i++) {
      if (sunSector(newMoonDay(k + i)) === sunSector(newMoonDay(k + i + 1))) {
        leapIndex = i;
        break;
      }
    }
  }
  const months: LunarMonth[] = [];
  for (let i = 0; i < count; i++) {
    const afterLeap = leapIndex >= 0 && i >= leapIndex;
    const month = ((i + (afterLeap ? 9 : 10)) % 12) + 1; // index 0 is month 11
    // Months 11 and 12 at the start still belong to lunar year y; the rest to y+1.
    months.push({
      start: i === 0 ? a11 : newMoonDay(k + i),
      month,
      leap: i === leapIndex,
      year: month >= 11 && i < 4 ? y : y + 1,
    });
  }
  const table = { months, end: b11 };
  cache.set(y, table);
  return table;
}

/** @param min lowest accepted year (lunar year 1799 still covers early January 1800) */
function assertYear(year: number, min = LUNAR_MIN_YEAR): void {
  if (!Number.isInteger(year) || year < min || year > LUNAR_MAX_YEAR) {
    throw new RangeError(`Lunar calendar supports years ${LUNAR_MIN_YEAR}–${LUNAR_MAX_YEAR}, got ${year}`);
  }
}

/**
 * Convert a solar (Gregorian) date to the Vietnamese lunar date.
 * @param date 'YYYY-MM-DD'
 * @throws RangeError for an invalid date or a year outside 1800–2199
 */
export function solarToLunar(date: string): LunarDate {
  const dayNumber = dayNumberFromDateString(date);
  const year = civilFromDayNumber(dayNumber).year;
  assertYear(year);
  const jd = dayNumber + JD_UNIX_EPOCH;
  let table = solsticeYear(year);
  if (jd < table.months[0].start) table = solsticeYear(year - 1);
  let i = table.months.length - 1;
  while (table.months[i].start > jd) i--;
  const m = table.months[i];
  return { day: jd - m.start + 1, month: m.month, year: m.year, leap: m.leap };
}

/**
 * Convert a Vietnamese lunar date to the solar date 'YYYY-MM-DD'.
 * @throws RangeError when the date does not exist (no such leap month that year, or day 30 of a
 *   29-day month) or the year is outside 1800–2199
 */
export function lunarToSolar(l: LunarDate): string {
  const { day, month, year, leap } = l;
  assertYear(year, LUNAR_MIN_YEAR - 1);
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(day) || day < 1 || day > 30) {
    throw new RangeError(`Invalid lunar date ${day}/${month}/${year}`);
  }
  const table = solsticeYear(month >= 11 ? year : year - 1);
  const i = table.months.findIndex((m) => m.month === month && m.leap === Boolean(leap) && m.year === year);
  if (i < 0) throw new RangeError(`Lunar year ${year} has no leap month ${month}`);
  const start = table.months[i].start;
  const next = i + 1 < table.months.length ? table.months[i + 1].start : table.end;
  if (day > next - start)
    throw new RangeError(`Lunar month ${month}${leap ? ' (leap)' : ''} of ${year} has ${next - start} days`);
  return dateStringFromDayNumber(start + day - 1 - JD_UNIX_EPOCH);
}

/**
 * The lunar leap month (tháng nhuận) of a lunar year, or null when the year has none.
 * @param year lunar year (the one starting at its Tết)
 */
export function lunarLeapMonth(year: number): number | null {
  assertYear(year, LUNAR_MIN_YEAR - 1);
  const found = [...solsticeYear(year - 1).months, ...solsticeYear(year).months].find((m) => m.leap && m.year === year);
  return found ? found.month : null;
}
