import { WorkCalendar } from '../../../workflows/calendar';
import {
  checkExtension,
  deadlineState,
  dossierUrgency,
  isInProgressAt,
  isInWorkingHours,
  isOnTime,
  isOverdue,
  resumeClock,
  stepDueAt,
  workingMsLeft,
  type DossierClock,
} from '../../../workflows/clock';

/** Epoch ms of a Vietnam wall-clock time 'YYYY-MM-DD HH:mm'. */
const vn = (s: string): number => Date.parse(`${s.replace(' ', 'T')}:00+07:00`);
const H = 3_600_000;
const DAY = 86_400_000;

// 2027-06-07 is a Monday; June 2027 has no statutory holiday.
const cal = new WorkCalendar();
// The admin made Wednesday 2027-06-09 a day off and Saturday 2027-06-12 a working day.
const withOverrides = new WorkCalendar({
  overrides: { '2027-06-09': { kind: 'holiday', name: 'Nghỉ bù' }, '2027-06-12': { kind: 'workday' } },
});

describe('stepDueAt', () => {
  it('counts the step hours in working time from the start', () => {
    expect(stepDueAt(cal, vn('2027-06-07 08:00'), 8)).toBe(vn('2027-06-08 08:00'));
    expect(stepDueAt(cal, vn('2027-06-07 10:30'), 2)).toBe(vn('2027-06-07 14:30'));
  });

  it('starts counting at the next working moment, without the 15:00 rule', () => {
    expect(stepDueAt(cal, vn('2027-06-07 16:00'), 1)).toBe(vn('2027-06-07 17:00'));
    expect(stepDueAt(cal, vn('2027-06-07 12:00'), 1)).toBe(vn('2027-06-07 14:30'));
    expect(stepDueAt(cal, vn('2027-06-05 09:00'), 1)).toBe(vn('2027-06-07 08:30')); // Saturday
  });

  it('ends exactly at the end of a period rather than the next start', () => {
    expect(stepDueAt(cal, vn('2027-06-07 13:30'), 4)).toBe(vn('2027-06-07 17:30'));
  });

  it('skips holidays and counts working Saturdays from overrides', () => {
    expect(stepDueAt(withOverrides, vn('2027-06-08 09:00'), 8)).toBe(vn('2027-06-10 09:00'));
    expect(stepDueAt(withOverrides, vn('2027-06-11 09:00'), 8)).toBe(vn('2027-06-12 09:00'));
  });
});

