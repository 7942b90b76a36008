import fc from 'fast-check';
import { toVnIso, WorkCalendar } from '../../../workflows/calendar';

/** A moment given as Vietnam wall-clock time 'YYYY-MM-DD HH:mm[:ss]'. */
const vn = (s: string): Date => new Date(`${s.replace(' ', 'T')}${s.length === 16 ? ':00' : ''}+07:00`);
/** Shorthand for the expected ISO string of a Vietnam wall-clock time. */
const iso = (s: string): string => toVnIso(vn(s));
const H = 3_600_000;

const calendar = new WorkCalendar();

// 2027-06-07 is a Monday; June 2027 has no holiday.
describe('deadline in days (N × 8 working hours, 15:00 rule)', () => {
  it.each([
    // [received, days, start, dueAt, why]
    [
      '2027-04-29 10:00',
      3,
      '2027-04-29 10:00',
      '2027-05-06 10:00',
      'design.md: 30/4 and Monday 3/5 (for Saturday 1/5) are off',
    ],
    ['2027-06-07 14:59', 1, '2027-06-07 14:59', '2027-06-08 14:59', 'before the cut-off: counts at once'],
    ['2027-06-07 15:00', 1, '2027-06-07 15:00', '2027-06-08 15:00', '15:00 itself is not later than 15:00'],
    ['2027-06-07 15:00:30', 1, '2027-06-08 07:30', '2027-06-08 17:30', 'strictly later than 15:00, to the second'],
    [
      '2027-06-07 15:01',
      1,
      '2027-06-08 07:30',
      '2027-06-08 17:30',
      'after the cut-off: next working day, due at the end of a period',
    ],
    ['2027-06-07 16:00', 2, '2027-06-08 07:30', '2027-06-09 17:30', 'afternoon after the cut-off'],
    ['2027-06-07 17:30', 1, '2027-06-08 07:30', '2027-06-08 17:30', 'at closing time'],
    ['2027-06-07 18:00', 1, '2027-06-08 07:30', '2027-06-08 17:30', 'evening'],
    ['2027-06-07 23:59', 1, '2027-06-08 07:30', '2027-06-08 17:30', 'just before midnight'],
    ['2027-06-07 06:00', 1, '2027-06-07 07:30', '2027-06-07 17:30', "early morning: the same day's first period"],
    ['2027-06-07 07:30', 1, '2027-06-07 07:30', '2027-06-07 17:30', 'at opening time'],
    [
      '2027-06-07 11:30',
      1,
      '2027-06-07 13:30',
      '2027-06-08 11:30',
      'end of the morning period; due at the end of the next one',
    ],
    ['2027-06-07 12:00', 1, '2027-06-07 13:30', '2027-06-08 11:30', 'lunch break: 13:30 the same day'],
    ['2027-06-07 10:00', 0.5, '2027-06-07 10:00', '2027-06-07 16:00', 'half a day = 4 working hours'],
    ['2027-06-07 07:30', 0.5, '2027-06-07 07:30', '2027-06-07 11:30', 'ends exactly at the end of the morning period'],
    ['2027-06-11 16:00', 1, '2027-06-14 07:30', '2027-06-14 17:30', 'Friday after the cut-off: Monday'],
    ['2027-06-12 10:00', 2, '2027-06-14 07:30', '2027-06-15 17:30', 'Saturday'],
    ['2027-06-13 14:00', 1, '2027-06-14 07:30', '2027-06-14 17:30', 'Sunday before 15:00'],
    ['2027-09-02 09:00', 1, '2027-09-03 07:30', '2027-09-03 17:30', 'on a holiday (Quốc khánh)'],
    ['2027-02-04 16:00', 1, '2027-02-12 07:30', '2027-02-12 17:30', 'before Tết 2027 and its compensation days'],
    [
      '2026-02-13 16:00',
      1,
      '2026-02-23 07:30',
      '2026-02-23 17:30',
      'Tết 2026: off 14–22/2 as in the government notice',
    ],
    ['2027-06-07 07:30', 10, '2027-06-07 07:30', '2027-06-18 17:30', 'two full weeks'],
    ['2027-06-07 10:00', 0, '2027-06-07 10:00', '2027-06-07 10:00', 'zero days'],
    ['2027-06-07 15:01', 0, '2027-06-08 07:30', '2027-06-08 07:30', 'zero days after the cut-off'],
  ])('%s + %p days → start %s, due %s (%s)', (from, days, start, dueAt) => {
    const r = calendar.deadline(vn(from), { days });
    expect(toVnIso(r.start)).toBe(iso(start));
    expect(toVnIso(r.dueAt)).toBe(iso(dueAt));
  });

  it('counts a long deadline over holidays (365 days from 2027-01-04)', () => {
    const r = calendar.deadline(vn('2027-01-04 07:30'), { days: 365 });
    expect(calendar.workingMsBetween(r.start, r.dueAt)).toBe(365 * 8 * H);
    // 365th working day counted by hand (holidays and compensation days of 2027 and 2028 skipped).
    expect(toVnIso(r.dueAt)).toBe(iso('2028-06-22 17:30'));
  });
});

