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

/** The columns every event row has, dossier or dispatch: what happened, from and to, who, when. */
export interface EventFields {
  type: string;
  from_state: string | null;
  to_state: string;
  actor_id: number | null;
  actor_username: string | null;
  actor_name: string | null;
  actor_unit_code: string | null;
  comment: string | null;
  at: number;
}

export function toEventFields(raw: Record<string, unknown>): EventFields {
  return {
    type: str(raw.type),
    from_state: strOrNull(raw.from_state),
    to_state: str(raw.to_state),
    actor_id: numOrNull(raw.actor_id),
    actor_username: strOrNull(raw.actor_username),
    actor_name: strOrNull(raw.actor_name),
    actor_unit_code: strOrNull(raw.actor_unit_code),
    comment: strOrNull(raw.comment),
    at: num(raw.at),
  };
}
