import { defaultPeriod, periodName, subtreeSums } from '../../../server/services/reports.service';

describe('the period /bao-cao opens on', () => {
  it.each([
    // the first five days of a month: the whole of last month
    ['2026-12-01', '2026-11-01', '2026-11-30'],
    ['2026-12-05', '2026-11-01', '2026-11-30'],
    ['2027-01-01', '2026-12-01', '2026-12-31'],
    ['2027-01-05', '2026-12-01', '2026-12-31'],
    ['2024-03-02', '2024-02-01', '2024-02-29'],
    ['2025-03-04', '2025-02-01', '2025-02-28'],
    ['2026-05-03', '2026-04-01', '2026-04-30'],
    // from the sixth on: this month so far
    ['2026-12-06', '2026-12-01', '2026-12-06'],
    ['2026-12-31', '2026-12-01', '2026-12-31'],
    ['2024-02-29', '2024-02-01', '2024-02-29'],
  ])('on %s is %s – %s', (today, from, to) => {
    expect(defaultPeriod(today)).toEqual({ from, to });
  });

  it('names a whole month, and this month so far', () => {
    expect(periodName(defaultPeriod('2026-12-01'), '2026-12-01')).toBe('Số liệu tháng 11/2026');
    expect(periodName(defaultPeriod('2027-01-02'), '2027-01-02')).toBe('Số liệu tháng 12/2026');
    expect(periodName(defaultPeriod('2026-12-09'), '2026-12-09')).toBe('Từ 01/12/2026 đến nay');
    // the last day of a month is the whole month
    expect(periodName(defaultPeriod('2026-12-31'), '2026-12-31')).toBe('Số liệu tháng 12/2026');
    // other periods have no short name (the heading gives the dates)
    expect(periodName({ from: '2026-12-01', to: '2026-12-09' }, '2026-12-10')).toBeNull();
    expect(periodName({ from: '2026-11-02', to: '2026-11-30' }, '2026-12-10')).toBeNull();
    expect(periodName({ from: '2026-11-01', to: '2026-12-31' }, '2026-12-10')).toBeNull();
  });
});

describe('subtree sums in tree order', () => {
  it('adds each unit to itself and every unit above it, and nothing to its siblings', () => {
    // P ─ D1 ─ C1, C2 ; P ─ D2 ─ C3 ; Q (a second root)
    const depths = [0, 1, 2, 2, 1, 2, 0];
    const own = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000].map((n) => ({ n }));
    const sums = subtreeSums(
      depths.map((depth) => ({ depth })),
      own,
      { n: 0 },
      (into, c) => (into.n += c.n),
    );
    expect(sums.map((s) => s.n)).toEqual([111_111, 1110, 100, 1000, 110_000, 100_000, 1_000_000]);
    expect(own.map((o) => o.n)).toEqual([1, 10, 100, 1000, 10_000, 100_000, 1_000_000]); // untouched
  });
});