describe('deadline in hours (no cut-off rule)', () => {
  it.each([
    ['2027-06-07 13:30', 4, '2027-06-07 13:30', '2027-06-07 17:30'],
    ['2027-06-07 07:30', 4, '2027-06-07 07:30', '2027-06-07 11:30'],
    ['2027-06-07 16:00', 2, '2027-06-07 16:00', '2027-06-08 08:00'],
    ['2027-06-07 11:00', 1, '2027-06-07 11:00', '2027-06-07 14:00'],
    ['2027-06-07 12:00', 1, '2027-06-07 13:30', '2027-06-07 14:30'],
    ['2027-06-07 06:00', 8, '2027-06-07 07:30', '2027-06-07 17:30'],
    ['2027-06-12 09:00', 8, '2027-06-14 07:30', '2027-06-14 17:30'],
    ['2027-06-07 07:30', 48, '2027-06-07 07:30', '2027-06-14 17:30'],
    ['2027-06-07 10:00', 1.5, '2027-06-07 10:00', '2027-06-07 11:30'],
    ['2027-06-07 10:00', 0, '2027-06-07 10:00', '2027-06-07 10:00'],
    ['2027-06-07 17:30', 0, '2027-06-08 07:30', '2027-06-08 07:30'],
    ['2027-04-29 16:00', 4, '2027-04-29 16:00', '2027-05-04 10:00'],
  ])('%s + %p h → start %s, due %s', (from, hours, start, dueAt) => {
    const r = calendar.deadline(vn(from), { hours });
    expect(toVnIso(r.start)).toBe(iso(start));
    expect(toVnIso(r.dueAt)).toBe(iso(dueAt));
  });

  it.each<[{ days?: number; hours?: number }, string]>([
    [{}, 'neither'],
    [{ days: 1, hours: 1 }, 'both'],
    [{ days: -1 }, 'negative days'],
    [{ hours: -0.5 }, 'negative hours'],
    [{ days: NaN }, 'NaN'],
    [{ hours: Infinity }, 'Infinity'],
    [{ days: '3' as unknown as number }, 'a string'],
  ])('rejects %j (%s) with a RangeError', (amount) => {
    expect(() => calendar.deadline(vn('2027-06-07 10:00'), amount)).toThrow(RangeError);
  });

  it('rejects an invalid date', () => {
    expect(() => calendar.deadline(new Date('x'), { days: 1 })).toThrow(RangeError);
  });
});

