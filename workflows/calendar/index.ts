/**
 * Working-time calendar of Một Cửa: Vietnam time (UTC+7) helpers, the Vietnamese lunar calendar,
 * statutory holidays and deadline arithmetic. Pure functions and classes, no I/O.
 */
export {
  VN_TZ_OFFSET_MINUTES,
  toVnIso,
  vnDate,
  vnStartOfDay,
  isValidDateString,
  formatVnDate,
  formatVnTime,
  formatVnDateTime,
} from './time';
export { solarToLunar, lunarToSolar, lunarLeapMonth, type LunarDate } from './lunar';
export { DEFAULT_CALENDAR_CONFIG, type CalendarConfig, type DayOverride } from './config';
export { type HolidayEntry } from './holidays';
export { WorkCalendar, WORKING_DAY_HOURS, type DayInfo, type DayKind } from './work-calendar';
