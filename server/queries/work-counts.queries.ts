import type { Knex } from 'knex';
import { num, strOrNull, str } from './normalise';

type Q = Knex | Knex.Transaction;

/** How many dossiers (`dossiers as d`) pass every scope: the caller's policy filters decide which. */
export async function countDossiers(db: Q, scopes: Array<(qb: Knex.QueryBuilder) => void>): Promise<number> {
  const q = db('dossiers as d');
  for (const scope of scopes) scope(q);
  const row = await q.count({ n: '*' }).first();
  return num(row?.n ?? 0);
}

/** A unit's dispatches in the given states, counted by state (what waits on the issuing unit). */
export async function dispatchCountsByState(
  db: Q,
  unitId: number,
  states: readonly string[],
): Promise<Array<{ state: string; n: number }>> {
  const rows = await db('dispatches')
    .where('issuing_unit_id', unitId)
    .whereIn('state', states)
    .groupBy('state')
    .select('state')
    .count({ n: '*' });
  return (rows as Array<Record<string, unknown>>).map((r) => ({ state: str(r.state), n: num(r.n) }));
}

/**
 * A recipient unit's replies to issued dispatches in the given states, counted by state and
 * assignee (the reply policy decides who acts on which).
 */
export async function replyCountsByState(
  db: Q,
  unitId: number,
  states: readonly string[],
): Promise<Array<{ state: string; assignee_id: number | null; n: number }>> {
  const rows = await db('dispatch_replies as r')
    .join('dispatches as d', 'd.id', 'r.dispatch_id')
    .where('r.unit_id', unitId)
    .where('d.state', 'issued')
    .whereIn('r.state', states)
    .groupBy('r.state', 'r.assignee_id')
    .select('r.state', 'r.assignee_id')
    .count({ n: '*' });
  return (rows as Array<Record<string, unknown>>).map((r) => ({
    state: str(r.state),
    assignee_id: strOrNull(r.assignee_id) == null ? null : num(r.assignee_id),
    n: num(r.n),
  }));
}
