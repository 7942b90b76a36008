/**
 * Working-time configuration of a deployment, its defaults and its validation.
 * Validation happens once, in the WorkCalendar constructor, so that a bad setting fails at start
 * rather than producing wrong deadlines later.
 */
import { isValidDateString, parseHhMm } from './time';

/** How the admin changes one date: a day off (even a weekday) or a working day (even a Saturday). */
export type DayOverride = { kind: 'holiday' | 'workday'; name?: string | null };

/** Working-time settings of a deployment. */
export interface CalendarConfig {
  /** Working periods of a working day, local 'HH:mm', in order and not overlapping. */
  periods: Array<{ start: string; end: string }>;
  /** ISO weekday numbers that are working days, 1 = Monday … 7 = Sunday. */
  workdays: number[];
  /** Local 'HH:mm': a receipt strictly later than this starts counting at the next working day. */
  cutoff: string;
  /** Whether 1/9 is a holiday besides 2/9 (the Labour Code gives "2/9 and one adjacent day"). */
  includeSep1: boolean;
}

/** 07:30–11:30 and 13:30–17:30, Monday to Friday, 15:00 cut-off, 1/9 off. */
export const DEFAULT_CALENDAR_CONFIG: CalendarConfig = Object.freeze({
  periods: Object.freeze([
    Object.freeze({ start: '07:30', end: '11:30' }),
    Object.freeze({ start: '13:30', end: '17:30' }),
  ]) as Array<{ start: string; end: string }>,
  workdays: Object.freeze([1, 2, 3, 4, 5]) as number[],
  cutoff: '15:00',
  includeSep1: true,
});

/** A validated configuration with times turned into milliseconds after local midnight. */
export interface ResolvedConfig {
  config: CalendarConfig;
  /** [startMs, endMs) of each period, in order. */
  periodsMs: Array<readonly [number, number]>;
  workdays: ReadonlySet<number>;
  cutoffMs: number;
}

function fail(message: string): never {
  throw new Error(`Invalid calendar configuration: ${message}`);
}

/**
 * Merge a partial configuration over the defaults and validate it.
 * @throws Error naming the offending setting
 */
export function resolveConfig(partial: Partial<CalendarConfig> = {}): ResolvedConfig {
  // Settings may come from JSON or the environment, so shapes are checked, not trusted.
  const rawPeriods: unknown = partial.periods ?? DEFAULT_CALENDAR_CONFIG.periods;
  const rawWorkdays: unknown = partial.workdays ?? DEFAULT_CALENDAR_CONFIG.workdays;
  if (!Array.isArray(rawPeriods) || rawPeriods.length === 0) fail('periods must be a non-empty list');
  if (!Array.isArray(rawWorkdays) || rawWorkdays.length === 0) fail('workdays must be a non-empty list');
  const config: CalendarConfig = {
    periods: rawPeriods.map((p: { start?: unknown; end?: unknown } | null) => ({
      start: p?.start as string,
      end: p?.end as string,
    })),
    workdays: [...(rawWorkdays as number[])],
    cutoff: partial.cutoff ?? DEFAULT_CALENDAR_CONFIG.cutoff,
    includeSep1: partial.includeSep1 ?? DEFAULT_CALENDAR_CONFIG.includeSep1,
  };
  const periodsMs: Array<readonly [number, number]> = [];
  config.periods.forEach((p, i) => {
    const start = parseHhMm(p.start);
    const end = parseHhMm(p.end);
    if (start === null) fail(`periods[${i}].start must be 'HH:mm', got ${JSON.stringify(p.start)}`);
    if (end === null) fail(`periods[${i}].end must be 'HH:mm', got ${JSON.stringify(p.end)}`);
    if (start >= end) fail(`periods[${i}] must end after it starts (${p.start}–${p.end})`);
    const previous = periodsMs[i - 1];
    if (previous && start * 60_000 < previous[1]) {
      fail(`periods[${i}] (${p.start}–${p.end}) must start no earlier than the end of periods[${i - 1}]`);
    }
    periodsMs.push([start * 60_000, end * 60_000] as const);
  });
  const days = config.workdays;
  if (!days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7))
    fail('workdays must be ISO weekdays 1 (Monday) … 7 (Sunday)');
  if (new Set(days).size !== days.length) fail('workdays must not repeat a day');
  const cutoff = parseHhMm(config.cutoff);
  if (cutoff === null) fail(`cutoff must be 'HH:mm', got ${JSON.stringify(config.cutoff)}`);
  if (typeof config.includeSep1 !== 'boolean') fail('includeSep1 must be true or false');
  return { config, periodsMs, workdays: new Set(days), cutoffMs: cutoff * 60_000 };
}

/**
 * Copy and validate admin overrides keyed by 'YYYY-MM-DD'.
 * @throws Error for a malformed date or kind
 */
export function resolveOverrides(
  overrides: Record<string, DayOverride> | Map<string, DayOverride> | undefined,
): Map<string, DayOverride> {
  const entries = overrides instanceof Map ? [...overrides.entries()] : Object.entries(overrides ?? {});
  const result = new Map<string, DayOverride>();
  for (const [date, o] of entries) {
    if (!isValidDateString(date)) throw new Error(`Invalid calendar override date: ${JSON.stringify(date)}`);
    if (!o || (o.kind !== 'holiday' && o.kind !== 'workday')) {
      throw new Error(`Invalid calendar override for ${date}: kind must be 'holiday' or 'workday'`);
    }
    const name = typeof o.name === 'string' && o.name.trim() !== '' ? o.name.trim() : null;
    result.set(date, { kind: o.kind, name });
  }
  return result;
}
