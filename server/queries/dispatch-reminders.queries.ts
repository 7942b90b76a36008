import type { Knex } from 'knex';
import { num, str } from './normalise';

type Q = Knex | Knex.Transaction;

/*
 * The reminder one working day before a dispatch's due date: sent once, across processes, by a
 * conditional update of `reminded_at`; the dispatch itself stays issued (no workflow change).
 */

/** Issued dispatches not yet reminded whose due date is today or later (candidates for the reminder). */
export async function unremindedDispatches(db: Q, today: string): Promise<Array<{ id: number; dueDate: string }>> {
  const rows = await db('dispatches')
    .where('state', 'issued')
    .whereNull('reminded_at')
    .andWhere('due_date', '>=', today)
    .select('id', 'due_date');
  return rows.map((r) => ({ id: num(r.id), dueDate: str(r.due_date) }));
}

/** Mark a dispatch reminded unless it already was; false when another process got there first. */
export async function markReminded(db: Q, id: number, now: number): Promise<boolean> {
  const n = await db('dispatches').where({ id }).whereNull('reminded_at').update({ reminded_at: now });
  return n === 1;
}