describe('resumeClock (SUPPLEMENT_RECEIVED)', () => {
  const base = {
    startAt: vn('2027-06-07 08:00'),
    dueAt: vn('2027-06-10 08:00'), // 3 days
    stepStartedAt: vn('2027-06-07 08:00'),
    stepDueAt: vn('2027-06-08 08:00'), // 8 h step
    stepHours: 8,
  };

  it('gives the step the working time it had left and moves the overall due time by the wait', () => {
    // Paused Monday 10:00 (6 h of the step left), resumed Wednesday 10:00: two working days waited.
    const r = resumeClock(cal, { ...base, pausedAt: vn('2027-06-07 10:00'), now: vn('2027-06-09 10:00') });
    expect(r.stepStart).toBe(vn('2027-06-09 10:00'));
    expect(r.stepLeftMs).toBe(6 * H);
    expect(r.stepDueAt).toBe(vn('2027-06-10 08:00'));
    expect(r.dueAt).toBe(vn('2027-06-14 08:00')); // 22 h left from Wed 10:00 → Mon 08:00 (weekend skipped)
  });

  it('resumes at the next working moment when received outside working hours', () => {
    const r = resumeClock(cal, { ...base, pausedAt: vn('2027-06-07 10:00'), now: vn('2027-06-07 19:00') });
    expect(r.stepStart).toBe(vn('2027-06-08 07:30'));
    expect(r.stepDueAt).toBe(vn('2027-06-08 15:30'));
    expect(r.dueAt).toBe(vn('2027-06-10 15:30'));
  });

  it('keeps an overall due time that was already past when paused, and gives a late step nothing', () => {
    const r = resumeClock(cal, {
      ...base,
      dueAt: vn('2027-06-07 09:00'),
      stepDueAt: vn('2027-06-07 09:00'),
      pausedAt: vn('2027-06-07 10:00'),
      now: vn('2027-06-08 10:00'),
    });
    expect(r.dueAt).toBe(vn('2027-06-07 09:00'));
    expect(r.stepLeftMs).toBe(0);
    expect(r.stepDueAt).toBe(vn('2027-06-08 10:00'));
  });

  it('gives a step without a due time its full hours, and never counts before counting began', () => {
    // Received after 15:00: counting began the next morning; the supplement was asked before that.
    const r = resumeClock(cal, {
      startAt: vn('2027-06-08 07:30'),
      dueAt: vn('2027-06-09 07:30'),
      stepStartedAt: null,
      stepDueAt: null,
      stepHours: 4,
      pausedAt: vn('2027-06-07 16:00'),
      now: vn('2027-06-08 13:30'),
    });
    expect(r.stepLeftMs).toBe(4 * H);
    expect(r.stepDueAt).toBe(vn('2027-06-08 17:30'));
    expect(r.dueAt).toBe(vn('2027-06-09 11:30')); // the whole 8 h from Tuesday 13:30
  });

  it('leaves the due time alone when asked and received before a late receipt began counting', () => {
    // Received Monday 15:29 (after the cut-off): counting begins Tuesday 07:30. The supplement is asked
    // and received the same afternoon, so no counted time was spent waiting.
    const late = { startAt: vn('2027-06-08 07:30'), dueAt: vn('2027-06-09 17:30'), stepStartedAt: null, stepHours: 8 };
    const r = resumeClock(cal, {
      ...late,
      stepDueAt: vn('2027-06-08 15:29'),
      pausedAt: vn('2027-06-07 15:30'),
      now: vn('2027-06-07 15:31'),
    });
    expect(r.dueAt).toBe(late.dueAt);
    // Received Tuesday 15:30 instead: the 6 working hours waited since counting began move it later.
    const later = resumeClock(cal, {
      ...late,
      stepDueAt: null,
      pausedAt: vn('2027-06-07 15:30'),
      now: vn('2027-06-08 15:30'),
    });
    expect(later.dueAt).toBe(vn('2027-06-10 15:30'));
  });

  it('never moves the overall due time earlier, whenever the pause and the receipt fall', () => {
    let seed = 17;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let i = 0; i < 2_000; i++) {
      const received = vn('2027-06-07 00:00') + rand(7 * 96) * 15 * 60_000;
      const { start, dueAt } = cal.deadline(new Date(received), { days: 1 + rand(5) });
      const pausedAt = received + rand(5 * 96) * 15 * 60_000;
      const now = pausedAt + rand(5 * 96) * 15 * 60_000;
      const r = resumeClock(cal, {
        startAt: start.getTime(),
        dueAt: dueAt.getTime(),
        stepStartedAt: null,
        stepDueAt: null,
        stepHours: 8,
        pausedAt,
        now,
      });
      if (dueAt.getTime() > pausedAt) expect(r.dueAt).toBeGreaterThanOrEqual(dueAt.getTime());
    }
  });

  it('takes a missing pause time as no wait at all', () => {
    const now = vn('2027-06-07 10:00');
    const r = resumeClock(cal, { ...base, pausedAt: null, now });
    expect(r.dueAt).toBe(base.dueAt);
    expect(r.stepDueAt).toBe(base.stepDueAt);
  });

  it('does not count a holiday spent waiting', () => {
    const r = resumeClock(withOverrides, { ...base, pausedAt: vn('2027-06-08 17:30'), now: vn('2027-06-10 07:30') });
    // Paused Tuesday 17:30, resumed Thursday 07:30: with Wednesday off, no working time was spent waiting.
    expect(workingMsLeft(withOverrides, vn('2027-06-08 17:30'), base.startAt, base.dueAt)).toBe(H / 2);
    expect(r.dueAt).toBe(base.dueAt);
    const plain = resumeClock(cal, { ...base, pausedAt: vn('2027-06-08 17:30'), now: vn('2027-06-10 07:30') });
    expect(plain.dueAt).toBe(vn('2027-06-11 08:00'));
  });
});

