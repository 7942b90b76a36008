import type { Knex } from 'knex';
import { insertOutbox } from '../queries/outbox.queries';

/**
 * Add a message to the outbox inside the caller's transaction: it exists if and only if the change
 * that caused it committed. The scheduler delivers it afterwards (design.md §2).
 */
export async function enqueue(
  trx: Knex | Knex.Transaction,
  kind: string,
  payload: Record<string, unknown>,
  now = Date.now(),
): Promise<void> {
  await insertOutbox(trx, kind, payload, now);
}
