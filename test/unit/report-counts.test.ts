import {
  cellDelta,
  factsCells,
  firstDayOfMonth,
  intervals,
  monthOfDay,
  periodPieces,
  type FigureFacts,
} from '../../workflows/reports/counts';
import { dayNumberFromDateString as day, vnDayStartMs } from '../../workflows/calendar/time';

const at = (d: string, hh = 0) => vnDayStartMs(day(d)) + hh * 3_600_000;
const facts = (over: Partial<FigureFacts> = {}): FigureFacts => ({
  unitId: 7,
  procedureCode: '1.000775',
  channel: 2,
  status: 'processing',
  receivedAt: at('2026-03-31', 16),
  resolvedAt: null,
  completedAt: null,
  dueAt: at('2026-04-10', 17),
  pausedAt: null,
  onTime: null,
  ...over,
});

describe('report counts (workflows/reports/counts)', () => {
  it('splits a period into whole months and the days of the months it only partly covers', () => {
    const m = (s: string) => monthOfDay(day(s));
    expect(periodPieces(day('2026-01-01'), day('2026-12-31'))).toEqual({
      months: [m('2026-01-01'), m('2026-12-01')],
      days: [],
    });
    expect(periodPieces(day('2026-01-15'), day('2026-03-10'))).toEqual({
      months: [m('2026-02-01'), m('2026-02-01')],
      days: [
        [day('2026-01-15'), day('2026-01-31')],
        [day('2026-03-01'), day('2026-03-10')],
      ],
    });
    expect(periodPieces(day('2026-02-03'), day('2026-02-20'))).toEqual({
      months: null,
      days: [[day('2026-02-03'), day('2026-02-20')]],
    });
    expect(periodPieces(day('2024-02-01'), day('2024-02-29')).months).toEqual([m('2024-02-01'), m('2024-02-01')]);
    expect(firstDayOfMonth(m('2026-12-25'))).toBe(day('2026-12-01'));
  });

  it('counts a received dossier on its local day and month, in progress from then, overdue from the minute after its due time', () => {
    const cells = factsCells(facts());
    const d = cells.filter((c) => c.grain === 'd');
    expect(
      d.map((c) => [c.period, c.values.received, c.values.received_2, c.values.progress, c.values.overdue]),
    ).toEqual([
      [day('2026-03-31'), 1, 1, 1, 0],
      [day('2026-04-10'), 0, 0, 0, 1],
    ]);
    const months = cells.filter((c) => c.grain === 'm').map((c) => c.period);
    expect(months).toEqual([monthOfDay(day('2026-03-01')), monthOfDay(day('2026-04-01'))]);
  });

  it('ends both intervals when resolved, and counts resolved on time or late on that day', () => {
    const done = facts({ status: 'result_ready', resolvedAt: at('2026-04-12', 9), onTime: false });
    expect(intervals(done)).toEqual({
      progress: [done.receivedAt, done.resolvedAt],
      overdue: [done.dueAt! + 1, done.resolvedAt],
    });
    const delta = cellDelta(facts(), done).filter((c) => c.grain === 'd');
    expect(delta.map((c) => [c.period, c.values.resolved, c.values.late, c.values.progress, c.values.overdue])).toEqual(
      [[day('2026-04-12'), 1, 1, -1, -1]],
    );
  });

  it('a clock paused at or before the due time is never overdue; paused after it stays overdue', () => {
    expect(intervals(facts({ status: 'waiting_supplement', pausedAt: facts().dueAt })).overdue).toBeNull();
    expect(intervals(facts({ status: 'waiting_supplement', pausedAt: facts().dueAt! + 1 })).overdue).not.toBeNull();
  });

  it('a withdrawn dossier is not resolved, and in progress only until it was withdrawn', () => {
    const w = facts({ status: 'withdrawn', resolvedAt: at('2026-04-02', 9), completedAt: at('2026-04-03', 9) });
    const cells = factsCells(w).filter((c) => c.grain === 'd');
    expect(cells.every((c) => c.values.resolved === 0)).toBe(true);
    expect(intervals(w).progress).toEqual([w.receivedAt, w.resolvedAt]);
    expect(intervals(facts({ status: 'withdrawn', completedAt: null })).progress).toBeNull();
  });

  it('an event that changes no figure changes no count, and moving back undoes a move', () => {
    expect(cellDelta(facts(), facts({ channel: 2 }))).toEqual([]);
    const moved = facts({ unitId: 9 });
    const there = cellDelta(facts(), moved);
    expect(there.some((c) => c.unitId === 9 && c.values.received === 1)).toBe(true);
    expect(there.some((c) => c.unitId === 7 && c.values.received === -1)).toBe(true);
    const back = cellDelta(moved, facts());
    const key = (c: { grain: string; period: number; unitId: number }) => `${c.grain}|${c.period}|${c.unitId}`;
    expect(back.map(key)).toEqual(there.map(key));
    back.forEach((c, i) => {
      for (const [k, v] of Object.entries(c.values)) expect(v + there[i].values[k as keyof typeof c.values]).toBe(0);
    });
  });
});
