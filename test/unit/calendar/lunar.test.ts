import fc from 'fast-check';
import { isValidDateString, lunarLeapMonth, lunarToSolar, solarToLunar } from '../../../workflows/calendar';

const lunar = (day: number, month: number, year: number, leap = false) => ({ day, month, year, leap });

describe('Vietnamese lunar calendar (Hồ Ngọc Đức, UTC+7)', () => {
  // Tết (lunar 1/1). 2030 is 2 February in Vietnam: the new moon falls at about 23:07 UTC+7 on
  // 2 February, i.e. already 3 February in China (UTC+8), whose New Year is 3 February.
  it.each([
    [2020, '2020-01-25'],
    [2021, '2021-02-12'],
    [2022, '2022-02-01'],
    [2023, '2023-01-22'],
    [2024, '2024-02-10'],
    [2025, '2025-01-29'],
    [2026, '2026-02-17'],
    [2027, '2027-02-06'],
    [2028, '2028-01-26'],
    [2029, '2029-02-13'],
    [2030, '2030-02-02'],
  ])('Tết %i is %s', (year, date) => {
    expect(lunarToSolar(lunar(1, 1, year))).toBe(date);
    expect(solarToLunar(date)).toEqual(lunar(1, 1, year));
  });

  it.each([
    // Years where the UTC+7 calendar differs from the Chinese (UTC+8) one.
    [1985, '1985-01-21'], // China: 1985-02-20
    [2007, '2007-02-17'], // China: 2007-02-18
    [1968, '1968-01-29'], // China: 1968-01-30
    [1900, '1900-01-31'],
    [2100, '2100-02-09'],
  ])('Tết %i is %s (Vietnamese, not Chinese, calendar)', (year, date) => {
    expect(lunarToSolar(lunar(1, 1, year))).toBe(date);
  });

  it.each([
    [2025, '2025-04-07'],
    [2026, '2026-04-26'],
    [2027, '2027-04-16'],
    [2028, '2028-04-04'],
    [2029, '2029-04-23'],
    [2030, '2030-04-12'],
  ])('Giỗ Tổ Hùng Vương (10/3) %i is %s', (year, date) => {
    expect(lunarToSolar(lunar(10, 3, year))).toBe(date);
    expect(solarToLunar(date)).toEqual(lunar(10, 3, year));
  });

  it.each([
    ['2025-10-06', lunar(15, 8, 2025)], // Tết Trung thu 2025
    ['2025-07-25', lunar(1, 6, 2025, true)], // first day of the leap 6th month
    ['2023-03-22', lunar(1, 2, 2023, true)],
    ['2020-05-23', lunar(1, 4, 2020, true)],
    ['2025-01-28', lunar(29, 12, 2024)], // no "30 Tết" in Ất Tỵ
    ['2024-02-09', lunar(30, 12, 2023)], // a 30-day tháng Chạp
    ['2033-12-22', lunar(1, 11, 2033, true)], // leap 11th month, in the lunar year 2033
    ['1900-01-01', lunar(1, 12, 1899)],
  ])('solarToLunar(%s)', (date, expected) => {
    expect(solarToLunar(date)).toEqual(expected);
  });

  it.each([
    [2014, 9],
    [2017, 6],
    [2020, 4],
    [2023, 2],
    [2025, 6],
    [2028, 5],
    [2031, 3],
    [2033, 11],
    [2024, null],
    [2026, null],
    [2027, null],
  ])('leap month of %i is %p', (year, month) => {
    expect(lunarLeapMonth(year)).toBe(month);
  });

  it('the last day of the lunar year is the day before Tết, 29 or 30 tháng Chạp', () => {
    for (let year = 1901; year <= 2100; year++) {
      const tet = lunarToSolar(lunar(1, 1, year));
      const eve = new Date(`${tet}T00:00:00Z`);
      eve.setUTCDate(eve.getUTCDate() - 1);
      const l = solarToLunar(eve.toISOString().slice(0, 10));
      expect(l.month).toBe(12);
      expect(l.year).toBe(year - 1);
      expect([29, 30]).toContain(l.day);
    }
  });

  it('round-trips every date 1900–2100 (sampled)', () => {
    const start = Date.UTC(1900, 0, 1);
    const end = Date.UTC(2100, 11, 31);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: (end - start) / 86_400_000 }), (offset) => {
        const date = new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
        const l = solarToLunar(date);
        expect(l.day).toBeGreaterThanOrEqual(1);
        expect(l.day).toBeLessThanOrEqual(30);
        expect(lunarToSolar(l)).toBe(date);
      }),
      { numRuns: 3000 },
    );
  });

  it('consecutive solar days are consecutive lunar days through 2024–2031', () => {
    let previous = solarToLunar('2023-12-31');
    for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2031, 11, 31); t += 86_400_000) {
      const current = solarToLunar(new Date(t).toISOString().slice(0, 10));
      if (current.day !== 1) {
        expect(current).toEqual({ ...previous, day: previous.day + 1 });
      } else {
        expect([29, 30]).toContain(previous.day);
        const sameMonthLeap = current.leap && current.month === previous.month;
        const nextMonth = !current.leap && current.month === (previous.month % 12) + 1;
        expect(sameMonthLeap || nextMonth).toBe(true);
      }
      previous = current;
    }
  });

  it('lunarToSolar gives valid dates for every month of 1900–2100', () => {
    for (let year = 1900; year <= 2100; year++) {
      for (let month = 1; month <= 12; month++) {
        const date = lunarToSolar(lunar(1, month, year));
        expect(isValidDateString(date)).toBe(true);
        expect(solarToLunar(date)).toEqual(lunar(1, month, year));
      }
    }
  });

  it('rejects lunar dates that do not exist', () => {
    expect(() => lunarToSolar(lunar(1, 3, 2025, true))).toThrow(RangeError); // 2025 leaps the 6th month
    expect(() => lunarToSolar(lunar(30, 12, 2024))).toThrow(RangeError); // tháng Chạp 2024 has 29 days
    expect(() => lunarToSolar(lunar(31, 1, 2025))).toThrow(RangeError);
    expect(() => lunarToSolar(lunar(1, 13, 2025))).toThrow(RangeError);
    expect(() => lunarToSolar(lunar(1.5, 1, 2025))).toThrow(RangeError);
    expect(() => solarToLunar('2025-02-30')).toThrow(RangeError);
    expect(() => solarToLunar('1500-01-01')).toThrow(RangeError);
  });
});
