import {
  VN_TZ_OFFSET_MINUTES,
  formatVnDate,
  formatVnDateTime,
  formatVnTime,
  isValidDateString,
  toVnIso,
  vnDate,
  vnStartOfDay,
} from '../../../workflows/calendar';

describe('UTC+7 helpers', () => {
  it('uses a fixed +7 h offset', () => {
    expect(VN_TZ_OFFSET_MINUTES).toBe(420);
  });

  it.each([
    ['2027-05-06T03:00:00.000Z', '2027-05-06T10:00:00+07:00'],
    ['2027-05-06T03:00:00.999Z', '2027-05-06T10:00:00+07:00'], // millis dropped, not rounded
    ['2027-05-05T17:00:00.000Z', '2027-05-06T00:00:00+07:00'], // UTC evening is the next local day
    ['2026-12-31T16:59:59.000Z', '2026-12-31T23:59:59+07:00'],
    ['2026-12-31T17:00:00.000Z', '2027-01-01T00:00:00+07:00'],
  ])('toVnIso(%s) = %s', (utc, expected) => {
    expect(toVnIso(new Date(utc))).toBe(expected);
  });

  it('toVnIso round-trips through Date parsing', () => {
    const d = new Date('2027-05-06T10:20:30+07:00');
    expect(new Date(toVnIso(d)).getTime()).toBe(d.getTime());
  });

  it.each([
    ['2027-05-05T16:59:59.999Z', '2027-05-05'],
    ['2027-05-05T17:00:00.000Z', '2027-05-06'],
    ['2028-02-28T17:00:00.000Z', '2028-02-29'],
  ])('vnDate(%s) = %s', (utc, expected) => {
    expect(vnDate(new Date(utc))).toBe(expected);
  });

  it('vnStartOfDay gives local midnight', () => {
    expect(vnStartOfDay('2027-05-06').toISOString()).toBe('2027-05-05T17:00:00.000Z');
    expect(vnStartOfDay('2028-03-01').toISOString()).toBe('2028-02-29T17:00:00.000Z');
  });

  it('rejects invalid input', () => {
    expect(() => vnStartOfDay('2027-02-30')).toThrow(RangeError);
    expect(() => toVnIso(new Date('nonsense'))).toThrow(RangeError);
    expect(() => vnDate(new Date(NaN))).toThrow(RangeError);
  });

  it.each([
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['2027-12-31', true],
    ['2023-02-29', false],
    ['2100-02-29', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-01-00', false],
    ['2027-1-01', false],
    ['27-01-01', false],
    ['2027-01-01T00:00', false],
    [' 2027-01-01', false],
    ['0000-01-01', false],
    ['', false],
  ])('isValidDateString(%j) = %s', (s, expected) => {
    expect(isValidDateString(s)).toBe(expected);
  });

  it('formats for people in UTC+7', () => {
    const d = new Date('2027-05-05T18:05:00Z'); // 01:05 on 6 May in Vietnam
    expect(formatVnDate(d)).toBe('06/05/2027');
    expect(formatVnTime(d)).toBe('01:05');
    expect(formatVnDateTime(d)).toBe('06/05/2027 01:05');
  });

  describe('does not depend on the process time zone', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });

    it.each(['America/Los_Angeles', 'Pacific/Kiritimati', 'UTC', 'Asia/Ho_Chi_Minh'])('TZ=%s', (tz) => {
      process.env.TZ = tz;
      const d = new Date('2027-05-05T17:30:00Z');
      expect(toVnIso(d)).toBe('2027-05-06T00:30:00+07:00');
      expect(vnDate(d)).toBe('2027-05-06');
      expect(formatVnDateTime(d)).toBe('06/05/2027 00:30');
      expect(vnStartOfDay('2027-05-06').toISOString()).toBe('2027-05-05T17:00:00.000Z');
    });
  });
});
