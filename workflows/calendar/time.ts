/**
 * Vietnam local time (UTC+7, no daylight saving since 1975) without depending on the process TZ.
 *
 * Every local-date computation shifts the instant by +7 h and reads UTC fields, or works on
 * integer "day numbers" (days since 1970-01-01), so the result is the same on a server set to
 * UTC, Asia/Ho_Chi_Minh or anything else. Local getters (`getHours`, `getDate`…) are never used.
 */

/** Offset of Vietnam time from UTC, in minutes (UTC+7 all year). */
export const VN_TZ_OFFSET_MINUTES = 420;

/** Offset of Vietnam time from UTC, in milliseconds. */
export const VN_OFFSET_MS = VN_TZ_OFFSET_MINUTES * 60_000;
/** Milliseconds in one calendar day (no DST, so every local day has exactly this many). */
export const MS_PER_DAY = 86_400_000;
/** Milliseconds in one hour. */
export const MS_PER_HOUR = 3_600_000;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in a Gregorian month (month 1–12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Day number (days since 1970-01-01) of a proleptic Gregorian date.
 * Integer arithmetic (H. Hinnant's days_from_civil) so that years below 100 are not remapped
 * to 19xx the way `Date.UTC` does.
 */
export function dayNumberFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of {@link dayNumberFromCivil}. */
export function civilFromDayNumber(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Parse 'YYYY-MM-DD' strictly (a real calendar date, years 0001–9999).
 * @returns true when the string is a valid date in that exact format
 */
export function isValidDateString(s: string): boolean {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Day number of a 'YYYY-MM-DD' string.
 * @throws RangeError when the string is not a valid date
 */
export function dayNumberFromDateString(s: string): number {
  if (!isValidDateString(s)) throw new RangeError(`Invalid date (expected YYYY-MM-DD): ${String(s)}`);
  return dayNumberFromCivil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10)));
}

/** 'YYYY-MM-DD' of a day number. */
export function dateStringFromDayNumber(dayNumber: number): string {
  const { year, month, day } = civilFromDayNumber(dayNumber);
  return `${pad4(year)}-${pad2(month)}-${pad2(day)}`;
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekdayOfDayNumber(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

/** Vietnam-local day number of an instant given in epoch milliseconds. */
export function vnDayNumber(ms: number): number {
  return Math.floor((ms + VN_OFFSET_MS) / MS_PER_DAY);
}

/** Epoch milliseconds of local midnight (00:00 UTC+7) starting a day number. */
export function vnDayStartMs(dayNumber: number): number {
  return dayNumber * MS_PER_DAY - VN_OFFSET_MS;
}

/**
 * Minutes since midnight of an 'HH:mm' string (00:00–23:59), or null when malformed.
 */
export function parseHhMm(s: unknown): number | null {
  if (typeof s !== 'string') return null;
  const m = HH_MM_RE.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function assertValidDate(d: Date): number {
  const ms = d instanceof Date ? d.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new RangeError('Invalid Date');
  return ms;
}

/** The instant shifted so that its UTC fields read as Vietnam wall-clock fields. */
function shifted(d: Date): Date {
  return new Date(assertValidDate(d) + VN_OFFSET_MS);
}

/**
 * ISO 8601 in Vietnam time with an explicit offset and whole seconds,
 * e.g. '2027-05-06T10:00:00+07:00' (milliseconds are dropped, not rounded).
 */
export function toVnIso(d: Date): string {
  const s = shifted(d);
  return (
    `${pad4(s.getUTCFullYear())}-${pad2(s.getUTCMonth() + 1)}-${pad2(s.getUTCDate())}` +
    `T${pad2(s.getUTCHours())}:${pad2(s.getUTCMinutes())}:${pad2(s.getUTCSeconds())}+07:00`
  );
}

/** Local (UTC+7) calendar date 'YYYY-MM-DD' of an instant. */
export function vnDate(d: Date): string {
  return dateStringFromDayNumber(vnDayNumber(assertValidDate(d)));
}

/**
 * The instant of local midnight (00:00 UTC+7) that starts a local date.
 * @throws RangeError when `date` is not a valid 'YYYY-MM-DD'
 */
export function vnStartOfDay(date: string): Date {
  return new Date(vnDayStartMs(dayNumberFromDateString(date)));
}

/** 'dd/mm/yyyy' in Vietnam time, the form people write dates in. */
export function formatVnDate(d: Date): string {
  const s = shifted(d);
  return `${pad2(s.getUTCDate())}/${pad2(s.getUTCMonth() + 1)}/${pad4(s.getUTCFullYear())}`;
}

/** 'HH:mm' (24-hour) in Vietnam time. */
export function formatVnTime(d: Date): string {
  const s = shifted(d);
  return `${pad2(s.getUTCHours())}:${pad2(s.getUTCMinutes())}`;
}

/** 'dd/mm/yyyy HH:mm' in Vietnam time. */
export function formatVnDateTime(d: Date): string {
  return `${formatVnDate(d)} ${formatVnTime(d)}`;
}
