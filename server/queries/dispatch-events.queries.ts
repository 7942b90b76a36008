import type { Knex } from 'knex';
import { num } from './normalise';

type Q = Knex | Knex.Transaction;

/**
 * The dispatch event log as the hash chain reads and writes it (services/audit.ts keeps the chain's
 * rules). A chain is one dispatch's own events (reply_id null) or one reply's. Rows are handed over
 * as stored: the hash covers exactly what is in the table.
 */

/** The hash of the latest event of a dispatch's chain or of one reply's, or null before the first. */
export async function lastDispatchEventHash(db: Q, dispatchId: unknown, replyId: unknown): Promise<string | null> {
  const q = db('dispatch_events').where({ dispatch_id: dispatchId });
  if (replyId == null) q.whereNull('reply_id');
  else q.where({ reply_id: replyId });
  const prev = await q.orderBy('id', 'desc').first('hash');
  return (prev?.hash as string | undefined) ?? null;
}

export async function insertDispatchEvent(db: Q, row: Record<string, unknown>): Promise<void> {
  await db('dispatch_events').insert(row);
}

/** Every dispatch event as stored, oldest first (chain verification). */
export async function allDispatchEvents(db: Q): Promise<Array<Record<string, unknown>>> {
  return db('dispatch_events').orderBy('id');
}

export async function countDispatchEvents(db: Q): Promise<number> {
  const [{ n }] = await db('dispatch_events').count<{ n: unknown }[]>({ n: '*' });
  return num(n);
}
