/**
 * The one place raw column values become JavaScript values. MySQL returns BIGINT as a number (or a
 * string past 2^53), DECIMAL and SUM() as strings, TINYINT(1) as 0/1; SQLite returns 0/1 for booleans.
 * Each `<table>.queries.ts` maps its rows through these once, so callers never coerce by hand.
 */
export const num = (v: unknown): number => Number(v);
export const numOrNull = (v: unknown): number | null => (v == null ? null : Number(v));
export const bool = (v: unknown): boolean => v === true || Number(v) === 1;
export const boolOrNull = (v: unknown): boolean | null => (v == null ? null : bool(v));
export const str = (v: unknown): string => String(v);
export const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));