describe('deadlines with overrides', () => {
  it('an extra weekday holiday pushes the count', () => {
    const c = new WorkCalendar({ overrides: { '2027-06-09': { kind: 'holiday', name: 'Nghỉ đột xuất' } } });
    expect(toVnIso(c.deadline(vn('2027-06-08 15:01'), { days: 1 }).start)).toBe(iso('2027-06-10 07:30'));
    expect(toVnIso(c.deadline(vn('2027-06-08 10:00'), { days: 2 }).dueAt)).toBe(iso('2027-06-11 10:00'));
  });

  it('a make-up Saturday counts as working time', () => {
    const c = new WorkCalendar({ overrides: { '2027-06-12': { kind: 'workday', name: 'Làm bù' } } });
    const r = c.deadline(vn('2027-06-11 16:00'), { days: 1 });
    expect(toVnIso(r.start)).toBe(iso('2027-06-12 07:30'));
    expect(toVnIso(r.dueAt)).toBe(iso('2027-06-12 17:30'));
  });

  it('working on 30/4/2027 changes the design.md example', () => {
    const c = new WorkCalendar({ overrides: { '2027-04-30': { kind: 'workday' } } });
    // Thu 5.5 h + Fri 8 h + Tue 8 h + Wed 2.5 h (Monday 3/5 is still the compensation for 1/5).
    expect(toVnIso(c.deadline(vn('2027-04-29 10:00'), { days: 3 }).dueAt)).toBe(iso('2027-05-05 10:00'));
  });

  it('a notice that swaps a Monday off for a Saturday at work', () => {
    const c = new WorkCalendar({
      overrides: {
        '2025-01-27': { kind: 'holiday', name: 'Nghỉ Tết (hoán đổi)' },
        '2025-02-08': { kind: 'workday', name: 'Làm bù' },
      },
    });
    expect(toVnIso(c.deadline(vn('2025-01-24 16:00'), { days: 1 }).start)).toBe(iso('2025-02-04 07:30'));
    expect(toVnIso(c.deadline(vn('2025-02-07 10:00'), { days: 1 }).dueAt)).toBe(iso('2025-02-08 10:00'));
  });
});

describe('configured working time', () => {
  it('a working day is 8 working hours even when periods add up to 4 hours a day', () => {
    const c = new WorkCalendar({ config: { periods: [{ start: '08:00', end: '12:00' }], cutoff: '11:00' } });
    const r = c.deadline(vn('2027-06-07 09:00'), { days: 1 });
    expect(toVnIso(r.start)).toBe(iso('2027-06-07 09:00'));
    expect(toVnIso(r.dueAt)).toBe(iso('2027-06-09 09:00'));
    expect(toVnIso(c.deadline(vn('2027-06-07 11:30'), { days: 1 }).start)).toBe(iso('2027-06-08 08:00'));
  });

  it('uses the configured cut-off and Saturday work', () => {
    const c = new WorkCalendar({ config: { workdays: [1, 2, 3, 4, 5, 6], cutoff: '16:00' } });
    expect(toVnIso(c.deadline(vn('2027-06-11 15:30'), { days: 1 }).dueAt)).toBe(iso('2027-06-12 15:30'));
    expect(toVnIso(c.deadline(vn('2027-06-11 16:01'), { days: 1 }).start)).toBe(iso('2027-06-12 07:30'));
  });
});