describe('checkExtension (EXTEND)', () => {
  const currentDueAt = vn('2027-06-07 10:00');

  it('accepts a later moment inside the working hours of a working day', () => {
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 09:00') })).toBeNull();
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 07:30') })).toBeNull();
  });

  it('counts a moment exactly at the end of a period as inside', () => {
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 17:30') })).toBeNull();
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 11:30') })).toBeNull();
    expect(isInWorkingHours(cal, vn('2027-06-10 17:30') + 1)).toBe(false);
  });

  it('refuses a moment that is not later than the current due time', () => {
    for (const newDueAt of [currentDueAt, currentDueAt - H, NaN]) {
      expect(checkExtension(cal, { currentDueAt, newDueAt })).toEqual({
        field: 'dueAt',
        message: 'Ngày hẹn trả mới phải sau ngày hẹn hiện tại.',
        fieldMessage: 'Phải sau ngày hẹn hiện tại',
      });
    }
  });

  it('refuses more than 366 days after the current due time', () => {
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2028-06-07 10:00') })).toBeNull(); // 366 days
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2028-06-07 10:01') })?.message).toBe(
      'Ngày hẹn trả mới không được quá một năm sau ngày hẹn hiện tại.',
    );
    expect(currentDueAt + 366 * DAY).toBe(vn('2028-06-07 10:00'));
  });

  it('refuses a Saturday, a holiday, the lunch break and the evening', () => {
    const sat = checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-12 09:00') });
    expect(sat).toMatchObject({ field: 'dueAt', fieldMessage: 'Rơi vào ngày nghỉ' });
    expect(sat!.message).toContain('12/06/2027 là ngày nghỉ');
    expect(checkExtension(withOverrides, { currentDueAt, newDueAt: vn('2027-06-09 09:00') })?.field).toBe('dueAt');
    expect(checkExtension(withOverrides, { currentDueAt, newDueAt: vn('2027-06-12 09:00') })).toBeNull();
    const lunch = checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 12:00') });
    expect(lunch!.message).toContain('ngoài giờ làm việc (07:30–11:30, 13:30–17:30)');
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 17:31') })).not.toBeNull();
    expect(checkExtension(cal, { currentDueAt, newDueAt: vn('2027-06-10 07:29') })).not.toBeNull();
  });
});

describe('isOnTime', () => {
  const dueAt = vn('2027-06-10 10:00');
  it('is on time up to and including the due time, unless marked late', () => {
    expect(isOnTime({ resolvedAt: dueAt, dueAt, lateMarked: false })).toBe(true);
    expect(isOnTime({ resolvedAt: dueAt - 1, dueAt })).toBe(true);
    expect(isOnTime({ resolvedAt: dueAt + 1, dueAt, lateMarked: false })).toBe(false);
    expect(isOnTime({ resolvedAt: dueAt - DAY, dueAt, lateMarked: true })).toBe(false);
  });
});

describe('deadlineState: the one definition of overdue and due soon', () => {
  const dueAt = vn('2027-06-10 10:00'); // Thursday

  it('is not overdue exactly at the due time, and overdue one millisecond later', () => {
    expect(deadlineState(dueAt, dueAt, cal)).toBe('due_soon');
    expect(deadlineState(dueAt + 1, dueAt, cal)).toBe('overdue');
  });

  it('calls a step six days past due overdue, never due soon', () => {
    expect(deadlineState(dueAt + 6 * DAY, dueAt, cal)).toBe('overdue');
  });

  it('is due soon with at most one working day (8 working hours) left', () => {
    expect(deadlineState(vn('2027-06-09 10:00'), dueAt, cal)).toBe('due_soon'); // exactly 8 h
    expect(deadlineState(vn('2027-06-09 09:59'), dueAt, cal)).toBeNull();
    expect(deadlineState(vn('2027-06-09 15:00'), dueAt, cal)).toBe('due_soon');
  });

  it('counts working time only: a Monday 08:00 due time is due soon from Friday 08:00', () => {
    const monday = vn('2027-06-14 08:00');
    expect(deadlineState(vn('2027-06-11 08:00'), monday, cal)).toBe('due_soon');
    expect(deadlineState(vn('2027-06-11 07:59'), monday, cal)).toBeNull();
    expect(deadlineState(vn('2027-06-12 09:00'), monday, cal)).toBe('due_soon'); // Saturday
  });

  it('follows holidays from overrides', () => {
    // Wednesday is a day off: from Tuesday 10:00, Thursday 10:00 is only 8 working hours away.
    expect(deadlineState(vn('2027-06-08 10:00'), dueAt, withOverrides)).toBe('due_soon');
    expect(deadlineState(vn('2027-06-08 10:00'), dueAt, cal)).toBeNull();
  });

  it('has nothing to say without a due time', () => {
    expect(deadlineState(dueAt, null, cal)).toBeNull();
    expect(deadlineState(dueAt, undefined, cal)).toBeNull();
  });
});

