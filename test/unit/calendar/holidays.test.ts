import { solarToLunar, WorkCalendar } from '../../../workflows/calendar';

const calendar = new WorkCalendar();

describe('statutory holidays (Labour Code 2019, art. 112)', () => {
  // Five Tết days: the last day of the lunar year, then lunar 1/1–1/4.
  it.each([
    [2024, ['2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12', '2024-02-13']],
    [2025, ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01']],
    [2026, ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']],
    [2027, ['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-02-09']],
    [2028, ['2028-01-25', '2028-01-26', '2028-01-27', '2028-01-28', '2028-01-29']],
    [2029, ['2029-02-12', '2029-02-13', '2029-02-14', '2029-02-15', '2029-02-16']],
    [2030, ['2030-02-01', '2030-02-02', '2030-02-03', '2030-02-04', '2030-02-05']],
  ])('Tết %i', (year, dates) => {
    const tet = calendar.holidays(year).filter((h) => h.source === 'statutory' && h.name.startsWith('Tết Nguyên đán'));
    expect(tet.map((h) => h.date)).toEqual(dates);
    expect(tet[0].name).toBe('Tết Nguyên đán (ngày cuối năm âm lịch)');
    expect(tet[1].name).toBe('Tết Nguyên đán (mùng 1)');
    expect(solarToLunar(dates[0])).toMatchObject({ month: 12, year: year - 1 });
    for (const date of dates) {
      expect(calendar.dayInfo(date)).toMatchObject({ working: false, kind: 'holiday' });
    }
  });

  it.each([
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
    [2027, '2027-04-16'],
    [2028, '2028-04-04'],
    [2029, '2029-04-23'],
    [2030, '2030-04-12'],
  ])('Giỗ Tổ Hùng Vương %i on %s', (_year, date) => {
    expect(calendar.dayInfo(date)).toEqual({
      date,
      working: false,
      kind: 'holiday',
      name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)',
    });
  });

  it.each([2025, 2026, 2027, 2028, 2029, 2030])('%i has eleven statutory days, ten without 1/9', (year) => {
    const statutory = calendar.holidays(year).filter((h) => h.source === 'statutory');
    expect(statutory).toHaveLength(11);
    expect(statutory.map((h) => h.date)).toEqual(
      expect.arrayContaining([`${year}-01-01`, `${year}-04-30`, `${year}-05-01`, `${year}-09-01`, `${year}-09-02`]),
    );
    const without = new WorkCalendar({ config: { includeSep1: false } })
      .holidays(year)
      .filter((h) => h.source === 'statutory');
    expect(without).toHaveLength(10);
    expect(without.map((h) => h.date)).not.toContain(`${year}-09-01`);
  });

  it('names fixed-date holidays in Vietnamese', () => {
    expect(calendar.dayInfo('2027-01-01').name).toBe('Tết Dương lịch');
    expect(calendar.dayInfo('2027-04-30').name).toBe('Ngày Chiến thắng (30/4)');
    expect(calendar.dayInfo('2027-05-01').name).toBe('Ngày Quốc tế Lao động (1/5)');
    expect(calendar.dayInfo('2027-09-01').name).toBe('Quốc khánh (1/9)');
    expect(calendar.dayInfo('2027-09-02').name).toBe('Quốc khánh (2/9)');
  });
});

describe('weekend compensation', () => {
  // [holiday on a weekend, compensation day, why]
  it.each([
    ['2025-02-01', '2025-02-03', 'Tết mùng 4 on Saturday → Monday'],
    ['2026-04-26', '2026-04-27', 'Hùng Kings on Sunday → Monday'],
    ['2027-02-06', '2027-02-10', 'Tết Saturday/Sunday → after the Tết days, Wednesday…'],
    ['2027-02-07', '2027-02-11', '…and Thursday'],
    ['2027-05-01', '2027-05-03', '1/5 on Saturday → Monday'],
    ['2028-01-01', '2028-01-03', '1/1 on Saturday → Monday'],
    ['2028-01-29', '2028-01-31', 'Tết mùng 4 on Saturday → Monday'],
    ['2028-04-30', '2028-05-02', '30/4 on Sunday → Tuesday (Monday is 1/5)'],
    ['2028-09-02', '2028-09-04', '2/9 on Saturday → Monday (1/9 is Friday)'],
    ['2029-09-01', '2029-09-03', '1/9 on Saturday → Monday…'],
    ['2029-09-02', '2029-09-04', '…2/9 on Sunday → Tuesday'],
    ['2030-02-02', '2030-02-06', 'Tết on Saturday → Wednesday'],
    ['2030-02-03', '2030-02-07', 'mùng 2 on Sunday → Thursday'],
    ['2030-09-01', '2030-09-03', '1/9 on Sunday → Tuesday (Monday is 2/9)'],
  ])('%s → %s (%s)', (holiday, compensation) => {
    const info = calendar.dayInfo(compensation);
    expect(info.kind).toBe('holiday');
    expect(info.working).toBe(false);
    expect(info.name).toBe(`Nghỉ bù ${calendar.dayInfo(holiday).name}`);
    expect(calendar.holidays(Number(compensation.slice(0, 4)))).toContainEqual({
      date: compensation,
      name: info.name,
      source: 'compensation',
    });
  });

  it.each([
    [2025, ['2025-02-03']],
    [2026, ['2026-04-27']],
    [2027, ['2027-02-10', '2027-02-11', '2027-05-03']],
    [2028, ['2028-01-03', '2028-01-31', '2028-05-02', '2028-09-04']],
    [2029, ['2029-09-03', '2029-09-04']],
    [2030, ['2030-02-06', '2030-02-07', '2030-09-03']],
  ])('all compensation days of %i', (year, dates) => {
    expect(
      calendar
        .holidays(year)
        .filter((h) => h.source === 'compensation')
        .map((h) => h.date),
    ).toEqual(dates);
  });

  it('1/1/2026 on a Thursday needs no compensation; Friday 2/1 is a working day', () => {
    expect(calendar.dayInfo('2026-01-01').kind).toBe('holiday');
    expect(calendar.dayInfo('2026-01-02')).toEqual({ date: '2026-01-02', working: true, kind: 'workday', name: null });
  });

  it('without 1/9, a Sunday 2/9 (2029) is compensated on Monday only', () => {
    const c = new WorkCalendar({ config: { includeSep1: false } });
    expect(
      c
        .holidays(2029)
        .filter((h) => h.source === 'compensation')
        .map((h) => h.date),
    ).toEqual(['2029-09-03']);
    expect(c.isWorkingDay('2029-09-04')).toBe(true);
  });

  it('follows the configured workdays: with Saturday working, 1/5/2027 needs no compensation', () => {
    const c = new WorkCalendar({ config: { workdays: [1, 2, 3, 4, 5, 6] } });
    expect(c.isWorkingDay('2027-05-03')).toBe(true);
    expect(c.isWorkingDay('2027-05-08')).toBe(true);
    expect(c.dayInfo('2027-05-09').kind).toBe('weekend');
    // Tết 2027 Sunday mùng 2 → the first free workday after the Tết days, Wednesday 10/2.
    expect(
      c
        .holidays(2027)
        .filter((h) => h.source === 'compensation')
        .map((h) => h.date),
    ).toEqual(['2027-02-10']);
  });
});

describe('overrides', () => {
  const c = new WorkCalendar({
    overrides: {
      '2027-06-09': { kind: 'holiday', name: 'Nghỉ theo thông báo của UBND tỉnh' },
      '2027-06-10': { kind: 'holiday' },
      '2027-06-12': { kind: 'workday', name: 'Làm bù' },
      '2027-05-03': { kind: 'workday' }, // a compensation day moved by the government
      '2027-09-02': { kind: 'holiday', name: 'Quốc khánh' },
    },
  });

  it('an override holiday makes a weekday a day off', () => {
    expect(c.dayInfo('2027-06-09')).toEqual({
      date: '2027-06-09',
      working: false,
      kind: 'override_holiday',
      name: 'Nghỉ theo thông báo của UBND tỉnh',
    });
    expect(c.dayInfo('2027-06-10')).toEqual({
      date: '2027-06-10',
      working: false,
      kind: 'override_holiday',
      name: 'Ngày nghỉ (điều chỉnh)',
    });
    expect(calendar.isWorkingDay('2027-06-09')).toBe(true);
  });

  it('an override workday makes a Saturday or a holiday a working day', () => {
    expect(c.dayInfo('2027-06-12')).toEqual({
      date: '2027-06-12',
      working: true,
      kind: 'override_workday',
      name: 'Làm bù',
    });
    expect(c.dayInfo('2027-05-03')).toMatchObject({ working: true, kind: 'override_workday' });
  });

  it('holidays() lists override holidays and drops override workdays', () => {
    const list = c.holidays(2027);
    expect(list).toContainEqual({ date: '2027-06-09', name: 'Nghỉ theo thông báo của UBND tỉnh', source: 'override' });
    expect(list).toContainEqual({ date: '2027-06-10', name: 'Ngày nghỉ (điều chỉnh)', source: 'override' });
    expect(list).toContainEqual({ date: '2027-09-02', name: 'Quốc khánh', source: 'override' });
    expect(list.map((h) => h.date)).not.toContain('2027-05-03');
    expect(list.map((h) => h.date)).not.toContain('2027-06-12'); // a workday is not a holiday
    expect(list.map((h) => h.date)).toEqual([...list.map((h) => h.date)].sort());
    expect(c.holidays(2028).map((h) => h.source)).not.toContain('override');
  });

  it('compensation days are placed from the defaults, ignoring overrides', () => {
    // 2027-02-10 (Wed) stays the compensation day of Tết even if the admin works on it.
    const c2 = new WorkCalendar({ overrides: new Map([['2027-02-10', { kind: 'workday' as const }]]) });
    expect(c2.isWorkingDay('2027-02-10')).toBe(true);
    expect(c2.isWorkingDay('2027-02-11')).toBe(false);
    expect(c2.isWorkingDay('2027-02-12')).toBe(true);
  });

  it('copies the overrides it is given', () => {
    const map = new Map([['2027-06-15', { kind: 'holiday' as const }]]);
    const c3 = new WorkCalendar({ overrides: map });
    map.delete('2027-06-15');
    expect(c3.isWorkingDay('2027-06-15')).toBe(false);
  });

  it('rejects malformed overrides', () => {
    expect(() => new WorkCalendar({ overrides: { '2027-02-30': { kind: 'holiday' } } })).toThrow(/override date/);
    expect(() => new WorkCalendar({ overrides: { '2027-02-10': { kind: 'off' as never } } })).toThrow(/kind/);
  });

  it('dayInfo rejects invalid dates', () => {
    expect(() => calendar.dayInfo('2027-2-1')).toThrow(RangeError);
    expect(() => calendar.holidays(2027.5)).toThrow(RangeError);
  });
});