describe('nextWorkingMoment and addWorkingMs', () => {
  it.each([
    ['2027-06-07 10:00', '2027-06-07 10:00'],
    ['2027-06-07 07:30', '2027-06-07 07:30'],
    ['2027-06-07 11:30', '2027-06-07 13:30'],
    ['2027-06-07 17:30', '2027-06-08 07:30'],
    ['2027-06-07 17:29:59', '2027-06-07 17:29:59'],
    ['2027-06-11 17:30', '2027-06-14 07:30'],
    ['2027-04-29 18:00', '2027-05-04 07:30'],
  ])('nextWorkingMoment(%s) = %s', (t, expected) => {
    expect(toVnIso(calendar.nextWorkingMoment(vn(t)))).toBe(iso(expected));
  });

  it('ends exactly at a period end rather than the next start', () => {
    expect(toVnIso(calendar.addWorkingMs(vn('2027-06-07 13:30'), 4 * H))).toBe(iso('2027-06-07 17:30'));
    expect(toVnIso(calendar.addWorkingMs(vn('2027-06-07 10:30'), 1 * H))).toBe(iso('2027-06-07 11:30'));
    expect(toVnIso(calendar.addWorkingMs(vn('2027-06-07 10:30'), 1 * H + 1000))).toBe(iso('2027-06-07 13:30:01'));
  });

  it('with 0 ms stays inside a period and moves forward outside one', () => {
    expect(toVnIso(calendar.addWorkingMs(vn('2027-06-07 09:15'), 0))).toBe(iso('2027-06-07 09:15'));
    expect(toVnIso(calendar.addWorkingMs(vn('2027-06-07 12:15'), 0))).toBe(iso('2027-06-07 13:30'));
  });

  it('rejects negative and non-finite amounts', () => {
    expect(() => calendar.addWorkingMs(vn('2027-06-07 09:15'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingMs(vn('2027-06-07 09:15'), NaN)).toThrow(RangeError);
  });
});

describe('workingMsBetween', () => {
  it.each([
    ['2027-06-07 07:30', '2027-06-07 17:30', 8 * H, 'one full day'],
    ['2027-06-07 11:45', '2027-06-07 13:15', 0, 'inside lunch'],
    ['2027-06-07 11:00', '2027-06-07 14:00', 1 * H, 'across lunch'],
    ['2027-06-11 16:00', '2027-06-14 08:30', 2.5 * H, 'across a weekend'],
    ['2027-04-29 10:00', '2027-05-06 10:00', 24 * H, 'across 30/4, 1/5 and its compensation'],
    ['2027-02-04 17:30', '2027-02-12 09:00', 1.5 * H, 'across Tết 2027'],
    ['2027-06-07 10:00', '2027-06-07 10:00', 0, 'empty interval'],
    ['2027-06-08 10:00', '2027-06-07 10:00', 0, 'reversed interval'],
    ['2027-06-05 00:00', '2027-06-06 23:59', 0, 'a weekend only'],
  ])('%s → %s = %p ms (%s)', (a, b, expected) => {
    expect(calendar.workingMsBetween(vn(a), vn(b))).toBe(expected);
  });

  const c = new WorkCalendar({
    overrides: {
      '2027-06-09': { kind: 'holiday' },
      '2027-06-12': { kind: 'workday' },
      '2028-01-03': { kind: 'workday' },
    },
  });
  const from2025 = Date.UTC(2025, 0, 1);
  const to2030 = Date.UTC(2030, 11, 1);
  const moment = fc.integer({ min: from2025, max: to2030 }).map((ms) => new Date(ms));
  const amount = fc.integer({ min: 0, max: 60 * 8 * H });

  it('is the inverse of addWorkingMs (property)', () => {
    fc.assert(
      fc.property(moment, amount, (t, x) => {
        expect(c.workingMsBetween(t, c.addWorkingMs(t, x))).toBe(x);
      }),
      { numRuns: 500 },
    );
  });

  it('addWorkingMs lands on a working day, inside or at the end of a period (property)', () => {
    fc.assert(
      fc.property(moment, amount, (t, x) => {
        const due = c.addWorkingMs(t, x);
        expect(due.getTime()).toBeGreaterThanOrEqual(t.getTime());
        const local = toVnIso(due);
        expect(c.isWorkingDay(local.slice(0, 10))).toBe(true);
        const hm = local.slice(11, 16);
        expect((hm >= '07:30' && hm <= '11:30') || (hm >= '13:30' && hm <= '17:30')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('adding in two steps equals adding at once (property)', () => {
    fc.assert(
      fc.property(moment, amount, fc.integer({ min: 1, max: 20 * 8 * H }), (t, x, y) => {
        expect(c.addWorkingMs(c.addWorkingMs(t, x), y).getTime()).toBe(c.addWorkingMs(t, x + y).getTime());
      }),
      { numRuns: 300 },
    );
  });

  it('deadline in days consumes exactly days × 8 h from its start (property)', () => {
    fc.assert(
      fc.property(moment, fc.integer({ min: 0, max: 40 }), (t, days) => {
        const r = c.deadline(t, { days });
        expect(r.start.getTime()).toBeGreaterThanOrEqual(t.getTime());
        expect(c.workingMsBetween(r.start, r.dueAt)).toBe(days * 8 * H);
        const local = toVnIso(t);
        if (local.slice(11, 19) > '15:00:00' || (local.slice(11, 19) === '15:00:00' && t.getUTCMilliseconds() > 0)) {
          // After the cut-off: the first period of a later day.
          expect(toVnIso(r.start).slice(0, 10) > local.slice(0, 10)).toBe(true);
          expect(toVnIso(r.start).slice(11)).toBe('07:30:00+07:00');
        } else {
          // Otherwise counting starts at once, or at the next working moment.
          expect(r.start.getTime()).toBe(c.nextWorkingMoment(t).getTime());
          expect(c.workingMsBetween(t, r.start)).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
