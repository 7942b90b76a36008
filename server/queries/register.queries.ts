import type { Knex } from 'knex';

type Q = Knex | Knex.Transaction;

/** One line of the register of dossiers (form 07). Times are epoch ms. */
export interface RegisterRow {
  code: string;
  procedure_name: string;
  applicant_name: string;
  applicant: string;
  competent_name: string;
  received_at: number;
  due_at: number;
  resolved_at: number | null;
  completed_at: number | null;
}

/**
 * Dossiers received by a unit with `received_at` in [fromMs, toMs), oldest first, at most `limit`.
 */
export async function registerRows(
  db: Q,
  unitId: number,
  fromMs: number,
  toMs: number,
  limit: number,
): Promise<RegisterRow[]> {
  const rows = (await db('dossiers as d')
    .join('units as cu', 'cu.id', 'd.competent_unit_id')
    .where('d.receiving_unit_id', unitId)
    .andWhere('d.received_at', '>=', fromMs)
    .andWhere('d.received_at', '<', toMs)
    .orderBy([
      { column: 'd.received_at', order: 'asc' },
      { column: 'd.id', order: 'asc' },
    ])
    .limit(limit)
    .select(
      'd.code',
      'd.procedure_name',
      'd.applicant_name',
      'd.applicant',
      'cu.name as competent_name',
      'd.received_at',
      'd.due_at',
      'd.resolved_at',
      'd.completed_at',
    )) as RegisterRow[];
  // MySQL returns BIGINT columns as strings.
  const n = (v: unknown) => (v == null ? null : Number(v));
  return rows.map((r) => ({
    ...r,
    received_at: Number(r.received_at),
    due_at: Number(r.due_at),
    resolved_at: n(r.resolved_at),
    completed_at: n(r.completed_at),
  }));
}
