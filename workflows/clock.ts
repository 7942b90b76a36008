/**
 * Clock rules of a dossier (design.md §5, §8): step and overall due times, pause and resume, the
 * extension check, on-time, overdue and due soon. One definition each, pure functions over a
 * {@link WorkCalendar} and epoch milliseconds: the transition engine, the work list, the home page,
 * the mails and the reports all ask these, so they cannot disagree.
 */
import { formatVnDate, formatVnTime, vnDate, WORKING_DAY_HOURS, type WorkCalendar } from './calendar';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Working time left that still counts as "due soon": one working day (8 working hours). */
export const DUE_SOON_MS = WORKING_DAY_HOURS * HOUR_MS;

/** The farthest an extension may move the due time: 366 days after the current one. */
export const MAX_EXTENSION_MS = 366 * DAY_MS;

/**
 * Due time of a step of `hours` working hours that starts at `startMs`: counting begins at the
 * calendar's next working moment (the same moment when inside a working period; no 15:00 rule for
 * a step).
 * @returns epoch milliseconds
 */
export function stepDueAt(cal: WorkCalendar, startMs: number, hours: number): number {
  return cal.addWorkingMs(cal.nextWorkingMoment(new Date(startMs)), hours * HOUR_MS).getTime();
}

/**
 * Working time left on a clock paused at `pausedAt` with due time `dueAt`, never counting before
 * counting began (`startAt`: a supplement requested before a late receipt started counting keeps
 * the whole amount). 0 when the clock was already past due when paused.
 */
export function workingMsLeft(cal: WorkCalendar, pausedAt: number, startAt: number, dueAt: number): number {
  const from = Math.max(pausedAt, startAt);
  return dueAt > from ? cal.workingMsBetween(new Date(from), new Date(dueAt)) : 0;
}

/** What {@link resumeClock} needs from the dossier row. Times are epoch milliseconds. */
export interface PausedClock {
  /** When the supplement was received (the clock resumes). */
  now: number;
  /** When the clock was paused; null is taken as `now` (no time spent waiting). */
  pausedAt: number | null;
  /** Where counting of the overall due time began. */
  startAt: number;
  /** The overall due time before resuming. */
  dueAt: number;
  /** When the paused step started; null falls back to `startAt`. */
  stepStartedAt: number | null;
  /** The paused step's due time; null gives the step its full `stepHours`. */
  stepDueAt: number | null;
  /** Working hours of the step the dossier goes back to. */
  stepHours: number;
}

/** Clock after a supplement is received. Times are epoch milliseconds. */
export interface ResumedClock {
  /** Where the step starts again: the next working moment at or after `now`. */
  stepStart: number;
  /** Working milliseconds the step had left when paused. */
  stepLeftMs: number;
  /** The step's new due time: `stepLeftMs` working time after `stepStart`. */
  stepDueAt: number;
  /** The overall due time, moved later by the working time spent waiting (unchanged if already past due when paused). */
  dueAt: number;
}

/**
 * Resume a clock paused for a supplement (SUPPLEMENT_RECEIVED). The step gets back the working time
 * it had left when paused; the overall due time moves later by the working time spent waiting,
 * unless it was already past due when paused (then it stays). It never moves earlier.
 */
export function resumeClock(cal: WorkCalendar, c: PausedClock): ResumedClock {
  const paused = c.pausedAt ?? c.now;
  const stepStart = cal.nextWorkingMoment(new Date(c.now)).getTime();
  const stepLeftMs =
    c.stepDueAt == null ? c.stepHours * HOUR_MS : workingMsLeft(cal, paused, c.stepStartedAt ?? c.startAt, c.stepDueAt);
  // The overall clock never restarts before counting began: a supplement asked and received before
  // a late receipt's counting start (after 15:00) leaves the due time where it was.
  const dueAt =
    c.dueAt > paused
      ? cal
          .addWorkingMs(new Date(Math.max(stepStart, c.startAt)), workingMsLeft(cal, paused, c.startAt, c.dueAt))
          .getTime()
      : c.dueAt;
  return { stepStart, stepLeftMs, stepDueAt: stepDueAt(cal, stepStart, stepLeftMs / HOUR_MS), dueAt };
}

/** Why a new due time is refused: the field and a Vietnamese sentence, plus a short text for the field. */
export interface ClockProblem {
  field: 'dueAt';
  message: string;
  fieldMessage: string;
}

/**
 * Whether `t` lies inside the working hours of a working day. Periods count with both ends: a
 * moment exactly at the end of a period (11:30, 17:30) is inside, as a deadline may end there.
 */
export function isInWorkingHours(cal: WorkCalendar, t: number): boolean {
  if (!Number.isFinite(t)) return false;
  return cal.nextWorkingMoment(new Date(t)).getTime() === t || cal.workingMsBetween(new Date(t - 1), new Date(t)) > 0;
}

/**
 * Check an extension (EXTEND): the new due time must be later than the current one, at most
 * {@link MAX_EXTENSION_MS} after it, and inside the working hours of a working day.
 * @returns null when acceptable, otherwise the problem to report (422)
 */
