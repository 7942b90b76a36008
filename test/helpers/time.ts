import { vnDate, WorkCalendar } from '../../workflows/calendar';

/**
 * `HH:MM` (Vietnam time) on the first working day at least `days` days after `from`, by the default
 * calendar: a valid new appointment for EXTEND whatever day the test runs on.
 */
export function workingDayAfter(from: number, days: number, time = '10:00'): string {
  const cal = new WorkCalendar();
  let day = vnDate(new Date(from + days * 86_400_000));
  while (!cal.isWorkingDay(day)) day = vnDate(new Date(Date.parse(`${day}T12:00:00+07:00`) + 86_400_000));
  return `${day}T${time}:00+07:00`;
}

/** The first Saturday at least `days` days after `from`, at `time` Vietnam time. */
export function saturdayAfter(from: number, days: number, time = '10:00'): string {
  let t = from + days * 86_400_000;
  while (new Date(Date.parse(`${vnDate(new Date(t))}T12:00:00+07:00`)).getUTCDay() !== 6) t += 86_400_000;
  return `${vnDate(new Date(t))}T${time}:00+07:00`;
}
