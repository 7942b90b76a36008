import { DEFAULT_CALENDAR_CONFIG, WorkCalendar, type CalendarConfig } from '../../../workflows/calendar';

describe('calendar configuration', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_CALENDAR_CONFIG).toEqual({
      periods: [
        { start: '07:30', end: '11:30' },
        { start: '13:30', end: '17:30' },
      ],
      workdays: [1, 2, 3, 4, 5],
      cutoff: '15:00',
      includeSep1: true,
    });
    expect(new WorkCalendar().config).toEqual(DEFAULT_CALENDAR_CONFIG);
  });

  it('merges a partial configuration over the defaults', () => {
    const c = new WorkCalendar({ config: { cutoff: '16:00' } });
    expect(c.config.cutoff).toBe('16:00');
    expect(c.config.periods).toEqual(DEFAULT_CALENDAR_CONFIG.periods);
  });

  it('does not let callers change the defaults', () => {
    expect(() => {
      (DEFAULT_CALENDAR_CONFIG as { cutoff: string }).cutoff = '16:00';
    }).toThrow(TypeError);
    expect(DEFAULT_CALENDAR_CONFIG.cutoff).toBe('15:00');
  });

  it('accepts touching periods', () => {
    const c = new WorkCalendar({
      config: {
        periods: [
          { start: '08:00', end: '12:00' },
          { start: '12:00', end: '16:00' },
        ],
      },
    });
    expect(c.workingMsBetween(new Date('2027-06-07T08:00:00+07:00'), new Date('2027-06-07T16:00:00+07:00'))).toBe(
      8 * 3_600_000,
    );
  });

  it.each<[string, Partial<CalendarConfig>, RegExp]>([
    ['a period time without a leading zero', { periods: [{ start: '7:30', end: '11:30' }] }, /periods\[0\]\.start/],
    ['24:00', { periods: [{ start: '13:30', end: '24:00' }] }, /periods\[0\]\.end/],
    ['minutes over 59', { periods: [{ start: '07:60', end: '11:30' }] }, /periods\[0\]\.start/],
    ['a period ending before it starts', { periods: [{ start: '11:30', end: '07:30' }] }, /must end after it starts/],
    ['an empty period', { periods: [{ start: '07:30', end: '07:30' }] }, /must end after it starts/],
    [
      'overlapping periods',
      {
        periods: [
          { start: '07:30', end: '12:00' },
          { start: '11:30', end: '17:30' },
        ],
      },
      /periods\[1\]/,
    ],
    [
      'unordered periods',
      {
        periods: [
          { start: '13:30', end: '17:30' },
          { start: '07:30', end: '11:30' },
        ],
      },
      /periods\[1\]/,
    ],
    ['no periods', { periods: [] }, /periods must be a non-empty list/],
    ['no workdays', { workdays: [] }, /workdays/],
    ['weekday 0', { workdays: [0, 1, 2] }, /workdays/],
    ['weekday 8', { workdays: [1, 8] }, /workdays/],
    ['a repeated weekday', { workdays: [1, 1, 2] }, /repeat/],
    ['a malformed cut-off', { cutoff: '3pm' }, /cutoff/],
    ['a non-boolean includeSep1', { includeSep1: 'yes' as unknown as boolean }, /includeSep1/],
  ])('rejects %s', (_why, config, message) => {
    expect(() => new WorkCalendar({ config })).toThrow(message);
    expect(() => new WorkCalendar({ config })).toThrow(/Invalid calendar configuration/);
  });
});