export function checkExtension(cal: WorkCalendar, e: { currentDueAt: number; newDueAt: number }): ClockProblem | null {
  const { currentDueAt, newDueAt } = e;
  if (!(newDueAt > currentDueAt)) {
    return {
      field: 'dueAt',
      message: 'Ngày hẹn trả mới phải sau ngày hẹn hiện tại.',
      fieldMessage: 'Phải sau ngày hẹn hiện tại',
    };
  }
  // An apology names a realistic new date: at most one year after the current one.
  if (newDueAt > currentDueAt + MAX_EXTENSION_MS) {
    return {
      field: 'dueAt',
      message: 'Ngày hẹn trả mới không được quá một năm sau ngày hẹn hiện tại.',
      fieldMessage: 'Quá xa so với ngày hẹn hiện tại',
    };
  }
  if (!isInWorkingHours(cal, newDueAt)) {
    const when = new Date(newDueAt);
    const hours = cal.config.periods.map((p) => `${p.start}–${p.end}`).join(', ');
    const dayOff = !cal.isWorkingDay(vnDate(when));
    return {
      field: 'dueAt',
      message: dayOff
        ? `Ngày ${formatVnDate(when)} là ngày nghỉ: ngày hẹn trả mới phải là một ngày làm việc.`
        : `${formatVnTime(when)} ngày ${formatVnDate(when)} ngoài giờ làm việc (${hours}): ngày hẹn trả mới phải trong giờ làm việc.`,
      fieldMessage: dayOff ? 'Rơi vào ngày nghỉ' : `Ngoài giờ làm việc (${hours})`,
    };
  }
  return null;
}

/**
 * On time (design.md §5): resolved no later than the due time, and not marked late (a second
 * supplement request marks a dossier late). Also judges a step left before its due time
 * (`lateMarked` false).
 */
export function isOnTime(r: { resolvedAt: number; dueAt: number; lateMarked?: boolean | null }): boolean {
  return r.resolvedAt <= r.dueAt && !r.lateMarked;
}

/** How close a due time is: past it, within one working day of it, or neither. */
export type DeadlineState = 'overdue' | 'due_soon' | null;

/**
 * The one definition of overdue and due soon for a running clock: overdue when `now` is later than
 * the due time (exactly at it is not overdue); due soon when at most {@link DUE_SOON_MS} of working
 * time is left. A past due time is always overdue, never due soon.
 * @param dueAt epoch milliseconds, or null/undefined for no due time (gives null)
 */
export function deadlineState(now: number, dueAt: number | null | undefined, cal: WorkCalendar): DeadlineState {
  if (dueAt == null || !Number.isFinite(dueAt)) return null;
  if (now > dueAt) return 'overdue';
  return cal.workingMsBetween(new Date(now), new Date(dueAt)) <= DUE_SOON_MS ? 'due_soon' : null;
}

/** The clock fields of a dossier row, as epoch milliseconds. */
export interface DossierClock {
  /** Public status: processing, waiting_supplement, result_ready, returned, refused, withdrawn. */
  status: string;
  receivedAt: number;
  dueAt: number;
  /** When the clock was paused for a supplement; null while it runs. */
  pausedAt: number | null;
  /** When it reached result_ready or refused (kept when withdrawn afterwards). */
  resolvedAt: number | null;
  /** When it reached a final state. */
  completedAt: number | null;
}

/**
 * In progress at the instant `at` (design.md §8): received, and neither resolved nor withdrawn yet
 * (a dossier is in progress over [receivedAt, resolvedAt)), whatever step or supplement wait it is in.
 * Reports judge "by the end of `to`" at the last millisecond before the period's end.
 */
export function isInProgressAt(d: DossierClock, at: number): boolean {
  return (
    d.receivedAt <= at &&
    (d.resolvedAt == null || at < d.resolvedAt) &&
    (d.status !== 'withdrawn' || (d.completedAt != null && at < d.completedAt))
  );
}

/**
 * Overdue at the instant `at` (design.md §8; for a page, `at` = now): in progress then and past the
 * overall due time (exactly at it is not past). A clock paused for a supplement at or before `at` is
 * overdue only when it was paused after its due time (the wait does not count, and the due time
 * moves later on resume). The reports' SQL and the list's `overdue=1` filter state the same rule;
 * tests hold them to it.
 */
export function isOverdue(d: DossierClock, at: number): boolean {
  if (!isInProgressAt(d, at)) return false;
  if (d.pausedAt != null && d.pausedAt <= at) return d.pausedAt > d.dueAt;
  return at > d.dueAt;
}

/** What makes a dossier urgent: which clock, its due time, and how urgent. */
export interface Urgency {
  state: 'overdue' | 'due_soon';
  /** 'step': the current step's due time; 'dossier': the overall due time. */
  of: 'step' | 'dossier';
  dueAt: number;
}

/**
 * Urgency of a dossier for the work list, the home page and the digest mail: overdue when the dossier
 * is overdue ({@link isOverdue}) or, while processing, its step is past due; otherwise due soon when
 * either running clock is due soon ({@link deadlineState}), naming the earlier of the two. A paused
 * or resolved dossier is never due soon.
 */
export function dossierUrgency(
  cal: WorkCalendar,
  d: DossierClock & { stepDueAt: number | null },
  now: number,
): Urgency | null {
  if (isOverdue(d, now)) return { state: 'overdue', of: 'dossier', dueAt: d.dueAt };
  if (d.status !== 'processing') return null;
  const step = deadlineState(now, d.stepDueAt, cal);
  if (step === 'overdue') return { state: 'overdue', of: 'step', dueAt: d.stepDueAt! };
  const overall = deadlineState(now, d.dueAt, cal);
  if (step === 'due_soon' && !(overall === 'due_soon' && d.dueAt < d.stepDueAt!))
    return { state: 'due_soon', of: 'step', dueAt: d.stepDueAt! };
  return overall === 'due_soon' ? { state: 'due_soon', of: 'dossier', dueAt: d.dueAt } : null;
}