describe('isOverdue (design.md §8) and dossierUrgency (work list, home, digest)', () => {
  const dueAt = vn('2027-06-10 10:00');
  const processing: DossierClock = {
    status: 'processing',
    receivedAt: vn('2027-06-07 08:00'),
    dueAt,
    pausedAt: null,
    resolvedAt: null,
    completedAt: null,
  };

  it('is overdue while processing past the due time, not exactly at it', () => {
    expect(isOverdue(processing, dueAt)).toBe(false);
    expect(isOverdue(processing, dueAt + 1)).toBe(true);
  });

  it('judges a paused clock by when it was paused', () => {
    const waiting = { ...processing, status: 'waiting_supplement' };
    expect(isOverdue({ ...waiting, pausedAt: dueAt - H }, dueAt + 10 * DAY)).toBe(false);
    expect(isOverdue({ ...waiting, pausedAt: dueAt + H }, dueAt + 10 * DAY)).toBe(true);
    // Paused after the moment asked about: the clock still ran then.
    expect(isOverdue({ ...waiting, pausedAt: dueAt + 2 * H }, dueAt + H)).toBe(true);
  });

  it('is never overdue once resolved or withdrawn', () => {
    const at = dueAt + 10 * DAY;
    const resolved = { ...processing, resolvedAt: dueAt + DAY };
    expect(isOverdue({ ...resolved, status: 'result_ready' }, at)).toBe(false);
    expect(isOverdue({ ...resolved, status: 'returned', completedAt: at - 1 }, at)).toBe(false);
    expect(isOverdue({ ...processing, status: 'withdrawn', completedAt: dueAt + DAY }, at)).toBe(false);
    // …but was overdue in between (reports judge past moments).
    expect(isOverdue({ ...resolved, status: 'result_ready' }, dueAt + H)).toBe(true);
    expect(isInProgressAt({ ...processing, status: 'withdrawn', completedAt: dueAt + DAY }, dueAt + H)).toBe(true);
  });

  it('is not overdue at the very moment it was resolved late (the answer to REFUSE or the last FORWARD)', () => {
    const at = dueAt + DAY;
    expect(isOverdue({ ...processing, status: 'refused', resolvedAt: at, completedAt: at }, at)).toBe(false);
    expect(isOverdue({ ...processing, status: 'refused', resolvedAt: at, completedAt: at }, at - 1)).toBe(true);
    expect(isOverdue({ ...processing, status: 'withdrawn', completedAt: at }, at)).toBe(false);
    expect(isInProgressAt(processing, processing.receivedAt)).toBe(true);
    expect(isInProgressAt(processing, processing.receivedAt - 1)).toBe(false);
  });

  it('shows a step six days past due as overdue even when the dossier is not', () => {
    const d = { ...processing, dueAt: vn('2027-07-30 10:00'), stepDueAt: vn('2027-06-08 10:00') };
    const now = vn('2027-06-14 10:00');
    expect(isOverdue(d, now)).toBe(false);
    expect(dossierUrgency(cal, d, now)).toEqual({ state: 'overdue', of: 'step', dueAt: d.stepDueAt });
  });

  it('shows an overdue dossier as overdue whatever its step', () => {
    const d = { ...processing, stepDueAt: dueAt + 5 * DAY };
    expect(dossierUrgency(cal, d, dueAt + 1)).toEqual({ state: 'overdue', of: 'dossier', dueAt });
  });

  it('names the earlier clock that is due soon', () => {
    const now = vn('2027-06-09 15:00');
    expect(dossierUrgency(cal, { ...processing, stepDueAt: vn('2027-06-09 16:00') }, now)).toEqual({
      state: 'due_soon',
      of: 'step',
      dueAt: vn('2027-06-09 16:00'),
    });
    expect(dossierUrgency(cal, { ...processing, stepDueAt: vn('2027-06-11 16:00') }, now)).toEqual({
      state: 'due_soon',
      of: 'dossier',
      dueAt,
    });
    expect(
      dossierUrgency(cal, { ...processing, stepDueAt: vn('2027-06-11 16:00') }, vn('2027-06-07 15:00')),
    ).toBeNull();
  });

  it('never calls a paused or resolved dossier due soon', () => {
    const now = vn('2027-06-10 09:00');
    const stepDueAt = vn('2027-06-10 09:30');
    expect(
      dossierUrgency(cal, { ...processing, status: 'waiting_supplement', pausedAt: now - H, stepDueAt }, now),
    ).toBeNull();
    expect(
      dossierUrgency(cal, { ...processing, status: 'result_ready', resolvedAt: now - H, stepDueAt }, now),
    ).toBeNull();
  });
});
